"""The live stream: server-sent events, and PostgreSQL carrying events between processes.

Two parts, both behind :mod:`smolny.live`'s interface:

**PostgresTransport.** With several server processes an event published in one must reach
streams held by the others. Each event is written to ``smolny_live_event`` with an id from a
sequence, and ``NOTIFY smolny_live`` wakes every process; each process has one dedicated
connection (in a background thread) that ``LISTEN``s and hands the events to its in-process
broker. ``NOTIFY`` payloads are limited to 8000 bytes, so an event that does not fit is sent
as its id only and the listener reads it from the table. Publishing takes the channel's row
in ``smolny_live_channel`` first, so the events of one channel are numbered and committed in
the same order, and a stream that has seen id *n* has seen every earlier id of its channel:
a process delivers the events of a channel in id order, and before delivering its own event
it first delivers any earlier one its listener has not brought yet (the listener may lag, or
be reconnecting: then it catches up from the table).
The table keeps the last :data:`smolny.live.REPLAY_SIZE` events of each channel for clients
that reconnect, and the channel row records the newest id and the newest id pruned, which
is how a replay knows whether it is complete. The tables are created on first use (they are
a transport's buffer, not part of the data model, and need no migration).

**The stream view.** ``GET /live/<channel>`` answers ``text/event-stream``: first
``retry:`` (reconnect after a second), then either ``ready`` (a fresh connection: its id is
the channel's newest id, so a later reconnect knows where the client stood), or, when the
client sends ``Last-Event-ID`` (or ``?last_event_id=``, for a page that rendered the id it
read its state at), every event it missed, or ``reset`` when they cannot all be given and
the client must re-read the state. Then each event as ``id:``/``event: message``/``data:``
(its JSON; a burst goes out as one chunk), ``reset`` again if the client read so slowly
that its queue overflowed, and a comment line as a heartbeat every :data:`HEARTBEAT_SECONDS` so that
proxies keep the connection and the server notices a vanished client. When the client goes
away, Django's ASGI handler cancels the stream and the subscription is closed.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import threading
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

from smolny import live
from smolny.live import Broker, Delivery, Event, Replay

logger = logging.getLogger(__name__)

NOTIFY_CHANNEL = "smolny_live"
LISTENER_NAME = "smolny-live-listener"
"""The listener connections' ``application_name`` (to find them in ``pg_stat_activity``)."""
NOTIFY_LIMIT = 7900
"""Largest NOTIFY payload sent whole (PostgreSQL's limit is 8000 bytes)."""

HEARTBEAT_SECONDS = float(os.environ.get("SMOLNY_LIVE_HEARTBEAT", "15"))
RETRY_MILLISECONDS = 1000

CHANNEL_PATTERN = re.compile(r"[A-Za-z0-9_.:-]{1,120}")

_DDL = [
    "CREATE TABLE IF NOT EXISTS smolny_live_channel ("
    " channel text PRIMARY KEY, head bigint NOT NULL DEFAULT 0,"
    " pruned_through bigint NOT NULL DEFAULT 0)",
    "CREATE SEQUENCE IF NOT EXISTS smolny_live_event_id",
    "CREATE TABLE IF NOT EXISTS smolny_live_event ("
    " channel text NOT NULL, id bigint NOT NULL, event text NOT NULL,"
    " PRIMARY KEY (channel, id))",
]
_DDL_LOCK = 0x736D6C697665  # "smlive": serialises concurrent first uses


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


