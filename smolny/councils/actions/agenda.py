"""Agenda items and their speakers' lists.

The list is :class:`smolny.rules.procedure.SpeakersList` (points of order first, time limits,
fractions' speaking shares when the organ's rules set them); each action loads it from the
item's JSON, applies one step of the rule, and stores the new value, so the item always holds
the list as the rule left it and the journal holds each step.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils.translation import gettext

from smolny.councils import wording
from smolny.councils.models import AgendaItem, Member, Session
from smolny.councils.queries.agenda import get_item, load_speakers
from smolny.councils.queries.sessions import (
    fraction_names,
    get_session,
    present_members,
    require_chair_or_secretary,
    require_list_keeper,
    require_status,
    rules_of,
    seated,
)
from smolny.journal.actions import (
    ActionError,
    Actor,
    NotAllowed,
    action_transaction,
    fresh,
    record,
    require_member_or_clerk,
    within_action,
)
from smolny.rules.procedure import (
    Request,
    SpeakerRefused,
    SpeakersList,
    Spoken,
    Turn,
)


def _as_dict(r: Request | Spoken) -> dict[str, Any]:
    out: dict[str, Any] = {
        "speaker": r.speaker,
        "fraction": r.fraction,
        "point_of_order": r.point_of_order,
    }
    if isinstance(r, Spoken):
        out.update(seconds=r.seconds, overran=r.overran)
    return out


def _store(item: AgendaItem, speakers: SpeakersList) -> None:
    item.speakers = {
        "share": item.speakers.get("share"),
        # The speaking clock (smolny.councils.actions.conduct) runs on through other changes.
        "clock": item.speakers.get("clock"),
        "points_of_order": [_as_dict(r) for r in speakers.points_of_order],
        "queue": [_as_dict(r) for r in speakers.queue],
        "spoken": [_as_dict(s) for s in speakers.spoken],
        "lapsed": [_as_dict(r) for r in speakers.lapsed],
    }
    item.save(update_fields=["speakers"])


def add_agenda_item(
    actor: Actor, session: Session | int, title: str, *, at: datetime | None = None
) -> AgendaItem:
    """Add an item at the end of the agenda. When the organ's rules divide the debate between
    fractions, the share is fixed now from the fractions' seats in the organ."""
    title = title.strip()
    if not title:
        raise ActionError(gettext("an agenda item needs a title"))
    with action_transaction(at) as at:
        session = get_session(session)
        require_chair_or_secretary(actor, session, at)
        require_status(session, Session.CONVENED, Session.OPEN, Session.ADJOURNED)
        item = append_item(session, title, at)
        record(
            actor,
            "add_agenda_item",
            {"session": session.pk, "item": item.pk, "position": item.position, "title": title},
            at=at,
            organisation=session.organ.council.organisation,
        )
    return item


@within_action
def append_item(session: Session, title: str, at: datetime) -> AgendaItem:
    """Write *title* as the agenda's next item (for :func:`add_agenda_item`, and for the
    agenda given with the notice when a session is convened)."""
    rules = rules_of(session.organ)
    speakers: dict[str, Any] = {}
    if rules.share_turns is not None or rules.share_seconds is not None:
        seats: dict[str, int] = {}
        names = fraction_names(seated(session.organ, at).values(), at)
        for name in names.values():
            seats[name] = seats.get(name, 0) + 1
        if not seats:
            raise NotAllowed(gettext("the debate is to be shared between fractions, but none sits"))
        speakers["share"] = {
            "seats": seats,
            "turns": rules.share_turns,
            "seconds": rules.share_seconds,
        }
    position = session.items.count() + 1
    return AgendaItem.objects.create(
        session=session, position=position, title=title, speakers=speakers
    )


def request_to_speak(
    actor: Actor,
    item: AgendaItem | int,
    member: Member,
    *,
    point_of_order: bool = False,
    at: datetime | None = None,
) -> SpeakersList:
    """*member* (in the hall) asks for the floor, or raises a point of order (heard first)."""
    with action_transaction(at) as at:
        item = get_item(item)
        member = fresh(member)
        require_member_or_clerk(actor, member, at)  # the clerk keeps the list
        require_status(item.session, Session.OPEN)
        if member.pk not in present_members(item.session, at):
            raise NotAllowed(gettext("%(member)s is not in the hall") % {"member": member.name})
        voting = seated(item.session.organ, at)
        mandate = voting.get(member.pk)
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
            "request_to_speak",
            {
                "item": item.pk,
                "member": member.external_id,
                "fraction": fraction,
                "point_of_order": point_of_order,
            },
            at=at,
            organisation=item.session.organ.council.organisation,
        )
    return speakers


def next_speaker(item: AgendaItem | int) -> Turn | None:
    """Who has the floor now (a read, not a change)."""
    return load_speakers(get_item(item)).next_turn()


def finish_turn(
    actor: Actor, item: AgendaItem | int, seconds: int, *, at: datetime | None = None
) -> SpeakersList:
    """The speaker with the floor has finished after *seconds*; the next one has it."""
    with action_transaction(at) as at:
        item = get_item(item)
        require_list_keeper(actor, item.session, at)
        require_status(item.session, Session.OPEN)
        before = load_speakers(item)
        turn = before.next_turn()
        try:
            speakers = before.finish_turn(seconds)
        except (SpeakerRefused, ValueError) as error:
            raise NotAllowed(wording.refusal(str(error))) from None
        _store(item, speakers)
        assert turn is not None
        heard = speakers.spoken[-1]
        record(
            actor,
            "finish_turn",
            {
                "item": item.pk,
                "speaker": turn.speaker,
                "point_of_order": turn.point_of_order,
                "seconds": seconds,
                "overran": heard.overran,
                "lapsed": [r.speaker for r in speakers.lapsed[len(before.lapsed) :]],
            },
            at=at,
            organisation=item.session.organ.council.organisation,
        )
    return speakers


def withdraw_from_list(
    actor: Actor, item: AgendaItem | int, member: Member, *, at: datetime | None = None
) -> SpeakersList:
    """*member* withdraws their request for the floor."""
    with action_transaction(at) as at:
        item = get_item(item)
        member = fresh(member)
        require_member_or_clerk(actor, member, at)
        try:
            speakers = load_speakers(item).withdraw(member.external_id)
        except SpeakerRefused as error:
            raise NotAllowed(wording.refusal(str(error))) from None
        _store(item, speakers)
        record(
            actor,
            "withdraw_from_list",
            {"item": item.pk, "member": member.external_id},
            at=at,
            organisation=item.session.organ.council.organisation,
        )
    return speakers
