"""A sitting in Chromium: the chair opens a named vote, deputies vote from phones, the projector
follows live, a recalled deputy loses the vote (issue 6, "Done when").

The same test runs on ``smolny serve`` (SQLite, one process: the in-process broker) and on
uvicorn with two workers on PostgreSQL, where the chair's stream and the projector's stream
are held by different worker processes (each stream answers with ``X-Smolny-Process``), so
every event the projector shows crossed between processes through LISTEN/NOTIFY.

Timing: for each vote, from the deputy's 200 to the projector showing the new count; the
projector page notes ``Date.now()`` in a MutationObserver when its count changes, so the
measure does not include the test's own polling. The limit is one second.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import ROOT, LiveServer, http, serious, server_environment, sign_in

LIMIT_MS = 1000
"""The issue's limit, from a deputy's vote accepted to the projector showing it."""
WAIT_MS = 10_000
"""How long the test waits for anything to appear: a late update then fails on its measured
latency (a clear message) rather than on a timeout; steps that are not votes are only waited
for (the machine running the tests may be busy)."""
PROJECTOR = {"width": 1600, "height": 900}

# Notes, on the projector, the wall-clock time at which the count of votes cast first shows n.
WATCH = """() => {
    window.__marker = window.__marker || Math.random();
    window.__seen = window.__seen || {};
    const note = () => {
        const cell = document.querySelector('#projector-screen [data-tally="cast"]');
        if (cell && !(cell.textContent in window.__seen)) {
            window.__seen[cell.textContent] = Date.now();
        }
    };
    note();
    new MutationObserver(note).observe(document.body, {subtree: true, childList: true,
                                                       characterData: true});
    return window.__marker;
}"""


def seed(server: LiveServer, prefix: str) -> dict[str, Any]:
    """Build the sitting in the server's database (another process: through Django)."""
    env = server_environment(
        Path(tempfile.gettempdir()),
        SMOLNY_DATABASE_URL=server.extra["database_url"],
        DJANGO_SETTINGS_MODULE="smolny.settings",
    )
    done = subprocess.run(
        [sys.executable, "-m", "tests.session_seed", prefix],
        env=env,
        cwd=ROOT,
        check=True,
        timeout=180,
        capture_output=True,
        text=True,
    )
    answer: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return answer


def stream_pid(page: Any, path: str) -> tuple[Any, int]:
    """Open *path* and wait until its live stream is connected; the stream's worker pid."""
    pids: list[int] = []

    def seen(response: Any) -> None:
        if "/live/organisation" in response.url:
            pids.append(int(response.headers["x-smolny-process"]))

    page.on("response", seen)
    page.goto(path)
    page.wait_for_function(
        "() => document.getElementById('live-status').dataset.state === 'connected'",
        timeout=2 * WAIT_MS,
    )
    deadline = time.monotonic() + 5
    while not pids and time.monotonic() < deadline:
        page.wait_for_timeout(20)
    assert pids, "the page opened no live stream"
    return page, pids[0]


def api(server: LiveServer, token: str, path: str, data: dict[str, Any]) -> dict[str, Any]:
    status, _, body = http(
        server.url("/api" + path), data, headers={"Authorization": f"Bearer {token}"}
    )
    assert status in (200, 201), body
    answer: dict[str, Any] = json.loads(body)
    return answer


def recall(server: LiveServer, s: dict[str, Any], deputy: str) -> None:
    """The deputy's constituency recalls them through the HTTP API: the secretary enters the
    paper petition and its signatures, each elector casts their own ballot, the secretary
    closes the vote."""
    token, electors = s["token"], s["electors"]
    petition = api(
        server,
        token,
        f"/mandates/{s['mandates'][deputy]}/recall-petitions",
        {"member": electors[0]},
    )
    signers = iter(electors[1:])
    while petition["vote"] is None:
        petition = api(
            server,
            token,
            f"/recall/petitions/{petition['id']}/signatures",
            {"member": next(signers)},
        )
    for elector in electors[:8]:  # each elector casts their own ballot (voter-only ballots)
        api(
            server,
            s["elector_tokens"][str(elector)],
            f"/recall/votes/{petition['vote']}/ballots",
            {"member": elector, "recall": True},
        )
    closed = api(server, token, f"/recall/votes/{petition['vote']}/close", {})
    assert closed["outcome"] == "recalled", closed


def count_is(page: Any, n: int, state: str, timeout: float) -> None:
    page.wait_for_function(
        """([n, state]) => {
            const cell = document.querySelector('#projector-screen [data-tally="cast"]');
            const seats = document.querySelectorAll(
                `#projector-screen circle.seat[data-state="${state}"]`);
            return cell && cell.textContent === String(n) && seats.length > 0;
        }""",
        arg=[n, state],
        timeout=timeout,
    )


