"""Server-sent events over real HTTP against a running server (see conftest.py).

Every test uses its own channel, so the tests share one server without seeing each other.
"""

from __future__ import annotations

import json
import time
import uuid

from tests.e2e.conftest import LiveServer, http
from tests.integration.web.sse import EventStream


def fresh_channel() -> str:
    return uuid.uuid4().hex[:12]


def open_stream(server: LiveServer, name: str, **headers: str) -> EventStream:
    stream = EventStream(server.url(f"/live/probe:{name}"), headers=headers)
    assert stream.status == 200
    assert stream.headers["content-type"].startswith("text/event-stream")
    return stream


def test_a_fresh_stream_says_ready_then_sends_each_event_with_an_increasing_id(
    server: LiveServer,
) -> None:
    name = fresh_channel()
    with open_stream(server, name) as stream:
        ready = stream.next_event()
        assert ready.kind == "ready"
        assert stream.retry == 1000
        assert ready.json() == {"channel": f"probe:{name}", "id": int(ready.id or "")}
        published = [server.publish(name, {"n": n, "text": "Вся власть Советам"}) for n in range(3)]
        received = [stream.next_event() for _ in range(3)]
    assert [m.kind for m in received] == ["message"] * 3
    assert [m.json() for m in received] == [
        {"n": n, "text": "Вся власть Советам"} for n in range(3)
    ]
    ids = [int(m.id or "") for m in received]
    assert ids == sorted(set(ids))
    assert ids[0] > int(ready.id or "")
    assert ids == [p["head"] for p in published]  # the id the publisher was told


def test_a_reconnect_with_last_event_id_gets_exactly_the_missed_events(
    server: LiveServer,
) -> None:
    name = fresh_channel()
    with open_stream(server, name) as stream:
        stream.next_event()
        for n in range(2):
            server.publish(name, {"n": n})
        first = stream.next_event()
        assert first.json() == {"n": 0}
    # The client saw event 0 only; 1 was sent while it was going away, 2 to 4 while gone.
    for n in range(2, 5):
        server.publish(name, {"n": n})
    with open_stream(server, name, **{"Last-Event-ID": first.id or ""}) as again:
        missed = [again.next_event() for _ in range(4)]
        assert [m.json() for m in missed] == [{"n": n} for n in range(1, 5)]
        assert all(m.kind == "message" for m in missed)
        server.publish(name, {"n": 5})
        assert again.next_event().json() == {"n": 5}  # then live again, nothing repeated
    # Reconnecting from the last id misses nothing and repeats nothing.
    with open_stream(server, name, **{"Last-Event-ID": missed[-1].id or ""}) as third:
        assert third.next_event().json() == {"n": 5}
        server.publish(name, {"n": 6})
        assert third.next_event().json() == {"n": 6}


def test_a_page_can_start_its_stream_at_the_id_it_read_its_state_at(server: LiveServer) -> None:
    name = fresh_channel()
    head = server.publish(name, {"n": 0})["head"]
    server.publish(name, {"n": 1})
    with EventStream(server.url(f"/live/probe:{name}?last_event_id={head}")) as stream:
        assert stream.next_event().json() == {"n": 1}


def test_an_id_the_server_cannot_replay_from_gets_a_reset(server: LiveServer) -> None:
    name = fresh_channel()
    head = server.publish(name, {"n": 0})["head"]
    with open_stream(server, name, **{"Last-Event-ID": str(head + 10**9)}) as stream:
        reset = stream.next_event()
        assert reset.kind == "reset"
        assert reset.id == str(head)  # the client continues from the present
        server.publish(name, {"n": 1})
        assert stream.next_event().json() == {"n": 1}
    # Garbage in the header is no id at all: a fresh start.
    with open_stream(server, name, **{"Last-Event-ID": "yesterday"}) as stream:
        assert stream.next_event().kind == "ready"


def test_an_event_larger_than_notify_allows_arrives_whole(server: LiveServer) -> None:
    name = fresh_channel()
    big = {"minutes": "Резолюция. " * 2000}  # about 40 kB of UTF-8, far over 8000 bytes
    with open_stream(server, name) as stream:
        stream.next_event()
        server.publish(name, big)
        assert stream.next_event().json() == big


def test_heartbeats_keep_an_idle_stream_open(server: LiveServer) -> None:
    name = fresh_channel()
    with open_stream(server, name) as stream:
        stream.next_event()
        message = stream.next()
        assert message.comment == "heartbeat"  # the servers run with a 0.5 s heartbeat
        server.publish(name, {"after": "heartbeat"})
        assert stream.next_event().json() == {"after": "heartbeat"}


def test_a_client_that_goes_away_is_unsubscribed(server: LiveServer) -> None:
    name = fresh_channel()
    stats = server.url(f"/live/probe/{name}/stats")
    streams = [open_stream(server, name) for _ in range(3)]
    for stream in streams:
        stream.next_event()

    def total() -> int:
        # With several workers each answers for itself: ask until every pid has answered.
        seen: dict[int, int] = {}
        for _ in range(200):
            answer = json.loads(http(stats)[2])
            seen[answer["pid"]] = answer["subscribers"]
            if len(seen) == server.workers:
                break
        return sum(seen.values())

    assert total() == 3
    for stream in streams:
        stream.close()
    deadline = time.monotonic() + 10
    while total() != 0:
        assert time.monotonic() < deadline, "the server kept subscriptions of closed streams"
        time.sleep(0.05)


def test_channels_are_checked(server: LiveServer) -> None:
    assert http(server.url("/live/probe:" + "x" * 200))[0] == 404
    assert http(server.url("/live/probe:bad%20name"))[0] == 404
    # An organisation's channel is not for anonymous readers.
    assert http(server.url("/live/organisation:1"))[0] == 403
    # The probe cannot publish outside probe channels, nor publish what is not an object.
    status, _, body = http(server.url(f"/live/probe/{fresh_channel()}/publish"), [1, 2])
    assert status == 400
    assert b"JSON object" in body
