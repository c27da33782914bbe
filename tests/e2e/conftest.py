"""Fixtures for tests against a real server: live servers, Chromium, axe-core, screenshots.

- ``live_smolny``: ``smolny serve --empty`` as a real process on a free loopback port with a
  fresh, migrated SQLite file and no world loaded (one process: the in-process broker
  carries live events).
- ``live_world``: ``smolny serve`` on SQLite with the Petrograd 1917 world loaded.
- ``live_smolny_postgres``: uvicorn with two worker processes on a throwaway PostgreSQL
  (:class:`smolny.testing.postgres.ThrowawayPostgres`), migrated first; live events cross
  between the workers through LISTEN/NOTIFY.
- ``browser``: Debian's Chromium (``/usr/bin/chromium``) driven by Playwright; Playwright's
  own browser download cannot work on these machines, so it is never used. ``phone`` opens
  a phone-sized context, ``desktop`` a desktop one.
- ``screenshot(page, name)`` writes ``<name>.png``: into ``docs/screenshots/`` with
  ``SMOLNY_SCREENSHOTS=1``, otherwise into a temporary folder (the tree stays clean).
- ``axe(page)`` runs the vendored axe-core (``tests/e2e/vendor/axe.min.js``) in the page and
  returns its violations.

Both servers run with ``SMOLNY_LIVE_PROBE=1`` (the probe's publish and stats endpoints) and
a short heartbeat, so that the tests can publish by HTTP and see heartbeats quickly.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
VENDOR = Path(__file__).resolve().parent / "vendor"
SCREENSHOTS = ROOT / "docs" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
HEARTBEAT = "0.5"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def http(
    url: str, data: Any = None, headers: dict[str, str] | None = None, timeout: float = 10
) -> tuple[int, dict[str, str], bytes]:
    """A plain HTTP request: (status, headers, body); JSON *data* makes it a POST."""
    body = None if data is None else json.dumps(data).encode()
    request = urllib.request.Request(url, data=body, headers=headers or {})
    if body is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers.items()), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers.items()), error.read()


def server_environment(home: Path, **extra: str) -> dict[str, str]:
    """The environment of a server process: nothing of the caller's Smolny settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SMOLNY_", "DJANGO_"))}
    env.update(
        HOME=str(home),
        SMOLNY_LIVE_PROBE="1",
        SMOLNY_LIVE_HEARTBEAT=HEARTBEAT,
        PYTHONUNBUFFERED="1",
        **extra,
    )
    return env


@dataclass
class LiveServer:
    """A server process (or a uvicorn master and its workers) and its base URL."""

    base: str
    process: subprocess.Popen[bytes]
    database: str
    workers: int
    log: Path
    extra: dict[str, Any] = field(default_factory=dict)

    def url(self, path: str) -> str:
        return self.base + path

    def publish(self, channel_name: str, event: dict[str, Any]) -> dict[str, Any]:
        """Publish *event* on ``probe:<channel_name>`` through whichever worker answers."""
        status, _, body = http(self.url(f"/live/probe/{channel_name}/publish"), event)
        assert status == 200, body
        answer: dict[str, Any] = json.loads(body)
        return answer

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def wait_until_serving(process: subprocess.Popen[bytes], base: str, log: Path) -> None:
    deadline = time.monotonic() + 60
    while True:
        if process.poll() is not None:
            pytest.fail(f"the server exited with {process.returncode}:\n{log.read_text()}")
        try:
            if http(f"{base}/api/health", timeout=2)[0] == 200:
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"the server did not answer within 60 s:\n{log.read_text()}")
        time.sleep(0.1)


def start_sqlite_server(directory: Path) -> LiveServer:
    """``smolny serve --empty`` on a new SQLite file (it migrates before serving)."""
    port = free_port()
    database = directory / "smolny.sqlite3"
    log = directory / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                *(sys.executable, "-m", "smolny", "serve", "--empty", "--port", str(port)),
                *("--db", f"sqlite:///{database}"),
            ],
            env=server_environment(directory),
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )
    base = f"http://127.0.0.1:{port}"
    wait_until_serving(process, base, log)
    return LiveServer(base, process, "sqlite", 1, log, {"database_url": f"sqlite:///{database}"})


def start_postgres_server(directory: Path, url: str, workers: int = 2) -> LiveServer:
    """Migrate the database at *url*, then uvicorn with *workers* worker processes."""
    env = server_environment(
        directory, SMOLNY_DATABASE_URL=url, DJANGO_SETTINGS_MODULE="smolny.settings"
    )
    subprocess.run(
        [sys.executable, "-m", "django", "migrate", "--noinput", "-v", "0"],
        env=env,
        cwd=ROOT,
        check=True,
        timeout=120,
    )
    port = free_port()
    log = directory / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                *(sys.executable, "-m", "uvicorn", "smolny.asgi:application"),
                *("--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)),
                *("--log-level", "warning", "--lifespan", "off"),
            ],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )
    base = f"http://127.0.0.1:{port}"
    wait_until_serving(process, base, log)
    return LiveServer(base, process, "postgres", workers, log, {"database_url": url})


