"""Elections: candidates, members' ballots and the close of the poll, declaring a result
entered or counted from a file, and seating the deputies elected.

A ballot's answer is the turnout and the voter's receipt (a tracker), never the ranking: what
a member chose is not given back to anyone, the voter included (see
:mod:`smolny.councils.actions.election_ballot`). The poll's bulletin board lists the trackers
while it runs and the opened ballots, apart from them, after the close."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext
from ninja import Field, Router, Schema, Status

from smolny.api.auth import caller
from smolny.api.common import MAX_ID, Message, Timed, lookup
from smolny.api.errors import BadRequestField
from smolny.api.schemas import ElectionOut, MandateOut, election_out, mandate_out
from smolny.councils import actions
from smolny.councils.actions import NotAllowed
from smolny.councils.actions.election_ballot import open_election_poll
from smolny.councils.models import Candidate, Election, Fraction, Member
from smolny.councils.queries import roll_size
from smolny.councils.queries.board import election_board
from smolny.councils.queries.elections import turnout

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


class NomineeIn(Timed):
    member: int


class BallotIn(Timed):
    """The voter (a member id: the caller's own) and candidates by member id, most preferred
    first (one is enough)."""

    member: int
    ranking: list[int] = Field(min_length=1, max_length=1_000)


class CloseIn(Timed):
    method: Literal["scottish-stv", "meek-stv"] = "scottish-stv"
    tie_seed: int | None = Field(None, ge=0, le=MAX_ID)


class CandidateOut(Schema):
    member: int
    member_id: str
    name: str
    nominated_at: datetime
    withdrawn_at: datetime | None


class TurnoutOut(Schema):
    """How many members have voted, of the roll now; nothing of who or what."""

    election: int
    status: str
    voters: int
    roll: int


class BallotCastOut(TurnoutOut):
    """The turnout after the cast, and the voter's receipt: the ballot's tracker."""

    receipt: str


def candidate_out(c: Candidate) -> CandidateOut:
    return CandidateOut(
        member=c.member_id,
        member_id=c.member.external_id,
        name=c.member.name,
        nominated_at=c.nominated_at,
        withdrawn_at=c.withdrawn_at,
    )


def turnout_out(e: Election) -> TurnoutOut:
    from django.utils import timezone

    return TurnoutOut(
        election=e.pk,
        status=e.status,
        voters=turnout(e),
        roll=roll_size(e.constituency, timezone.now()),
    )


@router.get("/{election_id}", response={200: ElectionOut, 404: Message})
def get_election(request: HttpRequest, election_id: int) -> ElectionOut:
    return election_out(lookup(Election, election_id, "election"))


@router.post("/{election_id}/result", response={200: ElectionOut, **REFUSALS})
def declare_result(request: HttpRequest, election_id: int, body: ResultIn) -> ElectionOut:
    election = lookup(Election, election_id, "election")
    found = Member.objects.in_bulk([pk for pk in body.elected if 0 < pk <= MAX_ID])
    unknown = [pk for pk in body.elected if pk not in found]
    if unknown:
        raise BadRequestField("elected", gettext("no member %(pk)s") % {"pk": unknown[0]})
    result = actions.record_election_result(
        caller(request),
        election,
        [found[pk] for pk in body.elected],
        votes=body.votes,
        method=body.method,
    )
    return election_out(result)


@router.post("/{election_id}/deputies", response={201: MandateOut, **REFUSALS})
def seat_deputy(request: HttpRequest, election_id: int, body: SeatIn) -> Status[MandateOut]:
    """Seat a member declared elected, optionally with a fraction (credentials are checked)."""
    election = lookup(Election, election_id, "election")
    member = lookup(Member, body.member, "member")
    fraction = None if body.fraction is None else lookup(Fraction, body.fraction, "fraction")
    mandate = actions.seat_deputy(caller(request), election, member, fraction=fraction)
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
) -> ElectionOut:
    """Count the ballots (the request body) by STV and declare who was elected."""
    from smolny.rules.ballots import BallotFileError, read_ballots

    election = lookup(Election, election_id, "election")
    try:
        text = request.body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BadRequestField(
            "body", gettext("not UTF-8 text (byte %(start)s)") % {"start": error.start}
        ) from None
    if "\x00" in text or "\x00" in source:
        raise BadRequestField("body", gettext("the ballots contain a NUL character"))
    if tie_seed is not None and not 0 <= tie_seed <= MAX_ID:
        raise BadRequestField(
            "tie_seed", gettext("use a seed between 0 and %(limit)s") % {"limit": MAX_ID}
        )
    try:
        ballots = read_ballots(text, source[:200], format)
    except BallotFileError as error:
        raise BadRequestField("body", str(error)) from None
    result = actions.count_election(
        caller(request), election, ballots, method=method, tie_seed=tie_seed
    )
    return election_out(result)


@router.get("/{election_id}/candidates", response={200: list[CandidateOut], 404: Message})
def list_candidates(request: HttpRequest, election_id: int) -> list[CandidateOut]:
    """The candidates in order of nomination, withdrawn ones with the time of withdrawal."""
    election = lookup(Election, election_id, "election")
    found = Candidate.objects.filter(election=election).select_related("member")
    return [candidate_out(c) for c in found.order_by("nominated_at", "pk")]


@router.post("/{election_id}/candidates", response={201: CandidateOut, **REFUSALS})
def nominate(request: HttpRequest, election_id: int, body: NomineeIn) -> Status[CandidateOut]:
    """A secretary nominates a member eligible for the constituency (before voting starts)."""
    election = lookup(Election, election_id, "election")
    member = lookup(Member, body.member, "member")
    candidate = actions.nominate_candidate(caller(request), election, member)
    return Status(201, candidate_out(candidate))


@router.post(
    "/{election_id}/candidates/{member_id}/withdrawal", response={200: CandidateOut, **REFUSALS}
)
def withdraw(request: HttpRequest, election_id: int, member_id: int, body: Timed) -> CandidateOut:
    """A secretary withdraws a candidate (before voting starts)."""
    election = lookup(Election, election_id, "election")
    member = lookup(Member, member_id, "member")
    return candidate_out(actions.withdraw_candidate(caller(request), election, member))


@router.post("/{election_id}/ballots", response={201: BallotCastOut, **REFUSALS})
def cast_ballot(request: HttpRequest, election_id: int, body: BallotIn) -> Status[BallotCastOut]:
    """The member casts their own ballot, once; the answer is the turnout and the voter's
    receipt (the ballot's tracker, on the poll's bulletin board; never the ranking)."""
    election = lookup(Election, election_id, "election")
    member = lookup(Member, body.member, "member")
    found = Member.objects.in_bulk([pk for pk in body.ranking if 0 < pk <= MAX_ID])
    unknown = [pk for pk in body.ranking if pk not in found]
    if unknown:
        raise BadRequestField("ranking", gettext("no member %(pk)s") % {"pk": unknown[0]})
    ranking = [found[pk] for pk in body.ranking]
    tracker = actions.cast_election_ballot(caller(request), election, member, ranking)
    out = turnout_out(lookup(Election, election_id))
    return Status(201, BallotCastOut(**out.model_dump(), receipt=tracker))


@router.get("/{election_id}/board", response={200: dict[str, Any], **REFUSALS})
def board(request: HttpRequest, election_id: int) -> dict[str, Any]:
    """The poll's bulletin board, for whoever may read the organisation's records: the
    sorted trackers while it runs; after the close the trackers apart from the opened
    ballots (rankings) in random order, the candidates, seats, count method, withdrawals,
    lot seed and the elected (the JSON ``smolny verify-vote`` recounts). An election decided
    by a result entered or counted from a file has no board (409)."""
    election = lookup(Election, election_id, "election")
    try:
        return election_board(election)
    except ValueError as error:
        raise NotAllowed(str(error)) from None


@router.get("/{election_id}/turnout", response={200: TurnoutOut, 404: Message})
def get_turnout(request: HttpRequest, election_id: int) -> TurnoutOut:
    """How many have voted so far (the count only)."""
    return turnout_out(lookup(Election, election_id, "election"))


@router.post("/{election_id}/poll/open", response={200: ElectionOut, **REFUSALS})
def open_poll(request: HttpRequest, election_id: int, body: Timed) -> ElectionOut:
    """A secretary opens the members' poll: the candidates are fixed, and every member on the
    roll is sent the news by mail (after the commit)."""
    election = lookup(Election, election_id, "election")
    return election_out(open_election_poll(caller(request), election))


@router.post("/{election_id}/poll/close", response={200: ElectionOut, **REFUSALS})
def close_poll(request: HttpRequest, election_id: int, body: CloseIn) -> ElectionOut:
    """A secretary closes the poll: the ballots are counted by STV and the result declared."""
    election = lookup(Election, election_id, "election")
    closed = actions.close_election_poll(
        caller(request), election, method=body.method, tie_seed=body.tie_seed
    )
    return election_out(closed)
