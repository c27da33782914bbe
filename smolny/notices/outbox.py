"""The outbox: queue messages inside an action, send them after it commits, retry failures.

**Queueing.** :func:`queue` writes the messages as rows of
:class:`~smolny.notices.models.OutboxMessage` inside the action's transaction (it refuses to
run outside one), so a message exists exactly when the change it announces committed, and
asks for delivery once the transaction has committed (``transaction.on_commit``).

A text for a whole roll (a recall vote, a poll) is queued as one letter
(:func:`queue_letter`): a single row in the action however large the roll, which the sender
addresses after the commit (:func:`expand_letters`: one message per member with an address,
on the roll at the letter's moment).

**Sending.** :func:`send_due` sends every message that is due: queued, or failed with its
next attempt due. Each message is claimed first by a conditional update, so two senders
(the postman of each server process, ``smolny mail send``) never send it twice at once. One
SMTP connection serves a batch. A refused or failed send is recorded on the message (the
error, one more attempt) and tried again after a pause that doubles each time, from
:data:`FIRST_PAUSE` up to :data:`LONGEST_PAUSE`; after :data:`MAX_ATTEMPTS` the message is
given up until someone asks for it again (:func:`retry`: the outbox page's button or
``smolny mail retry``). Sending happens after the commit and its failures are caught, so the
action is never blocked or undone by the mail server.

**Who sends.** ``SMOLNY_MAIL_DELIVERY`` (a setting) chooses:

- ``background`` (the default): a postman thread of the process (:class:`Postman`) sends,
  woken after each commit that queued mail, and every ``SMOLNY_MAIL_RETRY_SECONDS`` (30)
  anyway, which is when failed messages are retried. ``smolny serve`` starts one at once, so
  messages queued while no server ran (by a command) go out when it starts.
- ``inline``: the committing thread sends the due messages itself right after the commit
  (the test suite; a one-process tool that wants to know the outcome at once).
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.mime.text import MIMEText

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import connection as db_connection
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from smolny.councils.models import Constituency, Member, Organisation
from smolny.councils.models.dated import valid_at
from smolny.journal.actions import within_action
from smolny.notices.models import OutboxLetter, OutboxMessage

log = logging.getLogger("smolny.notices")

FIRST_PAUSE = timedelta(minutes=1)
LONGEST_PAUSE = timedelta(hours=6)
MAX_ATTEMPTS = 12
"""Attempts before a message is given up: with the pauses above, about two days of trying."""
CLAIM = timedelta(minutes=10)
"""How long a sender's claim on a message lasts; a sender that died leaves it to lapse."""
BATCH = 200
"""Messages sent over one SMTP connection."""
RECORD_EVERY = 50
"""Messages whose outcome is written in one transaction. A sender that dies between a send
and this write leaves those messages claimed; the claim lapses and they are sent again (at
least once, never lost)."""


@dataclass(frozen=True)
class Draft:
    """A message to be queued: to whom, what, and an optional calendar attachment."""

    to: str
    subject: str
    body: str
    member: Member | None = None
    calendar: str = ""
    calendar_name: str = ""


@dataclass
class Delivery:
    """What one round of sending did."""

    sent: int = 0
    failed: int = 0


def pause_after(attempts: int) -> timedelta:
    """The pause before the next attempt after *attempts* failed ones (doubling)."""
    pause: timedelta = FIRST_PAUSE * (2 ** max(attempts - 1, 0))
    return min(pause, LONGEST_PAUSE)


@within_action
def queue(
    organisation: Organisation,
    kind: str,
    about: str,
    drafts: Iterable[Draft],
) -> int:
    """Queue *drafts* in the running action's transaction; delivery starts after its commit.
    Return how many were queued. Times are the clock's, not the action's (a past event
    entered later is mailed now)."""
    due = timezone.now()
    rows = [
        OutboxMessage(
            organisation=organisation,
            kind=kind,
            about=about,
            member=d.member,
            to=d.to,
            subject=" ".join(d.subject.split())[:300],
            body=d.body,
            calendar=d.calendar,
            calendar_name=d.calendar_name,
            created_at=due,
            next_attempt_at=due,
        )
        for d in drafts
    ]
    if not rows:
        return 0
    OutboxMessage.objects.bulk_create(rows, batch_size=1000)
    transaction.on_commit(deliver_after_commit, robust=True)
    return len(rows)


