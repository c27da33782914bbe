"""Mandates: resigning, changing fraction, and the start of a recall."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Router, Status

from smolny.api.auth import caller
from smolny.api.common import Message, Timed, lookup
from smolny.api.schemas import MandateOut, PetitionOut, mandate_out, petition_out
from smolny.councils import actions
from smolny.councils.models import Fraction, Mandate, Member

router = Router(tags=["mandates"])
REFUSALS = {403: Message, 404: Message, 409: Message, 422: Message}


class FractionChangeIn(Timed):
    """The fraction the deputy sits with from now on (``null``: none)."""

    fraction: int | None


class PetitionIn(Timed):
    """The member (by id) who opens the petition and signs it first."""

    member: int


class DelegatingRecallIn(Timed):
    decision: str = Field("", max_length=1000)


@router.get("/{mandate_id}", response={200: MandateOut, 404: Message})
def get_mandate(request: HttpRequest, mandate_id: int) -> MandateOut:
    return mandate_out(lookup(Mandate, mandate_id, "mandate"))


@router.post("/{mandate_id}/resign", response={200: MandateOut, **REFUSALS})
def resign(request: HttpRequest, mandate_id: int, body: Timed) -> MandateOut:
    """The deputy resigns (or a secretary records it); seats fall vacant, a by-election opens."""
    mandate = lookup(Mandate, mandate_id, "mandate")
    return mandate_out(actions.resign_mandate(caller(request), mandate))


@router.post("/{mandate_id}/fraction", response={200: MandateOut, **REFUSALS})
def change_fraction(request: HttpRequest, mandate_id: int, body: FractionChangeIn) -> MandateOut:
    mandate = lookup(Mandate, mandate_id, "mandate")
    fraction = None if body.fraction is None else lookup(Fraction, body.fraction, "fraction")
    actions.change_fraction(caller(request), mandate, fraction)
    return mandate_out(mandate)


@router.post("/{mandate_id}/recall-petitions", response={201: PetitionOut, **REFUSALS})
def open_petition(request: HttpRequest, mandate_id: int, body: PetitionIn) -> Status[PetitionOut]:
    mandate = lookup(Mandate, mandate_id, "mandate")
    member = lookup(Member, body.member, "member")
    petition = actions.open_recall_petition(caller(request), mandate, member)
    return Status(201, petition_out(petition))


@router.post("/{mandate_id}/delegating-recall", response={200: MandateOut, **REFUSALS})
def recall_by_delegating_body(
    request: HttpRequest, mandate_id: int, body: DelegatingRecallIn
) -> MandateOut:
    """A congress delegate recalled by the council that sent them."""
    mandate = lookup(Mandate, mandate_id, "mandate")
    actions.recall_by_delegating_body(caller(request), mandate, decision=body.decision)
    return mandate_out(lookup(Mandate, mandate_id, "mandate"))
