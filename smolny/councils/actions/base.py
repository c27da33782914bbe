"""What every action shares: actors, permission checks, errors, the transaction and the record.

An action runs inside :func:`action_transaction`, which opens ``transaction.atomic()`` and
takes the journal's lock first, so the state an action checks cannot change before it
commits. It ends with :func:`record`, which appends the journal entry in the same
transaction and schedules the live event for after the commit.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models, transaction
from django.utils import timezone

from smolny import live
from smolny.councils import journal
from smolny.councils.models import JournalEntry, Member, Organisation, OrganisationRole
from smolny.councils.models.dated import valid_at


class ActionError(Exception):
    """An action refused: the message says why in words a secretary understands."""


class PermissionDenied(ActionError):
    """The actor may not do this."""


class NotAllowed(ActionError):
    """The change would break a rule or an invariant of the council system."""


@dataclass(frozen=True)
class SystemActor:
    """An actor that is not a person: a world loader, a scheduled job, the test suite."""

    name: str = "system"


SYSTEM = SystemActor()

Actor = AbstractBaseUser | AnonymousUser | SystemActor

M = TypeVar("M", bound=models.Model)


def actor_label(actor: Actor) -> str:
    """How the journal names an actor."""
    if isinstance(actor, SystemActor):
        return f"system:{actor.name}"
    if not actor.is_authenticated:
        return "anonymous"
    return f"user:{actor.pk}:{actor.get_username()}"


def now_or(at: datetime | None) -> datetime:
    """The action's time: *at* (timezone-aware) or now."""
    if at is None:
        return timezone.now()
    if timezone.is_naive(at):
        raise ActionError(f"time {at.isoformat()} has no timezone")
    return at


def is_secretary(actor: Actor, organisation: Organisation, at: datetime) -> bool:
    if isinstance(actor, SystemActor):
        return True
    if not actor.is_authenticated:
        return False
    return OrganisationRole.objects.filter(
        valid_at(at),
        organisation=organisation,
        user_id=actor.pk,
        role=OrganisationRole.SECRETARY,
    ).exists()


def require_secretary(actor: Actor, organisation: Organisation, at: datetime) -> None:
    if not is_secretary(actor, organisation, at):
        raise PermissionDenied(f"{actor_label(actor)} is not a secretary of {organisation.name}")


def require_member_or_secretary(actor: Actor, member: Member, at: datetime) -> None:
    """A member acts for themself; a secretary may record for a member (paper forms)."""
    if not isinstance(actor, SystemActor) and actor.is_authenticated and member.user_id == actor.pk:
        return
    if is_secretary(actor, member.organisation, at):
        return
    raise PermissionDenied(f"{actor_label(actor)} may not act for member {member.external_id}")


def fresh(instance: M) -> M:
    """Re-read *instance* inside the action's transaction (the caller's copy may be stale)."""
    model: type[M] = type(instance)
    return model._default_manager.get(pk=instance.pk)


_locked: ContextVar[object | None] = ContextVar("journal_locked", default=None)
"""The connection whose transaction an :func:`action_transaction` body is in, holding the
journal lock (so that :func:`record` need not ask for it again)."""


@contextmanager
def action_transaction(at: datetime | None) -> Iterator[datetime]:
    """One action, one transaction; the journal lock first, so checks and writes are serial.

    Yields the action's time: *at*, or the time the lock was obtained, so that actions
    without an explicit time are stamped in the order in which they really happened.
    """
    with transaction.atomic():
        journal.lock()
        token = _locked.set(transaction.get_connection())
        try:
            yield now_or(at)
        finally:
            _locked.reset(token)


def record(
    actor: Actor,
    action: str,
    payload: dict[str, Any],
    *,
    at: datetime,
    organisation: Organisation,
) -> JournalEntry:
    """Append the journal entry for *action* and publish it on the organisation's channel."""
    return record_many([(actor, action, payload)], at=at, organisation=organisation)[0]


def record_many(
    changes: Sequence[tuple[Actor, str, dict[str, Any]]],
    *,
    at: datetime,
    organisation: Organisation,
) -> list[JournalEntry]:
    """Append one journal entry per change (actor, action, payload), in order, and publish
    them on the organisation's channel together after the commit.

    For an action that makes several changes of its own kind at once (the ballots of a roll
    call arriving together): each keeps its entry and its event, as :func:`record` would
    give them, written with one INSERT and published in one step.
    """
    bodies = [
        {"at": journal.format_time(at), "organisation": organisation.pk, **payload}
        for _, _, payload in changes
    ]
    held = _locked.get() is transaction.get_connection()
    written = timezone.now()
    entries = journal.append_many(
        [
            (actor_label(actor), action, body, written)
            for (actor, action, _), body in zip(changes, bodies, strict=True)
        ],
        organisation=organisation.pk,
        locked=held,
    )
    events = [
        {"seq": entry.seq, "action": entry.action, "payload": body}
        for entry, body in zip(entries, bodies, strict=True)
    ]
    channel = f"organisation:{organisation.pk}"
    transaction.on_commit(lambda: live.publish_many(channel, events))
    return entries