@within_action
def queue_letter(
    organisation: Organisation,
    kind: str,
    about: str,
    draft: Draft,
    constituency: Constituency,
    roll_at: datetime,
) -> OutboxLetter:
    """Queue one text for everyone on *constituency*'s roll at *roll_at* with an address, as
    one row in the running action's transaction (whatever the roll's size); after the commit
    a postman addresses it (:func:`expand_letters`) and sends the messages."""
    letter = OutboxLetter.objects.create(
        organisation=organisation,
        kind=kind,
        about=about,
        subject=" ".join(draft.subject.split())[:300],
        body=draft.body,
        constituency=constituency,
        roll_at=roll_at,
        created_at=timezone.now(),
    )
    transaction.on_commit(deliver_after_commit, robust=True)
    return letter


def addressed(constituency: Constituency, at: datetime) -> QuerySet[Member]:
    """The members on *constituency*'s roll at *at* who have an address (their account's or
    the roll's), chosen by the database."""
    reachable = ~Q(email="") | (Q(user__isnull=False) & ~Q(user__email=""))
    return Member.objects.filter(valid_at(at), constituency=constituency).filter(reachable)


def expand_letters() -> int:
    """Address every letter not yet addressed: one message per member (in one transaction per
    letter, which only one sender wins). Returns the messages written."""
    written = 0
    for letter in OutboxLetter.objects.filter(expanded_at=None).order_by("pk"):
        now = timezone.now()
        with transaction.atomic():
            if not OutboxLetter.objects.filter(pk=letter.pk, expanded_at=None).update(
                expanded_at=now
            ):
                continue  # another sender addressed it
            rows = (
                addressed(letter.constituency, letter.roll_at)
                .order_by("pk")
                .values_list("pk", "email", "user__email")
            )
            batch: list[OutboxMessage] = []
            count = 0
            for member_id, own, account in rows.iterator(chunk_size=5000):
                batch.append(
                    OutboxMessage(
                        organisation_id=letter.organisation_id,
                        kind=letter.kind,
                        about=letter.about,
                        member_id=member_id,
                        to=account or own,
                        subject=letter.subject,
                        letter=letter,
                        created_at=letter.created_at,
                        next_attempt_at=now,
                    )
                )
                if len(batch) >= 2000:
                    OutboxMessage.objects.bulk_create(batch)
                    count += len(batch)
                    batch = []
            OutboxMessage.objects.bulk_create(batch)
            count += len(batch)
            OutboxLetter.objects.filter(pk=letter.pk).update(recipients=count)
        written += count
    return written


def deliver_after_commit() -> None:
    """Start the delivery of what was just committed, as ``SMOLNY_MAIL_DELIVERY`` says. Never
    raises: the action has committed and mail must not make it look as if it failed."""
    try:
        if getattr(settings, "SMOLNY_MAIL_DELIVERY", "background") == "inline":
            send_due()
        else:
            postman().wake()
    except Exception:  # the action stands; the messages stay queued for the next round
        log.exception("mail delivery could not start; the messages stay in the outbox")


