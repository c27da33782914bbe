"""Item 8 of issue 17: no limits. Guessing passwords and receipt codes is throttled (the counts
kept in the database, so that every worker process sees them), and event streams are capped
per address and, for viewers not signed in, in total, so that a flood of them cannot stall
the server.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from http.client import HTTPConnection, HTTPResponse
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.db.models import F
from django.test import Client

from smolny.accounts.models import Attempt
from smolny.accounts.throttle import LIMITS
from tests.e2e.conftest import (
    ROOT,
    LiveServer,
    free_port,
    http,
    server_environment,
    wait_until_serving,
)
from tests.integration.api.conftest import PASSWORD, World

pytestmark = pytest.mark.django_db


def sign_in(client: Client, username: str, password: str, address: str = "10.0.0.1") -> bool:
    """Post the sign-in form; whether the client is signed in afterwards."""
    client.post("/sign-in/", {"username": username, "password": password}, REMOTE_ADDR=address)
    return "_auth_user_id" in client.session


def pass_the_window(kind: str) -> None:
    """Move every counted attempt back by the window, as if that much time had passed."""
    Attempt.objects.update(at=F("at") - timedelta(seconds=LIMITS[kind].window + 1))


def test_thirty_wrong_passwords_then_the_right_one_does_not_sign_in(world: World) -> None:
    client = Client()
    for _ in range(30):
        assert not sign_in(client, "member", "wrong guess")
    answer = client.post(
        "/sign-in/", {"username": "member", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1"
    )
    assert "_auth_user_id" not in client.session
    assert "too many attempts" in answer.content.decode()
    # From another address too: the account itself is locked, not only the address.
    assert not sign_in(Client(), "member", PASSWORD, address="10.0.0.2")
    # Only five failures were counted per key: refused attempts do not extend the lock.
    assert Attempt.objects.filter(key="sign-in:account:member").count() == 5
    pass_the_window("sign-in:account")
    assert sign_in(Client(), "member", PASSWORD, address="10.0.0.3")


def test_api_sign_in_shares_the_limit_and_answers_429(world: World) -> None:
    client = Client()
    for _ in range(5):
        assert not sign_in(client, "chair", "wrong guess")
    body = {"username": "chair", "password": PASSWORD}
    api = Client(enforce_csrf_checks=False)
    answer = api.post("/api/auth/login", body, content_type="application/json")
    assert answer.status_code == 429, answer.content
    assert "at most 5 failed sign-ins for this account" in answer.json()["detail"]


def test_one_address_guessing_many_accounts_is_stopped(world: World) -> None:
    limit = LIMITS["sign-in:address"].attempts
    for n in range(limit):
        assert not sign_in(Client(), f"nobody{n}", "guess", address="10.9.9.9")
    # The next try from that address is refused even with a right password ...
    assert not sign_in(Client(), "deputy", PASSWORD, address="10.9.9.9")
    # ... while the account's owner, elsewhere, signs in.
    assert sign_in(Client(), "deputy", PASSWORD, address="10.1.1.1")


def test_a_successful_sign_in_clears_the_account_count(world: World) -> None:
    for _ in range(4):
        assert not sign_in(Client(), "observer", "typo")
    assert sign_in(Client(), "observer", PASSWORD)
    for _ in range(4):
        assert not sign_in(Client(), "observer", "typo", address="10.0.0.5")
    assert sign_in(Client(), "observer", PASSWORD, address="10.0.0.6")


def test_receipt_checks_are_throttled(world: World) -> None:
    limit = LIMITS["receipt:account"].attempts
    client = world.client("member")
    url = "/api/votes/1/receipt"
    statuses = [
        client.post(url, {"code": "x" * 20}, content_type="application/json").status_code
        for _ in range(limit + 3)
    ]
    assert 429 not in statuses[:limit]
    assert statuses[limit:] == [429, 429, 429]
    answer = client.post(url, {"code": "x" * 20}, content_type="application/json")
    assert "receipt checks" in answer.json()["detail"]
    assert int(answer["Retry-After"]) > 0


# Event streams, against a live server -----------------------------------------------------

PER_ADDRESS = 150
ANONYMOUS = 200


@pytest.fixture(scope="module")
def capped_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One uvicorn worker (the caps are per process) with small caps, on the run's database."""
    directory = tmp_path_factory.mktemp("limits")
    if os.environ.get("SMOLNY_TEST_DB", "sqlite") == "postgres":
        from smolny.testing.postgres import ThrowawayPostgres

        with ThrowawayPostgres() as postgres:
            yield from _serve(directory, postgres.url)
    else:
        yield from _serve(directory, f"sqlite:///{directory / 'smolny.sqlite3'}")


