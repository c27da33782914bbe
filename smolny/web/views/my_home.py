"""A signed-in person's front page: their organisations, their next sittings, and what awaits
their hand (open ballots, recall votes and petitions of their constituencies).

Everything is read now, through the person's current roll entries (at most one per
organisation) and roles; a secretary's next sittings are all of their organisation's.
Bounded lists: a person in a large organisation sees the nearest few of each.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils import timezone

from smolny.councils.models import (
    Election,
    ElectionVoter,
    Member,
    Organisation,
    OrganisationRole,
    RecallPetition,
    RecallSignature,
    RecallVote,
    RecallVoter,
    Session,
)
from smolny.councils.models.dated import valid_at

SHOWN = 10


@dataclass
class MyOrganisation:
    organisation: Organisation
    member: Member | None = None
    roles: list[str] = field(default_factory=list)

    @property
    def secretary(self) -> bool:
        return OrganisationRole.SECRETARY in self.roles


@dataclass(frozen=True)
class Awaiting:
    """Something in a person's constituency that awaits their hand, with where to do it."""

    kind: str  # "election", "recall vote" or "petition"
    organisation: Organisation
    subject: str
    done: bool  # voted, or signed


@dataclass
class MyHome:
    organisations: list[MyOrganisation]
    sittings: list[Session]
    awaiting: list[Awaiting]


def my_home(user: Any) -> MyHome:
    """What the front page shows *user* (signed in)."""
    now = timezone.now()
    members = list(
        Member.objects.filter(valid_at(now), user=user).select_related(
            "organisation", "constituency"
        )
    )
    roles = OrganisationRole.objects.filter(valid_at(now), user=user).select_related("organisation")
    mine: dict[int, MyOrganisation] = {}
    for member in members:
        mine.setdefault(member.organisation_id, MyOrganisation(member.organisation)).member = member
    for role in roles:
        entry = mine.setdefault(role.organisation_id, MyOrganisation(role.organisation))
        entry.roles.append(role.role)
    organisations = sorted(mine.values(), key=lambda m: m.organisation.name)
    return MyHome(organisations, _sittings(user, organisations, now), _awaiting(members))


def _sittings(user: Any, organisations: list[MyOrganisation], now: Any) -> list[Session]:
    """The sittings to come (or sitting now) of the organs where *user* holds a seat, and all
    those of the organisations where they are a secretary."""
    kept = [o.organisation.pk for o in organisations if o.secretary]
    seated = Q(
        organ__seat_rows__end=None,
        organ__seat_rows__holder__end=None,
        organ__seat_rows__holder__member__user=user,
    )
    sittings = (
        Session.objects.filter(status__in=(Session.CONVENED, Session.OPEN))
        .filter(seated | Q(organ__council__organisation__in=kept))
        .select_related("organ__council__organisation")
        .distinct()
        .order_by("starts_at", "pk")
    )
    return list(sittings[:SHOWN])


def _awaiting(members: list[Member]) -> list[Awaiting]:
    """Open elections with candidates, open recall votes and open petitions in the person's
    constituencies, each saying whether they have voted or signed already."""
    found: list[Awaiting] = []
    for member in members:
        org = member.organisation
        elections = (
            Election.objects.filter(
                constituency=member.constituency_id,
                status=Election.OPEN,
                candidates__withdrawn_at=None,
            )
            .distinct()
            .order_by("opened_at", "pk")[:SHOWN]
        )
        for election in elections:
            voted = ElectionVoter.objects.filter(election=election, member=member).exists()
            found.append(Awaiting("election", org, str(member.constituency.name), voted))
        votes = (
            RecallVote.objects.filter(
                closed_at=None, petition__mandate__constituency=member.constituency_id
            )
            .select_related("petition__mandate__member")
            .order_by("opened_at", "pk")[:SHOWN]
        )
        for vote in votes:
            voted = RecallVoter.objects.filter(vote=vote, member=member).exists()
            deputy = vote.petition.mandate.member.name
            found.append(Awaiting("recall vote", org, deputy, voted))
        petitions = (
            RecallPetition.objects.filter(
                status=RecallPetition.OPEN, mandate__constituency=member.constituency_id
            )
            .select_related("mandate__member")
            .order_by("opened_at", "pk")[:SHOWN]
        )
        for petition in petitions:
            signed = RecallSignature.objects.filter(
                petition=petition, member=member, withdrawn_at=None
            ).exists()
            found.append(Awaiting("petition", org, petition.mandate.member.name, signed))
    return found
