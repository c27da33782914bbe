"""The chair's conduct of a sitting: the agenda edited, reordered and withdrawn; speakers put
on the list for someone or taken off it; the speaking clock.

Each function is one action (permission, write, journal entry, live event on commit, one
transaction), as the other session actions are. They are the chair's (or a secretary's):
a deputy asks for the floor and withdraws for themself through
:func:`smolny.councils.actions.agenda.request_to_speak` and ``withdraw_from_list``; the chair
puts a deputy who raised a hand in the hall on the list with :func:`add_speaker`.

**The clock.** The chair starts the clock when the speaker with the floor begins
(:func:`start_clock`); the item's speakers' value keeps when (``clock``: the speaker, the
number of turns heard before, the start). :func:`finish_timed_turn` ends the turn with the
seconds the clock measured, so the seconds recorded are the clock's, never a typed figure. A
clock whose speaker no longer has the floor (withdrawn, or their turn already finished) is
stale and ignored.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import F
from django.utils.translation import gettext

from smolny.councils import wording
from smolny.councils.actions.agenda import finish_turn
from smolny.councils.models import AgendaItem, Member, Session, Vote
from smolny.councils.queries.agenda import get_item, load_speakers
from smolny.councils.queries.sessions import (
    fraction_names,
    present_members,
    require_chair_or_secretary,
    require_list_keeper,
    require_status,
    seated,
)
from smolny.journal.actions import (
    ActionError,
    Actor,
    NotAllowed,
    action_transaction,
    fresh,
    record,
)
from smolny.rules.procedure import SpeakerRefused, SpeakersList, Spoken

WITHDRAWN = "withdrawn"
"""The state of an agenda item taken off the agenda (it keeps its place in the record)."""

LIVE = (Session.CONVENED, Session.OPEN, Session.ADJOURNED)


def _require_editable(item: AgendaItem) -> None:
    if item.state == WITHDRAWN:
        raise NotAllowed(
            gettext("item %(position)s has been withdrawn from the agenda")
            % {"position": item.position}
        )
    if item.votes.exists():
        raise NotAllowed(
            gettext("item %(position)s has been voted on; the record keeps it as it was")
            % {"position": item.position}
        )


def edit_agenda_item(
    actor: Actor, item: AgendaItem | int, title: str, *, at: datetime | None = None
) -> AgendaItem:
    """Give an item a new title (before any vote on it: the record of a vote keeps its item)."""
    title = title.strip()
    if not title:
        raise ActionError(gettext("an agenda item needs a title"))
    if len(title) > 300:
        raise ActionError(gettext("an agenda item's title has at most 300 characters"))
    with action_transaction(at) as at:
        item = get_item(item)
        session = item.session
        require_chair_or_secretary(actor, session, at)
        require_status(session, *LIVE)
        _require_editable(item)
        before = item.title
        item.title = title
        item.save(update_fields=["title"])
        record(
            actor,
            "edit_agenda_item",
            {"session": session.pk, "item": item.pk, "from": before, "title": title},
            at=at,
            organisation=session.organ.council.organisation,
        )
    return item


def move_agenda_item(
    actor: Actor, item: AgendaItem | int, position: int, *, at: datetime | None = None
) -> AgendaItem:
    """Put an item at *position* (1 is first); the items between shift by one."""
    with action_transaction(at) as at:
        item = get_item(item)
        session = item.session
        require_chair_or_secretary(actor, session, at)
        require_status(session, *LIVE)
        count = session.items.count()
        if not 1 <= position <= count:
            raise ActionError(
                gettext("position %(position)s: the agenda has items 1 to %(count)s")
                % {"position": position, "count": count}
            )
        before = item.position
        if position != before:
            order = list(session.items.order_by("position").values_list("pk", flat=True))
            order.remove(item.pk)
            order.insert(position - 1, item.pk)
            # Out of the way first, so that the unique (session, position) holds throughout.
            session.items.update(position=F("position") + count + 1)
            for number, pk in enumerate(order, start=1):
                AgendaItem.objects.filter(pk=pk).update(position=number)
            item.position = position
        record(
            actor,
            "move_agenda_item",
            {"session": session.pk, "item": item.pk, "from": before, "to": position},
            at=at,
            organisation=session.organ.council.organisation,
        )
    return item


def withdraw_agenda_item(
    actor: Actor, item: AgendaItem | int, *, at: datetime | None = None
) -> AgendaItem:
    """Take an item off the agenda before any vote on it; it stays in the record, withdrawn."""
    with action_transaction(at) as at:
        item = get_item(item)
        session = item.session
        require_chair_or_secretary(actor, session, at)
        require_status(session, *LIVE)
        _require_editable(item)
        item.state = WITHDRAWN
        item.save(update_fields=["state"])
        record(
            actor,
            "withdraw_agenda_item",
            {"session": session.pk, "item": item.pk, "title": item.title},
            at=at,
            organisation=session.organ.council.organisation,
        )
    return item


def _store(item: AgendaItem, speakers: SpeakersList) -> None:
    """Store the list as the rule left it, keeping the item's other keys (share, clock)."""

    def as_dict(r: Any) -> dict[str, Any]:
        out = {"speaker": r.speaker, "fraction": r.fraction, "point_of_order": r.point_of_order}
        if isinstance(r, Spoken):
            out.update(seconds=r.seconds, overran=r.overran)
        return out

    item.speakers = {
        **item.speakers,
        "points_of_order": [as_dict(r) for r in speakers.points_of_order],
        "queue": [as_dict(r) for r in speakers.queue],
        "spoken": [as_dict(s) for s in speakers.spoken],
        "lapsed": [as_dict(r) for r in speakers.lapsed],
    }
    item.save(update_fields=["speakers"])


