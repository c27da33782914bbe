"""``smolny roll import FILE --council ID`` (issue 15, item 4): the web upload's action from
the command line; every bad line named with its file, line and field, nothing written, exit 2.
Runs on SQLite and PostgreSQL (in-process, on the test database)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from smolny.cli import main
from smolny.councils import actions
from smolny.councils.models import Constituency, Council, JournalEntry, Member
from tests.integration.councils.conftest import d

pytestmark = pytest.mark.django_db


def council_with(*names: str) -> tuple[Council, dict[str, Constituency]]:
    """A council with empty roll constituencies *names*."""
    organisation = actions.create_organisation(actions.SYSTEM, "Harbour", at=d(3, 1))
    council = actions.create_council(actions.SYSTEM, organisation, "Harbour council", at=d(3, 1))
    found = {n: actions.create_constituency(actions.SYSTEM, council, n, at=d(3, 1)) for n in names}
    return council, found


def write(tmp_path: Path, text: str | bytes, name: str = "roll.csv") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


GOOD = (
    "member_id,name,constituency,email\n"
    "H-1,Anna Berg,North quay,anna@harbour.test\n"
    "H-2,Boris Ek,South quay,\n"
    "H-3,Clara Dahl,North quay,\n"
)


def test_a_good_roll_is_imported_and_journalled(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    council, rolls = council_with("North quay", "South quay")
    path = write(tmp_path, GOOD)
    assert main(["roll", "import", str(path), "--council", str(council.pk)]) == 0
    out = capsys.readouterr().out
    assert "imported 3 member(s) onto 2 roll(s)" in out
    names = sorted(
        Member.objects.filter(organisation=council.organisation).values_list("name", "constituency")
    )
    north, south = rolls["North quay"].pk, rolls["South quay"].pk
    assert names == [("Anna Berg", north), ("Boris Ek", south), ("Clara Dahl", north)]
    entry = JournalEntry.objects.filter(action="import_roll").latest("seq")
    payload = json.loads(entry.payload)
    assert (payload["members"], payload["source"]) == (3, str(path))
    assert entry.actor == "system:roll-import"


def test_every_bad_line_is_named_and_nothing_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    council, _ = council_with("North quay", "South quay")
    before = (Member.objects.count(), JournalEntry.objects.count())
    path = write(
        tmp_path,
        "member_id,name,constituency\n"
        "H-1,Anna Berg,North quay\n"
        "H-2,,South quay\n"
        "H-1,Dora Fisk,North quay\n"
        "H-4,Emil Gran,Lighthouse\n",
    )
    assert main(["roll", "import", str(path), "--council", str(council.pk)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0] == f"smolny: {path}: 3 bad line(s), nothing imported"
    assert err[1:] == [
        f"{path}:3: name: empty name",
        f"{path}:4: member_id: duplicate member id 'H-1' (first on line 2)",
        f"{path}:5: constituency: unknown constituency 'Lighthouse'",
    ]
    assert (Member.objects.count(), JournalEntry.objects.count()) == before


def test_bad_files_and_councils_exit_2_with_a_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    council = str(council_with("North quay")[0].pk)
    before = Member.objects.count()
    latin1 = write(
        tmp_path,
        "member_id,name,constituency\nH-1,Anna,North quay\nH-2,J\xf6rg,North quay\n".encode(
            "latin-1"
        ),
        "latin1.csv",
    )
    assert main(["roll", "import", str(latin1), "--council", council]) == 2
    assert f"smolny: {latin1}:3: line: not UTF-8 text (byte 6 of the line)" in (
        capsys.readouterr().err
    )
    assert main(["roll", "import", str(tmp_path / "missing.csv"), "--council", council]) == 2
    assert "missing.csv: no such file" in capsys.readouterr().err
    good = write(tmp_path, GOOD)
    assert main(["roll", "import", str(good), "--council", "999999"]) == 2
    assert "--council 999999: no such council" in capsys.readouterr().err
    header = write(tmp_path, "id,name\n1,Anna\n", "header.csv")
    assert main(["roll", "import", str(header), "--council", council]) == 2
    assert f"{header}:1: header: missing column(s): member_id, constituency" in (
        capsys.readouterr().err
    )
    assert Member.objects.count() == before
