"""Event streams of viewers not signed in, served by :class:`smolny.web.live.StreamGuard` in
the event loop (issue 17, item 8; issue 20, item 2): the same rule and the same stream as the
view, without Django's request cycle.

Driven as the ASGI server drives it (scope, receive, send); the public-record look-up runs in
a thread of its own, so these tests commit (``transactional_db``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.asgi import get_asgi_application
from django.db import connection

from smolny import live
from smolny.councils import actions
from smolny.councils.models import Organisation
from smolny.web import live as web_live
from smolny.web.live import StreamGuard


@pytest.fixture
def organisations(transactional_db: None) -> tuple[int, int]:
    public = actions.create_organisation(actions.SYSTEM, "Public soviet")
    Organisation.objects.filter(pk=public.pk).update(public_record=True)
    private = actions.create_organisation(actions.SYSTEM, "Private union")
    web_live._public_answers.clear()
    return public.pk, private.pk


@pytest.fixture(autouse=True)
def listener_stopped() -> Iterator[None]:
    """On PostgreSQL the stream starts this process's listener (a connection of its own to
    the test database): stopped afterwards, so that the database can be dropped."""
    yield
    transport = live._transport
    if transport is not None and hasattr(transport, "stop"):
        transport.stop()
        live._transport = None


def scope(path: str, headers: list[tuple[bytes, bytes]] | None = None) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), *(headers or [])],
        "client": ("127.0.0.9", 40000),
        "server": ("testserver", 80),
    }


def in_thread(publish: Any) -> None:
    """Publish from a thread, closing the thread's database connection afterwards."""
    try:
        publish()
    finally:
        connection.close()


async def follow(
    path: str, until: bytes, publish: Any = None, headers: list[tuple[bytes, bytes]] | None = None
) -> tuple[int, dict[str, str], bytes]:
    """Open the stream, optionally publish once it has started, read until *until* (or the
    answer ends), then go away as a browser does; (status, headers, body)."""
    guard = StreamGuard(get_asgi_application())
    gone = asyncio.Event()
    started = asyncio.Event()
    sent: list[dict[str, Any]] = []
    body = b""

    async def receive() -> dict[str, Any]:
        await gone.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        nonlocal body
        sent.append(message)
        body += message.get("body", b"")
        if message["type"] == "http.response.start":
            started.set()
        if until in body or (
            message["type"] == "http.response.body" and not message.get("more_body")
        ):
            gone.set()

    call = asyncio.ensure_future(guard(scope(path, headers), receive, send))
    await asyncio.wait_for(started.wait(), timeout=30)
    if publish is not None:
        await asyncio.sleep(0.05)
        await asyncio.to_thread(in_thread, publish)
    await asyncio.wait_for(gone.wait(), timeout=30)
    await asyncio.wait_for(call, timeout=30)
    head = {k.decode(): v.decode() for k, v in sent[0]["headers"]}
    return sent[0]["status"], head, body


def test_a_public_record_streams_to_anyone_a_private_one_to_nobody_anonymous(
    organisations: tuple[int, int],
) -> None:
    public, private = organisations
    channel = f"organisation:{public}"
    status, headers, body = asyncio.run(
        follow(
            f"/live/{channel}",
            b"the-decree-on-land",
            publish=lambda: live.publish(channel, {"action": "the-decree-on-land"}),
        )
    )
    assert status == 200
    assert headers["content-type"].startswith("text/event-stream")
    assert headers["x-content-type-options"] == "nosniff"
    assert body.startswith(b"retry: 1000\n\nid: ")
    assert b"event: ready" in body
    assert b'event: message\ndata: {"action":"the-decree-on-land"}' in body
    assert web_live.GUARDED.anonymous == 0  # given back when the viewer went away
    status, _, body = asyncio.run(follow(f"/live/organisation:{private}", b"never"))
    assert status == 403
    assert body == b"sign in to follow this channel"


def test_a_reconnecting_viewer_is_sent_what_it_missed(organisations: tuple[int, int]) -> None:
    public, _ = organisations
    channel = f"organisation:{public}"
    seen = live.head(channel)
    live.publish(channel, {"n": 1})
    live.publish(channel, {"n": 2})
    status, _, body = asyncio.run(
        follow(
            f"/live/{channel}",
            b'{"n":2}',
            headers=[(b"last-event-id", str(seen).encode())],
        )
    )
    assert status == 200
    assert b"event: ready" not in body
    assert body.index(b'{"n":1}') < body.index(b'{"n":2}')
