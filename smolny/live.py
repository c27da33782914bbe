"""Live updates: a small in-process publish/subscribe broker.

Actions publish an event after their transaction commits (through
``transaction.on_commit``), so a subscriber never hears of a change that was rolled back.
This module is the one interface the rest of Smolny sees: ``publish(channel, event)`` and
``subscribe(channel)``. Inside one process (SQLite, tests, ``smolny serve``) the events travel
through this broker; a later transport (server-sent events, PostgreSQL LISTEN/NOTIFY across
processes) plugs in behind the same two functions.

Each subscription owns a bounded queue. A subscriber that stops reading must not make
publishers block or memory grow, so when its queue is full the oldest event is dropped and
counted in ``Subscription.dropped`` (a client that sees a gap re-reads the state).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from typing import Any

Event = dict[str, Any]

DEFAULT_MAXSIZE = 1000


class Subscription:
    """A queue-like receiver of the events published on one channel.

    ``get(timeout=...)`` and ``get_nowait()`` behave like :class:`queue.Queue`'s (raising
    :class:`queue.Empty`); iterating yields the events already waiting without blocking. Use it
    as a context manager, or call :meth:`close`, to stop receiving.
    """

    def __init__(self, broker: Broker, channel: str, maxsize: int) -> None:
        self.channel = channel
        self.dropped = 0
        self._broker = broker
        self._queue: queue.Queue[Event] = queue.Queue(maxsize=maxsize)
        self._lock = threading.Lock()
        self.closed = False

    def _deliver(self, event: Event) -> None:
        with self._lock:
            while True:
                try:
                    self._queue.put_nowait(event)
                    return
                except queue.Full:
                    try:
                        self._queue.get_nowait()
                        self.dropped += 1
                    except queue.Empty:  # pragma: no cover - a reader emptied it meanwhile
                        pass

    def get(self, timeout: float | None = None) -> Event:
        """The next event; blocks up to *timeout* seconds, then raises :class:`queue.Empty`."""
        return self._queue.get(timeout=timeout)

    def get_nowait(self) -> Event:
        return self._queue.get_nowait()

    def qsize(self) -> int:
        return self._queue.qsize()

    def __iter__(self) -> Iterator[Event]:
        while True:
            try:
                yield self._queue.get_nowait()
            except queue.Empty:
                return

    def close(self) -> None:
        self._broker._unsubscribe(self)
        self.closed = True

    def __enter__(self) -> Subscription:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class Broker:
    """Channels and their subscriptions, safe to use from many threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._channels: dict[str, list[Subscription]] = {}

    def subscribe(self, channel: str, maxsize: int = DEFAULT_MAXSIZE) -> Subscription:
        subscription = Subscription(self, channel, maxsize)
        with self._lock:
            self._channels.setdefault(channel, []).append(subscription)
        return subscription

    def _unsubscribe(self, subscription: Subscription) -> None:
        with self._lock:
            subscribers = self._channels.get(subscription.channel, [])
            if subscription in subscribers:
                subscribers.remove(subscription)
            if not subscribers:
                self._channels.pop(subscription.channel, None)

    def publish(self, channel: str, event: Event) -> int:
        """Deliver *event* to every current subscriber of *channel*; return how many got it."""
        with self._lock:
            subscribers = list(self._channels.get(channel, ()))
        for subscription in subscribers:
            subscription._deliver(event)
        return len(subscribers)


_broker = Broker()


def publish(channel: str, event: Event) -> int:
    """Publish *event* on *channel* of the process-wide broker."""
    return _broker.publish(channel, event)


def subscribe(channel: str, maxsize: int = DEFAULT_MAXSIZE) -> Subscription:
    """Subscribe to *channel* of the process-wide broker."""
    return _broker.subscribe(channel, maxsize)
