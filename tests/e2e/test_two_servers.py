"""Two Smolny machines on one PostgreSQL: a vote cast on one reaches a stream on the other.

docs/scaling.md says a larger organisation runs several ``smolny serve`` processes (on several
machines) in front of one PostgreSQL, and that the events cross between them by LISTEN/NOTIFY.
This starts two separate ``smolny serve`` processes, not workers of one uvicorn, on one
throwaway PostgreSQL server (they share only the database and, as machines of one installation
would, the key file and secret), signs the secretary in on the second, follows the
organisation's event stream there, and opens a roll call and records a vote on the first.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from http.client import HTTPConnection
from pathlib import Path

import pytest

from smolny.testing.postgres import ThrowawayPostgres
from tests.e2e.conftest import free_port, http, wait_until_serving

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, dict]]:
    """A throwaway PostgreSQL, migrated and seeded with a sitting (tests/session_seed.py)."""
    home = tmp_path_factory.mktemp("two-servers")
    with ThrowawayPostgres() as postgres:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SMOLNY_", "DJANGO_"))}
        env.update(
            HOME=str(home),
            PYTHONUNBUFFERED="1",
            SMOLNY_DATABASE_URL=postgres.url,
            DJANGO_SETTINGS_MODULE="smolny.settings",
        )
        migrate = [sys.executable, "-m", "django", "migrate", "--noinput", "-v", "0"]
        subprocess.run(migrate, env=env, cwd=ROOT, check=True, timeout=180)
        seeded = subprocess.run(
            [sys.executable, "-m", "tests.session_seed", "two-"],
            env=env,
            cwd=ROOT,
            check=True,
            timeout=180,
            capture_output=True,
            text=True,
        )
        yield postgres.url, home, json.loads(seeded.stdout.strip().splitlines()[-1])


def serve(url: str, home: Path, name: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SMOLNY_", "DJANGO_"))}
    env.update(HOME=str(home), PYTHONUNBUFFERED="1", SMOLNY_LIVE_HEARTBEAT="1")
    log = home / f"{name}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                *(sys.executable, "-m", "smolny", "serve", "--empty"),
                *("--port", str(port), "--db", url),
            ],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    wait_until_serving(process, base, log)
    return process, base


def sign_in(base: str, username: str, password: str) -> str:
    """The session cookie of *username* signed in through the API (CSRF first)."""
    host, port = base.removeprefix("http://").split(":")
    connection = HTTPConnection(host, int(port), timeout=30)
    connection.request("GET", "/api/auth/csrf")
    answer = connection.getresponse()
    csrf_cookie = answer.getheader("Set-Cookie", "").split(";", 1)[0]
    token = json.loads(answer.read())["csrf_token"]
    body = json.dumps({"username": username, "password": password})
    connection.request(
        "POST",
        "/api/auth/login",
        body,
        {
            "Content-Type": "application/json",
            "X-CSRFToken": token,
            "Cookie": csrf_cookie,
            "Referer": base + "/",
        },
    )
    answer = connection.getresponse()
    assert answer.status == 200, answer.read()
    cookies = [c.split(";", 1)[0] for c in answer.headers.get_all("Set-Cookie") or []]
    connection.close()
    session = [c for c in cookies if c.startswith("sessionid=")]
    assert session, cookies
    return session[0]


def test_a_vote_recorded_on_one_server_reaches_a_stream_on_the_other(
    database: tuple[str, Path, dict],
) -> None:
    url, home, seed = database
    first, first_base = serve(url, home, "first")
    second, second_base = serve(url, home, "second")
    try:
        cookie = sign_in(second_base, "two-secretary", seed["password"])
        host = second_base.removeprefix("http://").split(":")
        stream = HTTPConnection(host[0], int(host[1]), timeout=60)
        stream.request(
            "GET",
            f"/live/organisation:{seed['organisation']}",
            headers={"Accept": "text/event-stream", "Cookie": cookie},
        )
        answer = stream.getresponse()
        assert answer.status == 200
        assert answer.getheader("X-Smolny-Process") == str(second.pid)
        assert answer.readline().startswith(b"retry:")  # the stream has started

        key = {"Authorization": f"Bearer {seed['token']}"}
        status, _, body = http(f"{first_base}/api/agenda/{seed['item']}", None, key)
        assert status == 200, body
        motion = json.loads(body)["motions"][0]["key"]
        status, _, body = http(
            f"{first_base}/api/agenda/{seed['item']}/votes",
            {"motion": motion, "method": "roll call"},
            key,
        )
        assert status == 201, body
        vote = json.loads(body)["id"]
        # The chair answers in person, signed in on the first server (a session and CSRF).
        chair = seed["members"]["chair"]
        session = sign_in(first_base, "two-chair", seed["password"])
        status, headers, body = http(f"{first_base}/api/auth/csrf", None, {"Cookie": session})
        # Header names are case-insensitive (uvicorn's httptools writes them in lower case).
        cookies = [v for k, v in headers.items() if k.lower() == "set-cookie"]
        csrf = cookies[0].split(";", 1)[0]
        status, _, body = http(
            f"{first_base}/api/votes/{vote}/named",
            {"member": chair, "choice": "for"},
            {
                "Cookie": f"{session}; {csrf}",
                "X-CSRFToken": json.loads(body)["csrf_token"],
                "Referer": first_base + "/",
            },
        )
        assert status == 201, body

        deadline = time.monotonic() + 60
        seen: list[dict] = []
        while time.monotonic() < deadline:
            line = answer.readline()
            if line.startswith(b"data:"):
                event = json.loads(line[len(b"data:") :])
                seen.append(event)
                if event.get("action") == "cast_vote":
                    break
        cast = [e for e in seen if e.get("action") == "cast_vote"]
        assert cast, seen
        assert cast[0]["payload"]["vote"] == vote
        assert cast[0]["payload"]["choice"] == "for"
        stream.close()
    finally:
        for process in (first, second):
            process.terminate()
            process.wait(timeout=30)
