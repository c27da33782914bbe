"""Read-side questions about an organ and its sittings: its rules of procedure, who sits and
who is in the hall, who chairs, and the checks an action makes before it writes.

These functions read and never write; the actions of :mod:`smolny.councils.actions.session`,
``agenda``, ``motion`` and ``vote`` call them inside their transactions, and the session
pages call them to show the state.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from fractions import Fraction as Ratio

from django.utils.translation import gettext

from smolny.councils import wording
from smolny.councils.models import (
    Attendance,
    ChairTerm,
    FractionMembership,
    Mandate,
    Member,
    Organ,
    OrganisationRole,
    OrganRules,
    OrganSeat,
    Session,
)
from smolny.councils.models.dated import valid_at
from smolny.journal.actions import (
    ActionError,
    Actor,
    NotAllowed,
    PermissionDenied,
    actor_label,
    holds_role,
    is_secretary,
)
from smolny.rules.majority import Base, Kind, MajorityRule, Quorum
from smolny.rules.procedure import (
    AlternativeVoting,
    EmergencyRule,
    MotionRules,
    NoticeRule,
    PutOrder,
    SpeakingRules,
)


def rules_of(organ: Organ) -> OrganRules:
    """The organ's rules row, or the defaults (an unsaved row) when it has none."""
    found = OrganRules.objects.filter(organ=organ).first()
    return found if found is not None else OrganRules(organ=organ)


def notice_rule(rules: OrganRules) -> NoticeRule:
    emergency = (
        EmergencyRule(timedelta(seconds=rules.emergency_minimum_seconds))
        if rules.emergency
        else None
    )
    return NoticeRule(timedelta(seconds=rules.notice_seconds), emergency)


def quorum_of(rules: OrganRules) -> Quorum:
    if rules.quorum_members is not None:
        return Quorum(rules.quorum_members, more_than=rules.quorum_more_than)
    return Quorum(rules.quorum_share, more_than=rules.quorum_more_than)


def describe_quorum(quorum: Quorum) -> str:
    """E.g. ``"more than 1/2 of the seated members"`` or ``"at least 50 members"``."""
    words = "more than" if quorum.more_than else "at least"
    if isinstance(quorum.threshold, Ratio):
        return f"{words} {quorum.threshold} of the seated members"
    return f"{words} {quorum.threshold} members"


def majority_rule(rules: OrganRules) -> MajorityRule:
    """The organ's majority rule, with its quorum."""
    kind = Kind(rules.majority_kind)
    base = Base(rules.majority_base)
    quorum = quorum_of(rules)
    if kind is Kind.SIMPLE:
        return MajorityRule.simple(quorum=quorum, casting_vote=rules.casting_vote)
    if kind is Kind.ABSOLUTE:
        return MajorityRule.absolute(base, quorum=quorum, casting_vote=rules.casting_vote)
    return MajorityRule.qualified(
        Ratio(rules.majority_num, rules.majority_den),
        base,
        more_than=rules.majority_more_than,
        quorum=quorum,
        casting_vote=rules.casting_vote,
    )


def motion_rules(rules: OrganRules) -> MotionRules:
    return MotionRules(
        max_depth=rules.max_depth,
        alternatives=AlternativeVoting(rules.alternatives),
        order=PutOrder(rules.put_order),
    )


def speaking_rules(rules: OrganRules) -> SpeakingRules:
    return SpeakingRules(rules.time_limit, rules.point_of_order_limit)


def seated(organ: Organ, at: datetime) -> dict[int, Mandate]:
    """The members with a vote in *organ* at *at*, by member id, with their mandates."""
    mandates = Mandate.objects.filter(valid_at(at), council_id=organ.council_id)
    if organ.kind != Organ.PLENUM:
        holders = OrganSeat.objects.filter(valid_at(at), organ=organ, status=OrganSeat.HELD).values(
            "holder_id"
        )
        mandates = mandates.filter(pk__in=holders)
    return {m.member_id: m for m in mandates}


def voting_mandate(organ: Organ, member: Member, at: datetime) -> Mandate | None:
    """The mandate giving *member* a vote in *organ* at *at*, or ``None`` (an observer)."""
    mandate = Mandate.objects.filter(
        valid_at(at), council_id=organ.council_id, member=member
    ).first()
    if mandate is None:
        return None
    if organ.kind != Organ.PLENUM:
        held = OrganSeat.objects.filter(
            valid_at(at), organ=organ, status=OrganSeat.HELD, holder=mandate
        ).exists()
        if not held:
            return None
    return mandate


def present_members(session: Session, at: datetime) -> set[int]:
    """Member ids in the hall at *at*, observers included."""
    return set(
        Attendance.objects.filter(valid_at(at), session=session).values_list("member_id", flat=True)
    )


def fraction_names(mandates: Iterable[Mandate], at: datetime) -> dict[int, str]:
    """The fraction each mandate sat with at *at* (by mandate id; absent: none)."""
    ids = [m.pk for m in mandates]
    rows = FractionMembership.objects.filter(valid_at(at), mandate_id__in=ids).values_list(
        "mandate_id", "fraction__name"
    )
    return dict(rows)


def current_chair(session: Session, at: datetime) -> ChairTerm | None:
    return ChairTerm.objects.filter(valid_at(at), session=session).first()


def require_chair_or_secretary(actor: Actor, session: Session, at: datetime) -> None:
    """The chair conducts the sitting; a secretary may record for the chair, and a holder of
    the organisation's chair role may take the chair's part."""
    organisation = session.organ.council.organisation
    if is_secretary(actor, organisation, at) or holds_role(
        actor, organisation, OrganisationRole.CHAIR
    ):
        return
    term = current_chair(session, at)
    user_id = getattr(actor, "pk", None)
    if term is not None and user_id is not None and term.member.user_id == user_id:
        return
    raise PermissionDenied(
        gettext("%(actor)s neither chairs %(session)s nor is a secretary")
        % {"actor": actor_label(actor), "session": session}
    )


def require_list_keeper(actor: Actor, session: Session, at: datetime) -> None:
    """The speakers' list is kept by the chair (or whoever may act as chair) or the clerk."""
    if holds_role(actor, session.organ.council.organisation, OrganisationRole.CLERK):
        return
    require_chair_or_secretary(actor, session, at)


def get_session(session: Session | int) -> Session:
    """The session, re-read inside the transaction; an unknown id is refused by name."""
    pk = session.pk if isinstance(session, Session) else session
    found = Session.objects.select_related("organ__council__organisation").filter(pk=pk).first()
    if found is None:
        raise ActionError(gettext("no session with id %(pk)s") % {"pk": pk})
    return found


def require_status(session: Session, *statuses: str) -> None:
    if session.status not in statuses:
        raise NotAllowed(
            gettext("%(session)s is %(status)s; this needs it %(needed)s")
            % {
                "session": session.title,
                "status": wording.word(session.status),
                "needed": gettext(" or ").join(wording.word(s) for s in statuses),
            }
        )
