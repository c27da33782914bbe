"""Production mode as a real deployment runs it: ``smolny serve --workers 2`` on PostgreSQL.

The server runs with ``SMOLNY_PRODUCTION=1`` on a throwaway PostgreSQL server of its own
(:class:`smolny.testing.postgres.ThrowawayPostgres`; this module needs one whichever database
the rest of the run uses), as it would behind the TLS proxy of deploy/: every request says
``X-Forwarded-Proto: https``, as Caddy's does. ``SMOLNY_WORKER_PID_HEADER=1`` makes each answer
name the worker process that gave it, so the test can see a page, an API call and an event
stream served by each of the two workers, and an event published through one worker reach
streams held by both.

The refusals are checked too: no secret or no host names in production mode, several workers
on SQLite; so are ``check --deploy`` and the development secret file.
"""

from __future__ import annotations

import http.client
import json
import os
import secrets
import signal
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from smolny.security import CONTENT_SECURITY_POLICY
from smolny.testing.postgres import ThrowawayPostgres

ROOT = Path(__file__).resolve().parents[2]
HSTS = "max-age=31536000; includeSubDomains; preload"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def base_environment(home: Path, **extra: str) -> dict[str, str]:
    """A fresh machine's environment (none of the caller's Smolny settings) plus *extra*."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SMOLNY_", "DJANGO_"))}
    env.update(HOME=str(home), PYTHONUNBUFFERED="1", **extra)
    return env


def production_environment(home: Path, database_url: str, **extra: str) -> dict[str, str]:
    """What the README's environment file holds, on this machine."""
    return base_environment(
        home,
        SMOLNY_PRODUCTION="1",
        SMOLNY_SECRET_KEY=secrets.token_urlsafe(50),
        SMOLNY_ALLOWED_HOSTS="127.0.0.1,localhost",
        SMOLNY_DATABASE_URL=database_url,
        **extra,
    )


