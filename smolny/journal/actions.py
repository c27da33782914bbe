"""The action machinery every action of every app shares: actors, permission checks, errors,
the transaction and the record.

An action runs inside :func:`action_transaction`, which opens ``transaction.atomic()`` and
takes the journal's lock first, so the state an action checks cannot change before it
commits. It ends with :func:`record`, which appends the journal entry (:mod:`smolny.journal.chain`)
in the same transaction and schedules the live event (:mod:`smolny.live`) for after the
commit. A step that only makes sense as part of another action (sealing a secret ballot at
the close, ending a mandate for a recall) is marked :func:`within_action`: it asserts that
it runs inside an open action transaction instead of opening its own.

The councils and the federation both use this module; it imports their models (the
journal's, the organisation and its roles) but no action, page or route.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ParamSpec, TypeVar

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext

from smolny import live
from smolny.councils.models import JournalEntry, Member, Organisation, OrganisationRole
from smolny.councils.models.dated import valid_at
from smolny.journal import chain as journal


class ActionError(Exception):
    """An action refused: the message says why in words a secretary understands.

    Each kind of refusal carries the HTTP status it is answered with, here and nowhere else:
    the API, the roll-call intake and the pages all read :attr:`http_status`."""

    http_status = 422
    """The request itself is wrong (a bad value, an unknown name)."""


class PermissionDenied(ActionError):
    """The actor may not do this."""

    http_status = 403


class NotAllowed(ActionError):
    """The change would break a rule or an invariant of the council system."""

    http_status = 409


@dataclass(frozen=True)
class SystemActor:
    """An actor that is not a person: a world loader, a scheduled job, the test suite."""

    name: str = "system"


SYSTEM = SystemActor()

Actor = AbstractBaseUser | AnonymousUser | SystemActor

M = TypeVar("M", bound=models.Model)
P = ParamSpec("P")
R = TypeVar("R")


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
        raise ActionError(gettext("time %(at)s has no timezone") % {"at": at.isoformat()})
    return at


def is_secretary(actor: Actor, organisation: Organisation, at: datetime) -> bool:
    """Whether *actor* is a secretary of *organisation* now.

    A person's role is read at the server's clock, never at the action's time *at*: a past
    event entered later (or a time a caller chose) must not revive a role that has ended.
    (*at* stays in the signature for the callers; the system actor holds every role.)"""
    return _holds(actor, organisation, OrganisationRole.SECRETARY)


def _holds(actor: Actor, organisation: Organisation, role: str) -> bool:
    if isinstance(actor, SystemActor):
        return True
    if not actor.is_authenticated:
        return False
    return OrganisationRole.objects.filter(
        valid_at(timezone.now()), organisation=organisation, user_id=actor.pk, role=role
    ).exists()


_entered_later: ContextVar[datetime | None] = ContextVar("entered_later", default=None)
"""The time of the past event that the actions in :func:`entering_past_events` enter."""


@contextmanager
def entering_past_events(at: datetime) -> Iterator[None]:
    """Run the actions inside as the entry of a past event that happened at *at* (the minutes
    of a meeting held on paper): an action given no time of its own takes *at*, and
    :func:`record_many` requires the actor to hold the recorder's role of the organisation
    (at the server's clock) and journals the entry as entered later, with both times.

    Live acts never run inside it: their time is the server's clock."""
    if timezone.is_naive(at):
        raise ActionError(gettext("time %(at)s has no timezone") % {"at": at.isoformat()})
    if at > timezone.now():
        raise ActionError(gettext("a past event cannot be entered with a time in the future"))
    token = _entered_later.set(at)
    try:
        yield
    finally:
        _entered_later.reset(token)


def entering_later() -> bool:
    """Whether the running action enters a past event (inside :func:`entering_past_events`)."""
    return _entered_later.get() is not None


def require_recorder(actor: Actor, organisation: Organisation) -> None:
    """Entering the record of past events is a permission of its own (the recorder's role)."""
    if not _holds(actor, organisation, OrganisationRole.RECORDER):
        raise PermissionDenied(
            gettext("%(actor)s may not enter the record of past events of %(organisation)s")
            % {"actor": actor_label(actor), "organisation": organisation.name}
        )


def require_secretary(actor: Actor, organisation: Organisation, at: datetime) -> None:
    if not is_secretary(actor, organisation, at):
        raise PermissionDenied(
            gettext("%(actor)s is not a secretary of %(organisation)s")
            % {"actor": actor_label(actor), "organisation": organisation.name}
        )


def require_member_or_secretary(actor: Actor, member: Member, at: datetime) -> None:
    """A member acts for themself; a secretary may record for a member (paper forms)."""
    if not isinstance(actor, SystemActor) and actor.is_authenticated and member.user_id == actor.pk:
        return
    if is_secretary(actor, member.organisation, at):
        return
    raise PermissionDenied(
        gettext("%(actor)s may not act for member %(external_id)s")
        % {"actor": actor_label(actor), "external_id": member.external_id}
    )


def holds_role(actor: Actor, organisation: Organisation, role: str) -> bool:
    """Whether *actor* holds *role* in *organisation* now (the server's clock, as
    :func:`is_secretary`; the system actor holds every role)."""
    return _holds(actor, organisation, role)


def require_door_keeper(actor: Actor, organisation: Organisation) -> None:
    """Checking others in at the door is the clerk's work, or a secretary's."""
    if _holds(actor, organisation, OrganisationRole.SECRETARY) or _holds(
        actor, organisation, OrganisationRole.CLERK
    ):
        return
    raise PermissionDenied(
        gettext("%(actor)s is neither a clerk nor a secretary of %(organisation)s")
        % {"actor": actor_label(actor), "organisation": organisation.name}
    )


def require_member_or_clerk(actor: Actor, member: Member, at: datetime) -> None:
    """A member acts for themself; the clerk (at the door, at the speakers' list) or a
    secretary may act for them."""
    if not isinstance(actor, SystemActor) and actor.is_authenticated and member.user_id == actor.pk:
        return
    if _holds(actor, member.organisation, OrganisationRole.CLERK):
        return
    require_member_or_secretary(actor, member, at)


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
            yield now_or(at if at is not None else _entered_later.get())
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
    written = timezone.now()
    later: dict[str, Any] = {}
    if _entered_later.get() is not None:
        for actor, _, _ in changes:
            require_recorder(actor, organisation)
        later = {"entered_later": journal.format_time(written)}
    bodies = [
        {"at": journal.format_time(at), "organisation": organisation.pk, **payload, **later}
        for _, _, payload in changes
    ]
    held = _locked.get() is transaction.get_connection()
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


def in_action() -> bool:
    """Whether the caller runs inside an :func:`action_transaction` that is still open."""
    return (
        _locked.get() is transaction.get_connection()
        and transaction.get_connection().in_atomic_block
    )


def within_action(step: Callable[P, R]) -> Callable[P, R]:
    """Mark *step* as part of another action: it writes in that action's transaction, under
    its lock, and is journalled by that action's entry, so called on its own it would write
    without a journal entry. It refuses (``RuntimeError``, a programming error) to run
    outside an open :func:`action_transaction`."""

    @functools.wraps(step)
    def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
        if not in_action():
            raise RuntimeError(f"{step.__qualname__} runs only inside an action's transaction")
        return step(*args, **kwargs)

    guarded.__within_action__ = True  # type: ignore[attr-defined]
    return guarded
