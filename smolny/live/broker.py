"""The in-process broker: channels, subscriptions, event ids and replay buffers.

Every published event gets an id, increasing within its channel, so that a client that lost
its connection can say which event it saw last (the ``Last-Event-ID`` of server-sent events)
and be sent exactly what it missed. The broker's ids start at the process's start time in
microseconds, so the ids of a restarted server are larger than any id a client kept from
before, and such a client is told to reload instead of being sent a replay that would skip
what the old process had published.

Each subscription owns a bounded queue. A subscriber that stops reading must not make
publishers block or memory grow, so when its queue is full the oldest event is dropped and
counted in ``dropped`` (a client that sees a gap re-reads the state).

This module imports nothing of Django: the broker works the same in a test, a command and
a server process.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import functools
import json
import queue
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol

Event = dict[str, Any]

DEFAULT_MAXSIZE = 1000
REPLAY_SIZE = 1000
"""Events kept per channel for replay after a reconnect (in-process broker)."""


@dataclass(frozen=True)
class Delivery:
    """An event as it travels: its channel, its id in that channel, and the event itself."""

    channel: str
    id: int
    event: Event

    @functools.cached_property
    def json(self) -> str:
        """The event as compact JSON, encoded once however many streams send it."""
        return json.dumps(self.event, separators=(",", ":"), ensure_ascii=False)


@dataclass(frozen=True)
class Replay:
    """What a reconnecting client missed after *after*.

    ``complete`` is false when the events after *after* can no longer all be given (they
    fell out of the replay buffer, or *after* is not an id of this channel's history, as
    after a restart): the client must then re-read the state. ``head`` is the channel's
    newest id (what a client has seen once it has read the state).
    """

    head: int
    complete: bool
    deliveries: list[Delivery]


class Subscription:
    """A queue-like receiver of the events published on one channel (for threads).

    ``get(timeout=...)`` and ``get_nowait()`` behave like :class:`queue.Queue`'s (raising
    :class:`queue.Empty`) and return the event; ``get_delivery`` returns it with its id.
    Iterating yields the events already waiting without blocking. Use it as a context
    manager, or call :meth:`close`, to stop receiving.
    """

    def __init__(self, broker: Broker, channel: str, maxsize: int) -> None:
        self.channel = channel
        self.dropped = 0
        self._broker = broker
        self._queue: queue.Queue[Delivery] = queue.Queue(maxsize=maxsize)
        self._lock = threading.Lock()
        self.closed = False

    def _deliver(self, delivery: Delivery) -> None:
        with self._lock:
            while True:
                try:
                    self._queue.put_nowait(delivery)
                    return
                except queue.Full:
                    try:
                        self._queue.get_nowait()
                        self.dropped += 1
                    except queue.Empty:  # pragma: no cover - a reader emptied it meanwhile
                        pass

    def get_delivery(self, timeout: float | None = None) -> Delivery:
        """The next event with its id; blocks up to *timeout* seconds."""
        return self._queue.get(timeout=timeout)

    def get(self, timeout: float | None = None) -> Event:
        """The next event; blocks up to *timeout* seconds, then raises :class:`queue.Empty`."""
        return self._queue.get(timeout=timeout).event

    def get_nowait(self) -> Event:
        return self._queue.get_nowait().event

    def qsize(self) -> int:
        return self._queue.qsize()

    def __iter__(self) -> Iterator[Event]:
        while True:
            try:
                yield self._queue.get_nowait().event
            except queue.Empty:
                return

    def close(self) -> None:
        self._broker._unsubscribe(self)
        self.closed = True

    def __enter__(self) -> Subscription:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class AsyncSubscription:
    """A receiver for coroutines: events are handed to its event loop, never block it.

    Publishers run in other threads; the broker passes each event to the loop once
    (``call_soon_threadsafe``) for all of that loop's subscribers of the channel, so a
    thousand open streams cost one wake-up of the loop per event, not a thousand.
    """

    def __init__(
        self, broker: Broker, channel: str, maxsize: int, loop: asyncio.AbstractEventLoop
    ) -> None:
        self.channel = channel
        self.dropped = 0
        self.loop = loop
        self._broker = broker
        self._queue: asyncio.Queue[Delivery] = asyncio.Queue(maxsize=maxsize)
        self.closed = False

    def _deliver_in_loop(self, delivery: Delivery) -> None:
        """Runs in the subscription's loop."""
        if self._queue.full():
            self._queue.get_nowait()
            self.dropped += 1
        self._queue.put_nowait(delivery)

    async def get(self) -> Delivery:
        """The next event with its id (wrap in ``asyncio.timeout`` for a timeout)."""
        return await self._queue.get()

    def get_waiting(self) -> list[Delivery]:
        """The events already waiting, without waiting for more."""
        waiting = []
        while not self._queue.empty():
            waiting.append(self._queue.get_nowait())
        return waiting

    def close(self) -> None:
        self._broker._unsubscribe(self)
        self.closed = True


