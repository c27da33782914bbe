"""Secret files: made once with mode 0600, never overwritten, no temporary left behind."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from smolny.secretfile import create_once


def test_made_once_owner_only_whatever_the_umask(tmp_path: Path) -> None:
    path = tmp_path / "deeper" / "key"
    old = os.umask(0)
    try:
        assert create_once(path, "first\n") is True
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert create_once(path, "second\n") is False
    assert path.read_text() == "first\n"
    assert sorted(p.name for p in path.parent.iterdir()) == ["key"]
