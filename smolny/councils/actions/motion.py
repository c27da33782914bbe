"""Motions on an agenda item, the order of votes, and what a carried no-confidence motion does.

Every motion is checked by :func:`smolny.rules.procedure.check_motion` against the motions
already moved and the votes already decided, and the vote to take next is always
:func:`smolny.rules.procedure.order_of_votes`'s first call (see :func:`docket_of`): amendments
before the motion they amend, procedural motions by precedence, alternatives successively or
by a preferential vote. A carried no-confidence motion ends the seats of the council's
presidium and opens its re-formation (:func:`reform_presidium`, which forms the new presidium
through :func:`smolny.councils.actions.organ.form_organ`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from django.utils.translation import gettext

from smolny.councils import wording
from smolny.councils.actions.organ import form_organ
from smolny.councils.models import (
    AgendaItem,
    Mandate,
    Member,
    Organ,
    OrganSeat,
    PresidiumReformation,
    Session,
    Vote,
)
from smolny.councils.models import Motion as MotionRow
from smolny.councils.queries.agenda import get_item, presidium_of, record_of
from smolny.councils.queries.sessions import (
    motion_rules,
    present_members,
    require_chair_or_secretary,
    require_status,
    rules_of,
)
from smolny.journal.actions import (
    ActionError,
    Actor,
    NotAllowed,
    action_transaction,
    fresh,
    record,
    require_member_or_secretary,
    require_secretary,
    within_action,
)
from smolny.rules.procedure import (
    Docket,
    Motion,
    MotionKind,
    Procedural,
    ProcedureError,
    check_motion,
)

_PREFIX = {"main": "M", "amendment": "A", "counter": "C", "procedural": "P"}


@within_action
def settle_motions(item: AgendaItem, docket: Docket) -> None:
    """Store each motion's fate as the docket states it."""
    for row in item.motions.all():
        settlement = docket.settled.get(row.key)
        value = settlement.value if settlement is not None else ""
        if row.settlement != value:
            row.settlement = value
            row.save(update_fields=["settlement"])


def move_motion(
    actor: Actor,
    item: AgendaItem | int,
    kind: str,
    *,
    text: str = "",
    parent: str | None = None,
    strike: str = "",
    procedural: str | None = None,
    reach: int | None = None,
    mover: Member | None = None,
    key: str | None = None,
    at: datetime | None = None,
) -> MotionRow:
    """Move a motion on *item*: ``main``, ``amendment`` (of *parent*: strike *strike*, insert
    *text*), ``counter`` (rivalling the main motion *parent*) or ``procedural`` (*procedural*:
    adjourn, no-confidence, table, close-debate, postpone). The rules of procedure decide
    whether it is in order now; the mover must be in the hall."""
    try:
        motion_kind = MotionKind(kind)
        which = Procedural(procedural) if procedural else None
    except ValueError as error:
        raise ActionError(
            gettext("motion: %(error)s") % {"error": wording.refusal(str(error))}
        ) from None
    with action_transaction(at) as at:
        item = get_item(item)
        session = item.session
        require_status(session, Session.OPEN)
        if mover is not None:
            mover = fresh(mover)
            require_member_or_secretary(actor, mover, at)
            if mover.pk not in present_members(session, at):
                raise NotAllowed(
                    gettext("%(mover)s is not in the hall and cannot move a motion")
                    % {"mover": mover.name}
                )
        else:
            require_chair_or_secretary(actor, session, at)
        if item.votes.filter(status=Vote.OPEN).exists():
            raise NotAllowed(
                gettext("a vote is open on this item; no motion can be moved until it closes")
            )
        motions, results = record_of(item)
        if key is None:
            prefix = _PREFIX[motion_kind.value]
            key = f"{prefix}{sum(1 for m in motions if m.kind is motion_kind) + 1}"
        new = Motion(key, motion_kind, text, parent, strike, which, reach, moved_after=len(results))
        try:
            check_motion(new, motions, results, motion_rules(rules_of(session.organ)))
        except ProcedureError as error:
            raise NotAllowed(wording.refusal(str(error))) from None
        row = MotionRow.objects.create(
            item=item,
            key=key,
            kind=motion_kind.value,
            procedural=which.value if which else "",
            text=text,
            parent=parent or "",
            strike=strike,
            reach=reach,
            moved_after=len(results),
            moved_at=at,
            mover=mover,
        )
        record(
            actor,
            "move_motion",
            {
                "item": item.pk,
                "motion": row.pk,
                "key": key,
                "kind": motion_kind.value,
                "procedural": row.procedural,
                "parent": parent,
                "strike": strike,
                "text": text,
                "mover": mover.external_id if mover else None,
            },
            at=at,
            organisation=session.organ.council.organisation,
        )
    return row


@within_action
def end_presidium(vote: Vote, at: datetime) -> dict[str, Any]:
    """Inside the closing action: the presidium's seats and the organ end, re-formation opens."""
    session = vote.item.session
    presidium = presidium_of(session.organ, at)
    if presidium is None:
        return {"presidium": None, "note": "the council has no presidium in office"}
    rows = OrganSeat.objects.filter(organ=presidium, end=None)
    holders = sorted(
        r.holder.member.external_id for r in rows.select_related("holder__member") if r.holder
    )
    ended = rows.update(end=at)
    presidium.end = at
    presidium.save(update_fields=["end"])
    reformation = PresidiumReformation.objects.create(vote=vote, old_organ=presidium, opened_at=at)
    return {
        "presidium": presidium.pk,
        "seats_ended": ended,
        "holders": holders,
        "reformation": reformation.pk,
    }


def reform_presidium(
    actor: Actor,
    reformation: PresidiumReformation | int,
    *,
    name: str,
    seats: int | None = None,
    method: str | None = None,
    nominees: Mapping[str, Sequence[Mandate]] | None = None,
    at: datetime | None = None,
) -> Organ:
    """Form the new presidium after a no-confidence vote, by proportional allotment between the
    fractions as they stand now (same number of seats and method as the old one unless given)."""
    with action_transaction(at) as at:
        pk = reformation.pk if isinstance(reformation, PresidiumReformation) else reformation
        found = PresidiumReformation.objects.select_related("old_organ__council").filter(pk=pk)
        reformation = found.first()  # type: ignore[assignment]
        if not isinstance(reformation, PresidiumReformation):
            raise ActionError(gettext("no presidium re-formation with id %(pk)s") % {"pk": pk})
        old = reformation.old_organ
        require_secretary(actor, old.council.organisation, at)
        if reformation.completed_at is not None:
            raise NotAllowed(gettext("this presidium has been re-formed already"))
        organ = form_organ(
            actor,
            old.council,
            name,
            kind=Organ.PRESIDIUM,
            seat_rule=Organ.PROPORTIONAL,
            seats=seats or old.seats,
            method=method or old.method or "sainte-lague",
            nominees=nominees,
            at=at,
        )
        reformation.new_organ = organ
        reformation.completed_at = at
        reformation.save(update_fields=["new_organ", "completed_at"])
        record(
            actor,
            "reform_presidium",
            {
                "reformation": reformation.pk,
                "old": old.pk,
                "new": organ.pk,
                "taken": organ.allotment.get("taken"),
            },
            at=at,
            organisation=old.council.organisation,
        )
    return organ
