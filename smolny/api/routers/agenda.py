"""Agenda items: the speakers' list, motions, and putting the vote that is due."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from smolny.api.auth import caller
from smolny.api.common import Message, Timed, lookup
from smolny.api.routers.votes import VoteOut, vote_out
from smolny.councils.actions import agenda, motion, vote
from smolny.councils.models import Member
from smolny.councils.models.sessions import AgendaItem
from smolny.councils.queries.agenda import docket_of, load_speakers

router = Router(tags=["agenda"])
REFUSALS = {403: Message, 404: Message, 409: Message, 422: Message}


class SpeakIn(Timed):
    member: int
    point_of_order: bool = False


class FinishIn(Timed):
    seconds: int = Field(ge=0, le=86400)


class MemberIn(Timed):
    member: int


class RequestOut(Schema):
    speaker: str
    fraction: str | None
    point_of_order: bool


class SpeakersOut(Schema):
    item: int
    floor: RequestOut | None
    waiting: list[RequestOut]
    spoken: int


class MotionIn(Timed):
    """``amendment`` names its ``parent`` (and what it strikes and inserts); ``counter`` names
    the main motion it rivals; ``procedural`` names which (adjourn, no-confidence, table,
    close-debate, postpone). Without a ``mover`` the chair moves it."""

    kind: Literal["main", "amendment", "counter", "procedural"]
    text: str = Field("", max_length=20_000)
    parent: str | None = Field(None, max_length=32)
    strike: str = Field("", max_length=20_000)
    procedural: Literal["adjourn", "no-confidence", "table", "close-debate", "postpone"] | None = (
        None
    )
    reach: int | None = Field(None, ge=-1000, le=1000)
    mover: int | None = None
    key: str | None = Field(None, min_length=1, max_length=32)


class MotionOut(Schema):
    id: int
    item: int
    key: str
    kind: str
    procedural: str
    text: str
    parent: str
    moved_at: datetime
    settlement: str


class DocketOut(Schema):
    item: int
    state: str
    next: str | None
    motions: list[MotionOut]


class VoteIn(Timed):
    motion: str = Field(min_length=1, max_length=32, description="the key of the motion due")
    method: Literal["roll call", "division", "show of hands", "secret ballot", "card vote"]


def speakers_out(item: AgendaItem) -> SpeakersOut:
    rules_list = load_speakers(item)
    turn = agenda.next_speaker(item)
    waiting = [*rules_list.points_of_order, *rules_list.queue]

    def req(r: object) -> RequestOut:
        return RequestOut(
            speaker=getattr(r, "speaker", ""),
            fraction=getattr(r, "fraction", None),
            point_of_order=getattr(r, "point_of_order", False),
        )

    return SpeakersOut(
        item=item.pk,
        floor=req(turn) if turn else None,
        waiting=[req(r) for r in waiting],
        spoken=len(rules_list.spoken),
    )


def docket_out(item: AgendaItem) -> DocketOut:
    docket = docket_of(item)
    due = docket.next
    return DocketOut(
        item=item.pk,
        state=str(docket.state.value if hasattr(docket.state, "value") else docket.state),
        next=due.motion if due else None,
        motions=[
            MotionOut(
                id=m.pk,
                item=item.pk,
                key=m.key,
                kind=m.kind,
                procedural=m.procedural,
                text=m.text,
                parent=m.parent,
                moved_at=m.moved_at,
                settlement=m.settlement,
            )
            for m in item.motions.order_by("moved_at", "id")
        ],
    )


@router.get("/{item_id}", response={200: DocketOut, 404: Message})
def get_item(request: HttpRequest, item_id: int) -> DocketOut:
    """The item's motions and the vote that is due next under the organ's rules."""
    return docket_out(lookup(AgendaItem, item_id, "agenda item"))


@router.get("/{item_id}/speakers", response={200: SpeakersOut, 404: Message})
def speakers(request: HttpRequest, item_id: int) -> SpeakersOut:
    return speakers_out(lookup(AgendaItem, item_id, "agenda item"))


@router.post("/{item_id}/speakers", response={200: SpeakersOut, **REFUSALS})
def ask_to_speak(request: HttpRequest, item_id: int, body: SpeakIn) -> SpeakersOut:
    """A member in the hall asks for the floor (or raises a point of order, heard first)."""
    item = lookup(AgendaItem, item_id, "agenda item")
    member = lookup(Member, body.member, "member")
    agenda.request_to_speak(caller(request), item, member, point_of_order=body.point_of_order)
    return speakers_out(lookup(AgendaItem, item_id))


@router.post("/{item_id}/speakers/finish", response={200: SpeakersOut, **REFUSALS})
def finish_turn(request: HttpRequest, item_id: int, body: FinishIn) -> SpeakersOut:
    item = lookup(AgendaItem, item_id, "agenda item")
    agenda.finish_turn(caller(request), item, body.seconds)
    return speakers_out(lookup(AgendaItem, item_id))


@router.post("/{item_id}/speakers/withdraw", response={200: SpeakersOut, **REFUSALS})
def withdraw(request: HttpRequest, item_id: int, body: MemberIn) -> SpeakersOut:
    item = lookup(AgendaItem, item_id, "agenda item")
    member = lookup(Member, body.member, "member")
    agenda.withdraw_from_list(caller(request), item, member)
    return speakers_out(lookup(AgendaItem, item_id))


@router.post("/{item_id}/motions", response={201: DocketOut, **REFUSALS})
def move(request: HttpRequest, item_id: int, body: MotionIn) -> Status[DocketOut]:
    item = lookup(AgendaItem, item_id, "agenda item")
    mover = None if body.mover is None else lookup(Member, body.mover, "member")
    motion.move_motion(
        caller(request),
        item,
        body.kind,
        text=body.text,
        parent=body.parent,
        strike=body.strike,
        procedural=body.procedural,
        reach=body.reach,
        mover=mover,
        key=body.key,
    )
    return Status(201, docket_out(lookup(AgendaItem, item_id)))


@router.post("/{item_id}/votes", response={201: VoteOut, **REFUSALS})
def open_vote(request: HttpRequest, item_id: int, body: VoteIn) -> Status[VoteOut]:
    """Put the question on the motion that is due, by one of the five methods."""
    item = lookup(AgendaItem, item_id, "agenda item")
    v = vote.open_vote(caller(request), item, body.motion, method=body.method)
    return Status(201, vote_out(v))
