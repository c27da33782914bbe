"""Read-side questions answered from the dated rows, at any date.

``composition(council, at)`` lists the deputies whose mandates were current at *at* with the
fraction each sat with then; ``composition(organ, at)`` lists the organ's seats as they
stood at *at*. Because rows are ended and never rewritten, an earlier date gives the earlier
answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from django.db.models import Count

from smolny.councils.models import (
    ApportionedSeats,
    Apportionment,
    Constituency,
    Council,
    FractionMembership,
    Mandate,
    Member,
    Organ,
    OrganSeat,
)
from smolny.councils.models.dated import valid_at


def roll_size(constituency: Constituency, at: datetime) -> int:
    """Members on the constituency's roll at *at* (for a council constituency: the members
    that council represents)."""
    return roll_counts(constituency.council, at, only=[constituency])[constituency.pk]


class ConstituencyLike(Protocol):
    """What counting needs of a constituency: a model instance or a ``values_list`` row."""

    @property
    def pk(self) -> int: ...
    @property
    def kind(self) -> str: ...
    @property
    def delegating_council_id(self) -> int | None: ...


def constituency_rows(council: Council, at: datetime) -> list[Any]:
    """The current constituencies of *council* as light rows (pk, name, kind, delegating
    council id), in order of name: apportioning 10,000 needs no model instances."""
    return list(
        Constituency.objects.filter(valid_at(at), council=council)
        .order_by("name")
        .values_list("pk", "name", "kind", "delegating_council_id", named=True)
    )


def roll_counts(
    council: Council, at: datetime, only: Sequence[ConstituencyLike] | None = None
) -> dict[int, int]:
    """Population of each current constituency of *council* at *at*, by constituency id.

    A roll constituency counts its members; a council constituency counts the members
    that the delegating council's own constituencies represent (recursively).
    """
    constituencies = only if only is not None else constituency_rows(council, at)
    counts = {c.pk: 0 for c in constituencies}
    roll_ids = [c.pk for c in constituencies if c.kind == Constituency.ROLL]
    if roll_ids:
        members = Member.objects.filter(valid_at(at))
        # A long list of ids costs more to send and test than a join on the council.
        if len(roll_ids) <= 100:
            members = members.filter(constituency_id__in=roll_ids)
        else:
            members = members.filter(constituency__council=council)
        wanted = set(roll_ids)
        for constituency_id, n in (
            members.order_by()
            .values("constituency_id")
            .annotate(n=Count("*"))
            .values_list("constituency_id", "n")
        ):
            if constituency_id in wanted:
                counts[constituency_id] = n
    for c in constituencies:
        if c.kind == Constituency.COUNCIL and c.delegating_council_id is not None:
            delegating = Council.objects.get(pk=c.delegating_council_id)
            counts[c.pk] = sum(roll_counts(delegating, at).values())
    return counts


def apportionment_at(council: Council, at: datetime) -> Apportionment | None:
    """The apportionment in force at *at*: the latest made at or before it."""
    return Apportionment.objects.filter(council=council, at__lte=at).order_by("-at", "-id").first()


def seats_at(constituency: Constituency, at: datetime) -> int:
    """Deputies the constituency sends at *at*, under the apportionment then in force."""
    apportionment = apportionment_at(constituency.council, at)
    if apportionment is None:
        return 0
    entry = ApportionedSeats.objects.filter(
        apportionment=apportionment, constituency=constituency
    ).first()
    return entry.seats if entry else 0


def on_roll(member: Member, constituency: Constituency, at: datetime) -> bool:
    return member.constituency_id == constituency.pk and member.current_at(at)


@dataclass(frozen=True)
class Deputy:
    mandate: int
    member_id: str
    name: str
    constituency: str
    fraction: str | None


@dataclass(frozen=True)
class CouncilComposition:
    council: str
    at: datetime
    deputies: tuple[Deputy, ...]

    def by_fraction(self) -> dict[str | None, int]:
        counts: dict[str | None, int] = {}
        for d in self.deputies:
            counts[d.fraction] = counts.get(d.fraction, 0) + 1
        return counts


@dataclass(frozen=True)
class Seat:
    number: int
    status: str
    how: str
    fraction: str | None
    holder: str | None
    mandate: int | None


@dataclass(frozen=True)
class OrganComposition:
    organ: str
    at: datetime
    seats: tuple[Seat, ...]

    def holders(self) -> set[str]:
        return {s.holder for s in self.seats if s.holder is not None}

    def count(self, status: str) -> int:
        return sum(1 for s in self.seats if s.status == status)


def composition(body: Council | Organ, at: datetime) -> CouncilComposition | OrganComposition:
    """Who sat in *body* at *at*: a council's deputies, or an organ's seats."""
    if isinstance(body, Organ):
        return organ_composition(body, at)
    return council_composition(body, at)


def council_composition(council: Council, at: datetime) -> CouncilComposition:
    mandates = list(
        Mandate.objects.filter(valid_at(at), council=council)
        .select_related("member", "constituency")
        .order_by("constituency__name", "member__name", "id")
    )
    fractions = dict(
        FractionMembership.objects.filter(
            valid_at(at), mandate__in=[m.pk for m in mandates]
        ).values_list("mandate_id", "fraction__name")
    )
    return CouncilComposition(
        council=council.name,
        at=at,
        deputies=tuple(
            Deputy(
                mandate=m.pk,
                member_id=m.member.external_id,
                name=m.member.name,
                constituency=m.constituency.name,
                fraction=fractions.get(m.pk),
            )
            for m in mandates
        ),
    )


def organ_composition(organ: Organ, at: datetime) -> OrganComposition:
    rows = (
        OrganSeat.objects.filter(valid_at(at), organ=organ)
        .select_related("fraction", "holder__member")
        .order_by("number")
    )
    return OrganComposition(
        organ=organ.name,
        at=at,
        seats=tuple(
            Seat(
                number=r.number,
                status=r.status,
                how=r.how,
                fraction=r.fraction.name if r.fraction else None,
                holder=r.holder.member.name if r.holder else None,
                mandate=r.holder_id,
            )
            for r in rows
        ),
    )
