"""Members' ballots over the API: nominate, cast (the answer is the turnout), close the poll.

In the API's world Narva has a vacant seat; the chair, the deputy and the member role are
Narva members. The by-election there gets two candidates, Narva members 3 and 4.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from smolny.councils.models import Election, ElectionVoter, JournalEntry
from tests.integration.api.conftest import World, call

pytestmark = pytest.mark.django_db


def by_election(world: World) -> int:
    narva = world.frame.constituencies["Narva"].pk
    answer = call(
        world.client("admin"),
        "post",
        f"/api/constituencies/{narva}/elections",
        {"by_election": True},
    )
    assert answer.status_code == 201, answer.content
    pk: int = answer.json()["id"]
    for i in (3, 4):
        nominated = call(
            world.client("admin"),
            "post",
            f"/api/elections/{pk}/candidates",
            {"member": world.narva(i).pk},
        )
        assert nominated.status_code == 201, nominated.content
    return pk


def cast(world: World, role: str, pk: int, voter: int, ranking: list[int]) -> Any:
    body = {"member": world.narva(voter).pk, "ranking": [world.narva(i).pk for i in ranking]}
    return call(world.client(role), "post", f"/api/elections/{pk}/ballots", body)


def test_members_vote_and_the_secretary_closes_the_poll(world: World) -> None:
    pk = by_election(world)
    listed = call(world.client("member"), "get", f"/api/elections/{pk}/candidates").json()
    assert [c["member_id"] for c in listed] == [
        world.narva(3).external_id,
        world.narva(4).external_id,
    ]

    first = cast(world, "member", pk, 10, [4, 3])
    assert first.status_code == 201, first.content
    answer = first.json()
    receipt = answer.pop("receipt")
    assert answer == {"election": pk, "status": "open", "voters": 1, "roll": 30}
    # The receipt is a tracker on the poll's board, not the ranking.
    assert re.fullmatch(r"[0-9a-f]{64}", receipt)
    board = call(world.client("member"), "get", f"/api/elections/{pk}/board").json()
    assert board["trackers"] == [receipt]
    assert cast(world, "chair", pk, 0, [4]).status_code == 201
    assert cast(world, "deputy", pk, 1, [3]).status_code == 201
    turnout = call(world.client("member"), "get", f"/api/elections/{pk}/turnout").json()
    assert turnout["voters"] == 3
    assert "ranking" not in str(turnout)

    closed = call(world.client("admin"), "post", f"/api/elections/{pk}/poll/close", {})
    assert closed.status_code == 200, closed.content
    result = closed.json()
    assert result["status"] == "declared"
    assert result["result"]["elected"] == [world.narva(4).external_id]
    assert result["result"]["count"]["voters"] == 3


def test_refusals_say_why_and_write_nothing(world: World) -> None:
    pk = by_election(world)
    assert cast(world, "member", pk, 10, [3]).status_code == 201
    before = (JournalEntry.objects.count(), ElectionVoter.objects.count())
    cases = [
        (cast(world, "member", pk, 10, [4]), 409, "has voted in this election already"),
        (cast(world, "chair", pk, 0, [3, 3]), 422, "ranked more than once"),
        (cast(world, "chair", pk, 0, [5]), 422, "not a candidate in this election"),
        (cast(world, "admin", pk, 0, [3]), 403, "cast by the voter alone"),
        (cast(world, "chair", pk, 0, []), 422, "ranking"),
        (
            call(
                world.client("chair"),
                "post",
                f"/api/elections/{pk}/ballots",
                {"member": world.narva(0).pk, "ranking": [2**62]},
            ),
            422,
            "ranking: no member",
        ),
        (
            call(
                world.client("admin"),
                "post",
                f"/api/elections/{pk}/result",
                {"elected": [world.narva(3).pk]},
            ),
            409,
            "close its poll",
        ),
        (
            call(
                world.client("admin"),
                "post",
                f"/api/elections/{pk}/candidates/{world.narva(3).pk}/withdrawal",
                {},
            ),
            409,
            "voting has started",
        ),
    ]
    for answer, status, words in cases:
        assert answer.status_code == status, answer.content
        assert words in str(answer.json()["detail"]), answer.content
    assert (JournalEntry.objects.count(), ElectionVoter.objects.count()) == before
    assert Election.objects.get(pk=pk).status == Election.OPEN