class PostgresTransport:
    """Events between processes through a table and LISTEN/NOTIFY (see the module text)."""

    def __init__(self, broker: Broker, replay_size: int = live.REPLAY_SIZE) -> None:
        self.broker = broker
        self.origin = uuid.uuid4().hex
        self.replay_size = replay_size
        self._order = threading.Lock()
        self._ready_for: set[str] = set()
        self._listener: threading.Thread | None = None
        self._listening = threading.Event()
        self._stop = threading.Event()
        self._start_lock = threading.Lock()
        self._last_seen: dict[str, int] = {}
        # Per channel, the earliest point a stream of this process started from: after a
        # lost listener connection, the catch-up starts there for channels not heard yet.
        self._floor: dict[str, int] = {}

    # Tables --------------------------------------------------------------------------------

    def _ensure_tables(self) -> None:
        from django.db import connection, transaction

        key = f"{connection.settings_dict.get('HOST')}:{connection.settings_dict.get('PORT')}"
        key += f"/{connection.settings_dict.get('NAME')}"
        if key in self._ready_for:
            return
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_DDL_LOCK])
            for statement in _DDL:
                cursor.execute(statement)
        self._ready_for.add(key)

    # Publishing ----------------------------------------------------------------------------

    def publish(self, channel: str, event: Event) -> int:
        """Store, number and announce *event*, then deliver it to this process's subscribers.

        Inside a transaction the event waits for the commit (``on_commit``): an event must
        never announce what may still be rolled back, and the channel's row lock must not be
        held for the rest of someone else's transaction.
        """
        return self.publish_many(channel, [event])

    def publish_many(self, channel: str, events: list[Event]) -> int:
        """:meth:`publish` for several events of one channel, in order, in one transaction:
        the channel's row is taken once, the events are inserted with one statement, the
        buffer pruned and the head moved once, and each event announced by its own NOTIFY."""
        from django.db import connection, transaction

        if not events:
            return 0
        if connection.in_atomic_block:
            transaction.on_commit(lambda: self.publish_many(channel, events))
            return 0
        with self._order:
            self._ensure_tables()
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    "INSERT INTO smolny_live_channel (channel) VALUES (%s) ON CONFLICT (channel)"
                    " DO UPDATE SET channel = EXCLUDED.channel RETURNING head",
                    [channel],
                )
                previous = int(cursor.fetchone()[0])
                gap = self._gap(cursor, channel, previous)
                cursor.execute(
                    "SELECT nextval('smolny_live_event_id') FROM generate_series(1, %s)",
                    [len(events)],
                )
                ids = sorted(int(i) for (i,) in cursor.fetchall())
                cursor.executemany(
                    "INSERT INTO smolny_live_event (channel, id, event) VALUES (%s, %s, %s)",
                    [(channel, i, _json(e)) for i, e in zip(ids, events, strict=True)],
                )
                cursor.execute(
                    "SELECT id FROM smolny_live_event WHERE channel = %s"
                    " ORDER BY id DESC OFFSET %s LIMIT 1",
                    [channel, self.replay_size],
                )
                row = cursor.fetchone()
                if row is not None:
                    cursor.execute(
                        "DELETE FROM smolny_live_event WHERE channel = %s AND id <= %s",
                        [channel, row[0]],
                    )
                cursor.execute(
                    "UPDATE smolny_live_channel SET head = %s,"
                    " pruned_through = GREATEST(pruned_through, %s) WHERE channel = %s",
                    [ids[-1], row[0] if row is not None else 0, channel],
                )
                cursor.executemany(
                    "SELECT pg_notify(%s, %s)",
                    [
                        (NOTIFY_CHANNEL, self._announcement(channel, i, e))
                        for i, e in zip(ids, events, strict=True)
                    ],
                )
            for missed in gap:
                self._deliver(missed)
            return sum(
                self._deliver(Delivery(channel, i, e)) for i, e in zip(ids, events, strict=True)
            )

    def _announcement(self, channel: str, event_id: int, event: Event) -> str:
        """The NOTIFY payload: the event itself, or only its id when it is too long."""
        payload = _json({"c": channel, "i": event_id, "o": self.origin, "e": event})
        if len(payload.encode("utf-8")) > NOTIFY_LIMIT:
            payload = _json({"c": channel, "i": event_id, "o": self.origin})
        return payload

    def _gap(self, cursor: Any, channel: str, previous: int) -> list[Delivery]:
        """Events of *channel* up to *previous* that this process has not delivered yet.

        Another process may have published them a moment ago and its notification not have
        reached this process's listener (or the listener is reconnecting): they must reach
        this process's subscribers before the event being published, or they would be
        skipped as older than it.
        """
        if self.broker.subscriber_count(channel) == 0:
            return []
        seen = self._last_seen.get(channel, self._floor.get(channel))
        if seen is None or seen >= previous:
            return []
        cursor.execute(
            "SELECT id, event FROM smolny_live_event WHERE channel = %s AND id > %s"
            " AND id <= %s ORDER BY id",
            [channel, seen, previous],
        )
        return [Delivery(channel, int(i), json.loads(text)) for i, text in cursor.fetchall()]

    def _deliver(self, delivery: Delivery) -> int:
        """Hand a delivery to the broker unless this process has already passed its id."""
        if delivery.id <= self._last_seen.get(delivery.channel, 0):
            return 0
        self._last_seen[delivery.channel] = delivery.id
        return self.broker.deliver(delivery)

    # Reading back --------------------------------------------------------------------------

    def head(self, channel: str) -> int:
        from django.db import connection

        self._ensure_tables()
        with connection.cursor() as cursor:
            cursor.execute("SELECT head FROM smolny_live_channel WHERE channel = %s", [channel])
            row = cursor.fetchone()
        head = int(row[0]) if row else 0
        with self._order:
            self._floor.setdefault(channel, head)
        return head

    def replay(self, channel: str, after: int) -> Replay:
        from django.db import connection, transaction

        self._ensure_tables()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT head, pruned_through FROM smolny_live_channel WHERE channel = %s",
                [channel],
            )
            row = cursor.fetchone()
            head, floor = (int(row[0]), int(row[1])) if row else (0, 0)
            with self._order:
                self._floor.setdefault(channel, min(after, head))
            if not floor <= after <= head:
                return Replay(head, False, [])
            cursor.execute(
                "SELECT id, event FROM smolny_live_event WHERE channel = %s AND id > %s"
                " AND id <= %s ORDER BY id",
                [channel, after, head],
            )
            rows = cursor.fetchall()
        return Replay(head, True, [Delivery(channel, int(i), json.loads(text)) for i, text in rows])

    # Listening -----------------------------------------------------------------------------

    def _conninfo(self) -> dict[str, Any]:
        from django.db import connection

        settings = connection.settings_dict
        info: dict[str, Any] = {
            "dbname": settings["NAME"],
            "user": settings.get("USER") or None,
            "password": settings.get("PASSWORD") or None,
            "host": settings.get("HOST") or None,
            "port": settings.get("PORT") or None,
        }
        info.update(settings.get("OPTIONS", {}))
        info.pop("pool", None)  # Django's pool settings (smolny/asgi.py), not a libpq option
        return {k: v for k, v in info.items() if v is not None}

    def ensure_listening(self) -> None:
        """Start this process's listener (once) and wait until it has run LISTEN."""
        with self._start_lock:
            if self._listener is None or not self._listener.is_alive():
                self._ensure_tables()
                self._listening.clear()
                self._stop.clear()
                conninfo = self._conninfo()
                self._listener = threading.Thread(
                    target=self._listen, args=(conninfo,), name="smolny-live", daemon=True
                )
                self._listener.start()
        if not self._listening.wait(timeout=30):
            raise RuntimeError("the live listener could not LISTEN within 30 s")

    def stop(self) -> None:
        """Stop the listener (tests; at exit the daemon thread just ends)."""
        self._stop.set()
        if self._listener is not None:
            self._listener.join(timeout=5)

    def _listen(self, conninfo: dict[str, Any]) -> None:
        import psycopg

        delay = 0.1
        first = True
        while not self._stop.is_set():
            try:
                named = {"application_name": LISTENER_NAME, **conninfo}
                with psycopg.connect(autocommit=True, **named) as conn:
                    conn.execute(f"LISTEN {NOTIFY_CHANNEL}")
                    if not first:
                        self._catch_up(conn)
                    first = False
                    self._listening.set()
                    delay = 0.1
                    while not self._stop.is_set():
                        # The generator holds the connection while it waits: leave it
                        # before _received may need the connection to fetch a large event.
                        for notify in list(conn.notifies(timeout=1.0, stop_after=1)):
                            self._received(conn, notify.payload)
            except Exception:
                logger.exception("live listener lost its connection; reconnecting")
                time.sleep(delay)
                delay = min(delay * 2, 5.0)

    def _received(self, conn: Any, payload: str) -> None:
        message = json.loads(payload)
        if message["o"] == self.origin:
            return  # published here, delivered already
        channel, event_id = message["c"], int(message["i"])
        if self.broker.subscriber_count(channel) == 0:
            with self._order:
                self._last_seen[channel] = max(self._last_seen.get(channel, 0), event_id)
            return
        event = message.get("e")
        if event is None:
            row = conn.execute(
                "SELECT event FROM smolny_live_event WHERE channel = %s AND id = %s",
                [channel, event_id],
            ).fetchone()
            if row is None:  # pruned already: the stream's next replay will say reset
                return
            event = json.loads(row[0])
        with self._order:
            self._deliver(Delivery(channel, event_id, event))

    def _catch_up(self, conn: Any) -> None:
        """After a lost connection: deliver what was published meanwhile, in id order."""
        with self._order:
            channels = {**self._floor, **self._last_seen}
        for channel, seen in channels.items():
            rows = conn.execute(
                "SELECT id, event FROM smolny_live_event WHERE channel = %s AND id > %s"
                " ORDER BY id",
                [channel, seen],
            ).fetchall()
            with self._order:
                for event_id, text in rows:
                    self._deliver(Delivery(channel, int(event_id), json.loads(text)))


