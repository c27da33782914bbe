"""Membership over time: a member leaves the roll, moves to another constituency, rejoins.

A roll entry (:class:`~smolny.councils.models.Member`) is a dated row: it says that one person
(the organisation's member number, ``external_id``) was on one constituency's roll from
``start`` to ``end``. A change never rewrites a row: leaving ends the current one, moving ends
it and starts one on the new roll at the same instant, rejoining starts a new one after a
gap. The person keeps their number, name, address and account across rows.

Everything counted from the rolls therefore follows the date without further work: the roll
sizes (:func:`smolny.councils.queries.roll_counts` counts the rows valid at a moment), the
petition threshold fixed when a petition opens, the apportionment made at a moment, and the
right to sign or vote, which asks whether the person is on the roll at the moment of the act
(a member who moved signs and votes in the new constituency, no longer in the old).

What is counted once per person (a signature, a recall ballot, an election ballot) is checked
by member number, not by row, so moving away and back does not give a second signature or
ballot (:func:`smolny.councils.queries.rolls.same_person`).

A deputy's mandate is for the constituency that elected them: a member holding a current
mandate for a roll constituency neither leaves nor moves until it has ended (resignation or
recall), so that no deputy sits for a roll they are not on.
"""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext

from smolny.councils.models import Constituency, Mandate, Member, Organisation
from smolny.councils.models.dated import valid_at
from smolny.journal.actions import (
    ActionError,
    Actor,
    NotAllowed,
    action_transaction,
    fresh,
    record,
    require_secretary,
)


def _require_no_mandate(member: Member, at: datetime, what: str) -> None:
    mandate = (
        Mandate.objects.filter(valid_at(at), member__organisation_id=member.organisation_id)
        .filter(member__external_id=member.external_id)
        .select_related("constituency", "council")
        .first()
    )
    if mandate is not None and mandate.constituency.kind == Constituency.ROLL:
        raise NotAllowed(
            gettext(
                "%(member)s is a deputy for %(constituency)s in %(council)s: the mandate "
                "ends first (resignation or recall), then the member can %(what)s"
            )
            % {
                "member": member.name,
                "constituency": mandate.constituency.name,
                "council": mandate.council.name,
                "what": what,
            }
        )


def _current(member: Member, at: datetime) -> Member:
    """The person's roll entry current at *at* (refused when they are on no roll)."""
    current = Member.objects.filter(
        valid_at(at), organisation_id=member.organisation_id, external_id=member.external_id
    ).first()
    if current is None:
        raise NotAllowed(
            gettext("%(member)s (%(external_id)s) is on no roll now")
            % {"member": member.name, "external_id": member.external_id}
        )
    return current


def _roll_of(organisation: Organisation, constituency: Constituency, at: datetime) -> Constituency:
    constituency = fresh(constituency)
    if constituency.council.organisation_id != organisation.pk:
        raise NotAllowed(
            gettext("%(constituency)s is not a constituency of %(organisation)s")
            % {"constituency": constituency.name, "organisation": organisation.name}
        )
    if constituency.kind != Constituency.ROLL:
        raise NotAllowed(
            gettext("%(constituency)s is a delegation of a council; it has no roll")
            % {"constituency": constituency.name}
        )
    if not constituency.current_at(at):
        raise NotAllowed(
            gettext("%(constituency)s does not exist at %(at)s")
            % {"constituency": constituency.name, "at": at.isoformat()}
        )
    return constituency


def _copy(member: Member, constituency: Constituency, at: datetime) -> Member:
    """A new roll entry for the same person on *constituency* from *at*."""
    return Member.objects.create(
        organisation_id=member.organisation_id,
        constituency=constituency,
        external_id=member.external_id,
        name=member.name,
        user_id=member.user_id,
        email=member.email,
        start=at,
    )


def _end(member: Member, at: datetime) -> None:
    if at <= member.start:
        raise NotAllowed(
            gettext("%(member)s joined the roll at %(start)s: a change must come after it")
            % {"member": member.name, "start": member.start.isoformat()}
        )
    member.end = at
    member.save(update_fields=["end"])


def leave_roll(
    actor: Actor, member: Member, *, reason: str = "", at: datetime | None = None
) -> Member:
    """*member* leaves the organisation's rolls at *at* (a secretary's act): their entry
    ends. Returns the ended entry."""
    reason = reason.strip()
    if len(reason) > 300:
        raise ActionError(gettext("the reason is longer than 300 characters"))
    with action_transaction(at) as at:
        member = fresh(member)
        organisation = member.organisation
        require_secretary(actor, organisation, at)
        current = _current(member, at)
        _require_no_mandate(current, at, "leave")
        _end(current, at)
        payload: dict[str, object] = {
            "member": current.external_id,
            "constituency": current.constituency_id,
        }
        if reason:
            payload["reason"] = reason
        record(actor, "leave_roll", payload, at=at, organisation=organisation)
    return current


def move_member(
    actor: Actor, member: Member, constituency: Constituency, *, at: datetime | None = None
) -> Member:
    """*member* moves to *constituency*'s roll at *at*: the current entry ends and a new one
    starts at the same instant. Returns the new entry."""
    with action_transaction(at) as at:
        member = fresh(member)
        organisation = member.organisation
        require_secretary(actor, organisation, at)
        current = _current(member, at)
        target = _roll_of(organisation, constituency, at)
        if target.pk == current.constituency_id:
            raise NotAllowed(
                gettext("%(current)s is on the roll of %(target)s already")
                % {"current": current.name, "target": target.name}
            )
        _require_no_mandate(current, at, "move")
        _end(current, at)
        moved = _copy(current, target, at)
        record(
            actor,
            "move_member",
            {
                "member": current.external_id,
                "from": current.constituency_id,
                "to": target.pk,
            },
            at=at,
            organisation=organisation,
        )
    return moved


def rejoin_roll(
    actor: Actor,
    member: Member,
    constituency: Constituency | None = None,
    *,
    at: datetime | None = None,
) -> Member:
    """A member who left rejoins at *at*, on *constituency*'s roll or, by default, the roll
    they were last on. *member* is any of their past entries. Returns the new entry."""
    with action_transaction(at) as at:
        member = fresh(member)
        organisation = member.organisation
        require_secretary(actor, organisation, at)
        rows = Member.objects.filter(
            organisation_id=member.organisation_id, external_id=member.external_id
        )
        if rows.filter(valid_at(at)).exists():
            raise NotAllowed(
                gettext("%(member)s (%(external_id)s) is on a roll already")
                % {"member": member.name, "external_id": member.external_id}
            )
        last = rows.order_by("-start", "-pk").first()
        assert last is not None  # *member* itself is one of the rows
        if last.end is not None and at < last.end:
            raise NotAllowed(
                gettext("%(member)s left at %(end)s: rejoining must come after it")
                % {"member": member.name, "end": last.end.isoformat()}
            )
        if last.start > at:
            raise NotAllowed(
                gettext("%(member)s is on a roll from %(start)s already")
                % {"member": member.name, "start": last.start.isoformat()}
            )
        target = _roll_of(organisation, constituency or last.constituency, at)
        entry = _copy(last, target, at)
        record(
            actor,
            "rejoin_roll",
            {"member": last.external_id, "constituency": target.pk},
            at=at,
            organisation=organisation,
        )
    return entry
