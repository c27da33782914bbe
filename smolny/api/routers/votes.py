"""Votes: the roll call (one by one, or the clerk's sheet), counts of a division or a show of
hands, the secret ballot with its receipt, the close, and a presidium's re-formation."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from smolny.accounts import throttle
from smolny.api.auth import caller
from smolny.api.common import In, Message, Timed, lookup, members_by_id
from smolny.api.routers.organs import mandates
from smolny.api.schemas import OrganOut, organ_out
from smolny.councils.actions import ballot, motion, vote
from smolny.councils.models import Member
from smolny.councils.models.sessions import NamedVote, PresidiumReformation, Vote
from smolny.councils.queries.board import bulletin_board
from smolny.councils.queries.votes import verify_receipt
from smolny.journal.actions import ActionError

router = Router(tags=["votes"])
reformations = Router(tags=["votes"])
REFUSALS = {403: Message, 404: Message, 409: Message, 422: Message}
Choice = Literal["for", "against", "abstain"]
Ranking = Annotated[list[Annotated[str, Field(max_length=32)]], Field(min_length=1, max_length=100)]
Answer = Choice | Ranking
"""For, against or abstain; in a preferential vote, a ranking of the vote's options."""


class VoteOut(Schema):
    id: int
    item: int
    motion: str
    question: str
    method: str
    status: str
    opened_at: datetime
    closed_at: datetime | None
    for_votes: int | None
    against: int | None
    abstain: int | None
    present: int | None
    seated: int | None
    options: list[str]
    outcome: str
    rule: str
    reason: str
    irregular: bool
    reformation: int | None
    by_weight: dict[str, str] = Field(
        default_factory=dict,
        description="a closed card vote's figures by weight (for, against, abstain, present, "
        "seated) as exact fractions such as 1000/3; the figures above are by head",
    )


def vote_out(v: Vote) -> VoteOut:
    reformation = PresidiumReformation.objects.filter(vote=v).values_list("pk", flat=True)
    by_weight: dict[str, str] = {}
    if v.method == Vote.CARD:
        from smolny.councils.actions.card import figures_of

        figures = figures_of(v)
        by_weight = {
            k: figures[k]
            for k in ("for", "against", "abstain", "present", "seated")
            if k in figures
        }
    return VoteOut(
        id=v.pk,
        item=v.item_id,
        motion=v.call,
        question=v.question,
        method=v.method,
        status=v.status,
        opened_at=v.opened_at,
        closed_at=v.closed_at,
        for_votes=v.for_votes,
        against=v.against,
        abstain=v.abstain,
        present=v.present,
        seated=v.seated,
        options=list(v.options),
        outcome=v.outcome,
        rule=v.rule,
        reason=v.reason,
        irregular=v.irregular,
        reformation=reformation.first(),
        by_weight=by_weight,
    )


class NamedIn(Timed):
    member: int
    choice: Answer


class NamedOut(Schema):
    vote: int
    member: int
    choice: str
    ranking: list[str]
    fraction: str


class SheetIn(Timed):
    """The clerk's roll-call sheet: member id (as a JSON object's key) -> choice."""

    sheet: dict[Annotated[str, Field(pattern=r"^[1-9][0-9]{0,17}$")], Answer] = Field(
        min_length=1, max_length=100_000
    )


class SheetOut(Schema):
    vote: int
    recorded: int


class CountsIn(Timed):
    for_votes: int = Field(ge=0, le=10**7)
    against: int = Field(ge=0, le=10**7)
    abstain: int = Field(0, ge=0, le=10**7)
    tellers: list[int] = Field(default_factory=list, max_length=100)


class SecretIn(Timed):
    member: int
    choice: Answer


class Receipt(Schema):
    vote: int
    receipt: str = Field(
        description="the ballot's tracker: keep it. It reveals no choice; it is on the vote's "
        "bulletin board (GET /api/votes/{id}/board) while the vote runs, and after the close "
        "beside the ballot counted under it"
    )


class ReceiptIn(In):
    code: str = Field(min_length=1, max_length=200)


class ReceiptCheck(Schema):
    """Counted or not: never the choice (that is on the public board, beside the tracker)."""

    vote: int
    counted: bool


class ReformIn(Timed):
    name: str = Field(min_length=1, max_length=200)
    seats: int | None = Field(None, ge=1, le=100_000)
    method: str | None = Field(None, max_length=32)
    nominees: dict[str, list[int]] = Field(default_factory=dict)


@router.get("/{vote_id}", response={200: VoteOut, 404: Message})
def get_vote(request: HttpRequest, vote_id: int) -> VoteOut:
    return vote_out(lookup(Vote, vote_id, "vote"))


