"""``smolny serve`` as a real process: a fresh SQLite file, a free loopback port, real HTTP.

This is what a fresh machine sees: no configuration, an empty database created and migrated
on the first run, the API, its docs and schema, and the admin's static files served by the
one process.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def fetch(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers.get("content-type", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("content-type", ""), error.read()


@pytest.fixture(params=["default database", "--db"])
def server(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """Start ``smolny serve --empty`` on a new database (the per-user default under a fresh
    home directory, or one named by ``--db``); yield its base URL; stop it."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SMOLNY_", "DJANGO_"))}
    env["HOME"] = str(tmp_path)  # a fresh machine: nothing of the user's own data is touched
    args = [sys.executable, "-m", "smolny", "serve", "--empty", "--port", str(port)]
    if request.param == "--db":
        db = tmp_path / "new" / "dir" / "smolny.sqlite3"
        args += ["--db", f"sqlite:///{db}"]
    else:
        db = tmp_path / ".local" / "share" / "smolny" / "smolny.sqlite3"
    process = subprocess.Popen(
        args,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                output = process.stdout.read().decode() if process.stdout else ""
                pytest.fail(f"smolny serve exited with {process.returncode}:\n{output}")
            try:
                if fetch(f"{base}/api/health")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("smolny serve did not answer within 60 s")
            time.sleep(0.2)
        assert db.exists()
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout:
            process.stdout.close()


def test_a_fresh_server_answers_health_docs_schema_and_static_files(server: str) -> None:
    status, kind, body = fetch(f"{server}/api/health")
    assert status == 200
    assert json.loads(body)["database"] == "sqlite"

    status, kind, body = fetch(f"{server}/api/openapi.json")
    assert status == 200
    schema = json.loads(body)
    assert schema["info"]["title"] == "Smolny"
    assert "/api/councils/{council_id}/roll" in schema["paths"]
    assert "/api/auth/login" in schema["paths"]

    status, kind, body = fetch(f"{server}/api/docs")
    assert status == 200
    assert kind.startswith("text/html")
    assert b"openapi.json" in body

    status, kind, body = fetch(f"{server}/static/admin/css/base.css")
    assert status == 200
    assert kind.startswith("text/css")
    assert fetch(f"{server}/admin/login/")[0] == 200

    # The database was migrated and is empty: nobody may read without logging in.
    assert fetch(f"{server}/api/organisations")[0] == 401


def test_serve_help_says_what_the_first_run_does() -> None:
    from smolny.cli import build_parser

    parser = build_parser()
    serve = parser._subparsers._group_actions[0].choices["serve"]  # type: ignore[union-attr]
    text = serve.format_help()
    assert "--empty" in text
    assert "migrated" in text
    assert "not built yet" in text


def test_serve_refuses_a_bad_port_and_a_bad_database_url(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SMOLNY_", "DJANGO_"))}
    for args in (["--port", "0"], ["--db", "mysql://nowhere/x", "--port", str(free_port())]):
        done = subprocess.run(
            [sys.executable, "-m", "smolny", "serve", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 2, done.stderr
        assert done.stderr.startswith("smolny: ")
