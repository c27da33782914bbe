"""PostgreSQL carrying live events between server processes.

With several server processes an event published in one must reach streams held by the
others. Each event is written to ``smolny_live_event`` with an id from a sequence, and
``NOTIFY smolny_live`` wakes every process; each process has one dedicated connection (in a
background thread) that ``LISTEN``s and hands the events to its in-process broker.
``NOTIFY`` payloads are limited to 8000 bytes, so an event that does not fit is sent as its id
only and the listener reads it from the table. Publishing takes the channel's row in
``smolny_live_channel`` first, so the events of one channel are numbered and committed in the
same order, and a stream that has seen id *n* has seen every earlier id of its channel: a
process delivers the events of a channel in id order, and before delivering its own event it
first delivers any earlier one its listener has not brought yet (the listener may lag, or be
reconnecting: then it catches up from the table).

The table keeps the last :data:`smolny.live.REPLAY_SIZE` events of each channel for clients
that reconnect, and the channel row records the newest id and the newest id pruned, which is
how a replay knows whether it is complete. The tables and the sequence are created by this
app's migration (``smolny/live/migrations``), on PostgreSQL only: they are the transport's
buffer, which the in-process transport of SQLite does not need.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from typing import Any

from smolny.live.broker import REPLAY_SIZE, Broker, Delivery, Event, Replay

logger = logging.getLogger(__name__)

NOTIFY_CHANNEL = "smolny_live"
LISTENER_NAME = "smolny-live-listener"
"""The listener connections' ``application_name`` (to find them in ``pg_stat_activity``)."""
NOTIFY_LIMIT = 7900
"""Largest NOTIFY payload sent whole (PostgreSQL's limit is 8000 bytes)."""


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


class PostgresTransport:
    """Events between processes through a table and LISTEN/NOTIFY (see the module text)."""

    def __init__(self, broker: Broker, replay_size: int = REPLAY_SIZE) -> None:
        self.broker = broker
        self.origin = uuid.uuid4().hex
        self.replay_size = replay_size
        self._order = threading.Lock()
        self._listener: threading.Thread | None = None
        self._listening = threading.Event()
        self._stop = threading.Event()
        self._start_lock = threading.Lock()
        self._last_seen: dict[str, int] = {}
        # Per channel, the earliest point a stream of this process started from: after a
        # lost listener connection, the catch-up starts there for channels not heard yet.
        self._floor: dict[str, int] = {}

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

        with connection.cursor() as cursor:
            cursor.execute("SELECT head FROM smolny_live_channel WHERE channel = %s", [channel])
            row = cursor.fetchone()
        head = int(row[0]) if row else 0
        with self._order:
            self._floor.setdefault(channel, head)
        return head

    def replay(self, channel: str, after: int) -> Replay:
        from django.db import connection, transaction

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
