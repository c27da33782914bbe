"""Sessions: an organ's rules of procedure, convening, attendance, the chair, walkouts,
adjourning and closing, the agenda, and the minutes (Markdown or PDF)."""

from __future__ import annotations

from datetime import datetime, timedelta
from fractions import Fraction as Ratio
from typing import Literal

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext
from ninja import Field, Router, Schema, Status

from smolny.api.auth import caller
from smolny.api.common import Message, Timed, lookup, members_by_id
from smolny.api.errors import BadRequestField
from smolny.councils.actions import agenda, session
from smolny.councils.models import Fraction, Member, Organ
from smolny.councils.models.sessions import AgendaItem, Session
from smolny.councils.queries import sessions as session_queries

router = Router(tags=["sessions"])
organs = Router(tags=["sessions"])
REFUSALS = {403: Message, 404: Message, 409: Message, 422: Message}
RATIO = r"^\d{1,9}(/\d{1,9})?$"


class RulesIn(Timed):
    """An organ's rules of procedure. ``quorum``: a share of the seated (``1/2``) or a number
    of members (``50``); ``majority``: simple, absolute or qualified (with ``fraction``)."""

    notice_hours: float = Field(24, ge=0, le=24 * 366)
    emergency_hours: float | None = Field(None, ge=0, le=24 * 366)
    quorum: str = Field("1/2", pattern=RATIO)
    quorum_more_than: bool = True
    majority: Literal["simple", "absolute", "qualified"] = "simple"
    base: Literal["votes cast", "members present", "members seated"] = "votes cast"
    fraction: str = Field("1/2", pattern=RATIO)
    more_than: bool = True
    casting_vote: bool = False
    alternatives: Literal["successive", "preferential"] = "successive"
    put_order: Literal["as-moved", "furthest-first"] = "as-moved"
    max_depth: int = Field(2, ge=1, le=10)
    time_limit: int = Field(300, ge=1, le=86400)
    point_of_order_limit: int = Field(180, ge=1, le=86400)
    share_turns: int | None = Field(None, ge=1, le=10_000)
    share_seconds: int | None = Field(None, ge=1, le=10**7)


class QuorumOut(Schema):
    """A quorum as data: a share of the seated (``"1/2"``) or a number of members."""

    kind: Literal["share of the seated", "members"]
    threshold: str
    more_than: bool
    described: str


class MajorityOut(Schema):
    """A majority rule as data, with its words."""

    kind: str
    base: str
    fraction: str
    more_than: bool
    casting_vote: bool
    described: str


class RulesOut(Schema):
    """The rules as stored, in JSON (never a Python value's repr)."""

    organ: int
    notice_seconds: int
    emergency: bool
    emergency_minimum_seconds: int
    quorum: QuorumOut
    majority: MajorityOut
    alternatives: str
    put_order: str
    max_depth: int
    time_limit: int
    point_of_order_limit: int
    share_turns: int | None
    share_seconds: int | None


class SessionConveneIn(Timed):
    """A sitting to convene; its notice (with *place*, *agenda* and an .ics file) is mailed
    to every deputy with a vote in the organ after the commit."""

    title: str = Field(min_length=1, max_length=200)
    starts_at: datetime = Field(strict=False)
    ends_at: datetime | None = Field(None, strict=False)
    place: str = Field("", max_length=300)
    agenda: list[str] = Field(default_factory=list, max_length=200)


class SessionOut(Schema):
    id: int
    organ: int
    title: str
    convened_at: datetime
    starts_at: datetime
    ends_at: datetime | None = None
    place: str = ""
    regularity: str
    convening: str
    status: str
    opened_at: datetime | None
    opening_quorum: str
    closed_at: datetime | None
    chair: int | None
    present: int


class MembersIn(Timed):
    members: list[int] = Field(min_length=1, max_length=100_000)


class SessionMemberIn(Timed):
    member: int


class OpenIn(Timed):
    chair: int


class WalkoutIn(Timed):
    fraction: int | None = None
    members: list[int] = Field(default_factory=list, max_length=100_000)
    statement: str = Field("", max_length=10_000)


class WalkoutOut(Schema):
    id: int
    session: int
    at: datetime
    fraction: str | None
    members: int
    statement: str


class ItemIn(Timed):
    title: str = Field(min_length=1, max_length=300)


class ItemOut(Schema):
    id: int
    session: int
    position: int
    title: str
    state: str


