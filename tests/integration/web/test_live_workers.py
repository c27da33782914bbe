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
