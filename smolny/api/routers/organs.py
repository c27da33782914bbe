"""Organs: forming one (under a council), its seats and its composition at a date."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Literal

from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from ninja import Field, Router

from smolny.api.auth import caller
from smolny.api.common import MAX_ID, TIME_QUERY, Message, Timed, lookup, parse_time
from smolny.api.errors import BadRequestField
from smolny.api.schemas import (
    OrganCompositionOut,
    OrganOut,
    SeatOut,
    organ_composition_out,
    organ_out,
)
from smolny.councils import actions
from smolny.councils.models import Council, Mandate, Organ
from smolny.councils.queries import organ_composition

router = Router(tags=["organs"])
REFUSALS = {403: Message, 404: Message, 409: Message, 422: Message}
Ids = list[int]


class OrganIn(Timed):
    """An organ and how its seats are filled (mandates are named by id)."""

    name: str = Field(min_length=1, max_length=200)
    kind: Literal["plenum", "executive committee", "presidium", "section", "commission"]
    seat_rule: Literal["proportional", "election", "ex-officio"]
    seats: int = Field(ge=1, le=100_000)
    method: str = Field("sainte-lague", max_length=32)
    refused: Literal["vacant", "redistribute"] = "vacant"
    refusing: list[str] = Field(default_factory=list, max_length=1000)
    reserving: list[str] = Field(default_factory=list, max_length=1000)
    ex_officio: Ids = Field(default_factory=list, max_length=100_000)
    elected: Ids = Field(default_factory=list, max_length=100_000)
    nominees: dict[str, Ids] = Field(default_factory=dict)
    tie_seed: int | None = Field(None, ge=0, le=2**63 - 1)


class OrganSeatIn(Timed):
    mandate: int


def mandates(ids: Sequence[int], field: str) -> list[Mandate]:
    """The mandates named by *ids*, in order; a 404 names the first unknown id."""
    found = Mandate.objects.in_bulk([pk for pk in ids if 0 < pk <= MAX_ID])
    for pk in ids:
        if pk not in found:
            raise BadRequestField(field, gettext("no mandate %(pk)s") % {"pk": pk})
    return [found[pk] for pk in ids]


def form_organ(actor: AbstractBaseUser, council: Council, body: OrganIn) -> Organ:
    return actions.form_organ(
        actor,
        council,
        body.name,
        kind=body.kind,
        seat_rule=body.seat_rule,
        seats=body.seats,
        method=body.method,
        refused=body.refused,
        refusing=body.refusing,
        reserving=body.reserving,
        ex_officio=mandates(body.ex_officio, "ex_officio"),
        elected=mandates(body.elected, "elected"),
        nominees={k: mandates(v, f"nominees.{k}") for k, v in body.nominees.items()},
        tie_seed=body.tie_seed,
    )


def _seat_out(organ: Organ, number: int, at: datetime) -> SeatOut:
    seat = next(s for s in organ_composition(organ, at).seats if s.number == number)
    return SeatOut(**seat.__dict__)


@router.get("/{organ_id}", response={200: OrganOut, 404: Message})
def get_organ(request: HttpRequest, organ_id: int) -> OrganOut:
    return organ_out(lookup(Organ, organ_id, "organ"))


@router.get("/{organ_id}/composition", response={200: OrganCompositionOut, 404: Message})
def composition(
    request: HttpRequest, organ_id: int, at: str | None = TIME_QUERY
) -> OrganCompositionOut:
    """The organ's seats at *at* (default: now): who held each, or why it was empty."""
    organ = lookup(Organ, organ_id, "organ")
    when = parse_time(at) or timezone.now()
    return organ_composition_out(organ_composition(organ, when))


@router.post("/{organ_id}/seats/{number}", response={200: SeatOut, **REFUSALS})
def fill_seat(request: HttpRequest, organ_id: int, number: int, body: OrganSeatIn) -> SeatOut:
    organ = lookup(Organ, organ_id, "organ")
    mandate = lookup(Mandate, body.mandate, "mandate")
    row = actions.fill_organ_seat(caller(request), organ, number, mandate)
    return _seat_out(organ, number, row.start)


@router.post("/{organ_id}/seats/{number}/vacate", response={200: SeatOut, **REFUSALS})
def vacate_seat(request: HttpRequest, organ_id: int, number: int, body: Timed) -> SeatOut:
    organ = lookup(Organ, organ_id, "organ")
    row = actions.vacate_organ_seat(caller(request), organ, number)
    return _seat_out(organ, number, row.start)
