"""The notices themselves: who is told what, written in the organisation's language.

Each function runs inside the action that makes the change it announces (it is marked
:func:`~smolny.journal.actions.within_action`) and queues mail for each person with an
address (their account's, else the one on the roll); people without one are counted, not
mailed. A sitting's notice is one message per deputy, greeted by name; news for a whole roll
is one letter, a single row whatever the roll's size, addressed to each member after the
commit. Dates are given in the organisation's time zone, the calendar attachment in UTC.

- :func:`session_notice`: a sitting is convened (or its notice sent again): every deputy with
  a vote in the organ, with date, place, agenda, a link to the sitting and an .ics file.
- :func:`recall_vote_notice`: a recall petition reached its threshold and the vote opened:
  every member on the roll of the deputy's constituency.
- :func:`election_poll_notice`: a secretary opened an election's poll: every member on the
  constituency's roll, with the candidates.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation

from smolny.councils.models import (
    Candidate,
    Constituency,
    Election,
    Member,
    Organisation,
    RecallVote,
    Session,
)
from smolny.councils.models.dated import valid_at
from smolny.councils.queries.sessions import seated
from smolny.journal.actions import within_action
from smolny.notices import ics
from smolny.notices.links import absolute, base_url
from smolny.notices.models import OutboxMessage
from smolny.notices.outbox import Draft, addressed, queue, queue_letter

DEFAULT_LENGTH = timedelta(hours=2)
"""How long a sitting's calendar entry lasts when the notice gives no end."""


@dataclass(frozen=True)
class Queued:
    """What a notice did: messages queued, and people left out for want of an address."""

    queued: int
    without_address: int


def address_of(member: Member) -> str:
    """Where a member's mail goes: their account's address, else the roll's; may be empty."""
    user = member.user
    address = str(getattr(user, "email", "") or "") if user is not None else ""
    return address or member.email


def _local(organisation: Organisation, moment: datetime) -> str:
    try:
        zone = ZoneInfo(organisation.time_zone)
    except (ValueError, KeyError):
        zone = ZoneInfo("UTC")
    local = moment.astimezone(zone)
    return f"{formats.date_format(local, 'DATETIME_FORMAT')} ({organisation.time_zone})"


def _render(organisation: Organisation, template: str, context: dict[str, object]) -> Draft:
    """Subject and body of *template* in the organisation's language (no address yet)."""
    with translation.override(organisation.language or "en"):
        subject = render_to_string(f"notices/{template}_subject.txt", context)
        body = render_to_string(f"notices/{template}.txt", context)
    return Draft(to="", subject=" ".join(subject.split()), body=body)


def _drafts(
    members: Iterable[Member],
    organisation: Organisation,
    template: str,
    context: dict[str, object],
    calendar: str = "",
    calendar_name: str = "",
) -> tuple[list[Draft], int]:
    """One draft per member with an address, greeting them by name (a sitting's deputies, a
    few hundred at most); and how many had no address."""
    drafts: list[Draft] = []
    missing = 0
    for member in members:
        to = address_of(member)
        if not to:
            missing += 1
            continue
        text = _render(organisation, template, {**context, "name": member.name})
        drafts.append(
            Draft(
                to=to,
                subject=text.subject,
                body=text.body,
                member=member,
                calendar=calendar,
                calendar_name=calendar_name,
            )
        )
    return drafts, missing


def _to_roll(
    organisation: Organisation,
    kind: str,
    about: str,
    template: str,
    context: dict[str, object],
    constituency: Constituency,
    at: datetime,
) -> Queued:
    """One letter to everyone on *constituency*'s roll at *at* with an address: one row in
    the action, addressed after the commit (:func:`smolny.notices.outbox.queue_letter`), so
    the action costs two counts and one insert whatever the roll's size."""
    reachable = addressed(constituency, at).count()
    missing = Member.objects.filter(valid_at(at), constituency=constituency).count() - reachable
    if reachable:
        queue_letter(
            organisation, kind, about, _render(organisation, template, context), constituency, at
        )
    return Queued(reachable, missing)