# The server-sent events view -------------------------------------------------------------


def sse(event_id: int, kind: str, data: Any) -> str:
    """One server-sent event: ``id:``, ``event:`` and a one-line JSON ``data:``."""
    return f"id: {event_id}\nevent: {kind}\ndata: {_json(data)}\n\n"


def message(delivery: Delivery) -> str:
    """A published event as a server-sent ``message`` (its JSON encoded once)."""
    return f"id: {delivery.id}\nevent: message\ndata: {delivery.json}\n\n"


def last_event_id(request: Any) -> int | None:
    """The id the client saw last: the ``Last-Event-ID`` header, else ``?last_event_id=``."""
    raw = request.headers.get("Last-Event-ID") or request.GET.get("last_event_id")
    if raw is None or not raw.strip().isdigit():
        return None
    return int(raw.strip())


def _start(channel: str, after: int | None) -> Replay:
    """Runs in a worker thread: listen, then read where the client stands (and close)."""
    from django.db import connection

    try:
        live.ensure_listening()
        if after is None:
            return Replay(live.head(channel), True, [])
        return live.replay(channel, after)
    finally:
        if not connection.in_atomic_block:
            connection.close()


async def may_follow(request: Any, channel: str) -> bool:
    """Who may read a channel: ``probe:`` channels anyone; an organisation's channel anyone
    when its record is public, else signed-in users (the rule of the pages,
    :mod:`smolny.web.access`)."""
    if channel.startswith("probe:"):
        return True
    from asgiref.sync import sync_to_async

    return await sync_to_async(_may_read, thread_sensitive=False)(request, channel)