def smolny(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "smolny", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def django_admin(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "django", *args],
        env={**env, "DJANGO_SETTINGS_MODULE": "smolny.settings"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def worker(self) -> int:
        return int(self.headers["X-Smolny-Worker"])


@dataclass
class Client:
    """HTTP to the server as the proxy forwards it: ``X-Forwarded-Proto: https``, with the
    cookies the server has set."""

    port: int
    cookies: dict[str, str] = field(default_factory=dict)

    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = {"X-Forwarded-Proto": "https"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return {**headers, **(extra or {})}

    def request(
        self,
        method: str,
        path: str,
        body: object = None,
        headers: dict[str, str] | None = None,
        proxied: bool = True,
    ) -> Answer:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            sent = self.headers(headers) if proxied else dict(headers or {})
            data = None
            if body is not None:
                data = json.dumps(body).encode()
                sent["Content-Type"] = "application/json"
            connection.request(method, path, body=data, headers=sent)
            response = connection.getresponse()
            answer = Answer(response.status, response.msg, response.read())
        finally:
            connection.close()
        for cookie in answer.headers.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return answer


@dataclass
class Stream:
    """An open event stream, read line by line."""

    connection: http.client.HTTPConnection
    response: http.client.HTTPResponse
    worker: int

    def wait_for(self, text: str, timeout: float = 10) -> str:
        """Read lines until one contains *text*; return it."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.response.readline().decode()
            if text in line:
                return line
        raise AssertionError(f"{text!r} not seen on the stream of worker {self.worker}")

    def close(self) -> None:
        self.connection.close()


def open_stream(client: Client, channel: str) -> Stream:
    connection = http.client.HTTPConnection("127.0.0.1", client.port, timeout=10)
    connection.request(
        "GET", f"/live/{channel}", headers=client.headers({"Accept": "text/event-stream"})
    )
    response = connection.getresponse()
    assert response.status == 200, response.read()
    assert response.headers["Content-Type"].startswith("text/event-stream")
    stream = Stream(connection, response, int(response.headers["X-Smolny-Worker"]))
    stream.wait_for("event: ready")
    return stream


def worker_pids(parent: int) -> set[int]:
    """The pids of *parent*'s child processes."""
    children = Path(f"/proc/{parent}/task/{parent}/children")
    return {int(pid) for pid in children.read_text().split()} if children.exists() else set()


@pytest.fixture(scope="module")
def postgres() -> Iterator[ThrowawayPostgres]:
    with ThrowawayPostgres() as server:
        yield server


def test_two_production_workers_serve_pages_api_and_streams_each(
    postgres: ThrowawayPostgres, tmp_path: Path
) -> None:
    port = free_port()
    env = production_environment(
        tmp_path, postgres.url, SMOLNY_WORKER_PID_HEADER="1", SMOLNY_LIVE_PROBE="1"
    )
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [
                *(sys.executable, "-m", "smolny", "serve", "--empty"),
                *("--workers", "2", "--port", str(port)),
            ],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    client = Client(port)
    streams: list[Stream] = []
    try:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, log.read_text()
            try:
                # The health check answers plain HTTP too (it is exempt from the redirect).
                if client.request("GET", "/api/health", proxied=False).status == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        assert "with 2 worker processes" in log.read_text()
        children = worker_pids(server.pid)  # the workers (and multiprocessing's helper)

        # The first account, made as the README says: Django's createsuperuser, same environment.
        made = django_admin(
            ["createsuperuser", "--noinput", "--username", "secretary", "--email", "s@example.org"],
            {**env, "DJANGO_SUPERUSER_PASSWORD": "Petrograd-1917-soviet"},
        )
        assert made.returncode == 0, made.stderr

        # Plain HTTP is sent to HTTPS; a host not in SMOLNY_ALLOWED_HOSTS is refused.
        plain = client.request("GET", "/", proxied=False)
        assert plain.status == 301
        assert plain.headers["Location"] == f"https://127.0.0.1:{port}/"
        assert client.request("GET", "/", headers={"Host": "evil.example"}).status == 400

        # Sign in through the API; both cookies are for HTTPS only.
        token = json.loads(client.request("GET", "/api/auth/csrf").body)["csrf_token"]
        origin = f"https://127.0.0.1:{port}"
        login = client.request(
            "POST",
            "/api/auth/login",
            {"username": "secretary", "password": "Petrograd-1917-soviet"},
            headers={"X-CSRFToken": token, "Origin": origin, "Referer": origin + "/"},
        )
        assert login.status == 200, login.body
        cookies = {c.split("=", 1)[0]: c for c in login.headers.get_all("Set-Cookie") or []}
        assert "; Secure" in cookies["sessionid"]
        assert "; HttpOnly" in cookies["sessionid"]
        csrf_cookie = client.request("GET", "/sign-in/").headers.get_all("Set-Cookie") or []
        assert csrf_cookie, "the sign-in page sets the CSRF cookie"
        assert all("; Secure" in c for c in csrf_cookie), csrf_cookie

        # A page and an API call through each worker, signed in with the one session.
        pages: dict[int, Answer] = {}
        calls: dict[int, Answer] = {}
        for _ in range(300):
            page = client.request("GET", "/")
            pages.setdefault(page.worker, page)
            call = client.request("GET", "/api/auth/whoami")
            calls.setdefault(call.worker, call)
            if len(pages) == len(calls) == 2:
                break
        workers = set(pages)
        assert len(workers) == 2
        assert workers <= children
        assert set(calls) == workers
        for page in pages.values():
            assert page.status == 200
            assert page.headers["Content-Type"].startswith("text/html")
            assert b"secretary" in page.body  # signed in on this worker too
            assert page.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
            assert page.headers["Strict-Transport-Security"] == HSTS
            assert page.headers["X-Frame-Options"] == "DENY"
        for call in calls.values():
            assert call.status == 200
            assert json.loads(call.body)["username"] == "secretary"
            assert call.headers["Strict-Transport-Security"] == HSTS

        # An event stream held by each worker; an event published through one reaches both.
        channel = f"probe:{secrets.token_hex(6)}"
        by_worker: dict[int, Stream] = {}
        for _ in range(40):
            stream = open_stream(client, channel)
            streams.append(stream)
            by_worker.setdefault(stream.worker, stream)
            if len(by_worker) == 2:
                break
        assert set(by_worker) == workers
        marker = secrets.token_hex(8)
        published = client.request(
            "POST", f"/live/{channel.replace(':', '/')}/publish", {"marker": marker}
        )
        assert published.status == 200, published.body
        for stream in by_worker.values():
            assert marker in stream.wait_for(marker)
    finally:
        for stream in streams:
            stream.close()
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
            pytest.fail("smolny serve --workers 2 did not stop within 30 s of SIGTERM")


@pytest.mark.parametrize(
    ("missing", "named"),
    [
        ("SMOLNY_SECRET_KEY", "SMOLNY_SECRET_KEY"),
        ("SMOLNY_ALLOWED_HOSTS", "SMOLNY_ALLOWED_HOSTS"),
        ("weak secret", "SMOLNY_SECRET_KEY is too weak"),
    ],
)
def test_production_mode_refuses_to_start_without_a_secret_or_host_names(
    tmp_path: Path, missing: str, named: str
) -> None:
    database = tmp_path / "smolny.sqlite3"
    env = production_environment(tmp_path, f"sqlite:///{database}")
    if missing == "weak secret":
        env["SMOLNY_SECRET_KEY"] = "change-me"
    else:
        del env[missing]
    done = smolny(["serve", "--empty", "--port", str(free_port())], env)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("smolny: ")
    assert named in lines[0]
    assert not database.exists()  # refused before touching the database
    # Django's own commands cannot run with it either: the settings refuse to load.
    check = django_admin(["check"], env)
    assert check.returncode != 0
    assert "ImproperlyConfigured" in check.stderr
    assert named in check.stderr


def test_several_workers_on_sqlite_are_refused(tmp_path: Path) -> None:
    database = tmp_path / "new" / "smolny.sqlite3"
    done = smolny(
        ["serve", "--workers", "2", "--db", f"sqlite:///{database}", "--port", str(free_port())],
        base_environment(tmp_path),
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.splitlines() == [done.stderr.strip()]
    assert done.stderr.startswith("smolny: --workers 2 needs PostgreSQL")
    assert not database.parent.exists()  # nothing created, nothing migrated


def test_check_deploy_passes_in_production_mode_and_not_in_development(tmp_path: Path) -> None:
    url = "postgres://smolny@127.0.0.1:5432/smolny"  # the check needs no connection
    arguments = ["check", "--deploy", "--fail-level", "WARNING"]
    production = django_admin(arguments, production_environment(tmp_path, url))
    assert production.returncode == 0, production.stderr
    assert "no issues" in production.stdout
    development = django_admin(arguments, base_environment(tmp_path, SMOLNY_DATABASE_URL=url))
    assert development.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in development.stderr


def test_the_development_secret_is_made_once_with_mode_0600_and_kept(tmp_path: Path) -> None:
    env = base_environment(tmp_path, DJANGO_SETTINGS_MODULE="smolny.settings")
    read = (
        "import django; django.setup(); "
        "from django.conf import settings; print(settings.SECRET_KEY)"
    )
    keys = []
    for _ in range(2):
        done = subprocess.run(
            [sys.executable, "-c", read],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        keys.append(done.stdout.strip())
    path = tmp_path / ".local" / "share" / "smolny" / "secret_key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert keys[0] == keys[1] == path.read_text().strip()
    assert len(keys[0]) >= 50
    # A second home makes a different secret: it is random, not a constant of the code.
    other = tmp_path / "other"
    done = subprocess.run(
        [sys.executable, "-c", read],
        env={**env, "HOME": str(other)},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert done.stdout.strip() not in ("", keys[0])


def read_settings(env: dict[str, str], *names: str) -> list[object]:
    """The values of the settings *names* in a process with environment *env*."""
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps([getattr(settings, n, None) for n in {list(names)!r}]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={**env, "DJANGO_SETTINGS_MODULE": "smolny.settings"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    values: list[object] = json.loads(done.stdout)
    return values


def test_proxy_header_trusted_origins_and_hosts_come_from_the_environment(
    tmp_path: Path,
) -> None:
    url = "postgres://smolny@127.0.0.1:5432/smolny"
    names = ("SECURE_PROXY_SSL_HEADER", "CSRF_TRUSTED_ORIGINS", "ALLOWED_HOSTS")
    production = production_environment(tmp_path, url)
    assert read_settings(production, *names) == [
        ["HTTP_X_FORWARDED_PROTO", "https"],
        [],
        ["127.0.0.1", "localhost"],
    ]
    other = {
        **production,
        "SMOLNY_PROXY_SSL_HEADER": "X-Forwarded-Scheme",
        "SMOLNY_CSRF_TRUSTED_ORIGINS": "https://soviet.example.org, https://www.example.org",
    }
    assert read_settings(other, *names)[:2] == [
        ["HTTP_X_FORWARDED_SCHEME", "https"],
        ["https://soviet.example.org", "https://www.example.org"],
    ]
    none = {**production, "SMOLNY_PROXY_SSL_HEADER": "none"}
    assert read_settings(none, "SECURE_PROXY_SSL_HEADER") == [None]
    # Development: no proxy trusted, no secure-only cookies, and only localhost answered.
    development = base_environment(tmp_path, SMOLNY_DATABASE_URL=url)
    assert read_settings(development, *names, "SESSION_COOKIE_SECURE") == [
        None,
        [],
        ["localhost", "127.0.0.1", "[::1]"],
        False,
    ]
