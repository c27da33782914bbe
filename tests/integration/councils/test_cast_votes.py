"""Ballots taken together (``cast_votes``, the intake's group commit) decide exactly as the same
ballots taken one by one (``cast_vote``): same acceptances, same refusals word for word, same
rows and journal entries in the same order."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smolny.councils.actions import SYSTEM, ActionError
from smolny.councils.actions.vote import Ballot, cast_vote, cast_votes
from smolny.councils.models import JournalEntry, NamedVote
from tests.integration.api.conftest import World, build_world
from tests.integration.api.routes import open_vote

pytestmark = pytest.mark.django_db

ACTORS = ("deputy", "chair", "admin", "observer", "system")
MEMBERS = ("n0", "n1", "v0", "n10", "n11")
CHOICES = ("for", "against", "abstain", "maybe")


@pytest.fixture
def world(db: None) -> World:
    return build_world()


def outcome(result: Any) -> tuple[str, ...]:
    if isinstance(result, ActionError):
        return (type(result).__name__, str(result))
    return ("accepted", str(result.mandate_id), result.choice, result.fraction)


def written(before: int, vote: int) -> list[tuple[str, str, dict[str, Any]]]:
    """The journal entries after *before*, without their times and with the vote's id checked
    and dropped (a sequence is not rolled back on PostgreSQL: the two runs' votes differ)."""
    entries = []
    for e in JournalEntry.objects.filter(seq__gt=before).order_by("seq"):
        payload = json.loads(e.payload)
        payload.pop("at")
        assert payload.pop("vote") == vote
        entries.append((e.actor, e.action, payload))
    return entries


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(st.sampled_from(ACTORS), st.sampled_from(MEMBERS), st.sampled_from(CHOICES)),
        max_size=8,
    )
)
def test_ballots_taken_together_decide_as_taken_one_by_one(
    world: World, drawn: list[tuple[str, str, str]]
) -> None:
    members = {
        "n0": world.narva(0),
        "n1": world.narva(1),
        "v0": world.vyborg(0),
        "n10": world.narva(10),
        "n11": world.narva(11),
    }
    actors = {**world.users, "system": SYSTEM}
    ballots = [Ballot(actors[a], members[m], c) for a, m, c in drawn]
    runs = []
    for together in (False, True):
        with transaction.atomic():
            v = open_vote(world)
            before = JournalEntry.objects.order_by("-seq").first().seq  # type: ignore[union-attr]
            if together:
                results = cast_votes(v, ballots)
            else:
                results = []
                for b in ballots:
                    try:
                        results.append(cast_vote(b.actor, v, b.member, b.choice))
                    except ActionError as refusal:
                        results.append(refusal)
            rows = list(
                NamedVote.objects.filter(vote=v)
                .order_by("pk")
                .values_list("mandate_id", "choice", "fraction")
            )
            runs.append(([outcome(r) for r in results], rows, written(before, v.pk)))
            transaction.set_rollback(True)
    assert runs[0] == runs[1]
    # And the rules hold: one accepted answer per deputy, never one for an observer.
    accepted = [o for o in runs[1][0] if o[0] == "accepted"]
    assert len({o[1] for o in accepted}) == len(accepted)
    assert len(runs[1][1]) == len(accepted) <= 3


def test_a_batch_is_one_transaction_with_one_entry_per_accepted_ballot(world: World) -> None:
    v = open_vote(world)
    before = JournalEntry.objects.count()
    results = cast_votes(
        v,
        [
            Ballot(world.users["deputy"], world.narva(1), "for"),
            Ballot(world.users["chair"], world.narva(0), "against"),
            Ballot(world.users["observer"], world.narva(0), "for"),
            Ballot(SYSTEM, world.vyborg(0), "abstain"),
        ],
    )
    assert [outcome(r)[0] for r in results] == [
        "accepted",
        "accepted",
        "PermissionDenied",
        "accepted",
    ]
    assert JournalEntry.objects.count() == before + 3
    assert NamedVote.objects.filter(vote=v).count() == 3
