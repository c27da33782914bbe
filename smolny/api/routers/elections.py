"""Elections: declaring the result and seating the deputies elected."""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from ninja import Field, Router, Status

from smolny.api.auth import caller
from smolny.api.common import MAX_ID, TIME_QUERY, Message, Timed, lookup, parse_time
from smolny.api.errors import BadRequestField
from smolny.api.schemas import ElectionOut, MandateOut, election_out, mandate_out
from smolny.councils import actions
from smolny.councils.models import Election, Fraction, Member

router = Router(tags=["elections"])
REFUSALS = {403: Message, 404: Message, 409: Message, 422: Message}


class ResultIn(Timed):
    """The members elected (by id), in order of election, and optionally the votes."""

    elected: list[int] = Field(min_length=1, max_length=10_000)
    votes: dict[str, int] = Field(default_factory=dict)
    method: str = Field("result entry", min_length=1, max_length=32)


class SeatIn(Timed):
    member: int
    fraction: int | None = None


@router.get("/{election_id}", response={200: ElectionOut, 404: Message})
def get_election(request: HttpRequest, election_id: int) -> ElectionOut:
    return election_out(lookup(Election, election_id, "election"))


@router.post("/{election_id}/result", response={200: ElectionOut, **REFUSALS})
def declare_result(request: HttpRequest, election_id: int, body: ResultIn) -> ElectionOut:
    election = lookup(Election, election_id, "election")
    found = Member.objects.in_bulk([pk for pk in body.elected if 0 < pk <= MAX_ID])
    unknown = [pk for pk in body.elected if pk not in found]
    if unknown:
        raise BadRequestField("elected", f"no member {unknown[0]}")
    result = actions.record_election_result(
        caller(request),
        election,
        [found[pk] for pk in body.elected],
        votes=body.votes,
        method=body.method,
        at=body.at,
    )
    return election_out(result)


@router.post("/{election_id}/deputies", response={201: MandateOut, **REFUSALS})
def seat_deputy(request: HttpRequest, election_id: int, body: SeatIn) -> Status[MandateOut]:
    """Seat a member declared elected, optionally with a fraction (credentials are checked)."""
    election = lookup(Election, election_id, "election")
    member = lookup(Member, body.member, "member")
    fraction = None if body.fraction is None else lookup(Fraction, body.fraction, "fraction")
    mandate = actions.seat_deputy(caller(request), election, member, fraction=fraction, at=body.at)
    return Status(201, mandate_out(mandate))


@router.post(
    "/{election_id}/count",
    response={200: ElectionOut, **REFUSALS},
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": "the ballots: BLT, a CSV of rankings, or the long format; "
            "candidates named by member id",
            "content": {"text/plain": {"schema": {"type": "string"}}},
        }
    },
)
def count(
    request: HttpRequest,
    election_id: int,
    method: Literal["scottish-stv", "meek-stv"] = "scottish-stv",
    format: Literal["auto", "blt", "csv", "long"] = "auto",
    source: str = "ballots",
    tie_seed: int | None = None,
    at: str | None = TIME_QUERY,
) -> ElectionOut:
    """Count the ballots (the request body) by STV and declare who was elected."""
    from smolny.rules.ballots import BallotFileError, read_ballots

    election = lookup(Election, election_id, "election")
    try:
        text = request.body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BadRequestField("body", f"not UTF-8 text (byte {error.start})") from None
    if "\x00" in text or "\x00" in source:
        raise BadRequestField("body", "the ballots contain a NUL character")
    if tie_seed is not None and not 0 <= tie_seed <= MAX_ID:
        raise BadRequestField("tie_seed", f"use a seed between 0 and {MAX_ID}")
    try:
        ballots = read_ballots(text, source[:200], format)
    except BallotFileError as error:
        raise BadRequestField("body", str(error)) from None
    result = actions.count_election(
        caller(request), election, ballots, method=method, tie_seed=tie_seed, at=parse_time(at)
    )
    return election_out(result)
