"""Issue 17, item 5: a receipt that proves inclusion without revealing the choice.

The attack before the fix: whoever held a secret ballot's receipt code asked the server for
the ballot under it and was told the choice. Now the receipt is a *tracker* (a hash of the
sealed ballot's content and a nonce thrown away), the server answers only "counted" or not,
and each secret vote has a public bulletin board from which anyone can recount the result,
so a board doctored after the close (a choice changed, a result raised) is caught by
``smolny verify-vote``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from smolny.cli import main as smolny
from smolny.councils.actions import ballot, vote
from smolny.councils.models import SecretBallot, SecretTracker, Vote
from tests.integration.api.conftest import SYS, World, call
from tests.integration.api.routes import open_vote


def cast_three(world: World) -> tuple[Vote, dict[str, str]]:
    """Three secret ballots (for, for, against); the trackers by choice-and-voter."""
    v = open_vote(world, "secret ballot")
    trackers = {
        "narva0-for": ballot.cast_secret_ballot(SYS, v, world.narva(0), "for"),
        "narva1-for": ballot.cast_secret_ballot(SYS, v, world.narva(1), "for"),
        "vyborg0-against": ballot.cast_secret_ballot(SYS, v, world.vyborg(0), "against"),
    }
    return v, trackers


def board_of(world: World, v: Vote, role: str = "member") -> dict[str, Any]:
    answer = call(world.client(role), "get", f"/api/votes/{v.pk}/board")
    assert answer.status_code == 200, answer.content
    board: dict[str, Any] = answer.json()
    return board


def test_the_receipt_check_answers_counted_and_never_the_choice(world: World) -> None:
    v = open_vote(world, "secret ballot")
    cast = call(
        world.client("deputy"),
        "post",
        f"/api/votes/{v.pk}/secret",
        {"member": world.narva(1).pk, "choice": "against"},
    )
    tracker = cast.json()["receipt"]
    check = f"/api/votes/{v.pk}/receipt"
    assert call(world.client("deputy"), "post", check, {"code": tracker}).json() == {
        "vote": v.pk,
        "counted": False,  # in the box, not yet counted
    }
    vote.close_vote(SYS, v)
    answer = call(world.client("deputy"), "post", check, {"code": tracker})
    assert answer.json() == {"vote": v.pk, "counted": True}
    assert "against" not in answer.content.decode()


def test_a_tracker_is_on_the_board_while_the_vote_runs_and_never_beside_a_choice(
    world: World,
) -> None:
    v, trackers = cast_three(world)
    running = board_of(world, v)
    assert running["status"] == Vote.OPEN
    assert running["trackers"] == sorted(trackers.values())  # sorted: no order of casting
    # Two ballots with the same choice have different trackers: a tracker is not a function of
    # the choice (the nonce), so nobody can tell which tracker stands for which choice.
    assert trackers["narva0-for"] != trackers["narva1-for"]
    assert "ballots" not in running
    assert "declared" not in running
    text = json.dumps(running)
    assert not any(word in text for word in ('"for"', '"against"', '"abstain"'))
    # A stranger to the organisation does not read it (404, as for no such vote).
    assert call(world.client(None), "get", f"/api/votes/{v.pk}/board").status_code in (401, 404)

    vote.close_vote(SYS, v)
    closed = board_of(world, v)
    # The trackers, sorted, apart from the opened ballots: a reader who linked a tracker to its
    # voter on the running board (the cast's journal entry names the voter) learns no choice.
    assert closed["trackers"] == sorted(trackers.values())
    assert all(set(b) == {"choice"} for b in closed["ballots"])
    assert sorted(b["choice"] for b in closed["ballots"]) == sorted(
        key.split("-")[1] for key in trackers
    )
    # Nor does the ballot table hold a tracker beside a choice.
    rows = SecretBallot.objects.filter(vote=v)
    assert set(rows.values_list("receipt_hash", flat=True)) == {""}
    # In the order of the fresh random keys the close wrote, not the order of casting.
    keys = list(rows.order_by("key").values_list("choice", flat=True))
    assert [b["choice"] for b in closed["ballots"]] == keys
    assert closed["declared"]["for"] == 2
    assert closed["declared"]["against"] == 1
    assert SecretTracker.objects.filter(vote=v).count() == 3


def test_the_board_page_lists_the_trackers_and_offers_the_download(world: World) -> None:
    v, trackers = cast_three(world)
    client = world.client(None)
    client.force_login(world.users["member"])
    url = f"/sessions/{world.sitting.pk}/votes/{v.pk}/board"
    page = client.get(url).content.decode()
    assert all(t in page for t in trackers.values())
    assert f"{url}.json" in page
    vote.close_vote(SYS, v)
    page = client.get(url).content.decode()
    assert all(t in page for t in trackers.values())
    assert "against" in page
    download = client.get(f"{url}.json")
    assert download["content-disposition"].startswith("attachment")
    assert json.loads(download.content)["format"] == "smolny bulletin board 1"
    # A vote of another sitting (or none) has no board here.
    assert client.get(f"/sessions/{world.sitting.pk}/votes/{v.pk + 1}/board").status_code == 404


def downloaded(world: World, v: Vote, tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    client = world.client(None)
    client.force_login(world.users["member"])
    body = client.get(f"/sessions/{world.sitting.pk}/votes/{v.pk}/board.json").content
    path = tmp_path / f"board-{v.pk}.json"
    path.write_bytes(body)
    board: dict[str, Any] = json.loads(body)
    return path, board


def test_the_recount_of_the_board_agrees(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    v, _ = cast_three(world)
    closed = vote.close_vote(SYS, v)
    path, board = downloaded(world, v, tmp_path)
    assert board["declared"]["outcome"] == closed.outcome
    assert smolny(["verify-vote", str(path)]) == 0
    assert "agrees" in capsys.readouterr().out


def test_a_board_with_a_choice_changed_fails_the_recount(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    v, _ = cast_three(world)
    vote.close_vote(SYS, v)
    path, board = downloaded(world, v, tmp_path)
    against = next(b for b in board["ballots"] if b["choice"] == "against")
    against["choice"] = "for"  # the tally says 2 to 1; the doctored ballots say 3 to 0
    path.write_text(json.dumps(board))
    assert smolny(["verify-vote", str(path)]) == 1
    out = capsys.readouterr().out
    assert "DISAGREES for" in out
    assert "DISAGREES against" in out

    # The declared result raised instead, the ballots left alone: caught as well.
    _, board = downloaded(world, v, tmp_path)
    board["declared"]["for"] += 1000
    path.write_text(json.dumps(board))
    assert smolny(["verify-vote", str(path)]) == 1

    # A ballot more than there are trackers (stuffing): caught.
    capsys.readouterr()
    _, board = downloaded(world, v, tmp_path)
    board["ballots"].append(dict(board["ballots"][0]))
    path.write_text(json.dumps(board))
    assert smolny(["verify-vote", str(path)]) == 1
    assert "lists 4 for 3 trackers" in capsys.readouterr().out

    # A tracker listed twice (a ballot and its tracker copied): caught.
    _, board = downloaded(world, v, tmp_path)
    board["ballots"].append(dict(board["ballots"][0]))
    board["trackers"].append(board["trackers"][0])
    path.write_text(json.dumps(board))
    assert smolny(["verify-vote", str(path)]) == 1
    assert "appears 2 times" in capsys.readouterr().out


def test_a_bad_board_file_exits_2(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    v, _ = cast_three(world)
    running, _ = downloaded(world, v, tmp_path)
    assert smolny(["verify-vote", str(running)]) == 2  # a running board has no ballots
    assert "not closed" in capsys.readouterr().err
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    assert smolny(["verify-vote", str(bad)]) == 2
    bad.write_text('{"format": "smolny bulletin board 1", "format": "x"}')
    assert smolny(["verify-vote", str(bad)]) == 2
    assert "appears twice" in capsys.readouterr().err
    assert smolny(["verify-vote", str(tmp_path / "missing.json")]) == 2
    vote.close_vote(SYS, v)
    path, board = downloaded(world, v, tmp_path)
    board["ballots"][0]["choice"] = "maybe"
    path.write_text(json.dumps(board))
    assert smolny(["verify-vote", str(path)]) == 2
