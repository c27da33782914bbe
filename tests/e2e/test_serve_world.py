"""``smolny serve --world NAME``: the first run loads the named world instead of 1917, shows
the load's progress, and serves it; an unknown name is refused before anything is written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.e2e.test_serve import clean_env, fetch, organisations, serving


def test_the_first_run_opens_on_the_world_named(tmp_path: Path) -> None:
    db = tmp_path / "smolny.sqlite3"
    with serving(["--db", f"sqlite:///{db}", "--world", "valley-teachers"], tmp_path) as first:
        status, kind, body = fetch(f"{first.base}/")
        assert status == 200
        assert kind.startswith("text/html")
        assert "Valley Teachers" in body.decode()
    output = first.output[0]
    assert "first run: loading the Valley Teachers' Federation world" in output
    # Not a terminal: one plain progress line a step, with its count and percentage.
    assert "loading valley-teachers: 1/14 (7%) organisation Valley Teachers' Federation" in output
    assert "loading valley-teachers: 14/14 (100%)" in output
    assert organisations(db) == ["Valley Teachers' Federation"]


def test_an_unknown_world_is_refused_before_the_database_is_made(tmp_path: Path) -> None:
    db = tmp_path / "smolny.sqlite3"
    done = subprocess.run(
        [sys.executable, "-m", "smolny", "serve", "--db", f"sqlite:///{db}", "--world", "moscow"],
        capture_output=True,
        text=True,
        env=clean_env(tmp_path),
        check=False,
    )
    assert done.returncode == 2
    assert "--world moscow: use one of" in done.stderr
    assert "valley-teachers" in done.stderr
    assert not db.exists()
