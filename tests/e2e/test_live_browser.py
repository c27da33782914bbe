"""Chromium on the live probe page: events published on the server appear without a reload.

This proves the browser path (EventSource, the SSE view, the broker or PostgreSQL between
worker processes) before the real pages stand on it.
"""

from __future__ import annotations

import contextlib
import json
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import ROOT, LiveServer, create_user, serious, server_environment, sign_in


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


class CuttableProxy:
    """A TCP proxy in front of the server whose connections the test can cut, as a phone
    losing its network would: :meth:`cut` closes every open connection and refuses new
    ones until :meth:`restore`."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.open: list[socket.socket] = []
        self.refusing = threading.Event()
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self.refusing.is_set():
                client.close()
                continue
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
            with self.lock:
                self.open += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, target):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        self.refusing.set()
        with self.lock:
            for s in self.open:
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
            self.open.clear()

    def restore(self) -> None:
        self.refusing.clear()

    def close(self) -> None:
        self.cut()
        self.listener.close()


def test_a_page_that_loses_its_connection_gets_the_missed_events_on_reconnecting(
    live_smolny: LiveServer, phone: Callable[[], Any]
) -> None:
    name = uuid.uuid4().hex[:12]
    proxy = CuttableProxy(int(live_smolny.base.rsplit(":", 1)[1]))
    try:
        page = phone().new_page()
        page.goto(f"http://127.0.0.1:{proxy.port}/live/probe/{name}")
        page.wait_for_function(
            "() => document.getElementById('status').textContent === 'connected'"
        )
        live_smolny.publish(name, {"n": 0})
        page.wait_for_function("() => document.querySelectorAll('#events li').length === 1")
        proxy.cut()  # the phone drops off the network
        page.wait_for_function(
            "() => document.getElementById('status').textContent === 'reconnecting'"
        )
        for n in range(1, 4):  # published while the page cannot hear
            live_smolny.publish(name, {"n": n})
        assert page.locator("#events li").count() == 1
        proxy.restore()
        page.wait_for_function("() => document.querySelectorAll('#events li').length === 4")
        live_smolny.publish(name, {"n": 4})
        page.wait_for_function("() => document.querySelectorAll('#events li').length === 5")
        items = page.locator("#events li").all_text_contents()
        assert [json.loads(text)["n"] for text in items] == [0, 1, 2, 3, 4]  # none lost or twice
        assert page.evaluate("() => performance.navigation.type") == 0  # never reloaded
    finally:
        proxy.close()


FOLLOW = """async (url) => await new Promise((resolve) => {
    const source = new EventSource(url);
    source.addEventListener("ready", (e) => { source.close(); resolve(["ready", e.data]); });
    source.addEventListener("error", () => {
        if (source.readyState === EventSource.CLOSED) resolve(["refused", null]);
    });
})"""


def test_a_private_organisation_s_channel_is_for_its_own_people(
    live_smolny: LiveServer, browser: Any
) -> None:
    """An organisation without a public record streams only to its members and role holders:
    an anonymous browser and a signed-in stranger are refused, its secretary is let in."""
    create_user(live_smolny, "chkheidze", "Petrograd-1917")
    create_user(live_smolny, "stranger", "Petrograd-1917")
    env = server_environment(
        Path(tempfile.gettempdir()),
        SMOLNY_DATABASE_URL=live_smolny.extra["database_url"],
        DJANGO_SETTINGS_MODULE="smolny.settings",
    )
    code = (
        "from django.utils import timezone; "
        "from django.contrib.auth import get_user_model; "
        "from smolny.councils.models import Organisation, OrganisationRole; "
        "now = timezone.now(); "
        "o = Organisation.objects.create(name='Ispolkom private', created_at=now); "
        "OrganisationRole.objects.create(organisation=o, role='secretary', start=now, "
        "user=get_user_model().objects.get(username='chkheidze')); "
        "print(o.pk)"
    )
    made = subprocess.run(
        [sys.executable, "-m", "django", "shell", "-c", code],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    organisation = int(made.stdout.strip().splitlines()[-1])
    anonymous, stranger, secretary = (browser.new_context() for _ in range(3))
    try:
        sign_in(stranger, live_smolny, "stranger", "Petrograd-1917")
        sign_in(secretary, live_smolny, "chkheidze", "Petrograd-1917")
        channel = f"organisation:{organisation}"
        url = live_smolny.url(f"/live/{channel}")
        for context, expected in (
            (anonymous, "refused"),
            (stranger, "refused"),
            (secretary, "ready"),
        ):
            page = context.new_page()
            page.goto(live_smolny.url("/live/probe/x"))  # any page of the site
            kind, data = page.evaluate(FOLLOW, url)
            assert kind == expected
            if expected == "ready":
                assert json.loads(data)["channel"] == channel
    finally:
        for context in (anonymous, stranger, secretary):
            context.close()
