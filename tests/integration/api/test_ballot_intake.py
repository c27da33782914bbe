"""Members' election ballots through the intake (smolny/api/intake.py): cast in batches, one
transaction each (issue 20, item 1), answered as the route would, secret and once per member.

Driven as the ASGI server drives it, in front of Django's ASGI application (the helpers of
:mod:`tests.integration.api.test_intake`); the settling runs in the intake's own thread, so
these tests commit (``transactional_db``).
"""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

import pytest
from django.core.asgi import get_asgi_application
from django.db import connection

from smolny.api.intake import RollCallIntake
from smolny.councils import actions
from smolny.councils.actions import ballot_box
from smolny.councils.models import (
    Election,
    ElectionBallot,
    ElectionTracker,
    ElectionVoter,
    JournalEntry,
)
from smolny.journal.actions import SYSTEM
from smolny.journal.chain import verify_journal
from tests.integration.api.conftest import World, build_world
from tests.integration.api.routes import narva_poll
from tests.integration.api.test_intake import Request, send_one, send_together, through_route


@pytest.fixture
def world(transactional_db: None) -> World:
    return build_world()


@pytest.fixture
def intake() -> RollCallIntake:
    return RollCallIntake(get_asgi_application())


def ballot(world: World, election: int, role: str, voter: int, *ranking: int) -> Request:
    body = {"member": world.narva(voter).pk, "ranking": [world.narva(r).pk for r in ranking]}
    return (role, f"/api/elections/{election}/ballots", body)


def test_ballots_arriving_together_are_one_batch_answered_as_the_route_would(
    world: World, intake: RollCallIntake
) -> None:
    poll = narva_poll(world)  # candidates: Narva members 3 and 4
    requests = [
        ballot(world, poll, "chair", 0, 4, 3),
        ballot(world, poll, "deputy", 1, 3),
        ballot(world, poll, "deputy", 1, 4),  # a second ballot of the same member
        ballot(world, poll, "member", 1, 3),  # another member's ballot: in person only
        ballot(world, poll, "member", 10, 5),  # not a candidate
        ballot(world, poll, "admin", 10, 3),  # a secretary casts for nobody
    ]
    answers = send_together(intake, world, requests)

    assert intake.batches == 1
    assert [status for status, _, _ in answers] == [201, 201, 409, 403, 422, 403]
    first, second = answers[0][2], answers[1][2]
    assert {k: v for k, v in first.items() if k != "receipt"} == {
        "election": poll,
        "status": "open",
        "voters": 2,
        "roll": first["roll"],
    }
    assert re.fullmatch(r"[0-9a-f]{64}", first["receipt"])
    assert first["receipt"] != second["receipt"]
    assert answers[0][1]["x-content-type-options"] == "nosniff"
    # The refusals are the route's, word for word.
    for request, (status, _, body) in zip(requests, answers, strict=True):
        if status != 201:
            assert through_route(world, request) == (status, body), request
    assert "has voted in this election already" in answers[2][2]["detail"]
    # Who voted, apart from what; a tracker each; a journal entry each, naming no ranking.
    assert ElectionVoter.objects.filter(election_id=poll).count() == 2
    assert set(
        ElectionTracker.objects.filter(election_id=poll).values_list("tracker", flat=True)
    ) == {
        first["receipt"],
        second["receipt"],
    }
    entries = list(JournalEntry.objects.filter(action="cast_election_ballot").order_by("seq"))
    assert [json.loads(e.payload)["member"] for e in entries] == [
        world.narva(0).external_id,
        world.narva(1).external_id,
    ]
    assert all("ranking" not in json.loads(e.payload) for e in entries)
    # The two ballots hide among the bucket's decoys, sealed: no ranking in clear.
    boxes = ElectionBallot.objects.filter(election_id=poll)
    assert boxes.count() == ballot_box.bucket_size() + 2
    assert not boxes.filter(filled=True).exists()
    assert verify_journal()[1] is None
    # The close opens the boxes and counts exactly the two rankings cast.
    actions.close_election_poll(SYSTEM, Election.objects.get(pk=poll))
    opened = sorted(
        ElectionBallot.objects.filter(election_id=poll, filled=True).values_list(
            "ranking", flat=True
        )
    )
    numbers = [world.narva(i).external_id for i in (3, 4)]
    assert opened == sorted([[numbers[1], numbers[0]], [numbers[0]]])


def test_one_ballot_sent_two_hundred_times_at_once_counts_once(world: World) -> None:
    """On PostgreSQL two intakes stand for two worker processes, each settling in its own
    thread on its own connection, racing for the journal's lock. SQLite is served by one
    process (``smolny serve``), so there one intake takes all 200 (its test database, one
    in-memory file, refuses a second writer at once instead of queueing it)."""
    poll = narva_poll(world)
    request = ballot(world, poll, "deputy", 1, 3)
    workers = 2 if connection.vendor == "postgresql" else 1
    intakes = [RollCallIntake(get_asgi_application()) for _ in range(workers)]

    async def race() -> list[int]:
        sent = [send_one(intakes[n % workers], world, request) for n in range(200)]
        return [status for status, _, _ in await asyncio.gather(*sent)]

    statuses = sorted(asyncio.run(race()))
    assert statuses == [201] + [409] * 199
    assert ElectionVoter.objects.filter(election_id=poll).count() == 1
    assert ElectionTracker.objects.filter(election_id=poll).count() == 1
    assert JournalEntry.objects.filter(action="cast_election_ballot").count() == 1
    with pytest.raises(actions.NotAllowed, match="voted in this election already"):
        actions.cast_election_ballot(
            world.users["deputy"], Election.objects.get(pk=poll), world.narva(1), [world.narva(4)]
        )


def test_what_the_intake_does_not_take_django_answers(world: World, intake: RollCallIntake) -> None:
    poll = narva_poll(world)
    url = f"/api/elections/{poll}/ballots"
    voter, candidate = world.narva(1).pk, world.narva(3).pk
    requests: list[tuple[str | None, str, Any]] = [
        (None, url, {"member": voter, "ranking": [candidate]}),  # no token: 401
        ("deputy", url, {"member": voter, "ranking": [10**9]}),  # no such member: 400
        ("deputy", url, {"member": voter, "ranking": []}),  # an empty ranking: 422
        ("deputy", url, {"member": str(voter), "ranking": [candidate]}),  # a string: 422
        ("deputy", f"/api/elections/{poll + 1000}/ballots", {"member": voter, "ranking": [1]}),
        ("deputy", url, {"member": voter, "ranking": [candidate], "at": "2026-01-01T00:00:00Z"}),
    ]
    for request in requests:
        status, _, body = send_together(intake, world, [request])[0]
        assert (status, body) == through_route(world, request), request
        assert status in (400, 401, 404, 422), (request, status, body)
    assert not JournalEntry.objects.filter(action="cast_election_ballot").exists()
    assert not ElectionVoter.objects.filter(election_id=poll).exists()
