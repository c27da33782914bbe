"""``smolny serve`` as a real process: a fresh SQLite file, a free loopback port, real HTTP.

This is what a fresh machine sees: no configuration, an empty database created and migrated
on the first run (with the Petrograd 1917 world loaded unless ``--empty``), the API, its docs
and schema, and the admin's static files served by the one process.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
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


def clean_env(home: Path) -> dict[str, str]:
    """The environment of a fresh machine: no Smolny settings, an empty home directory."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SMOLNY_", "DJANGO_"))}
    env["HOME"] = str(home)
    return env


@dataclass
class Server:
    base: str
    output: list[str]


@contextmanager
def serving(args: list[str], home: Path, wait: float = 120) -> Iterator[Server]:
    """Run ``smolny serve ARGS`` until it answers /api/health; stop it afterwards."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "smolny", "serve", "--port", str(port), *args],
        env=clean_env(home),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + wait
        while True:
            if process.poll() is not None:
                output = process.stdout.read() if process.stdout else ""
                pytest.fail(f"smolny serve exited with {process.returncode}:\n{output}")
            try:
                if fetch(f"{base}/api/health")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"smolny serve did not answer within {wait} s")
            time.sleep(0.2)
        server = Server(base, [])
        yield server
    finally:
        process.terminate()
        try:
            out, _ = process.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            out, _ = process.communicate()
        if "server" in locals():
            server.output.append(out)


def organisations(db: Path) -> list[str]:
    with sqlite3.connect(db) as connection:
        rows = connection.execute("SELECT name FROM councils_organisation ORDER BY name")
        return [name for (name,) in rows]


@pytest.fixture(params=["default database", "--db"])
def server(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """``smolny serve --empty`` on a new database (the per-user default under a fresh home
    directory, or one named by ``--db``, in a directory that does not exist yet)."""
    args = ["--empty"]
    if request.param == "--db":
        db = tmp_path / "new" / "dir" / "smolny.sqlite3"
        args += ["--db", f"sqlite:///{db}"]
    else:
        db = tmp_path / ".local" / "share" / "smolny" / "smolny.sqlite3"
    with serving(args, tmp_path) as running:
        assert db.exists()
        yield running.base
    assert organisations(db) == []


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

    # Nobody may read without logging in.
    assert fetch(f"{server}/api/organisations")[0] == 401


def test_the_first_run_loads_the_petrograd_world_and_a_restart_does_not(tmp_path: Path) -> None:
    db = tmp_path / "smolny.sqlite3"
    args = ["--db", f"sqlite:///{db}"]
    with serving(args, tmp_path) as first:
        assert fetch(f"{first.base}/api/health")[0] == 200
    assert "first run: loading the Petrograd 1917 world" in first.output[0]
    loaded = organisations(db)
    assert loaded != []
    with serving(args, tmp_path) as second:
        assert fetch(f"{second.base}/api/health")[0] == 200
    assert "first run" not in second.output[0]
    assert organisations(db) == loaded


def test_serve_help_says_what_the_first_run_does() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "smolny", "serve", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    text = " ".join(done.stdout.split())
    assert "--empty" in text
    assert "migrated first" in text
    assert "Petrograd 1917 world is loaded too" in text


def test_serve_refuses_a_bad_port_and_a_bad_database_url(tmp_path: Path) -> None:
    for args in (["--port", "0"], ["--db", "mysql://nowhere/x", "--port", str(free_port())]):
        done = subprocess.run(
            [sys.executable, "-m", "smolny", "serve", *args],
            env=clean_env(tmp_path),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 2, done.stderr
        assert done.stderr.startswith("smolny: ")