def session_out(s: Session) -> SessionOut:
    from django.utils import timezone

    now = timezone.now()
    chair = session_queries.current_chair(s, now)
    return SessionOut(
        id=s.pk,
        organ=s.organ_id,
        title=s.title,
        convened_at=s.convened_at,
        starts_at=s.starts_at,
        ends_at=s.ends_at,
        place=s.place,
        regularity=s.regularity,
        convening=s.convening,
        status=s.status,
        opened_at=s.opened_at,
        opening_quorum=s.opening_quorum,
        closed_at=s.closed_at,
        chair=chair.member_id if chair else None,
        present=len(session_queries.present_members(s, now)),
    )


def item_out(item: AgendaItem) -> ItemOut:
    return ItemOut(
        id=item.pk,
        session=item.session_id,
        position=item.position,
        title=item.title,
        state=item.state,
    )


def _ratio(text: str, field: str) -> Ratio:
    try:
        return Ratio(text)
    except ZeroDivisionError:
        raise BadRequestField(
            field, gettext("%(text)s: a zero denominator") % {"text": text}
        ) from None


@organs.post("/{organ_id}/rules", response={200: RulesOut, **REFUSALS})
def set_rules(request: HttpRequest, organ_id: int, body: RulesIn) -> RulesOut:
    from smolny.rules.majority import Base, Kind, MajorityRule, Quorum

    organ = lookup(Organ, organ_id, "organ")
    share = _ratio(body.quorum, "quorum")
    try:
        quorum = Quorum(
            int(share) if "/" not in body.quorum else share, more_than=body.quorum_more_than
        )
        majority = MajorityRule(
            Kind(body.majority),
            Base(body.base),
            _ratio(body.fraction, "fraction"),
            body.more_than,
            casting_vote=body.casting_vote,
        )
    except ValueError as error:
        raise BadRequestField("majority", str(error)) from None
    rules = session.set_organ_rules(
        caller(request),
        organ,
        notice=timedelta(hours=body.notice_hours),
        emergency=None if body.emergency_hours is None else timedelta(hours=body.emergency_hours),
        quorum=quorum,
        majority=majority,
        alternatives=body.alternatives,
        put_order=body.put_order,
        max_depth=body.max_depth,
        time_limit=body.time_limit,
        point_of_order_limit=body.point_of_order_limit,
        share_turns=body.share_turns,
        share_seconds=body.share_seconds,
    )
    stored_quorum = session_queries.quorum_of(rules)
    stored_majority = session_queries.majority_rule(rules)
    return RulesOut(
        organ=organ.pk,
        notice_seconds=rules.notice_seconds,
        emergency=rules.emergency,
        emergency_minimum_seconds=rules.emergency_minimum_seconds,
        quorum=QuorumOut(
            kind="share of the seated" if isinstance(stored_quorum.threshold, Ratio) else "members",
            threshold=str(stored_quorum.threshold),
            more_than=stored_quorum.more_than,
            described=session_queries.describe_quorum(stored_quorum),
        ),
        majority=MajorityOut(
            kind=stored_majority.kind.value,
            base=stored_majority.base.value,
            fraction=str(stored_majority.fraction),
            more_than=stored_majority.more_than,
            casting_vote=stored_majority.casting_vote,
            described=stored_majority.describe(),
        ),
        alternatives=rules.alternatives,
        put_order=rules.put_order,
        max_depth=rules.max_depth,
        time_limit=rules.time_limit,
        point_of_order_limit=rules.point_of_order_limit,
        share_turns=rules.share_turns,
        share_seconds=rules.share_seconds,
    )


@organs.post("/{organ_id}/sessions", response={201: SessionOut, **REFUSALS})
def convene(request: HttpRequest, organ_id: int, body: SessionConveneIn) -> Status[SessionOut]:
    """Convene a sitting; short notice is allowed only by the emergency rule (irregular)."""
    organ = lookup(Organ, organ_id, "organ")
    s = session.convene_session(
        caller(request),
        organ,
        body.title,
        starts_at=body.starts_at,
        ends_at=body.ends_at,
        place=body.place,
        agenda=body.agenda,
    )
    return Status(201, session_out(s))


@router.post("/{session_id}/notice", response={200: SessionOut, **REFUSALS})
def send_notice(request: HttpRequest, session_id: int, body: Timed) -> SessionOut:
    """Send the sitting's notice again to every deputy seated now (its agenda has grown):
    the calendar file updates the entry sent before."""
    s = lookup(Session, session_id, "session")
    return session_out(session.send_session_notice(caller(request), s))