def start_world_server(directory: Path) -> LiveServer:
    """``smolny serve`` on a SQLite file with the Petrograd 1917 world loaded first (by
    ``smolny world load``, as an operator would; the server then finds it loaded)."""
    database = directory / "world.sqlite3"
    url = f"sqlite:///{database}"
    subprocess.run(
        [sys.executable, "-m", "smolny", "world", "load", "petrograd-1917", "--db", url],
        env=server_environment(directory),
        cwd=ROOT,
        check=True,
        timeout=180,
        capture_output=True,
    )
    port = free_port()
    log = directory / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "smolny", "serve", "--port", str(port), "--db", url],
            env=server_environment(directory),
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )
    base = f"http://127.0.0.1:{port}"
    wait_until_serving(process, base, log)
    return LiveServer(base, process, "sqlite", 1, log, {"database_url": url})


def create_user(server: LiveServer, username: str, password: str) -> None:
    """Create a user in the server's database (through Django, as an operator would)."""
    env = server_environment(
        Path(tempfile.gettempdir()),
        SMOLNY_DATABASE_URL=server.extra["database_url"],
        DJANGO_SETTINGS_MODULE="smolny.settings",
    )
    code = (
        "from django.contrib.auth import get_user_model; "
        f"get_user_model().objects.create_user({username!r}, password={password!r})"
    )
    subprocess.run(
        [sys.executable, "-m", "django", "shell", "-c", code],
        env=env,
        cwd=ROOT,
        check=True,
        timeout=120,
    )


def sign_in(context: Any, server: LiveServer, username: str, password: str) -> None:
    """Sign a browser context in through the API (CSRF cookie, then the login form post)."""
    token = context.request.get(server.url("/api/auth/csrf")).json()["csrf_token"]
    answer = context.request.post(
        server.url("/api/auth/login"),
        data={"username": username, "password": password},
        headers={"X-CSRFToken": token, "Referer": server.base + "/"},
    )
    assert answer.status == 200, answer.text()


@pytest.fixture(scope="session")
def live_smolny(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One ``smolny serve`` process on SQLite for the session."""
    server = start_sqlite_server(tmp_path_factory.mktemp("live-sqlite"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def live_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One ``smolny serve`` process on SQLite with the Petrograd 1917 world, for the session."""
    server = start_world_server(tmp_path_factory.mktemp("live-world"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def live_smolny_postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """uvicorn with two workers on a throwaway PostgreSQL, for the session."""
    from smolny.testing.postgres import ThrowawayPostgres

    with ThrowawayPostgres() as postgres:
        server = start_postgres_server(tmp_path_factory.mktemp("live-postgres"), postgres.url)
        try:
            yield server
        finally:
            server.stop()


# The browser ----------------------------------------------------------------------------


# Package scope, not session: Playwright's sync API keeps an asyncio event loop running in the
# main thread while it lives, and the later tests that call asyncio.run() must not meet it.
@pytest.fixture(scope="package")
def playwright_instance() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install it with `apt-get install -y chromium`")
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="package")
def browser(playwright_instance: Any) -> Iterator[Any]:
    """Debian's Chromium, headless."""
    browser = playwright_instance.chromium.launch(
        executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
    )
    try:
        yield browser
    finally:
        browser.close()


@pytest.fixture
def desktop(browser: Any) -> Iterator[Any]:
    """A desktop-sized browser context (its own cookies: one signed-in person)."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en")
    context.set_default_timeout(10_000)
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def phone(browser: Any) -> Iterator[Callable[[], Any]]:
    """A factory of phone-sized contexts (390×844, touch), one per person in the test."""
    contexts: list[Any] = []

    def new() -> Any:
        context = browser.new_context(
            viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="en"
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    try:
        yield new
    finally:
        for context in contexts:
            context.close()


def screenshot_folder() -> Path:
    """Where screenshots go: ``docs/screenshots/`` (tracked, linked from the README) only when
    ``SMOLNY_SCREENSHOTS=1`` asks for them to be remade, so that an ordinary test run leaves the
    working tree clean; otherwise a folder under the system's temporary directory."""
    if os.environ.get("SMOLNY_SCREENSHOTS", "") == "1":
        return SCREENSHOTS
    return Path(tempfile.gettempdir()) / "smolny-screenshots"


def save_screenshot(page: Any, name: str, clip: dict[str, float] | None = None) -> Path:
    """Write ``<name>.png`` into :func:`screenshot_folder` (the README's tour links those in
    ``docs/screenshots/``); *clip* keeps a part of the page."""
    folder = screenshot_folder()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    if clip is None:
        page.screenshot(path=str(path), full_page=True)
    else:
        page.screenshot(path=str(path), clip=clip, full_page=True)
    return path


@pytest.fixture
def screenshot() -> Callable[[Any, str], Path]:
    return save_screenshot


def run_axe(page: Any) -> list[dict[str, Any]]:
    """axe-core's violations on the page as it stands (WCAG 2.x A and AA rules)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated through the browser's debugging protocol, not added as a <script> tag:
        # the pages' Content-Security-Policy forbids inline scripts, and rightly so.
        page.evaluate((VENDOR / "axe.min.js").read_text(encoding="utf-8"))
    result: dict[str, Any] = page.evaluate(
        """async () => await window.axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',
                                             'best-practice']},
        })"""
    )
    violations: list[dict[str, Any]] = result["violations"]
    return violations


def serious(violations: list[dict[str, Any]]) -> list[str]:
    """The serious and critical violations, one readable line each."""
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(str(node["target"]) for node in v["nodes"])
        for v in violations
        if v.get("impact") in ("serious", "critical")
    ]


@pytest.fixture
def axe() -> Callable[[Any], list[dict[str, Any]]]:
    return run_axe