@pytest.mark.parametrize("database", ["sqlite", "postgres"])
def test_a_named_vote_from_phones_reaches_the_projector_live(
    request: pytest.FixtureRequest,
    browser: Any,
    desktop: Any,
    phone: Callable[[], Any],
    screenshot: Callable[[Any, str], Path],
    axe: Callable[[Any], list[dict[str, Any]]],
    database: str,
) -> None:
    server: LiveServer = request.getfixturevalue(
        "live_smolny" if database == "sqlite" else "live_smolny_postgres"
    )
    prefix = uuid.uuid4().hex[:6] + "-"
    s = seed(server, prefix)
    password = s["password"]
    base = server.url(f"/sessions/{s['session']}")

    sign_in(desktop, server, prefix + "chair", password)
    chair, chair_pid = stream_pid(desktop.new_page(), base + "/chair")

    # The projector: on PostgreSQL, opened until its stream is held by another worker.
    projector_contexts: list[Any] = []
    try:
        for _ in range(20):
            context = browser.new_context(viewport=PROJECTOR, locale="en")
            context.set_default_timeout(10_000)
            projector_contexts.append(context)
            sign_in(context, server, prefix + "secretary", password)
            projector, projector_pid = stream_pid(context.new_page(), base + "/projector")
            if database == "sqlite" or projector_pid != chair_pid:
                break
            context.close()
            projector_contexts.pop()
        if database == "postgres":
            assert projector_pid != chair_pid, "every projector stream landed on the chair's worker"
        else:
            assert projector_pid == chair_pid  # one process serves everything
        marker = projector.evaluate(WATCH)
        assert projector.locator("body.projector").count() == 1
        assert "1. On the Constituent Assembly" in projector.locator("h1").inner_text()

        # The chair opens the named vote; the projector shows it and the seats.
        assert chair.locator("#vote-method").input_value() == "roll call"
        chair.locator("#open-vote").click()
        chair.wait_for_selector('#chair-vote [data-status="open"]')
        projector.wait_for_selector('#projector-screen [data-status="open"]', timeout=WAIT_MS)
        assert projector.locator("#projector-screen circle.seat").count() == 9
        count_is(projector, 0, "absent", WAIT_MS)  # 4 deputies are not in the hall yet

        # Four deputies on phones check in (the projector's presence follows).
        deputies: dict[str, Any] = {}
        for n, name in enumerate(("deputy1", "deputy2", "deputy3", "deputy4"), 1):
            context = phone()
            sign_in(context, server, prefix + name, password)
            page = context.new_page()
            page.goto(base + "/deputy")
            page.wait_for_function(
                "() => document.getElementById('live-status').dataset.state === 'connected'",
                timeout=2 * WAIT_MS,
            )
            assert "You have not checked in" in page.locator("#why-not").inner_text()
            page.locator("#check-in").click()
            page.wait_for_selector("button.vote-for")
            projector.wait_for_function(
                "(n) => document.querySelector('.presence-line').textContent.trim()"
                ".startsWith(`${n} of 9 present`)",
                arg=5 + n,
                timeout=WAIT_MS,
            )
            deputies[name] = page
        if database == "sqlite":
            screenshot(deputies["deputy1"], "deputy-view")
            assert serious(axe(deputies["deputy1"])) == []

        # deputy1 asks to speak: the chair and the projector show the speaker.
        deputies["deputy1"].locator("#ask-to-speak").click()
        projector.wait_for_function(
            "(name) => document.querySelector('.floor').textContent.includes(name)",
            arg=s["names"]["deputy1"],
            timeout=WAIT_MS,
        )
        chair.wait_for_function(
            "(name) => document.getElementById('chair-speakers').textContent.includes(name)",
            arg=s["names"]["deputy1"],
            timeout=WAIT_MS,
        )

        # Three deputies vote; each vote is on the projector within a second of its 200.
        latencies = []
        for n, (name, choice) in enumerate(
            (("deputy1", "for"), ("deputy2", "for"), ("deputy3", "against")), 1
        ):
            page = deputies[name]
            with page.expect_response(lambda r: r.url.endswith("/deputy/vote")) as answer:
                page.locator(f"button.vote-{choice}").click()
            accepted = time.time() * 1000
            assert answer.value.status == 200
            count_is(projector, n, choice, WAIT_MS)
            shown = projector.evaluate("(n) => window.__seen[String(n)]", n)
            latencies.append(shown - accepted)
            assert shown - accepted < LIMIT_MS, f"vote {n} reached the projector late: {latencies}"
            assert projector.locator(f'#projector-screen [data-tally="{choice}"]').inner_text()
            page.wait_for_selector(f'[data-voted="{choice}"]')
            assert page.locator("button.vote-for").count() == 0
        tally = {
            k: projector.locator(f'#projector-screen dd[data-tally="{k}"]').inner_text()
            for k in ("for", "against", "abstain")
        }
        assert tally == {"for": "2", "against": "1", "abstain": "0"}
        seats = projector.locator("#projector-screen circle.seat")
        states = [seats.nth(i).get_attribute("data-state") for i in range(seats.count())]
        assert (states.count("for"), states.count("against")) == (2, 1)
        chair.wait_for_function(
            "() => document.querySelector('#chair-vote [data-tally=\"cast\"]').textContent === '3'",
            timeout=WAIT_MS,
        )

        # deputy4 is recalled while the vote is open: the open page says so, no buttons, and
        # the seat leaves the projector's hemicycle.
        recalled = deputies["deputy4"]
        assert recalled.locator("button.vote-for").count() == 1
        recall(server, s, "deputy4")
        recalled.wait_for_function(
            "() => document.getElementById('why-not') && "
            "document.getElementById('why-not').textContent.includes('no longer yours')",
            timeout=WAIT_MS,
        )
        assert "recalled by your constituency" in recalled.locator("#why-not").inner_text()
        assert recalled.locator("button.vote-for").count() == 0
        projector.wait_for_function(
            "() => document.querySelectorAll('#projector-screen circle.seat').length === 8",
            timeout=WAIT_MS,
        )

        if database == "sqlite":
            screenshot(chair, "chair-console")
            assert serious(axe(chair)) == []

        # The chair closes the vote: the result and its rule on the projector, no reload.
        chair.locator("#close-vote").click()
        chair.wait_for_selector('#chair-vote [data-status="closed"]')
        projector.wait_for_selector('#projector-screen [data-status="closed"]', timeout=WAIT_MS)
        result = projector.locator("#projector-screen .result").inner_text()
        assert "Result: carried" in result
        assert "Decided under the rule: simple majority" in result
        assert projector.evaluate("() => window.__marker") == marker
        assert projector.evaluate("() => performance.getEntriesByType('navigation').length") == 1
        if database == "sqlite":
            screenshot(projector, "projector")
            assert serious(axe(projector)) == []
        print(f"\n{database}: projector latency after the deputy's 200 (ms): {latencies}")
    finally:
        for context in projector_contexts:
            context.close()