class _Receiver(Protocol):
    channel: str


def _fan_out(subscribers: list[AsyncSubscription], delivery: Delivery) -> None:
    for subscription in subscribers:
        if not subscription.closed:
            subscription._deliver_in_loop(delivery)


class Broker:
    """Channels, their subscriptions, ids and replay buffers; safe to use from many threads."""

    def __init__(self, replay_size: int = REPLAY_SIZE) -> None:
        self._lock = threading.Lock()
        self._channels: dict[str, list[Subscription | AsyncSubscription]] = {}
        self._replay_size = replay_size
        self._first_id = time.time_ns() // 1000
        self._heads: dict[str, int] = {}
        self._buffers: dict[str, collections.deque[Delivery]] = {}
        self._pruned: dict[str, int] = {}

    def subscribe(self, channel: str, maxsize: int = DEFAULT_MAXSIZE) -> Subscription:
        subscription = Subscription(self, channel, maxsize)
        with self._lock:
            self._channels.setdefault(channel, []).append(subscription)
        return subscription

    def subscribe_async(self, channel: str, maxsize: int = DEFAULT_MAXSIZE) -> AsyncSubscription:
        """Subscribe from a coroutine: events arrive in the running event loop."""
        subscription = AsyncSubscription(self, channel, maxsize, asyncio.get_running_loop())
        with self._lock:
            self._channels.setdefault(channel, []).append(subscription)
        return subscription

    def _unsubscribe(self, subscription: Subscription | AsyncSubscription) -> None:
        with self._lock:
            subscribers = self._channels.get(subscription.channel, [])
            if subscription in subscribers:
                subscribers.remove(subscription)
            if not subscribers:
                self._channels.pop(subscription.channel, None)

    def subscriber_count(self, channel: str) -> int:
        with self._lock:
            return len(self._channels.get(channel, ()))

    def publish(self, channel: str, event: Event) -> int:
        """Give *event* the channel's next id, keep it for replay, deliver it.

        Returns how many subscribers got it.
        """
        with self._lock:
            head = self._heads.get(channel, self._first_id - 1) + 1
            self._heads[channel] = head
            delivery = Delivery(channel, head, event)
            buffer = self._buffers.setdefault(channel, collections.deque())
            if len(buffer) == self._replay_size:
                self._pruned[channel] = buffer.popleft().id
            buffer.append(delivery)
        return self.deliver(delivery)

    def deliver(self, delivery: Delivery) -> int:
        """Deliver an event that already has its id (from another process) to subscribers."""
        with self._lock:
            subscribers = list(self._channels.get(delivery.channel, ()))
        by_loop: dict[asyncio.AbstractEventLoop, list[AsyncSubscription]] = {}
        for subscription in subscribers:
            if isinstance(subscription, AsyncSubscription):
                by_loop.setdefault(subscription.loop, []).append(subscription)
            else:
                subscription._deliver(delivery)
        for loop, group in by_loop.items():
            with contextlib.suppress(RuntimeError):  # a closed loop: its streams are gone
                loop.call_soon_threadsafe(_fan_out, group, delivery)
        return len(subscribers)

    def head(self, channel: str) -> int:
        """The channel's newest id (the id before the first one if nothing was published)."""
        with self._lock:
            return self._heads.get(channel, self._first_id - 1)

    def replay(self, channel: str, after: int) -> Replay:
        """The events of *channel* after id *after*, if the buffer still holds them all."""
        with self._lock:
            head = self._heads.get(channel, self._first_id - 1)
            floor = self._pruned.get(channel, self._first_id - 1)
            if not floor <= after <= head:
                return Replay(head, False, [])
            missed = [d for d in self._buffers.get(channel, ()) if d.id > after]
            return Replay(head, True, missed)


class Transport(Protocol):
    """Where events travel: the in-process broker alone, or PostgreSQL between processes."""

    broker: Broker

    def publish(self, channel: str, event: Event) -> int: ...

    def publish_many(self, channel: str, events: list[Event]) -> int: ...

    def ensure_listening(self) -> None: ...

    def head(self, channel: str) -> int: ...

    def replay(self, channel: str, after: int) -> Replay: ...


class LocalTransport:
    """One process: the broker is the whole transport."""

    def __init__(self, broker: Broker) -> None:
        self.broker = broker

    def publish(self, channel: str, event: Event) -> int:
        return self.broker.publish(channel, event)

    def publish_many(self, channel: str, events: list[Event]) -> int:
        return sum(self.broker.publish(channel, event) for event in events)

    def ensure_listening(self) -> None:
        """Nothing to listen to: every publisher is in this process."""

    def head(self, channel: str) -> int:
        return self.broker.head(channel)

    def replay(self, channel: str, after: int) -> Replay:
        return self.broker.replay(channel, after)
