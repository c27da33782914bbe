"""Event ids, replay and the commit rule of :mod:`smolny.live`, in the test process.

These run on the suite's database: the in-process broker on SQLite, the PostgreSQL
transport (its table, sequence and NOTIFY) on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import threading
import uuid

import pytest
from django.db import transaction

from smolny import live


def channel() -> str:
    return f"test:{uuid.uuid4().hex[:12]}"


@pytest.mark.django_db(transaction=True)
def test_ids_increase_per_channel_and_replay_gives_what_came_after() -> None:
    a, b = channel(), channel()
    start = live.head(a)
    with live.subscribe(a) as sub:
        for n in range(5):
            live.publish(a, {"n": n})
            live.publish(b, {"other": n})
        deliveries = [sub.get_delivery(timeout=5) for _ in range(5)]
    ids = [d.id for d in deliveries]
    assert [d.event for d in deliveries] == [{"n": n} for n in range(5)]
    assert ids == sorted(set(ids))
    assert ids[0] > start
    assert live.head(a) == ids[-1]
    replay = live.replay(a, ids[1])
    assert replay.complete
    assert [d.event for d in replay.deliveries] == [{"n": 2}, {"n": 3}, {"n": 4}]
    assert [d.id for d in replay.deliveries] == ids[2:]
    assert live.replay(a, ids[-1]).deliveries == []
    assert live.replay(a, start).complete  # from before the first event: all of them
    assert [d.event["n"] for d in live.replay(a, start).deliveries] == list(range(5))
    assert not live.replay(a, ids[-1] + 10**9).complete  # an id from the future


@pytest.mark.django_db(transaction=True)
def test_events_published_in_a_transaction_wait_for_its_commit() -> None:
    name = channel()
    with live.subscribe(name) as sub:
        with transaction.atomic():
            live.publish(name, {"n": 1})
            assert list(sub) == []  # not before the commit
        assert sub.get(timeout=5) == {"n": 1}

        def rolled_back() -> None:
            with transaction.atomic():
                live.publish(name, {"n": 2})
                raise RuntimeError("rolled back")

        with pytest.raises(RuntimeError):
            rolled_back()
        live.publish(name, {"n": 3})
        assert sub.get(timeout=5) == {"n": 3}  # the rolled-back event never came


def test_a_full_replay_buffer_cannot_replay_from_an_id_it_dropped() -> None:
    broker = live.Broker(replay_size=3)
    ids = []
    for n in range(5):
        broker.publish("c", {"n": n})
        ids.append(broker.head("c"))
    assert not broker.replay("c", ids[0]).complete  # event 1 was dropped
    replay = broker.replay("c", ids[1])
    assert replay.complete
    assert [d.event["n"] for d in replay.deliveries] == [2, 3, 4]
    # A restarted process starts its ids above every id of the old one.
    again = live.Broker()
    assert again.head("c") >= ids[-1]
    assert not again.replay("c", ids[-1] - 1).complete


def test_async_subscribers_receive_events_published_from_other_threads() -> None:
    broker = live.Broker()

    async def main() -> list[live.Delivery]:
        subscriptions = [broker.subscribe_async("c", maxsize=10) for _ in range(50)]
        threading.Thread(target=lambda: [broker.publish("c", {"n": n}) for n in range(3)]).start()
        got = [[await asyncio.wait_for(s.get(), 5) for _ in range(3)] for s in subscriptions]
        for s in subscriptions:
            s.close()
        assert all([d.event for d in g] == [{"n": 0}, {"n": 1}, {"n": 2}] for g in got)
        return got[0]

    first = asyncio.run(main())
    assert [d.id for d in first] == sorted({d.id for d in first})
    assert broker.subscriber_count("c") == 0


def test_a_slow_async_subscriber_loses_the_oldest_events_and_counts_them() -> None:
    broker = live.Broker()

    async def main() -> None:
        subscription = broker.subscribe_async("c", maxsize=2)
        for n in range(5):
            broker.publish("c", {"n": n})
        await asyncio.sleep(0)  # let the loop run the hand-over
        await asyncio.sleep(0)
        got = [(await subscription.get()).event["n"] for _ in range(2)]
        assert got == [3, 4]
        assert subscription.dropped == 3

    asyncio.run(main())


@pytest.mark.django_db
def test_the_transport_tables_come_from_the_migration_on_postgresql_only() -> None:
    """Nothing has been published yet in this test: the tables exist (or not) because the
    live app's migration made them, not because the transport created them at first use."""
    from django.db import connection

    tables = set(connection.introspection.table_names())
    if connection.vendor == "postgresql":
        assert {"smolny_live_channel", "smolny_live_event"} <= tables
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass('smolny_live_event_id') IS NOT NULL")
            assert cursor.fetchone()[0] is True
        assert type(live.transport()).__name__ == "PostgresTransport"
    else:
        assert not {"smolny_live_channel", "smolny_live_event"} & tables
        assert isinstance(live.transport(), live.LocalTransport)


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_the_events_of_a_database_served_before_it() -> None:
    """A PostgreSQL database served before the migration existed has the tables already
    (the transport made them at its first use): running the migration on it keeps them and
    their events, and the channel's head and replay go on from where they were."""
    import importlib

    from django.db import connection

    migration = importlib.import_module("smolny.live.migrations.0001_postgres_transport_tables")
    a = channel()
    live.publish(a, {"n": 1})
    head = live.head(a)
    with connection.schema_editor() as editor:
        migration._run(migration.CREATE)(None, editor)
    assert live.head(a) == head
    live.publish(a, {"n": 2})
    replay = live.replay(a, head)
    assert replay.complete
    assert [d.event for d in replay.deliveries] == [{"n": 2}]