def add_speaker(
    actor: Actor,
    item: AgendaItem | int,
    member: Member,
    *,
    point_of_order: bool = False,
    at: datetime | None = None,
) -> SpeakersList:
    """The chair puts *member* (in the hall) on the speakers' list, as a speech or a point of
    order, for a deputy who asked in the hall rather than on a phone."""
    with action_transaction(at) as at:
        item = get_item(item)
        session = item.session
        require_list_keeper(actor, session, at)  # the clerk keeps the list
        require_status(session, Session.OPEN)
        member = fresh(member)
        if member.organisation_id != session.organ.council.organisation_id:
            raise ActionError(
                gettext("%(member)s is not a member of this organisation") % {"member": member.name}
            )
        if member.pk not in present_members(session, at):
            raise NotAllowed(gettext("%(member)s is not in the hall") % {"member": member.name})
        mandate = seated(session.organ, at).get(member.pk)
        fraction = fraction_names([mandate], at).get(mandate.pk) if mandate else None
        try:
            speakers = load_speakers(item).request(
                member.external_id, fraction=fraction, point_of_order=point_of_order
            )
        except SpeakerRefused as error:
            raise NotAllowed(wording.refusal(str(error))) from None
        _store(item, speakers)
        record(
            actor,
            "add_speaker",
            {
                "item": item.pk,
                "member": member.external_id,
                "fraction": fraction,
                "point_of_order": point_of_order,
            },
            at=at,
            organisation=session.organ.council.organisation,
        )
    return speakers


def remove_speaker(
    actor: Actor, item: AgendaItem | int, member: Member, *, at: datetime | None = None
) -> SpeakersList:
    """The chair takes *member*'s request off the speakers' list (withdrawn in the hall)."""
    with action_transaction(at) as at:
        item = get_item(item)
        session = item.session
        require_list_keeper(actor, session, at)  # the clerk keeps the list
        member = fresh(member)
        try:
            speakers = load_speakers(item).withdraw(member.external_id)
        except SpeakerRefused as error:
            raise NotAllowed(wording.refusal(str(error))) from None
        _store(item, speakers)
        record(
            actor,
            "remove_speaker",
            {"item": item.pk, "member": member.external_id},
            at=at,
            organisation=session.organ.council.organisation,
        )
    return speakers


def running_clock(item: AgendaItem) -> datetime | None:
    """When the clock of the speaker who has the floor now started, or ``None`` (not started,
    or started for a turn that is over)."""
    clock = item.speakers.get("clock")
    if not clock:
        return None
    listing = load_speakers(item)
    turn = listing.next_turn()
    if turn is None or turn.speaker != clock.get("speaker"):
        return None
    if clock.get("heard") != len(listing.spoken):
        return None
    return datetime.fromisoformat(clock["started"])


def start_clock(actor: Actor, item: AgendaItem | int, *, at: datetime | None = None) -> datetime:
    """The speaker with the floor begins: the clock starts now."""
    with action_transaction(at) as at:
        item = get_item(item)
        session = item.session
        require_list_keeper(actor, session, at)  # the clerk keeps the list
        require_status(session, Session.OPEN)
        if item.votes.filter(status=Vote.OPEN).exists():
            raise NotAllowed(gettext("a vote is open on this item; the debate waits for its close"))
        listing = load_speakers(item)
        turn = listing.next_turn()
        if turn is None:
            raise NotAllowed(gettext("nobody has the floor: the speakers' list is empty"))
        if running_clock(item) is not None:
            raise NotAllowed(gettext("the clock is running already"))
        item.speakers = {
            **item.speakers,
            "clock": {
                "speaker": turn.speaker,
                "heard": len(listing.spoken),
                "started": at.isoformat(),
            },
        }
        item.save(update_fields=["speakers"])
        record(
            actor,
            "start_clock",
            {"item": item.pk, "speaker": turn.speaker, "limit": turn.seconds},
            at=at,
            organisation=session.organ.council.organisation,
        )
    return at


def finish_timed_turn(
    actor: Actor, item: AgendaItem | int, *, at: datetime | None = None
) -> SpeakersList:
    """End the turn of the speaker with the floor after the seconds the clock measured (at the
    action's time; rounded up to a whole second, at least one). The clock is read inside the
    action's transaction, so two presses cannot end two turns with one clock."""
    with action_transaction(at) as at:
        found = get_item(item)
        require_list_keeper(actor, found.session, at)  # the clerk keeps the list
        started = running_clock(found)
        if started is None:
            raise NotAllowed(
                gettext("the clock has not been started for the speaker who has the floor")
            )
        elapsed = (at - started).total_seconds()
        seconds = max(1, int(-(-elapsed // 1)))
        return finish_turn(actor, found, seconds, at=at)