@router.post("/{vote_id}/named", response={201: NamedOut, **REFUSALS})
def cast_named(request: HttpRequest, vote_id: int, body: NamedIn) -> Status[NamedOut]:
    """A deputy answers the roll call, for themself, in person (nobody answers for another;
    the answers of a meeting held on paper are entered by a recorder as a past event)."""
    v = lookup(Vote, vote_id, "vote")
    member = lookup(Member, body.member, "member")
    row: NamedVote = vote.cast_vote(caller(request), v, member, body.choice)
    return Status(
        201,
        NamedOut(
            vote=v.pk,
            member=member.pk,
            choice=row.choice,
            ranking=list(row.ranking),
            fraction=row.fraction,
        ),
    )


@router.post("/{vote_id}/roll-call", response={201: SheetOut, **REFUSALS})
def roll_call_sheet(request: HttpRequest, vote_id: int, body: SheetIn) -> Status[SheetOut]:
    """The roll call sheet of a meeting held on paper, entered by a recorder as a past event
    (with the ``Smolny-Occurred-At`` header); refused in a live sitting, where each deputy
    answers for themself."""
    v = lookup(Vote, vote_id, "vote")
    ids = [int(key) for key in body.sheet]
    members = members_by_id(ids, "sheet")
    sheet = {m: body.sheet[str(m.pk)] for m in members}
    recorded = vote.record_roll_call(caller(request), v, sheet)
    return Status(201, SheetOut(vote=v.pk, recorded=recorded))


@router.post("/{vote_id}/counts", response={200: VoteOut, **REFUSALS})
def enter_counts(request: HttpRequest, vote_id: int, body: CountsIn) -> VoteOut:
    """Counts of a division (entered by its tellers) or a counted show of hands (the chair)."""
    v = lookup(Vote, vote_id, "vote")
    result = vote.enter_counts(
        caller(request),
        v,
        for_votes=body.for_votes,
        against=body.against,
        abstain=body.abstain,
        tellers=members_by_id(body.tellers, "tellers"),
    )
    return vote_out(result)


@router.post("/{vote_id}/secret", response={201: Receipt, **REFUSALS})
def cast_secret(request: HttpRequest, vote_id: int, body: SecretIn) -> Status[Receipt]:
    """Cast a secret ballot; the answer is the receipt code, shown only to the voter."""
    v = lookup(Vote, vote_id, "vote")
    member = lookup(Member, body.member, "member")
    code = ballot.cast_secret_ballot(caller(request), v, member, body.choice)
    return Status(201, Receipt(vote=v.pk, receipt=code))


@router.post("/{vote_id}/receipt", response={200: ReceiptCheck, 429: Message, **REFUSALS})
def check_receipt(request: HttpRequest, vote_id: int, body: ReceiptIn) -> ReceiptCheck:
    """Check a receipt after the close (a POST so that the code stays out of URLs and logs).

    Throttled per caller and per address (429 past the limit), so codes cannot be guessed."""
    throttle.receipt_check(request, request.user)
    v = lookup(Vote, vote_id, "vote")
    return ReceiptCheck(vote=v.pk, counted=verify_receipt(v, body.code))


@router.get("/{vote_id}/board", response={200: dict[str, Any], **REFUSALS})
def board(request: HttpRequest, vote_id: int) -> dict[str, Any]:
    """A secret vote's bulletin board, for whoever may read the organisation's records: the
    sorted trackers while it runs; the opened ballots in random order, the rule and the
    declared result after the close (the JSON ``smolny verify-vote`` recounts). Who may read
    it is the rule of every API read (:func:`smolny.web.access.api_reader`: 404 to others)."""
    v = lookup(Vote, vote_id, "vote")
    try:
        return bulletin_board(v)
    except ValueError as error:
        raise ActionError(str(error)) from None


@router.post("/{vote_id}/close", response={200: VoteOut, **REFUSALS})
def close(request: HttpRequest, vote_id: int, body: Timed) -> VoteOut:
    """Close and decide it on the presence at this moment (inquorate votes decide nothing)."""
    v = lookup(Vote, vote_id, "vote")
    return vote_out(vote.close_vote(caller(request), v))


@reformations.post("/{reformation_id}", response={201: OrganOut, **REFUSALS})
def reform(request: HttpRequest, reformation_id: int, body: ReformIn) -> Status[OrganOut]:
    """Form the new presidium after no confidence, allotted between the fractions as they are."""
    r = lookup(PresidiumReformation, reformation_id, "presidium re-formation")
    organ = motion.reform_presidium(
        caller(request),
        r,
        name=body.name,
        seats=body.seats,
        method=body.method,
        nominees={k: mandates(v, f"nominees.{k}") for k, v in body.nominees.items()},
    )
    return Status(201, organ_out(organ))
