"""Issue 17, "done when": the permission matrix has no row that lets anyone cast another's
ballot.

Before the fix a secretary could record a deputy's named roll-call answer (``POST
/api/votes/{id}/named`` naming any deputy) and a chair or secretary could submit a roll-call
sheet for the whole hall in a live sitting: either chose answers for others. Now a live
answer of every kind (named roll call, the session's secret ballot, the recall vote, the
members' election) is cast by the voter alone, in person; the sheet of a meeting held on
paper is the record of a past event, entered only by a recorder with the
``Smolny-Occurred-At`` header and journalled as entered later with both times.

Here a secretary and a chair try each kind of ballot for a deputy or a member: refused
through the API and through the action, nothing written; and every row of the permission
matrix (:mod:`tests.integration.api.routes`) that lets a role cast names that role's own
member.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from smolny.api.common import OCCURRED_AT
from smolny.councils import actions
from smolny.councils.actions import PermissionDenied, ballot, vote
from smolny.councils.models import Election, JournalEntry, Member, NamedVote
from tests.integration.api.conftest import SYS, World, call
from tests.integration.api.routes import CASES, narva_poll, open_vote, recall_vote
from tests.integration.attacks.conftest import iso, state

pytestmark = pytest.mark.django_db

HEADER = f"HTTP_{OCCURRED_AT.upper().replace('-', '_')}"

CASTING = (
    ("post", "/api/votes/{vote_id}/named"),
    ("post", "/api/votes/{vote_id}/roll-call"),
    ("post", "/api/votes/{vote_id}/secret"),
    ("post", "/api/recall/votes/{vote_id}/ballots"),
    ("post", "/api/elections/{election_id}/ballots"),
)
"""The routes of the API that cast a ballot or enter an answer, as issue 17 found them."""

CASTING_ENDS = ("/named", "/roll-call", "/secret", "/ballots", "/card")
"""How a casting route's path ends: a route added later (a card vote's) is checked too."""


def named(w: World, member: Member) -> tuple[str, dict[str, Any]]:
    return f"/api/votes/{open_vote(w).pk}/named", {"member": member.pk, "choice": "for"}


def secret(w: World, member: Member) -> tuple[str, dict[str, Any]]:
    url = f"/api/votes/{open_vote(w, 'secret ballot').pk}/secret"
    return url, {"member": member.pk, "choice": "against"}


def recall(w: World, member: Member) -> tuple[str, dict[str, Any]]:
    return f"/api/recall/votes/{recall_vote(w).pk}/ballots", {"member": member.pk, "recall": False}


def election(w: World, member: Member) -> tuple[str, dict[str, Any]]:
    url = f"/api/elections/{narva_poll(w)}/ballots"
    return url, {"member": member.pk, "ranking": [w.narva(4).pk]}


def sheet(w: World, member: Member) -> tuple[str, dict[str, Any]]:
    url = f"/api/votes/{open_vote(w).pk}/roll-call"
    return url, {"sheet": {str(member.pk): "for", str(w.vyborg(0).pk): "against"}}


KINDS: dict[str, Callable[[World, Member], tuple[str, dict[str, Any]]]] = {
    "named roll-call answer": named,
    "roll-call sheet": sheet,
    "session secret ballot": secret,
    "recall ballot": recall,
    "election ballot": election,
}


@pytest.mark.parametrize("kind", sorted(KINDS))
@pytest.mark.parametrize("role", ["admin", "chair"])
def test_a_secretary_or_chair_cannot_cast_for_another(world: World, role: str, kind: str) -> None:
    """The deputy (Narva 1) is in the hall and on the roll; the member (Narva 10) is on the
    roll. A secretary's or a chair's ballot in their name is refused with 403, nothing written."""
    victim = world.narva(10) if kind in ("recall ballot", "election ballot") else world.narva(1)
    url, body = KINDS[kind](world, victim)
    written = state()
    answer = call(world.client(role), "post", url, body)
    assert answer.status_code == 403, answer.content
    assert answer.json()["detail"]
    assert state() == written


def test_the_actions_refuse_a_named_answer_or_a_live_sheet(world: World) -> None:
    """Below the API: a secretary's or a chair's named answer for a deputy, or a sheet in a
    live sitting, refused with PermissionDenied before anything is written."""
    admin, chair, deputy = world.users["admin"], world.users["chair"], world.narva(1)
    roll = open_vote(world)
    written = state()
    for actor in (admin, chair):
        with pytest.raises(PermissionDenied, match="may not answer the roll call"):
            vote.cast_vote(actor, roll, deputy, "for")
        with pytest.raises(PermissionDenied, match="meeting held on paper"):
            vote.record_roll_call(actor, roll, {deputy: "for"})
    assert state() == written


def test_the_actions_refuse_a_secret_recall_or_election_ballot(world: World) -> None:
    admin, chair, deputy, member = (
        world.users["admin"],
        world.users["chair"],
        world.narva(1),
        world.narva(10),
    )
    secret_vote = open_vote(world, "secret ballot")
    poll = Election.objects.get(pk=narva_poll(world))
    recall_ballots = recall_vote(world)
    written = state()
    for actor in (admin, chair):
        with pytest.raises(PermissionDenied, match="cast by the voter alone"):
            ballot.cast_secret_ballot(actor, secret_vote, deputy, "for")
        with pytest.raises(PermissionDenied, match="cast by the voter alone"):
            actions.cast_recall_vote(actor, recall_ballots, member, False)
        with pytest.raises(PermissionDenied, match="cast by the voter alone"):
            actions.cast_election_ballot(actor, poll, member, [world.narva(4)])
    assert state() == written


def test_a_deputy_answers_for_themself(world: World) -> None:
    """The refusals above are about whose ballot it is, not about the route: the deputy's own
    named answer and secret ballot are taken."""
    url, body = named(world, world.narva(1))
    assert call(world.client("deputy"), "post", url, body).status_code == 201
    assert NamedVote.objects.filter(mandate=world.mandates["deputy"]).count() == 1


def test_the_sheet_of_a_paper_meeting_is_entered_by_a_recorder_as_a_past_event(
    world: World,
) -> None:
    """The one path by which anyone enters answers for deputies: a recorder, with the time of
    the meeting in the header; a secretary or chair with the header but no recorder's role is
    refused; the entry is journalled as entered later, with both times."""
    url, body = sheet(world, world.narva(1))
    when = iso(timezone.now())
    written = state()
    for role in ("admin", "chair"):
        refused = call(world.client(role), "post", url, body, **{HEADER: when})
        assert refused.status_code == 403, refused.content
        assert "past events" in refused.json()["detail"]
    assert state() == written
    actions.appoint_recorder(SYS, world.frame.organisation, world.users["admin"])
    entered = call(world.client("admin"), "post", url, body, **{HEADER: when})
    assert entered.status_code == 201, entered.content
    assert entered.json()["recorded"] == 2
    entry = JournalEntry.objects.order_by("-seq").first()
    assert entry is not None
    assert entry.action == "record_roll_call"
    payload = json.loads(entry.payload)
    assert datetime.fromisoformat(payload["at"]) == datetime.fromisoformat(when)
    assert datetime.fromisoformat(payload["entered_later"]) >= datetime.fromisoformat(when)
    assert payload["votes"] == {
        world.narva(1).external_id: "for",
        world.vyborg(0).external_id: "against",
    }


def test_no_row_of_the_permission_matrix_casts_another_s_ballot(world: World) -> None:
    """Every casting route's allowed roles name their own member; the sheet is allowed to no
    role in a live request."""
    assert set(CASTING) <= set(CASES)
    assert CASES[("post", "/api/votes/{vote_id}/roll-call")].allowed == frozenset()
    casting = {r for r in CASES if r[0] == "post" and r[1].endswith(CASTING_ENDS)}
    assert set(CASTING) <= casting
    for route in sorted(casting):
        case = CASES[route]
        for role in case.allowed:
            with transaction.atomic():
                _, body = case.prepare(world, role)
                members = [body["member"]] if "member" in body else [int(k) for k in body["sheet"]]
                owners = set(
                    Member.objects.filter(pk__in=members).values_list("user_id", flat=True)
                )
                transaction.set_rollback(True)
            assert owners == {world.users[role].pk}, (route, role, owners)
