"""The commissariat: creating one, reading its commissars at a date with the composition
history, and appointing and removing commissars by decisions of the appointing body.

A decision is given either by its tallies (decided here under the rule given, a simple
majority by default) or by the closed vote of a session of the appointing body; either way it
is recorded, and only a carried motion changes the commissariat (the action's rule).
"""

from __future__ import annotations

from datetime import datetime
from fractions import Fraction as Ratio

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from ninja import Router, Status

from smolny.api.auth import caller
from smolny.api.common import TIME_QUERY, Message, lookup, parse_time
from smolny.api.errors import BadRequestField
from smolny.api.federation_schemas import (
    AppointIn,
    AppointmentOut,
    CommissariatIn,
    CommissariatOut,
    CommissariatSummaryOut,
    DecidedOut,
    DecisionIn,
    PostOut,
    RuleIn,
    TallyIn,
    appointment_out,
    body_of,
    decision_out,
)
from smolny.api.routers.federation_congresses import ORGANISATION_QUERY
from smolny.councils.actions import ActionError
from smolny.councils.models import Council, Member, Organ, Vote
from smolny.federation import actions as fed
from smolny.federation.bodies import body_ref
from smolny.federation.models import CommissarAppointment, Commissariat
from smolny.federation.queries import answerable_to, commissariat_at
from smolny.rules.majority import Base, Kind, MajorityRule, Quorum, Tally
from smolny.web.access import readable_organisations

router = Router(tags=["commissariats"])
REFUSALS = {403: Message, 404: Message, 409: Message, 422: Message}


def tally_of(given: TallyIn | None) -> Tally | None:
    if given is None:
        return None
    try:
        return Tally(
            given.votes_for,
            given.votes_against,
            given.abstentions,
            present=given.present,
            seated=given.seated,
            casting=given.casting,
        )
    except (ValueError, TypeError) as error:
        raise BadRequestField("tally", str(error)) from None


def _ratio(text: str, field: str) -> Ratio:
    try:
        return Ratio(text.replace(" ", ""))
    except (ValueError, ZeroDivisionError):
        raise BadRequestField(
            field, gettext("%(text)s is not a fraction such as 1/2") % {"text": repr(text)}
        ) from None


def rule_of(given: RuleIn | None) -> MajorityRule | None:
    """The majority rule described by *given*; an inconsistent one is refused (422)."""
    if given is None:
        return None
    quorum = None
    try:
        if given.quorum is not None:
            share = _ratio(given.quorum, "rule.quorum")
            threshold: int | Ratio = share if "/" in given.quorum else int(share)
            quorum = Quorum(threshold, more_than=given.quorum_more_than)
        return MajorityRule(
            Kind(given.majority),
            Base(given.base),
            _ratio(given.fraction, "rule.fraction"),
            given.more_than,
            quorum=quorum,
            casting_vote=given.casting_vote,
        )
    except (ValueError, TypeError) as error:
        if isinstance(error, BadRequestField):
            raise
        raise BadRequestField("rule", str(error)) from None


def _decision_parts(body: DecisionIn) -> tuple[Tally | None, Vote | None, MajorityRule | None]:
    if (body.tally is None) == (body.vote is None):
        raise BadRequestField(
            "tally", gettext("give the decision's tally, or the vote that took it")
        )
    vote = None if body.vote is None else lookup(Vote, body.vote, "vote")
    return tally_of(body.tally), vote, rule_of(body.rule)


def _answerable(commissariat: Commissariat, at: datetime) -> str | None:
    try:
        return body_ref(answerable_to(commissariat, at))
    except ActionError:
        return None


def _summary(c: Commissariat) -> CommissariatSummaryOut:
    return CommissariatSummaryOut(
        id=c.pk,
        organisation=c.organisation_id,
        name=c.name,
        appointed_by=c.appointed_by,
        start=c.start,
    )


@router.get("", response=list[CommissariatSummaryOut])
def list_commissariats(
    request: HttpRequest, organisation: int | None = ORGANISATION_QUERY
) -> list[CommissariatSummaryOut]:
    """The commissariats of the organisations the caller may read (of one, if asked)."""
    rows = Commissariat.objects.filter(
        organisation__in=readable_organisations(request.user)
    ).order_by("name", "pk")
    if organisation is not None:
        rows = rows.filter(organisation_id=organisation)
    return [_summary(c) for c in rows]


@router.post("", response={201: CommissariatSummaryOut, **REFUSALS})
def create_commissariat(
    request: HttpRequest, body: CommissariatIn
) -> Status[CommissariatSummaryOut]:
    """A council of commissars answerable to a congress or its central executive."""
    appointing = body_of(body.appointed_by, "appointed_by")
    if not isinstance(appointing, (Council, Organ)):
        raise BadRequestField("appointed_by", gettext("a unit appoints no commissars"))
    made = fed.create_commissariat(caller(request), body.name, appointed_by=appointing)
    return Status(201, _summary(made))


@router.get("/{commissariat_id}", response={200: CommissariatOut, 404: Message})
def get_commissariat(
    request: HttpRequest, commissariat_id: int, at: str | None = TIME_QUERY
) -> CommissariatOut:
    """The commissars in office at *at* (default: now), the body they answer to then, and
    every appointment ever made (the composition history)."""
    commissariat = lookup(Commissariat, commissariat_id, "commissariat")
    when = parse_time(at) or timezone.now()
    history = commissariat.appointments.select_related("member").order_by("start", "pk")
    return CommissariatOut(
        **_summary(commissariat).model_dump(),
        at=when,
        answerable_to=_answerable(commissariat, when),
        posts=[PostOut(**p.__dict__) for p in commissariat_at(commissariat, when)],
        history=[appointment_out(a) for a in history],
    )


@router.post("/{commissariat_id}/appointments", response={201: DecidedOut, **REFUSALS})
def appoint(request: HttpRequest, commissariat_id: int, body: AppointIn) -> Status[DecidedOut]:
    """The appointing body decides on appointing a member to a portfolio; the decision is
    recorded either way, the appointment made only when it carried."""
    commissariat = lookup(Commissariat, commissariat_id, "commissariat")
    member = lookup(Member, body.member, "member")
    tally, vote, rule = _decision_parts(body)
    decision, appointment = fed.appoint_commissar(
        caller(request),
        commissariat,
        member,
        body.portfolio,
        tally=tally,
        vote=vote,
        rule=rule,
    )
    return Status(
        201,
        DecidedOut(
            decision=decision_out(decision),
            appointment=appointment_out(appointment) if appointment else None,
        ),
    )


@router.get("/appointments/{appointment_id}", response={200: AppointmentOut, 404: Message})
def get_appointment(request: HttpRequest, appointment_id: int) -> AppointmentOut:
    return appointment_out(lookup(CommissarAppointment, appointment_id, "appointment"))


@router.post("/appointments/{appointment_id}/removal", response={201: DecidedOut, **REFUSALS})
def remove(request: HttpRequest, appointment_id: int, body: DecisionIn) -> Status[DecidedOut]:
    """The body the commissariat answers to now decides on removing the commissar; when it
    carries, the appointment ends."""
    appointment = lookup(CommissarAppointment, appointment_id, "appointment")
    tally, vote, rule = _decision_parts(body)
    decision = fed.remove_commissar(caller(request), appointment, tally=tally, vote=vote, rule=rule)
    appointment.refresh_from_db()
    return Status(
        201, DecidedOut(decision=decision_out(decision), appointment=appointment_out(appointment))
    )
