"""Chromium on the live probe page: events published on the server appear without a reload.

This proves the browser path (EventSource, the SSE view, the broker or PostgreSQL between
worker processes) before the real pages stand on it.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from tests.e2e.conftest import LiveServer, serious


def open_probe(context: Any, server: LiveServer, name: str) -> Any:
    page = context.new_page()
    page.goto(server.url(f"/live/probe/{name}"))
    page.wait_for_function(
        "() => document.getElementById('status').textContent === 'connected'", timeout=10_000
    )
    return page


@pytest.mark.parametrize("database", ["sqlite", "postgres"])
def test_an_event_reaches_the_open_page_within_a_second(
    request: pytest.FixtureRequest, phone: Callable[[], Any], database: str
) -> None:
    server: LiveServer = request.getfixturevalue(
        "live_smolny" if database == "sqlite" else "live_smolny_postgres"
    )
    name = uuid.uuid4().hex[:12]
    pages = [open_probe(phone(), server, name) for _ in range(2)]
    marker = pages[0].evaluate("() => performance.timeOrigin")  # the page is not reloaded
    for n in range(3):
        sent = time.monotonic()
        answer = server.publish(name, {"n": n, "text": "Мир хижинам"})
        for page in pages:
            page.wait_for_function(
                f"() => document.querySelectorAll('#events li').length === {n + 1}",
                timeout=1000,
            )
        assert time.monotonic() - sent < 2  # publish answered and both pages updated
        for page in pages:
            item = page.locator("#events li").nth(n)
            assert json.loads(item.text_content() or "") == {"n": n, "text": "Мир хижинам"}
            assert item.get_attribute("data-id") == str(answer["head"])
    assert pages[0].evaluate("() => performance.timeOrigin") == marker


def test_the_probe_page_has_no_serious_accessibility_violations(
    live_smolny: LiveServer, desktop: Any, axe: Callable[[Any], list[dict[str, Any]]]
) -> None:
    name = uuid.uuid4().hex[:12]
    page = open_probe(desktop, live_smolny, name)
    live_smolny.publish(name, {"n": 1})
    page.wait_for_selector("#events li")
    violations = axe(page)
    assert serious(violations) == []
    # axe really ran: it reports what it checked.
    assert page.evaluate("() => typeof window.axe.run") == "function"