@router.get("/{session_id}", response={200: SessionOut, 404: Message})
def get_session(request: HttpRequest, session_id: int) -> SessionOut:
    return session_out(lookup(Session, session_id, "session"))


@router.post("/{session_id}/check-in", response={200: SessionOut, **REFUSALS})
def check_in(request: HttpRequest, session_id: int, body: MembersIn) -> SessionOut:
    """Members enter the hall: a member for themself, a secretary for many at the door."""
    s = lookup(Session, session_id, "session")
    session.check_in(caller(request), s, members_by_id(body.members, "members"))
    return session_out(s)


@router.post("/{session_id}/check-out", response={200: SessionOut, **REFUSALS})
def check_out(request: HttpRequest, session_id: int, body: SessionMemberIn) -> SessionOut:
    s = lookup(Session, session_id, "session")
    member = lookup(Member, body.member, "member")
    session.check_out(caller(request), s, member)
    return session_out(s)


@router.post("/{session_id}/open", response={200: SessionOut, **REFUSALS})
def open_(request: HttpRequest, session_id: int, body: OpenIn) -> SessionOut:
    """Open (or resume) the sitting under a chair, once a quorum is in the hall."""
    s = lookup(Session, session_id, "session")
    chair = lookup(Member, body.chair, "member")
    return session_out(session.open_session(caller(request), s, chair=chair))


@router.post("/{session_id}/chair", response={200: SessionOut, **REFUSALS})
def hand_over(request: HttpRequest, session_id: int, body: SessionMemberIn) -> SessionOut:
    s = lookup(Session, session_id, "session")
    to = lookup(Member, body.member, "member")
    session.hand_over_chair(caller(request), s, to)
    return session_out(s)


@router.post("/{session_id}/walkouts", response={201: WalkoutOut, **REFUSALS})
def walkout(request: HttpRequest, session_id: int, body: WalkoutIn) -> Status[WalkoutOut]:
    """A fraction (its deputies in the hall) or named members leave together."""
    s = lookup(Session, session_id, "session")
    fraction = None if body.fraction is None else lookup(Fraction, body.fraction, "fraction")
    w = session.record_walkout(
        caller(request),
        s,
        fraction=fraction,
        members=members_by_id(body.members, "members"),
        statement=body.statement,
    )
    return Status(
        201,
        WalkoutOut(
            id=w.pk,
            session=s.pk,
            at=w.at,
            fraction=w.fraction.name if w.fraction else None,
            members=w.members,
            statement=w.statement,
        ),
    )


@router.post("/{session_id}/adjourn", response={200: SessionOut, **REFUSALS})
def adjourn(request: HttpRequest, session_id: int, body: Timed) -> SessionOut:
    s = lookup(Session, session_id, "session")
    return session_out(session.adjourn_session(caller(request), s))


@router.post("/{session_id}/close", response={200: SessionOut, **REFUSALS})
def close(request: HttpRequest, session_id: int, body: Timed) -> SessionOut:
    s = lookup(Session, session_id, "session")
    return session_out(session.close_session(caller(request), s))


@router.get("/{session_id}/agenda", response={200: list[ItemOut], 404: Message})
def list_items(request: HttpRequest, session_id: int) -> list[ItemOut]:
    s = lookup(Session, session_id, "session")
    return [item_out(i) for i in s.items.order_by("position")]


@router.post("/{session_id}/agenda", response={201: ItemOut, **REFUSALS})
def add_item(request: HttpRequest, session_id: int, body: ItemIn) -> Status[ItemOut]:
    s = lookup(Session, session_id, "session")
    return Status(201, item_out(agenda.add_agenda_item(caller(request), s, body.title)))


@router.get(
    "/{session_id}/minutes",
    response={200: str, 404: Message},
    openapi_extra={
        "responses": {
            200: {
                "description": "the minutes",
                "content": {
                    "text/markdown": {"schema": {"type": "string"}},
                    "application/pdf": {"schema": {"type": "string", "format": "binary"}},
                },
            }
        }
    },
)
def minutes(
    request: HttpRequest, session_id: int, format: Literal["markdown", "pdf"] = "markdown"
) -> HttpResponse:
    """The minutes, generated from the record: Markdown (default) or PDF."""
    from smolny.councils.minutes import minutes_markdown, minutes_pdf

    s = lookup(Session, session_id, "session")
    if format == "pdf":
        response = HttpResponse(minutes_pdf(s), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="minutes-{s.pk}.pdf"'
        return response
    return HttpResponse(minutes_markdown(s), content_type="text/markdown; charset=utf-8")
