"""Answer schemas shared by several routers, and the functions that fill them from models."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Schema

from smolny.councils.models import (
    Apportionment,
    Constituency,
    Election,
    Mandate,
    Member,
    Organ,
    RecallPetition,
    RecallVote,
)
from smolny.councils.queries import CouncilComposition, OrganComposition


class ConstituencyOut(Schema):
    id: int
    council: int
    name: str
    kind: str
    delegating_council: int | None
    start: datetime


def constituency_out(c: Constituency) -> ConstituencyOut:
    return ConstituencyOut(
        id=c.pk,
        council=c.council_id,
        name=c.name,
        kind=c.kind,
        delegating_council=c.delegating_council_id,
        start=c.start,
    )


class ApportionedOut(Schema):
    constituency: int
    name: str
    population: int
    seats: int


class ApportionmentOut(Schema):
    id: int
    council: int
    at: datetime
    house_size: int
    population: int
    unresolved: bool
    ties: list[Any]
    seats: list[ApportionedOut]


def apportionment_out(a: Apportionment) -> ApportionmentOut:
    entries = a.entries.select_related("constituency").order_by("constituency__name")
    return ApportionmentOut(
        id=a.pk,
        council=a.council_id,
        at=a.at,
        house_size=a.house_size,
        population=a.population,
        unresolved=a.unresolved,
        ties=list(a.ties),
        seats=[
            ApportionedOut(
                constituency=e.constituency_id,
                name=e.constituency.name,
                population=e.population,
                seats=e.seats,
            )
            for e in entries
        ],
    )


class DeputyOut(Schema):
    mandate: int
    member_id: str
    name: str
    constituency: str
    fraction: str | None


class CompositionOut(Schema):
    council: str
    at: datetime
    deputies: list[DeputyOut]
    by_fraction: dict[str, int]


def composition_out(c: CouncilComposition) -> CompositionOut:
    return CompositionOut(
        council=c.council,
        at=c.at,
        deputies=[DeputyOut(**d.__dict__) for d in c.deputies],
        by_fraction={k or "": v for k, v in c.by_fraction().items()},
    )


class SeatOut(Schema):
    number: int
    status: str
    how: str
    fraction: str | None
    holder: str | None
    mandate: int | None


class OrganCompositionOut(Schema):
    organ: str
    at: datetime
    seats: list[SeatOut]


def organ_composition_out(c: OrganComposition) -> OrganCompositionOut:
    return OrganCompositionOut(
        organ=c.organ, at=c.at, seats=[SeatOut(**s.__dict__) for s in c.seats]
    )


class FractionOut(Schema):
    id: int
    council_id: int
    name: str
    start: datetime
    end: datetime | None


class OrganOut(Schema):
    id: int
    council: int
    name: str
    kind: str
    seat_rule: str
    seats: int
    method: str
    allotment: dict[str, Any]
    start: datetime


def organ_out(o: Organ) -> OrganOut:
    return OrganOut(
        id=o.pk,
        council=o.council_id,
        name=o.name,
        kind=o.kind,
        seat_rule=o.seat_rule,
        seats=o.seats,
        method=o.method,
        allotment=dict(o.allotment),
        start=o.start,
    )


class MemberOut(Schema):
    id: int
    external_id: str
    name: str
    constituency: int
    user: int | None
    start: datetime
    end: datetime | None


def member_out(m: Member) -> MemberOut:
    return MemberOut(
        id=m.pk,
        external_id=m.external_id,
        name=m.name,
        constituency=m.constituency_id,
        user=m.user_id,
        start=m.start,
        end=m.end,
    )


class ElectionOut(Schema):
    id: int
    constituency: int
    kind: str
    seats: int
    status: str
    opened_at: datetime
    declared_at: datetime | None
    method: str
    result: dict[str, Any]


def election_out(e: Election) -> ElectionOut:
    return ElectionOut(
        id=e.pk,
        constituency=e.constituency_id,
        kind=e.kind,
        seats=e.seats,
        status=e.status,
        opened_at=e.opened_at,
        declared_at=e.declared_at,
        method=e.method,
        result=dict(e.result),
    )


class MandateOut(Schema):
    id: int
    council: int
    constituency: int
    member: int
    member_id: str
    name: str
    start: datetime
    end: datetime | None
    end_reason: str


def mandate_out(m: Mandate) -> MandateOut:
    return MandateOut(
        id=m.pk,
        council=m.council_id,
        constituency=m.constituency_id,
        member=m.member_id,
        member_id=m.member.external_id,
        name=m.member.name,
        start=m.start,
        end=m.end,
        end_reason=m.end_reason,
    )


class PetitionOut(Schema):
    id: int
    mandate: int
    opened_at: datetime
    roll_size: int
    threshold: int
    signatures: int
    status: str
    vote: int | None


def petition_out(p: RecallPetition) -> PetitionOut:
    vote = RecallVote.objects.filter(petition=p).values_list("pk", flat=True).first()
    return PetitionOut(
        id=p.pk,
        mandate=p.mandate_id,
        opened_at=p.opened_at,
        roll_size=p.roll_size,
        threshold=p.threshold,
        signatures=p.signatures.filter(withdrawn_at=None).count(),
        status=p.status,
        vote=vote,
    )


class RecallVoteOut(Schema):
    id: int
    petition: int
    opened_at: datetime
    roll_size: int
    closed_at: datetime | None
    outcome: str
    votes_recall: int
    votes_keep: int


def recall_vote_out(v: RecallVote) -> RecallVoteOut:
    return RecallVoteOut(
        id=v.pk,
        petition=v.petition_id,
        opened_at=v.opened_at,
        roll_size=v.roll_size,
        closed_at=v.closed_at,
        outcome=v.outcome,
        votes_recall=v.votes_recall,
        votes_keep=v.votes_keep,
    )
