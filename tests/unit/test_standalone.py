"""The repository stands alone: a user's clone has nothing beside it, so no file that the
code, the tests, the scripts, the benchmarks or the README read may point outside it.

The development checkout sits next to a folder of the project's working material; a path into
that folder works on a developer's machine and fails on every clone. This test reads every
text file in the places a user runs or reads and fails on any mention of such a path.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PLACES = ("smolny", "tests", "scripts", "benchmarks", "examples", "docs", "deploy", ".ci")
FILES = ("README.md", "CONTRIBUTING.md", "pyproject.toml", "CHANGELOG.md")
# Built from pieces so that this file does not match itself.
OUTSIDE = re.compile(
    r"\.\./" + "shared" + r"|(?<![\w.-])" + "shared" + r"/(history|reference|DESIGN)"
)
SKIP = {"__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".hypothesis"}
TEXT = {
    ".py",
    ".md",
    ".toml",
    ".txt",
    ".cfg",
    ".ini",
    ".sh",
    ".html",
    ".js",
    ".css",
    ".yaml",
    ".yml",
    ".json",
    ".csv",
    ".po",
    "",
}


def files() -> list[Path]:
    """Every text file in the places above, but for caches and generated data."""
    found = [ROOT / name for name in FILES if (ROOT / name).is_file()]
    for place in PLACES:
        for path in sorted((ROOT / place).rglob("*")):
            relative = path.relative_to(ROOT)
            generated = relative.as_posix().startswith("benchmarks/data/")
            if set(relative.parts) & SKIP or generated or not path.is_file():
                continue
            if path.suffix not in TEXT:
                continue
            found.append(path)
    return found


def test_the_search_finds_a_planted_path() -> None:
    """The pattern itself must catch the paths that broke a fresh clone before."""
    up, folder = ".." + "/", "shared"
    assert OUTSIDE.search(f"see {up}{folder}/reference/stv/SC.blt")
    assert OUTSIDE.search(f"from {folder}/history/petrograd-1917.md")
    assert not OUTSIDE.search("a lock shared with other workers; shared-cache mode")


def test_scan_covers_the_code_and_the_tests() -> None:
    names = {path.relative_to(ROOT).as_posix() for path in files()}
    assert "smolny/cli.py" in names
    assert "tests/unit/test_standalone.py" in names
    assert "README.md" in names


@pytest.mark.parametrize("place", PLACES + FILES)
def test_nothing_points_outside_the_repository(place: str) -> None:
    found = []
    for path in files():
        relative = path.relative_to(ROOT).as_posix()
        if relative != place and not relative.startswith(place + "/"):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), 1):
            if OUTSIDE.search(line):
                found.append(f"{relative}:{number}: {line.strip()}")
    assert found == [], "\n".join(found)
