"""Sessions: an organ's rules of procedure, convening with notice, opening on a quorum,
attendance, the chair, walkouts, adjourning and closing.

The rules come from :mod:`smolny.rules.procedure.notice` (notice and the emergency rule,
quorum to open) and :mod:`smolny.rules.procedure.closing` (walkouts); this module stores what
they decide. Who sits in an organ with a vote (:func:`seated`): for a plenum every holder of a
current mandate in the council, for any other organ the holders of its current seats. Everyone
else in the hall is an observer. Presence is per person (member), and the right to vote is
decided at the moment it is used, so a deputy recalled during a session stays in the hall and
loses the vote at that instant.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from fractions import Fraction as Ratio

from django.utils.translation import gettext

from smolny.councils import wording
from smolny.councils.actions.agenda import append_item
from smolny.councils.models import (
    Attendance,
    ChairTerm,
    Fraction,
    FractionMembership,
    Member,
    Organ,
    OrganisationRole,
    OrganRules,
    Session,
    Walkout,
)
from smolny.councils.models.dated import valid_at
from smolny.councils.queries.sessions import (
    current_chair,
    describe_quorum,
    get_session,
    majority_rule,
    notice_rule,
    quorum_of,
    require_chair_or_secretary,
    require_status,
    rules_of,
)

# Re-exported until smolny/worlds/loader.py (being split) reads them from queries.sessions.
from smolny.councils.queries.sessions import present_members as present_members
from smolny.councils.queries.sessions import seated as seated
from smolny.journal.actions import (
    ActionError,
    Actor,
    NotAllowed,
    action_transaction,
    fresh,
    holds_role,
    record,
    require_door_keeper,
    require_member_or_clerk,
    require_member_or_secretary,
    require_secretary,
)
from smolny.notices.compose import session_notice
from smolny.rules.majority import MajorityRule, Quorum
from smolny.rules.procedure import (
    AlternativeVoting,
    EmergencyRule,
    MotionRules,
    NoticeRule,
    PutOrder,
    SpeakingRules,
    decide_convening,
    quorum_to_open,
)

# --- the organ's rules ---------------------------------------------------------------------


def set_organ_rules(
    actor: Actor,
    organ: Organ,
    *,
    notice: timedelta = timedelta(days=1),
    emergency: timedelta | None = None,
    quorum: Quorum | None = None,
    majority: MajorityRule | None = None,
    alternatives: str = "successive",
    put_order: str = "as-moved",
    max_depth: int = 2,
    time_limit: int = 300,
    point_of_order_limit: int = 180,
    share_turns: int | None = None,
    share_seconds: int | None = None,
    at: datetime | None = None,
) -> OrganRules:
    """Set an organ's rules of procedure (*emergency*: the shortest notice the emergency rule
    allows, ``None`` for no emergency rule; *quorum* defaults to more than half the seated;
    *majority* to a simple majority; its own quorum is replaced by *quorum*)."""
    quorum = quorum or Quorum.majority_of_seated()
    majority = majority or MajorityRule.simple()
    try:
        notice_rule_checked = NoticeRule(
            notice, None if emergency is None else EmergencyRule(emergency)
        )
        MotionRules(
            max_depth=max_depth,
            alternatives=AlternativeVoting(alternatives),
            order=PutOrder(put_order),
        )
        SpeakingRules(time_limit, point_of_order_limit)
    except ValueError as error:
        raise ActionError(
            gettext("rules of procedure: %(error)s") % {"error": wording.refusal(str(error))}
        ) from None
    with action_transaction(at) as at:
        organ = fresh(organ)
        require_secretary(actor, organ.council.organisation, at)
        rules = OrganRules.objects.filter(organ=organ).first() or OrganRules(organ=organ)
        rules.notice_seconds = int(notice_rule_checked.period.total_seconds())
        rules.emergency = emergency is not None
        rules.emergency_minimum_seconds = int(emergency.total_seconds()) if emergency else 0
        if isinstance(quorum.threshold, Ratio):
            rules.quorum_num = quorum.threshold.numerator
            rules.quorum_den = quorum.threshold.denominator
            rules.quorum_members = None
        else:
            rules.quorum_members = quorum.threshold
        rules.quorum_more_than = quorum.more_than
        rules.majority_kind = majority.kind.value
        rules.majority_base = majority.base.value
        rules.majority_num = majority.fraction.numerator
        rules.majority_den = majority.fraction.denominator
        rules.majority_more_than = majority.more_than
        rules.casting_vote = majority.casting_vote
        rules.alternatives = alternatives
        rules.put_order = put_order
        rules.max_depth = max_depth
        rules.time_limit = time_limit
        rules.point_of_order_limit = point_of_order_limit
        rules.share_turns = share_turns
        rules.share_seconds = share_seconds
        rules.save()
        record(
            actor,
            "set_organ_rules",
            {
                "organ": organ.pk,
                "notice_seconds": rules.notice_seconds,
                "emergency": rules.emergency,
                "emergency_minimum_seconds": rules.emergency_minimum_seconds,
                "quorum": describe_quorum(quorum),
                "majority": majority_rule(rules).describe(),
                "alternatives": alternatives,
                "put_order": put_order,
            },
            at=at,
            organisation=organ.council.organisation,
        )
    return rules


# --- who sits, who is present --------------------------------------------------------------


# --- permission ----------------------------------------------------------------------------


# --- the lifecycle -------------------------------------------------------------------------


def convene_session(
    actor: Actor,
    organ: Organ,
    title: str,
    *,
    starts_at: datetime,
    ends_at: datetime | None = None,
    place: str = "",
    agenda: Sequence[str] = (),
    at: datetime | None = None,
) -> Session:
    """Call a sitting of *organ* for *starts_at*; the notice given is decided by its rules.

    Short notice is allowed only under the organ's emergency rule, and the session (and every
    decision it takes) is then marked irregular; without one the summons is refused.

    The notice (date, *place*, the *agenda* items, which are written as the session's first
    items, a link, an .ics file) is queued by mail to every deputy with a vote in the organ,
    in the same transaction, and sent after the commit (:mod:`smolny.notices`).
    """
    title = title.strip()
    place = place.strip()
    items = [t.strip() for t in agenda]
    if not title:
        raise ActionError(gettext("a session needs a title"))
    if any(not t for t in items):
        raise ActionError(gettext("an agenda item needs a title"))
    if len(place) > 300:
        raise ActionError(gettext("the place is longer than 300 characters"))
    if ends_at is not None and (ends_at.tzinfo is None or ends_at <= starts_at):
        raise ActionError(gettext("ends_at must be a time with a timezone after starts_at"))
    with action_transaction(at) as at:
        organ = fresh(organ)
        require_secretary(actor, organ.council.organisation, at)
        if not organ.current_at(at):
            raise NotAllowed(
                gettext("%(organ)s does not exist at %(at)s")
                % {"organ": organ.name, "at": at.isoformat()}
            )
        if starts_at.tzinfo is None:
            raise ActionError(gettext("starts_at has no timezone"))
        try:
            convening = decide_convening(notice_rule(rules_of(organ)), at, starts_at)
        except ValueError as error:
            raise NotAllowed(wording.refusal(str(error))) from None
        if not convening.allowed:
            raise NotAllowed(
                gettext("%(organ)s cannot sit at %(starts_at)s: %(reason)s")
                % {
                    "organ": organ.name,
                    "starts_at": starts_at.isoformat(),
                    "reason": wording.convening(convening.reason),
                }
            )
        session = Session.objects.create(
            organ=organ,
            title=title,
            convened_at=at,
            starts_at=starts_at,
            ends_at=ends_at,
            place=place,
            regularity=convening.regularity.value,
            convening=convening.reason,
        )
        for item in items:
            append_item(session, item, at)
        notice = session_notice(session, at)
        payload: dict[str, object] = {
            "session": session.pk,
            "organ": organ.pk,
            "title": title,
            "starts_at": starts_at.isoformat(),
            "regularity": session.regularity,
            "reason": convening.reason,
        }
        if ends_at is not None:
            payload["ends_at"] = ends_at.isoformat()
        if place:
            payload["place"] = place
        if items:
            payload["agenda"] = items
        if notice.queued or notice.without_address:
            payload["notices"] = {"queued": notice.queued, "no_address": notice.without_address}
        record(actor, "convene_session", payload, at=at, organisation=organ.council.organisation)
    return session


def send_session_notice(
    actor: Actor, session: Session | int, *, at: datetime | None = None
) -> Session:
    """Send a convened session's notice again (its agenda has grown, its deputies changed):
    to every deputy seated now, the calendar entry's sequence one higher, so that calendars
    update the entry they hold."""
    with action_transaction(at) as at:
        session = get_session(session)
        require_secretary(actor, session.organ.council.organisation, at)
        require_status(session, Session.CONVENED, Session.ADJOURNED)
        notice = session_notice(session, at)
        record(
            actor,
            "send_session_notice",
            {
                "session": session.pk,
                "queued": notice.queued,
                "no_address": notice.without_address,
            },
            at=at,
            organisation=session.organ.council.organisation,
        )
    return session


def check_in(
    actor: Actor, session: Session | int, members: Sequence[Member], *, at: datetime | None = None
) -> list[Attendance]:
    """*members* enter the hall (a member for themself, or the clerk or a secretary for many
    at the door).

    Whether each votes or observes is decided at each vote; the journal records the count of
    each at check-in.
    """
    if not members:
        raise ActionError(gettext("check-in names nobody"))
    with action_transaction(at) as at:
        session = get_session(session)
        require_status(session, Session.CONVENED, Session.OPEN, Session.ADJOURNED)
        organisation = session.organ.council.organisation
        ids = [m.pk for m in members]
        if len(set(ids)) != len(ids):
            raise ActionError(gettext("check-in names a member twice"))
        found = {m.pk: m for m in Member.objects.filter(pk__in=ids, organisation=organisation)}
        missing = [str(i) for i in ids if i not in found]
        if missing:
            raise ActionError(
                gettext("no member with id %(names)s in %(organisation)s")
                % {"names": ", ".join(missing), "organisation": organisation.name}
            )
        if len(members) == 1:
            require_member_or_clerk(actor, found[ids[0]], at)
        else:
            require_door_keeper(actor, organisation)  # the clerk at the door, or a secretary
        already = present_members(session, at) & set(ids)
        if already:
            names = ", ".join(sorted(found[i].external_id for i in already))
            raise NotAllowed(gettext("already checked in: %(names)s") % {"names": names})
        rows = Attendance.objects.bulk_create(
            Attendance(session=session, member_id=i, start=at) for i in ids
        )
        voting = seated(session.organ, at)
        from smolny.councils.actions.card import end_proxies_on_check_in

        ended = end_proxies_on_check_in(session, ids, at)  # a giver come in votes in person
        record(
            actor,
            "check_in",
            {
                "session": session.pk,
                "members": [found[i].external_id for i in ids],
                "deputies": sum(1 for i in ids if i in voting),
                "observers": sum(1 for i in ids if i not in voting),
                **({"proxies_ended": ended} if ended else {}),
            },
            at=at,
            organisation=organisation,
        )
    return rows


def check_out(
    actor: Actor, session: Session | int, member: Member, *, at: datetime | None = None
) -> Attendance:
    """*member* leaves the hall."""
    with action_transaction(at) as at:
        session = get_session(session)
        member = fresh(member)
        require_member_or_secretary(actor, member, at)
        row = Attendance.objects.filter(valid_at(at), session=session, member=member).first()
        if row is None:
            raise NotAllowed(gettext("%(member)s is not in the hall") % {"member": member.name})
        if at < row.start:
            raise NotAllowed(gettext("a check-out cannot precede the check-in"))
        row.end = at
        row.save(update_fields=["end"])
        record(
            actor,
            "check_out",
            {"session": session.pk, "member": member.external_id},
            at=at,
            organisation=session.organ.council.organisation,
        )
    return row


def open_session(
    actor: Actor, session: Session | int, *, chair: Member, at: datetime | None = None
) -> Session:
    """Open the sitting under *chair* once a quorum of the seated members has checked in."""
    with action_transaction(at) as at:
        session = get_session(session)
        organisation = session.organ.council.organisation
        if not holds_role(actor, organisation, OrganisationRole.CHAIR):
            require_secretary(actor, organisation, at)  # a secretary, or the chair's role
        require_status(session, Session.CONVENED, Session.ADJOURNED)
        if at < session.starts_at:
            raise NotAllowed(
                gettext("%(session)s was called for %(starts_at)s; it cannot open before")
                % {"session": session.title, "starts_at": session.starts_at.isoformat()}
            )
        chair = fresh(chair)
        if chair.organisation_id != session.organ.council.organisation_id:
            raise ActionError(
                gettext("%(chair)s is not a member of this organisation") % {"chair": chair.name}
            )
        members = seated(session.organ, at)
        check = quorum_to_open(
            quorum_of(rules_of(session.organ)), members, present_members(session, at)
        )
        if not check.quorate:
            raise NotAllowed(
                gettext("%(session)s cannot open: %(reason)s")
                % {"session": session.title, "reason": wording.reason(check.reason)}
            )
        first = session.status == Session.CONVENED
        session.status = Session.OPEN
        if first:
            session.opened_at = at
            session.opening_quorum = check.reason
        session.save(update_fields=["status", "opened_at", "opening_quorum"])
        _set_chair(session, chair, at)
        record(
            actor,
            "open_session" if first else "resume_session",
            {
                "session": session.pk,
                "chair": chair.external_id,
                "quorum": check.reason,
                "regularity": session.regularity,
            },
            at=at,
            organisation=session.organ.council.organisation,
        )
    return session


def _set_chair(session: Session, member: Member, at: datetime) -> None:
    ChairTerm.objects.filter(session=session, end=None).update(end=at)
    ChairTerm.objects.create(session=session, member=member, start=at)


def hand_over_chair(
    actor: Actor, session: Session | int, to: Member, *, at: datetime | None = None
) -> ChairTerm:
    """The chair passes to *to* (who must be in the hall)."""
    with action_transaction(at) as at:
        session = get_session(session)
        require_chair_or_secretary(actor, session, at)
        require_status(session, Session.OPEN)
        to = fresh(to)
        if to.pk not in present_members(session, at):
            raise NotAllowed(
                gettext("%(to)s is not in the hall and cannot take the chair") % {"to": to.name}
            )
        before = current_chair(session, at)
        _set_chair(session, to, at)
        record(
            actor,
            "hand_over_chair",
            {
                "session": session.pk,
                "from": before.member.external_id if before else None,
                "to": to.external_id,
            },
            at=at,
            organisation=session.organ.council.organisation,
        )
    term = current_chair(session, at)
    assert term is not None
    return term


def record_walkout(
    actor: Actor,
    session: Session | int,
    *,
    fraction: Fraction | None = None,
    members: Sequence[Member] = (),
    statement: str = "",
    at: datetime | None = None,
) -> Walkout:
    """A fraction (its deputies in the hall) or named members leave the sitting together."""
    if (fraction is None) == (not members):
        raise ActionError(
            gettext("a walkout is of a fraction or of named members, not both or neither")
        )
    with action_transaction(at) as at:
        session = get_session(session)
        require_chair_or_secretary(actor, session, at)
        require_status(session, Session.OPEN)
        in_hall = present_members(session, at)
        if fraction is not None:
            fraction = fresh(fraction)
            if fraction.council_id != session.organ.council_id:
                raise ActionError(
                    gettext("%(fraction)s is not a fraction of this council")
                    % {"fraction": fraction.name}
                )
            leaving = (
                set(
                    FractionMembership.objects.filter(valid_at(at), fraction=fraction)
                    .filter(valid_at(at, "mandate"))
                    .values_list("mandate__member_id", flat=True)
                )
                & in_hall
            )
            if not leaving:
                raise NotAllowed(
                    gettext("no deputy of %(fraction)s is in the hall")
                    % {"fraction": fraction.name}
                )
        else:
            leaving = {m.pk for m in members}
            absent = leaving - in_hall
            if absent:
                raise NotAllowed(
                    gettext("not in the hall: member id %(names)s")
                    % {"names": ", ".join(map(str, sorted(absent)))}
                )
        walkout = Walkout.objects.create(
            session=session, at=at, fraction=fraction, statement=statement, members=len(leaving)
        )
        Attendance.objects.filter(valid_at(at), session=session, member_id__in=leaving).update(
            end=at, walkout=walkout
        )
        voting = seated(session.organ, at)
        check = quorum_to_open(quorum_of(rules_of(session.organ)), voting, in_hall - leaving)
        record(
            actor,
            "record_walkout",
            {
                "session": session.pk,
                "walkout": walkout.pk,
                "fraction": fraction.name if fraction else None,
                "members": sorted(
                    Member.objects.filter(pk__in=leaving).values_list("external_id", flat=True)
                ),
                "quorum_after": check.reason,
            },
            at=at,
            organisation=session.organ.council.organisation,
        )
    return walkout


def adjourn_session(actor: Actor, session: Session | int, *, at: datetime | None = None) -> Session:
    """Adjourn: the sitting pauses (no vote may be open); :func:`open_session` resumes it."""
    return _pause(actor, session, Session.ADJOURNED, at)


def close_session(actor: Actor, session: Session | int, *, at: datetime | None = None) -> Session:
    """Close the sitting: attendance and the chair end; nothing more can be recorded in it."""
    return _pause(actor, session, Session.CLOSED, at)


def _pause(actor: Actor, session: Session | int, status: str, at: datetime | None) -> Session:
    from smolny.councils.models import Vote

    with action_transaction(at) as at:
        session = get_session(session)
        require_chair_or_secretary(actor, session, at)
        require_status(
            session, Session.OPEN, *((Session.ADJOURNED,) if status == Session.CLOSED else ())
        )
        open_votes = Vote.objects.filter(item__session=session, status=Vote.OPEN).count()
        if open_votes:
            raise NotAllowed(
                gettext("%(session)s has %(n)s vote(s) open; close them first")
                % {"session": session.title, "n": open_votes}
            )
        session.status = status
        if status == Session.CLOSED:
            session.closed_at = at
            Attendance.objects.filter(session=session, end=None).update(end=at)
            ChairTerm.objects.filter(session=session, end=None).update(end=at)
        session.save(update_fields=["status", "closed_at"])
        record(
            actor,
            "close_session" if status == Session.CLOSED else "adjourn_session",
            {"session": session.pk},
            at=at,
            organisation=session.organ.council.organisation,
        )
    return session