def _serve(directory: Path, url: str) -> Iterator[LiveServer]:
    env = server_environment(
        directory,
        SMOLNY_DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="smolny.settings",
        SMOLNY_LIVE_MAX_PER_ADDRESS=str(PER_ADDRESS),
        SMOLNY_LIVE_MAX_ANONYMOUS=str(ANONYMOUS),
    )
    migrate = [sys.executable, "-m", "django", "migrate", "--noinput", "-v", "0"]
    subprocess.run(migrate, env=env, cwd=ROOT, check=True, timeout=180)
    port = free_port()
    log = directory / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                *(sys.executable, "-m", "uvicorn", "smolny.asgi:application"),
                *("--host", "127.0.0.1", "--port", str(port), "--workers", "1"),
                *("--log-level", "warning", "--lifespan", "off"),
            ],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )
    server = LiveServer(f"http://127.0.0.1:{port}", process, "", 1, log)
    wait_until_serving(process, server.base, log)
    try:
        yield server
    finally:
        server.stop()


@dataclass
class Stream:
    connection: HTTPConnection
    response: HTTPResponse

    @property
    def status(self) -> int:
        return self.response.status

    def close(self) -> None:
        self.connection.close()


def open_stream(server: LiveServer, source: str) -> Stream:
    """An anonymous stream on a probe channel, from the loopback address *source*."""
    parts = urlsplit(server.base)
    connection = HTTPConnection(parts.hostname, parts.port, timeout=10, source_address=(source, 0))
    connection.request("GET", "/live/probe:limits", headers={"Accept": "text/event-stream"})
    return Stream(connection, connection.getresponse())


def health_times(server: LiveServer, n: int = 10) -> list[float]:
    times = []
    for _ in range(n):
        start = time.perf_counter()
        status, _, _ = http(server.url("/api/health"), timeout=10)
        times.append(time.perf_counter() - start)
        assert status == 200
    return times


@pytest.mark.django_db(transaction=False)
def test_streams_are_capped_per_address_and_for_anonymous_viewers(
    capped_server: LiveServer,
) -> None:
    streams: list[Stream] = []
    try:
        for _ in range(PER_ADDRESS):
            streams.append(open_stream(capped_server, "127.0.0.1"))
        assert [s.status for s in streams] == [200] * PER_ADDRESS
        refused = open_stream(capped_server, "127.0.0.1")
        assert refused.status == 429
        assert "SMOLNY_LIVE_MAX_PER_ADDRESS" in refused.response.read().decode()
        refused.close()
        # Another address may still follow, until the anonymous viewers' cap.
        for _ in range(ANONYMOUS - PER_ADDRESS):
            streams.append(open_stream(capped_server, "127.0.0.2"))
        assert streams[-1].status == 200
        refused = open_stream(capped_server, "127.0.0.3")
        assert refused.status == 429
        assert "SMOLNY_LIVE_MAX_ANONYMOUS" in refused.response.read().decode()
        refused.close()
        # With all 200 streams open and refusals coming in, the health check answers quickly.
        times = health_times(capped_server)
        print(f"health with {len(streams)} open streams: max {max(times) * 1000:.0f} ms")
        assert sorted(times)[len(times) // 2] < 0.2, times
    finally:
        for s in streams:
            s.close()
    # Closed streams give their places back.
    deadline = time.monotonic() + 15
    while True:
        again = open_stream(capped_server, "127.0.0.3")
        status = again.status
        again.close()
        if status == 200:
            break
        assert time.monotonic() < deadline, "closed streams were never counted out"
        time.sleep(0.2)
