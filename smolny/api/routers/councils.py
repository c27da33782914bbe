"""Councils: representation rule, constituencies, rolls, apportionment, composition, organs."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from ninja import Field, Router, Schema, Status

from smolny.api.auth import caller
from smolny.api.common import TIME_QUERY, Message, Timed, lookup, parse_time
from smolny.api.errors import BadRequestField
from smolny.api.routers.organisations import CouncilOut, council_out
from smolny.api.routers.organs import OrganIn, form_organ
from smolny.api.schemas import (
    ApportionmentOut,
    CompositionOut,
    ConstituencyOut,
    FractionOut,
    OrganOut,
    apportionment_out,
    composition_out,
    constituency_out,
    organ_out,
)
from smolny.councils import actions
from smolny.councils.models import Constituency, Council, Fraction
from smolny.councils.queries import constituency_rows, council_composition, roll_counts

router = Router(tags=["councils"])
REFUSALS = {403: Message, 404: Message, 409: Message, 422: Message}


class RepresentationRuleIn(Timed):
    """Either ``per`` (one deputy per N members) or ``house_size`` with a ``method``."""

    per: int | None = Field(None, ge=1, le=10**9)
    minimum: int = Field(1, ge=0, le=10**6)
    rounding: Literal["floor", "ceil", "nearest"] = "floor"
    house_size: int | None = Field(None, ge=1, le=10**6)
    method: str = Field("", max_length=32)
    min_seats: int = Field(0, ge=0, le=10**6)


class RuleOut(Schema):
    id: int
    kind: str
    per: int | None
    minimum: int
    rounding: str
    house_size: int | None
    method: str
    min_seats: int
    start: datetime


class ConstituencyIn(Timed):
    name: str = Field(min_length=1, max_length=200)
    delegating_council: int | None = None


class RollOut(Schema):
    members: int
    constituencies: int
    digest: str


class ApportionIn(Timed):
    tie_seed: int | None = Field(None, ge=0, le=2**63 - 1)


class FractionIn(Timed):
    name: str = Field(min_length=1, max_length=200)


@router.get("/{council_id}", response={200: CouncilOut, 404: Message})
def get_council(request: HttpRequest, council_id: int) -> CouncilOut:
    return council_out(lookup(Council, council_id, "council"))


@router.post("/{council_id}/representation-rule", response={201: RuleOut, **REFUSALS})
def set_rule(request: HttpRequest, council_id: int, body: RepresentationRuleIn) -> Status[object]:
    council = lookup(Council, council_id, "council")
    rule = actions.set_representation_rule(
        caller(request),
        council,
        per=body.per,
        minimum=body.minimum,
        rounding=body.rounding,
        house_size=body.house_size,
        method=body.method,
        min_seats=body.min_seats,
    )
    return Status(201, rule)


@router.get("/{council_id}/constituencies", response={200: list[ConstituencyOut], 404: Message})
def list_constituencies(request: HttpRequest, council_id: int) -> list[ConstituencyOut]:
    council = lookup(Council, council_id, "council")
    return [constituency_out(c) for c in council.constituencies.order_by("name")]


@router.post("/{council_id}/constituencies", response={201: ConstituencyOut, **REFUSALS})
def create_constituency(
    request: HttpRequest, council_id: int, body: ConstituencyIn
) -> Status[ConstituencyOut]:
    council = lookup(Council, council_id, "council")
    delegating = None
    if body.delegating_council is not None:
        delegating = lookup(Council, body.delegating_council, "delegating council")
    constituency = actions.create_constituency(
        caller(request), council, body.name, delegating_council=delegating
    )
    return Status(201, constituency_out(constituency))


@router.post(
    "/{council_id}/roll",
    response={201: RollOut, **REFUSALS},
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": "CSV with the columns member_id, name, constituency",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        }
    },
)
def import_roll(request: HttpRequest, council_id: int, source: str = "roll.csv") -> Status[RollOut]:
    """Import a roll (the request body is the CSV text): all lines or none."""
    council = lookup(Council, council_id, "council")
    try:
        text = request.body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BadRequestField(
            "body", gettext("not UTF-8 text (byte %(start)s)") % {"start": error.start}
        ) from None
    if "\x00" in text or "\x00" in source:
        raise BadRequestField("body", gettext("the roll contains a NUL character"))
    result = actions.import_roll(
        caller(request),
        council,
        text.splitlines(keepends=True),
        source=source[:200],
    )
    return Status(
        201,
        RollOut(members=result.members, constituencies=result.constituencies, digest=result.digest),
    )


@router.post("/{council_id}/apportionments", response={201: ApportionmentOut, **REFUSALS})
def apportion(request: HttpRequest, council_id: int, body: ApportionIn) -> Status[ApportionmentOut]:
    council = lookup(Council, council_id, "council")
    result = actions.apportion_council(caller(request), council, tie_seed=body.tie_seed)
    return Status(201, apportionment_out(result))


@router.get("/{council_id}/composition", response={200: CompositionOut, 404: Message})
def composition(
    request: HttpRequest, council_id: int, at: str | None = TIME_QUERY
) -> CompositionOut:
    """The council's deputies at *at* (default: now), with their fractions."""
    council = lookup(Council, council_id, "council")
    when = parse_time(at) or timezone.now()
    return composition_out(council_composition(council, when))


class RollSizeOut(Schema):
    """A roll constituency's size at a moment: members on its roll then."""

    constituency: int
    name: str
    members: int


@router.get("/{council_id}/roll-sizes", response={200: list[RollSizeOut], 404: Message})
def roll_sizes(
    request: HttpRequest, council_id: int, at: str | None = TIME_QUERY
) -> list[RollSizeOut]:
    """Each roll constituency's members at *at* (default: now): members who left before, or
    joined or moved in after, are not counted (issue 15, item 4)."""
    council = lookup(Council, council_id, "council")
    when = parse_time(at) or timezone.now()
    rows = [r for r in constituency_rows(council, when) if r.kind == Constituency.ROLL]
    counts = roll_counts(council, when, only=rows)
    return [RollSizeOut(constituency=r.pk, name=r.name, members=counts[r.pk]) for r in rows]


@router.get("/{council_id}/fractions", response={200: list[FractionOut], 404: Message})
def list_fractions(request: HttpRequest, council_id: int) -> list[Fraction]:
    council = lookup(Council, council_id, "council")
    return list(council.fractions.order_by("name"))


@router.post("/{council_id}/fractions", response={201: FractionOut, **REFUSALS})
def create_fraction(request: HttpRequest, council_id: int, body: FractionIn) -> Status[Fraction]:
    council = lookup(Council, council_id, "council")
    return Status(201, actions.create_fraction(caller(request), council, body.name))


@router.get("/{council_id}/organs", response={200: list[OrganOut], 404: Message})
def list_organs(request: HttpRequest, council_id: int) -> list[OrganOut]:
    council = lookup(Council, council_id, "council")
    return [organ_out(o) for o in council.organs.order_by("name")]


@router.post("/{council_id}/organs", response={201: OrganOut, **REFUSALS})
def create_organ(request: HttpRequest, council_id: int, body: OrganIn) -> Status[OrganOut]:
    council = lookup(Council, council_id, "council")
    return Status(201, organ_out(form_organ(caller(request), council, body)))