def _public_channel(channel: str) -> bool:
    """Whether *channel* is the channel of an organisation whose record is public."""
    from smolny.councils.models import Organisation

    kind, _, key = channel.partition(":")
    if kind != "organisation" or not key.isdigit() or len(key) > 18:
        return False
    return Organisation.objects.filter(pk=int(key), public_record=True).exists()


def _may_read(request: Any, channel: str) -> bool:
    """Runs in a worker thread: a signed-in user, or a public record's channel.

    The database connection the session and user lookups open is closed at once. Looked up
    through ``request.auser()`` instead, they ran in the request's own thread, whose
    connection Django closes only when the response ends: every open stream then held a
    database connection for its whole life (1,500 streams, 1,500 PostgreSQL connections).
    """
    from django.db import connection

    try:
        return bool(request.user.is_authenticated) or _public_channel(channel)
    finally:
        if not connection.in_atomic_block:
            connection.close()


async def stream(request: Any, channel: str) -> Any:
    """``GET /live/<channel>``: the channel's events as ``text/event-stream``."""
    from asgiref.sync import sync_to_async
    from django.http import HttpResponseForbidden, HttpResponseNotFound, StreamingHttpResponse

    if not CHANNEL_PATTERN.fullmatch(channel):
        return HttpResponseNotFound("no such channel", content_type="text/plain")
    if not await may_follow(request, channel):
        return HttpResponseForbidden("sign in to follow this channel", content_type="text/plain")
    after = last_event_id(request)
    subscription = live.subscribe_async(channel)
    try:
        start = await sync_to_async(_start, thread_sensitive=False)(channel, after)
    except BaseException:
        subscription.close()
        raise

    async def events() -> AsyncIterator[str]:
        try:
            yield f"retry: {RETRY_MILLISECONDS}\n\n"
            sent, dropped = start.head, 0
            if after is None:
                yield sse(start.head, "ready", {"channel": channel, "id": start.head})
            elif not start.complete:
                yield sse(start.head, "reset", {"channel": channel, "id": start.head})
            else:
                for delivery in start.deliveries:
                    yield message(delivery)
            while True:
                try:
                    async with asyncio.timeout(HEARTBEAT_SECONDS):
                        waiting = [await subscription.get()]
                except TimeoutError:
                    yield ": heartbeat\n\n"
                    continue
                waiting += subscription.get_waiting()  # send a burst as one chunk
                if subscription.dropped != dropped:
                    # This client fell so far behind that events were dropped: say so.
                    dropped, sent = subscription.dropped, waiting[-1].id
                    yield sse(sent, "reset", {"channel": channel, "id": sent})
                    continue
                fresh = [d for d in waiting if d.id > sent]
                if fresh:
                    sent = fresh[-1].id
                    yield "".join(message(d) for d in fresh)
        finally:
            subscription.close()

    response = StreamingHttpResponse(events(), content_type="text/event-stream; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    # Which worker process holds the stream: the browser tests prove with it that pages
    # followed from different processes (the session pages send it on every answer too).
    response["X-Smolny-Process"] = str(os.getpid())
    return response
