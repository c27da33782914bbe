"""Live updates: publish/subscribe by channel, with event ids and replay after a reconnect.

Actions publish an event after their transaction commits (through
``transaction.on_commit``), so a subscriber never hears of a change that was rolled back.
This package is the one interface the rest of Smolny sees: ``publish(channel, event)`` and
``subscribe(channel)`` (plus ``subscribe_async``, ``replay`` and ``head`` for the event
stream of :mod:`smolny.web.live`). It is a core package: it imports no web or API module.

Where the events travel depends on the database:

- SQLite (one process: tests, ``smolny serve``): the in-process broker of
  :mod:`smolny.live.broker` gives the ids and keeps the last :data:`REPLAY_SIZE` events of
  each channel for replay.
- PostgreSQL (several worker processes): :class:`smolny.live.postgres.PostgresTransport`
  stores each event in a table (created by this app's migration), takes its id from a
  sequence, and wakes every process with ``NOTIFY``; each process's listener hands the event
  to its own broker.

In both cases the publishing process delivers to its own subscribers at once, so a test or a
command that subscribes and then acts sees the event when the action returns.
"""

from __future__ import annotations

import threading

from smolny.live.broker import (
    DEFAULT_MAXSIZE,
    REPLAY_SIZE,
    AsyncSubscription,
    Broker,
    Delivery,
    Event,
    LocalTransport,
    Replay,
    Subscription,
    Transport,
)

__all__ = [
    "DEFAULT_MAXSIZE",
    "REPLAY_SIZE",
    "AsyncSubscription",
    "Broker",
    "Delivery",
    "Event",
    "LocalTransport",
    "Replay",
    "Subscription",
    "Transport",
    "ensure_listening",
    "head",
    "publish",
    "publish_many",
    "replay",
    "subscribe",
    "subscribe_async",
    "subscriber_count",
    "transport",
]

_broker = Broker()
_transport: Transport | None = None
_transport_lock = threading.Lock()


def transport() -> Transport:
    """The transport for this process: PostgreSQL's when Django's database is PostgreSQL."""
    global _transport
    if _transport is None:
        with _transport_lock:
            if _transport is None:
                _transport = _choose_transport()
    return _transport


def _choose_transport() -> Transport:
    from django.conf import settings

    if settings.configured:
        engine = str(settings.DATABASES.get("default", {}).get("ENGINE", ""))
        if engine.endswith("postgresql"):
            from smolny.live.postgres import PostgresTransport

            return PostgresTransport(_broker)
    return LocalTransport(_broker)


def publish(channel: str, event: Event) -> int:
    """Publish *event* on *channel*; return how many subscribers in this process got it.

    Inside a database transaction the event waits for the commit (and is dropped on a
    rollback): nobody must hear of a change that may still be undone.
    """
    if _in_transaction():
        from django.db import transaction

        transaction.on_commit(lambda: transport().publish(channel, event))
        return 0
    return transport().publish(channel, event)


def publish_many(channel: str, events: list[Event]) -> int:
    """Publish *events* on *channel* in order, as :func:`publish` would one by one, in one
    step of the transport (one transaction between processes); return the deliveries made
    in this process."""
    if not events:
        return 0
    if _in_transaction():
        from django.db import transaction

        transaction.on_commit(lambda: transport().publish_many(channel, events))
        return 0
    return transport().publish_many(channel, events)


def _in_transaction() -> bool:
    from django.conf import settings

    if not settings.configured:
        return False
    from django.db import connection

    return bool(connection.in_atomic_block)


def subscribe(channel: str, maxsize: int = DEFAULT_MAXSIZE) -> Subscription:
    """Subscribe to *channel* from a thread.

    It hears the events published in this process; events of other processes too once this
    process listens (:func:`ensure_listening`, which the event stream calls). Subscribing
    does not start the listener itself, so that tests and commands open no extra connection.
    """
    return _broker.subscribe(channel, maxsize)


def subscribe_async(channel: str, maxsize: int = DEFAULT_MAXSIZE) -> AsyncSubscription:
    """Subscribe from a coroutine. Call :func:`ensure_listening` first (it may block)."""
    return _broker.subscribe_async(channel, maxsize)


def ensure_listening() -> None:
    """Make sure this process hears events published by others (blocking; call once)."""
    transport().ensure_listening()


def head(channel: str) -> int:
    """The newest event id of *channel*: a page renders it so its stream starts there."""
    return transport().head(channel)


def replay(channel: str, after: int) -> Replay:
    """The events of *channel* published after id *after* (see :class:`Replay`)."""
    return transport().replay(channel, after)


def subscriber_count(channel: str) -> int:
    """How many subscriptions this process holds on *channel*."""
    return _broker.subscriber_count(channel)
