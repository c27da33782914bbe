"""`smolny directive list/export` against databases they cannot use: exit 2 with a message."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def smolny(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the command as a user would: the production settings, not the test suite's."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DJANGO_SETTINGS_MODULE", "SMOLNY_TEST_DB", "SMOLNY_DATABASE_URL")
    }
    return subprocess.run(
        [sys.executable, "-m", "smolny", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


def test_a_bad_database_url_is_named() -> None:
    result = smolny("directive", "list", "--db", "bogus://x")
    assert result.returncode == 2
    assert "--db: database URL 'bogus://x': unknown scheme 'bogus'" in result.stderr
    assert result.stdout == ""


def test_a_database_without_the_tables_is_reported(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    for args in (("list",), ("export", "1")):
        result = smolny("directive", *args, "--db", url)
        assert result.returncode == 2, args
        assert "cannot read the directives" in result.stderr
        assert result.stdout == ""
