"""Revalidations answered before Django (:class:`smolny.web.freshness.EarlyRevalidation`).

A visitor not signed in who sends back the tag of a current copy gets ``304`` from the event
loop, without the request reaching Django; another visitor's tag, or any tag after a write
(once the process has read the journal's new head), goes to Django as before. Driven as the
ASGI server drives it; the head is read by a thread of its own, so these tests commit.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from django.core.asgi import get_asgi_application
from django.urls import reverse

from smolny.councils import actions
from smolny.councils.models import Organisation
from smolny.web import freshness
from smolny.web.freshness import EarlyRevalidation


class Counted:
    """Django's ASGI application, counting the requests that reach it."""

    def __init__(self) -> None:
        self.app = get_asgi_application()
        self.calls = 0

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        self.calls += 1
        await self.app(scope, receive, send)


async def get(app: Any, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str]]:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver")]
        + [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 40000),
        "server": ("testserver", 80),
    }
    sent: list[dict[str, Any]] = []

    incoming = [{"type": "http.request", "body": b"", "more_body": False}]

    async def receive() -> dict[str, Any]:
        if incoming:
            return incoming.pop(0)
        await asyncio.sleep(3600)  # the client stays connected
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await asyncio.wait_for(app(scope, receive, send), timeout=60)
    head: dict[str, str] = {}
    for k, v in sent[0]["headers"]:
        head.setdefault(k.decode().lower(), v.decode())
        if k.lower() == b"set-cookie" and v.startswith(b"csrftoken="):
            head["csrf-cookie"] = v.decode().split(";", 1)[0]
    return sent[0]["status"], head


@pytest.mark.django_db(transaction=True)
def test_a_current_copy_is_confirmed_before_django_and_a_write_ends_that() -> None:
    system = actions.SYSTEM
    org = actions.create_organisation(system, "Kronstadt Soviet")
    Organisation.objects.filter(pk=org.pk).update(public_record=True)
    council = actions.create_council(system, org, "Kronstadt council")
    path = reverse("council", args=[org.pk, council.pk])
    django = Counted()
    app = EarlyRevalidation(django)
    freshness._known_head()
    deadline = time.monotonic() + 10
    while freshness._head["value"] != freshness.journal_head():
        assert time.monotonic() < deadline, "the head was never read"
        time.sleep(0.1)

    status, first = asyncio.run(get(app, path, {}))
    assert status == 200
    tag, cookie = first["etag"], first["csrf-cookie"]
    browser = {"If-None-Match": tag, "Cookie": cookie}
    status, again = asyncio.run(get(app, path, browser))
    assert status == 304
    assert again["etag"] == tag
    assert again["x-content-type-options"] == "nosniff"
    assert django.calls == 1  # answered without Django
    # Another visitor (another CSRF cookie) sending that tag gets the page from Django.
    status, _ = asyncio.run(
        get(app, path, {"If-None-Match": tag, "Cookie": "csrftoken=" + "x" * 32})
    )
    assert status == 200
    assert django.calls == 2

    # A write: within the head's refresh time the copy is no longer confirmed.
    actions.create_fraction(system, council, "Anarchists")
    deadline = time.monotonic() + 10
    while freshness._head["value"] != freshness.journal_head():
        assert time.monotonic() < deadline, "the new head was never read"
        time.sleep(0.1)
    status, after = asyncio.run(get(app, path, browser))
    freshness.stop_head_reader()
    assert status == 200
    assert after["etag"] != tag
    assert django.calls == 3
