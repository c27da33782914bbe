"""Issue 17, item 5, for the recall vote and the members' election poll.

As for the session's secret ballot (``test_receipts.py``): the voter's receipt is a tracker
(a hash of the ballot and a nonce thrown away), not a key to the choice; each recall vote and
each election poll has a public bulletin board that lists the trackers while it runs and,
after the close, the opened ballots in random order apart from the trackers; anyone holding
the board's JSON recounts the result with ``smolny verify-vote``, which catches a board
doctored after the close (a choice changed, the result raised, a ballot stuffed). The board
follows the organisation's privacy: a stranger gets 404.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from smolny.cli import main as smolny
from smolny.councils import actions
from smolny.councils.models import (
    Election,
    ElectionTracker,
    Organisation,
    RecallBallot,
    RecallTracker,
    RecallVote,
)
from smolny.journal.state import check_state
from tests.integration.api.conftest import SYS, World, call
from tests.integration.api.routes import narva_poll, recall_vote
from tests.integration.councils.conftest import d

pytestmark = pytest.mark.django_db

TRACKER = re.compile(r"[0-9a-f]{64}")


def board(world: World, url: str, tmp_path: Path, role: str = "member") -> tuple[Path, Any]:
    """The board as a reader downloads it, saved to a file for ``smolny verify-vote``."""
    answer = call(world.client(role), "get", url)
    assert answer.status_code == 200, answer.content
    path = tmp_path / "board.json"
    path.write_bytes(answer.content)
    return path, answer.json()


def recall_cast(world: World) -> tuple[RecallVote, str, list[str]]:
    """Twelve of Narva's thirty vote (the quorum is ten): seven to recall, five to keep. The
    member (Narva 10) casts through the API; the receipt returned, and every tracker."""
    rv = recall_vote(world)
    answer = call(
        world.client("member"),
        "post",
        f"/api/recall/votes/{rv.pk}/ballots",
        {"member": world.narva(10).pk, "recall": True},
    )
    assert answer.status_code == 201, answer.content
    receipt = answer.json()["receipt"]
    trackers = [receipt]
    for n, i in enumerate(range(11, 22)):
        trackers.append(actions.cast_recall_vote(SYS, rv, world.narva(i), n < 6))
    return rv, receipt, trackers


def test_a_recall_receipt_is_a_tracker_on_the_board_and_the_board_recounts(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rv, receipt, trackers = recall_cast(world)
    url = f"/api/recall/votes/{rv.pk}/board"
    assert TRACKER.fullmatch(receipt)
    assert len(set(trackers)) == len(trackers)  # same choice, different trackers (the nonce)
    _, running = board(world, url, tmp_path)
    assert running["status"] == "open"
    assert running["trackers"] == sorted(trackers)  # sorted: nothing of the order of casting
    assert set(running) == {
        *("format", "kind", "vote", "organisation", "question", "method", "options"),
        *("status", "trackers"),
    }  # no ballot, no count while the vote runs
    # The stranger (a user with no place in the organisation) is told nothing exists.
    assert call(world.client("observer"), "get", url).status_code == 404

    closed = actions.close_recall_vote(SYS, rv)
    assert (closed.votes_recall, closed.votes_keep, closed.outcome) == (7, 5, "recalled")
    path, done = board(world, url, tmp_path)
    assert done["trackers"] == sorted(trackers)
    assert sorted(b["choice"] for b in done["ballots"]) == ["keep"] * 5 + ["recall"] * 7
    assert all(set(b) == {"choice"} for b in done["ballots"])  # no tracker beside a choice
    # The ballots in the order of the random keys the close wrote them under.
    keys = list(RecallBallot.objects.filter(vote=rv).order_by("key").values_list("choice"))
    assert [b["choice"] for b in done["ballots"]] == [k[0] for k in keys]
    assert done["declared"] == {"outcome": "recalled", "recall": 7, "keep": 5}
    assert smolny(["verify-vote", str(path)]) == 0
    assert "agrees" in capsys.readouterr().out

    # Two choices turned from recall to keep after the close: the recount says not recalled.
    doctored = json.loads(path.read_text())
    flipped = [b for b in doctored["ballots"] if b["choice"] == "recall"][:2]
    for b in flipped:
        b["choice"] = "keep"
    path.write_text(json.dumps(doctored))
    assert smolny(["verify-vote", str(path)]) == 1
    out = capsys.readouterr().out
    assert "DISAGREES outcome" in out
    assert "'not recalled'" in out

    # A ballot stuffed in (one more than the trackers): caught.
    stuffed = json.loads(json.dumps(done))
    stuffed["ballots"].append({"choice": "recall"})
    path.write_text(json.dumps(stuffed))
    assert smolny(["verify-vote", str(path)]) == 1
    assert "lists 13 for 12 trackers" in capsys.readouterr().out


def test_an_election_receipt_is_a_tracker_on_the_board_and_the_board_recounts(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    election = Election.objects.get(pk=narva_poll(world))
    a, b = world.narva(3), world.narva(4)
    answer = call(
        world.client("member"),
        "post",
        f"/api/elections/{election.pk}/ballots",
        {"member": world.narva(10).pk, "ranking": [a.pk, b.pk]},
    )
    assert answer.status_code == 201, answer.content
    receipt = answer.json()["receipt"]
    assert TRACKER.fullmatch(receipt)
    assert answer.json()["voters"] == 1
    trackers = [receipt]
    for i, ranking in ((12, [a]), (13, [a, b]), (14, [b]), (15, [a]), (16, [b, a])):
        trackers.append(
            actions.cast_election_ballot(SYS, election, world.narva(i), ranking, at=d(9, 11))
        )
    url = f"/api/elections/{election.pk}/board"
    _, running = board(world, url, tmp_path)
    assert running["status"] == "open"
    assert running["trackers"] == sorted(trackers)
    assert running["candidates"] == [a.external_id, b.external_id]
    assert "ballots" not in running
    assert call(world.client("observer"), "get", url).status_code == 404

    actions.close_election_poll(SYS, election, at=d(9, 12))
    path, done = board(world, url, tmp_path)
    assert done["declared"] == {"elected": [a.external_id]}
    assert done["trackers"] == sorted(trackers)
    assert sorted(len(b["ranking"]) for b in done["ballots"]) == [1, 1, 1, 2, 2, 2]
    assert all(set(x) == {"ranking"} for x in done["ballots"])
    assert smolny(["verify-vote", str(path)]) == 0
    assert "agrees" in capsys.readouterr().out

    # Rankings turned round after the close: the recount elects the other candidate.
    doctored = json.loads(path.read_text())
    for x in doctored["ballots"]:
        x["ranking"] = [
            b.external_id if c == a.external_id else a.external_id for c in x["ranking"]
        ]
    path.write_text(json.dumps(doctored))
    assert smolny(["verify-vote", str(path)]) == 1
    assert "DISAGREES elected" in capsys.readouterr().out

    # The declared winner changed instead, the ballots left alone: caught as well.
    raised = json.loads(json.dumps(done))
    raised["declared"]["elected"] = [b.external_id]
    path.write_text(json.dumps(raised))
    assert smolny(["verify-vote", str(path)]) == 1


def test_an_election_decided_by_a_result_entered_has_no_board(world: World) -> None:
    """No member voted in it here, so there is no box to show (409, saying why)."""
    answer = call(
        world.client("member"), "get", f"/api/elections/{world.declared_unseated.pk}/board"
    )
    assert answer.status_code == 409
    assert "result entered" in answer.json()["detail"]


def test_the_boards_download_from_the_pages_for_readers_only(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The pages offer the same JSON (for a reader who has no API token): a member gets it and
    it recounts; a stranger gets 404, an anonymous visitor the sign-in page, until the
    organisation keeps a public record."""
    election = Election.objects.get(pk=narva_poll(world, cast=True))
    actions.close_election_poll(SYS, election, at=d(9, 12))
    rv, _, _ = recall_cast(world)
    actions.close_recall_vote(SYS, rv)
    org = world.organisation_id
    urls = {
        f"/o/{org}/recall-votes/{rv.pk}/board.json": f"/api/recall/votes/{rv.pk}/board",
        f"/o/{org}/elections/{election.pk}/board.json": f"/api/elections/{election.pk}/board",
    }
    member, outsider = Client(), Client()
    member.force_login(world.users["member"])
    outsider.force_login(world.users["observer"])
    for page, api in urls.items():
        answer = member.get(page)
        assert answer.status_code == 200
        assert answer.json() == call(world.client("member"), "get", api).json()
        path = tmp_path / "download.json"
        path.write_bytes(answer.content)
        assert smolny(["verify-vote", str(path)]) == 0
        assert outsider.get(page).status_code == 404
        assert Client().get(page).status_code == 302  # to the sign-in page
    assert (
        member.get(f"/o/{org}/elections/{world.declared_unseated.pk}/board.json").status_code == 404
    )
    Organisation.objects.filter(pk=org).update(public_record=True)
    for page in urls:
        assert Client().get(page).status_code == 200
    capsys.readouterr()


def test_a_tracker_added_or_removed_by_sql_is_caught_by_the_audit(world: World) -> None:
    """The board vouches for the ballots through its trackers: a tracker slipped in (to
    cover a stuffed ballot) or taken out is a disagreement with the journal's casts."""
    rv, _, trackers = recall_cast(world)
    election = Election.objects.get(pk=narva_poll(world, cast=True))
    assert check_state() == []
    RecallTracker.objects.create(vote=rv, tracker="ab" * 32)
    ElectionTracker.objects.filter(election=election).delete()
    problems = check_state()
    assert f"recall vote {rv.pk}: 13 trackers on its board for 12 ballots cast" in problems[0]
    assert len(problems) == 1  # an election left with no tracker at all: cast before them
    RecallTracker.objects.filter(tracker__in=trackers[:2]).delete()
    assert "11 trackers on its board for 12" in check_state()[0]
