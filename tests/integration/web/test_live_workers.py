"""Two server processes on one PostgreSQL: an event published in one reaches the other's streams.

This test always runs on PostgreSQL (the in-process broker of the SQLite setup has only one
process to serve), in the SQLite run of the suite too.
"""

from __future__ import annotations

import uuid

from tests.e2e.conftest import LiveServer
from tests.integration.web.sse import EventStream


def test_an_event_published_through_one_worker_reaches_a_stream_on_the_other(
    live_smolny_postgres: LiveServer,
) -> None:
    server = live_smolny_postgres
    assert server.workers == 2
    name = uuid.uuid4().hex[:12]
    # Open streams until both workers hold one (the kernel deals connections out).
    by_pid: dict[str, EventStream] = {}
    extra: list[EventStream] = []
    try:
        for _ in range(200):
            stream = EventStream(server.url(f"/live/probe:{name}"))
            assert stream.next_event().kind == "ready"
            pid = stream.headers["x-smolny-process"]
            (extra.append(stream) if pid in by_pid else by_pid.__setitem__(pid, stream))
            if len(by_pid) == 2:
                break
        assert len(by_pid) == 2, "the two workers did not both take a stream"
        senders: set[str] = set()
        for n in range(200):
            answer = server.publish(name, {"n": n})
            senders.add(str(answer["pid"]))
            for stream in [*by_pid.values(), *extra]:
                message = stream.next_event()
                assert message.json() == {"n": n}
                assert int(message.id or "") == answer["head"]
            if len(senders) == 2:
                break
        # Both workers published, and every stream on both heard every event.
        assert senders == set(by_pid)
    finally:
        for stream in [*by_pid.values(), *extra]:
            stream.close()


def test_a_worker_whose_listener_connection_dies_misses_nothing(
    live_smolny_postgres: LiveServer,
) -> None:
    import psycopg

    server = live_smolny_postgres
    name = uuid.uuid4().hex[:12]
    streams: list[EventStream] = []
    pids: set[str] = set()
    try:
        for _ in range(200):
            stream = EventStream(server.url(f"/live/probe:{name}"))
            assert stream.next_event().kind == "ready"
            streams.append(stream)
            pids.add(stream.headers["x-smolny-process"])
            if len(pids) == 2:
                break
        assert len(pids) == 2
        with psycopg.connect(server.extra["database_url"], autocommit=True) as conn:
            killed = conn.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE application_name = 'smolny-live-listener'"
            ).fetchone()
        assert killed is not None
        assert killed[0] == 2  # one listener per worker
        # Published while the listeners reconnect, through either worker: each worker
        # catches up from the table, or fills the gap before delivering its own event.
        heads = [server.publish(name, {"n": n})["head"] for n in range(8)]
        for stream in streams:
            got = [stream.next_event(within=20) for _ in range(8)]
            assert [m.json() for m in got] == [{"n": n} for n in range(8)]
            assert [int(m.id or "") for m in got] == heads
    finally:
        for stream in streams:
            stream.close()