def _due(now: datetime) -> Q:
    return (
        Q(state__in=(OutboxMessage.QUEUED, OutboxMessage.FAILED))
        & Q(next_attempt_at__lte=now)
        & (Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
    )


def _claim(ids: Sequence[int], now: datetime) -> list[OutboxMessage]:
    """Claim those of *ids* still due, in one conditional update; return the claimed.

    The claim's expiry carries random microseconds, so that a sender finds the rows its own
    update claimed by that value; two senders never claim one row (the update re-checks that
    it is due, under the row's write lock)."""
    until = now + CLAIM + timedelta(microseconds=secrets.randbelow(10**6))
    OutboxMessage.objects.filter(_due(now), pk__in=list(ids)).update(claimed_until=until)
    claimed = OutboxMessage.objects.filter(pk__in=list(ids), claimed_until=until)
    return list(claimed.select_related("letter").order_by("pk"))


def _email(message: OutboxMessage) -> EmailMessage:
    body = message.letter.body if message.letter is not None else message.body
    email = EmailMessage(message.subject, body, settings.DEFAULT_FROM_EMAIL, [message.to])
    if message.calendar:
        # Base64, so that the calendar's CRLF line ends reach the reader unchanged.
        part = MIMEText(message.calendar, "calendar", "utf-8")
        part.set_param("method", "PUBLISH")
        part.add_header(
            "Content-Disposition", "attachment", filename=message.calendar_name or "invite.ics"
        )
        email.attach(part)
    return email


def _failed(message: OutboxMessage, error: Exception, now: datetime) -> None:
    attempts = message.attempts + 1
    OutboxMessage.objects.filter(pk=message.pk).update(
        state=OutboxMessage.FAILED,
        attempts=attempts,
        last_attempt_at=now,
        next_attempt_at=now + pause_after(attempts) if attempts < MAX_ATTEMPTS else None,
        claimed_until=None,
        error=(f"{type(error).__name__}: {error}".strip())[:2000],
    )


def _record(outcomes: list[tuple[OutboxMessage, Exception | None]], now: datetime) -> None:
    """Write how each message's attempt went, in one transaction (one commit for many)."""
    with transaction.atomic():
        sent = [m.pk for m, error in outcomes if error is None]
        if sent:
            OutboxMessage.objects.filter(pk__in=sent).update(
                state=OutboxMessage.SENT,
                attempts=F("attempts") + 1,
                last_attempt_at=now,
                next_attempt_at=None,
                claimed_until=None,
                sent_at=now,
                error="",
            )
        for message, error in outcomes:
            if error is not None:
                _failed(message, error, now)
    outcomes.clear()


def send_due(now: datetime | None = None, *, limit: int | None = None) -> Delivery:
    """Send the messages due at *now* (default: the clock), at most *limit*; return counts.

    A message that cannot be sent is marked failed with its error and its next attempt; the
    others are sent all the same."""
    expand_letters()
    now = now or timezone.now()
    done = Delivery()
    while limit is None or done.sent + done.failed < limit:
        size = BATCH if limit is None else min(BATCH, limit - done.sent - done.failed)
        ids = list(
            OutboxMessage.objects.filter(_due(now))
            .order_by("pk")
            .values_list("pk", flat=True)[:size]
        )
        if not ids:
            break
        batch = _claim(ids, now)
        if not batch:
            continue
        outcomes: list[tuple[OutboxMessage, Exception | None]] = []
        try:
            smtp = get_connection(fail_silently=False)
            smtp.open()
        except Exception as error:  # the server is down: every message of the batch waits
            _record([(message, error) for message in batch], now)
            done.failed += len(batch)
            break
        try:
            for message in batch:
                try:
                    smtp.send_messages([_email(message)])
                except Exception as error:
                    outcomes.append((message, error))
                    done.failed += 1
                else:
                    outcomes.append((message, None))
                    done.sent += 1
                if len(outcomes) >= RECORD_EVERY:
                    _record(outcomes, now)
        finally:
            _record(outcomes, now)
            try:
                smtp.close()
            except Exception:
                log.warning("closing the SMTP connection failed", exc_info=True)
    return done


def retry(
    organisation: Organisation | None = None,
    *,
    ids: Sequence[int] | None = None,
    now: datetime | None = None,
) -> int:
    """Make failed messages (of *organisation*, or those with *ids*) due at once, given up
    or not; return how many. The sender picks them up on its next round."""
    now = now or timezone.now()
    failed = OutboxMessage.objects.filter(state=OutboxMessage.FAILED)
    if organisation is not None:
        failed = failed.filter(organisation=organisation)
    if ids is not None:
        failed = failed.filter(pk__in=list(ids))
    return failed.update(next_attempt_at=now)


def retry_seconds() -> float:
    """``SMOLNY_MAIL_RETRY_SECONDS``: how often a postman looks for due messages."""
    return float(getattr(settings, "SMOLNY_MAIL_RETRY_SECONDS", 30))


class Postman:
    """A daemon thread sending due messages whenever woken and every *interval* seconds."""

    def __init__(
        self, interval: float, on_error: Callable[[Exception], None] | None = None
    ) -> None:
        self.interval = interval
        self.on_error = on_error
        self._wake = threading.Event()
        self._thread = threading.Thread(target=self._run, name="smolny-postman", daemon=True)

    def start(self) -> Postman:
        self._thread.start()
        return self

    def wake(self) -> None:
        self._wake.set()

    def _run(self) -> None:
        while True:
            self._wake.clear()
            try:
                send_due()
            except Exception as error:  # a failed round must not end the thread
                log.exception("sending the outbox failed")
                if self.on_error is not None:
                    self.on_error(error)
            finally:
                db_connection.close()  # this thread's own connection, idle until next round
            self._wake.wait(self.interval)


_postman: Postman | None = None
_postman_lock = threading.Lock()


def postman(on_error: Callable[[Exception], None] | None = None) -> Postman:
    """This process's postman, started on first use."""
    global _postman
    with _postman_lock:
        if _postman is None:
            _postman = Postman(retry_seconds(), on_error).start()
        return _postman
