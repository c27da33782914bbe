"""The in-process broker, and events published only for committed actions."""

from __future__ import annotations

import queue
import threading

import pytest
from django.db import transaction

from smolny import live
from smolny.councils import actions
from tests.integration.councils.conftest import d


def test_subscribers_of_a_channel_receive_its_events_in_order() -> None:
    broker = live.Broker()
    a = broker.subscribe("council:1")
    b = broker.subscribe("council:1")
    other = broker.subscribe("council:2")
    assert broker.publish("council:1", {"n": 1}) == 2
    broker.publish("council:1", {"n": 2})
    assert [e["n"] for e in a] == [1, 2]
    assert b.get(timeout=1) == {"n": 1}
    with pytest.raises(queue.Empty):
        other.get_nowait()
    a.close()
    assert broker.publish("council:1", {"n": 3}) == 1


def test_a_slow_subscriber_loses_the_oldest_events_and_counts_them() -> None:
    broker = live.Broker()
    sub = broker.subscribe("c", maxsize=3)
    for n in range(5):
        broker.publish("c", {"n": n})
    assert [e["n"] for e in sub] == [2, 3, 4]
    assert sub.dropped == 2


def test_many_threads_publish_and_every_event_arrives_once() -> None:
    broker = live.Broker()
    sub = broker.subscribe("c", maxsize=100_000)
    barrier = threading.Barrier(8)

    def publisher(k: int) -> None:
        barrier.wait()
        for n in range(1000):
            broker.publish("c", {"k": k, "n": n})

    threads = [threading.Thread(target=publisher, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    events = list(sub)
    assert len(events) == 8000
    assert len({(e["k"], e["n"]) for e in events}) == 8000
    for k in range(8):  # each publisher's events stay in its order
        assert [e["n"] for e in events if e["k"] == k] == list(range(1000))


def test_subscribing_and_closing_while_publishing_is_safe() -> None:
    broker = live.Broker()
    stop = threading.Event()
    errors: list[BaseException] = []

    def churn() -> None:
        try:
            while not stop.is_set():
                with broker.subscribe("c") as sub:
                    sub.qsize()
        except BaseException as error:  # pragma: no cover - the failure being tested for
            errors.append(error)

    threads = [threading.Thread(target=churn) for _ in range(4)]
    for t in threads:
        t.start()
    for n in range(5000):
        broker.publish("c", {"n": n})
    stop.set()
    for t in threads:
        t.join()
    assert errors == []


@pytest.mark.django_db(transaction=True)
def test_events_follow_commits_only() -> None:
    organisation = actions.create_organisation(actions.SYSTEM, "Moscow", at=d(3, 1))
    with live.subscribe(f"organisation:{organisation.pk}") as sub:

        def fails_after_the_action() -> None:
            with transaction.atomic():
                actions.create_council(actions.SYSTEM, organisation, "Rolled back", at=d(3, 2))
                raise RuntimeError("the outer transaction fails")

        with pytest.raises(RuntimeError):
            fails_after_the_action()
        assert list(sub) == []
        actions.create_council(actions.SYSTEM, organisation, "Moscow Soviet", at=d(3, 3))
        events = list(sub)
    assert [e["action"] for e in events] == ["create_council"]
    assert events[0]["payload"]["name"] == "Moscow Soviet"