def test_open_streams_hold_no_database_connection(live_smolny_postgres: LiveServer) -> None:
    """A signed-in stream checks its session in a thread that closes its connection: the
    pages' streams (a hall of phones and screens) must not each hold a PostgreSQL
    connection for as long as they stay open."""
    import http.cookiejar
    import socket
    import urllib.request

    import psycopg

    server = live_smolny_postgres
    prefix = uuid.uuid4().hex[:6] + "-"
    s = seed(server, prefix)
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(server.url("/api/auth/csrf")) as answer:
        csrf = json.loads(answer.read())["csrf_token"]
    login = urllib.request.Request(
        server.url("/api/auth/login"),
        data=json.dumps({"username": prefix + "secretary", "password": s["password"]}).encode(),
        headers={
            "Content-Type": "application/json",
            "X-CSRFToken": csrf,
            "Referer": server.base + "/",
        },
    )
    with opener.open(login) as answer:
        assert answer.status == 200
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)

    def connections() -> int:
        with psycopg.connect(server.extra["database_url"]) as conn:
            row = conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            ).fetchone()
            assert row is not None
            return int(row[0])

    host, port = "127.0.0.1", int(server.base.rsplit(":", 1)[1])
    before = connections()
    streams: list[socket.socket] = []
    try:
        for _ in range(40):
            stream = socket.create_connection((host, port), timeout=10)
            streams.append(stream)
            stream.sendall(
                f"GET /live/organisation:{s['organisation']} HTTP/1.1\r\nHost: {host}\r\n"
                f"Accept: text/event-stream\r\nCookie: {cookie}\r\n\r\n".encode()
            )
        for stream in streams:
            head = b""
            while b"event: ready" not in head:
                chunk = stream.recv(4096)
                assert chunk, head
                head += chunk
            assert head.startswith(b"HTTP/1.1 200"), head[:200]
        during = connections()
    finally:
        for stream in streams:
            stream.close()
    assert during - before < 10, (before, during)