@within_action
def session_notice(session: Session, at: datetime) -> Queued:
    """Queue the notice of *session* to every deputy with a vote in its organ at *at*."""
    organ = session.organ
    council = organ.council
    organisation = council.organisation
    about = f"session:{session.pk}"
    sequence = (
        OutboxMessage.objects.filter(kind=OutboxMessage.SESSION_NOTICE, about=about)
        .values("created_at")
        .distinct()
        .count()
    )
    agenda = list(session.items.order_by("position").values_list("title", flat=True))
    link = absolute(reverse("session-deputy", args=[session.pk]))
    ends_at = session.ends_at or session.starts_at + DEFAULT_LENGTH
    context: dict[str, object] = {
        "organisation": organisation.name,
        "council": council.name,
        "organ": organ.name,
        "title": session.title,
        "when": _local(organisation, session.starts_at),
        "until": _local(organisation, session.ends_at) if session.ends_at else "",
        "place": session.place,
        "agenda": agenda,
        "link": link,
        "irregular": session.irregular,
        "convening": session.convening,
        "again": sequence > 0,
    }
    host = base_url().split("://", 1)[-1].split("/", 1)[0] or "smolny"
    with translation.override(organisation.language or "en"):
        agenda_text = "\n".join(f"{i}. {t}" for i, t in enumerate(agenda, start=1))
        description = "\n".join(part for part in (agenda_text, link) if part)
    calendar = ics.calendar(
        ics.Event(
            uid=f"session-{session.pk}@{host}",
            stamp=timezone.now(),
            start=session.starts_at,
            end=ends_at,
            summary=f"{organ.name}: {session.title}",
            location=session.place,
            description=description,
            url=link,
            sequence=sequence,
        )
    )
    deputies = (
        Member.objects.filter(pk__in=list(seated(organ, at)))
        .select_related("user")
        .order_by("name", "pk")
    )
    drafts, missing = _drafts(
        deputies,
        organisation,
        "session",
        context,
        calendar,
        f"sitting-{session.pk}.ics",
    )
    count = queue(organisation, OutboxMessage.SESSION_NOTICE, about, drafts)
    return Queued(count, missing)


@within_action
def recall_vote_notice(vote: RecallVote, at: datetime) -> Queued:
    """Queue the news that a recall vote opened to every member on the deputy's roll."""
    mandate = vote.petition.mandate
    constituency = mandate.constituency
    organisation = constituency.council.organisation
    context: dict[str, object] = {
        "organisation": organisation.name,
        "council": constituency.council.name,
        "constituency": constituency.name,
        "deputy": mandate.member.name,
        "opened": _local(organisation, vote.opened_at),
        "link": absolute(reverse("portal", args=[organisation.pk])),
    }
    about = f"recall-vote:{vote.pk}"
    return _to_roll(
        organisation, OutboxMessage.RECALL_VOTE, about, "recall", context, constituency, at
    )


@within_action
def election_poll_notice(election: Election, at: datetime) -> Queued:
    """Queue the news that an election's poll opened to every member on its roll."""
    constituency = election.constituency
    organisation = constituency.council.organisation
    candidates = [
        c.member.name
        for c in Candidate.objects.filter(election=election, withdrawn_at=None)
        .select_related("member")
        .order_by("nominated_at", "pk")
    ]
    context: dict[str, object] = {
        "organisation": organisation.name,
        "council": constituency.council.name,
        "constituency": constituency.name,
        "seats": election.seats,
        "candidates": candidates,
        "by_election": election.kind == Election.BY_ELECTION,
        "link": absolute(reverse("portal", args=[organisation.pk])),
    }
    about = f"election:{election.pk}"
    return _to_roll(
        organisation, OutboxMessage.ELECTION_POLL, about, "poll", context, constituency, at
    )
