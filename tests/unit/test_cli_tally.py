"""``smolny tally``: the JSON contract, the count sheet, bad files, and no Django."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from smolny.cli import main

DATA = Path(__file__).resolve().parents[1] / "data"
DROOP = DATA / "stv" / "droop-examples"
EXPECTED = json.loads((DROOP / "expected.json").read_text())
BURLINGTON = DATA / "irv" / "burlington-2009-mayor.csv"


def tally_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, object]:
    assert main(["tally", *argv, "--json"]) == 0
    data: dict[str, object] = json.loads(capsys.readouterr().out)
    return data


@pytest.mark.parametrize(("method", "rule"), [("scottish-stv", "scottish"), ("meek-stv", "meek")])
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_droop_examples_through_the_cli(
    capsys: pytest.CaptureFixture[str], name: str, method: str, rule: str
) -> None:
    expected = EXPECTED[name][rule]
    data = tally_json(capsys, str(DROOP / f"{name}.blt"), "--method", method)
    assert {"method", "seats", "elected", "rounds", "final"} <= set(data)
    assert data["method"] == method
    assert data["seats"] == expected["seats"]
    elected = data["elected"]
    final = data["final"]
    assert isinstance(elected, list)
    assert isinstance(final, dict)
    assert set(elected) == set(expected["elected"])
    assert {name: final[name] for name in elected} == expected["elected"]


def test_burlington_irv_through_the_cli(capsys: pytest.CaptureFixture[str]) -> None:
    data = tally_json(capsys, str(BURLINGTON), "--method", "irv")
    assert data["elected"] == ["Bob Kiss"]
    rounds = data["rounds"]
    assert isinstance(rounds, list)
    assert rounds[-1]["votes"] == {"Bob Kiss": "4313", "Kurt Wright": "4060"}


def test_overvote_option_reaches_the_count(capsys: pytest.CaptureFixture[str]) -> None:
    data = tally_json(capsys, str(BURLINGTON), "--method", "irv", "--overvote", "skip")
    assert data["details"] == {"overvote": "skip", "skipped": "skip"}


def test_schulze_and_plurality_on_a_csv(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    example = json.loads((DATA / "schulze" / "wikipedia-example.json").read_text())
    rows = ["count,rank1,rank2,rank3,rank4,rank5"]
    rows += [",".join([str(b["count"]), *b["ranking"]]) for b in example["ballots"]]
    path = tmp_path / "wiki.csv"
    path.write_text("\n".join(rows) + "\n")
    data = tally_json(capsys, str(path), "--method", "schulze", "--seats", "2")
    assert data["ranking"] == example["expected_order"]
    assert data["elected"] == example["expected_order"][:2]
    data = tally_json(capsys, str(path), "--method", "plurality", "--seats", "2")
    # First preferences: A 10, B 8, C 12, D 7, E 8 (counted from the example's ballots).
    assert data["elected"] == ["C", "A"]


def test_tie_seed_is_recorded(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "tie.blt"
    path.write_text('3 1\n2 1 3 0\n2 2 3 0\n3 3 0\n0\n"A"\n"B"\n"C"\n"tie"\n')
    data = tally_json(capsys, str(path), "--method", "scottish-stv", "--tie-seed", "42")
    ties = data["ties"]
    assert isinstance(ties, list)
    assert ties[0]["resolved_by"] == "lot"
    assert ties[0]["seed"] == 42


def test_count_sheet(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tally", str(DROOP / "42.blt"), "--method", "scottish-stv"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == "Scottish STV: Pollux and Helen should tie"
    assert "Quota: 3.00000" in lines[1]
    header = next(line for line in lines if line.lstrip().startswith("Stage 1"))
    assert header.split() == ["Stage", "1", "Stage", "2", "Stage", "3"]
    castor = next(line for line in lines if line.startswith("Castor"))
    assert castor.split() == ["Castor", "4.00000", "E", "3.00000", "3.00000"]
    assert "Elected: Castor, Helen" in out


@pytest.mark.parametrize(
    ("content", "line", "words"),
    [
        ('2 1\n1 1 3 0\n0\n"A"\n"B"\n"t"\n', 2, "does not exist"),
        ('2 1\n1 1 2\n0\n"A"\n"B"\n"t"\n', 2, "terminating 0"),
        ('2 3\n1 1 0\n0\n"A"\n"B"\n"t"\n', 1, "seat count is larger"),
        ("", 1, "empty file"),
    ],
)
def test_bad_files_exit_2_naming_the_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: str, line: int, words: str
) -> None:
    path = tmp_path / "bad.blt"
    path.write_text(content)
    assert main(["tally", str(path), "--method", "scottish-stv", "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""  # nothing counted, nothing printed
    assert captured.err.startswith(f"smolny: {path}:{line}: ")
    assert words in captured.err


def test_missing_file_and_bad_usage(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["tally", str(tmp_path / "nope.blt"), "--method", "irv"]) == 2
    assert "nope.blt" in capsys.readouterr().err
    assert main(["tally", str(DROOP / "42.blt"), "--method", "irv", "--seats", "2"]) == 2
    assert "one seat" in capsys.readouterr().err
    assert main(["tally", str(DROOP / "42.blt"), "--method", "schulze", "--seats", "4"]) == 2
    assert "cannot be filled" in capsys.readouterr().err
    binary = tmp_path / "latin1.csv"
    binary.write_bytes(b"A,B\n\xe9,A\n")
    assert main(["tally", str(binary), "--method", "plurality"]) == 2
    assert f"{binary}:2: not UTF-8" in capsys.readouterr().err
    with pytest.raises(SystemExit) as info:
        main(["tally", str(DROOP / "42.blt"), "--method", "borda"])
    assert info.value.code == 2


def test_tally_loads_no_django(tmp_path: Path) -> None:
    """The whole tally process stays light: no Django, no rich."""
    code = (
        "import sys; from smolny.cli import main; "
        f"status = main(['tally', {str(DROOP / 'SC.blt')!r}, '--method', 'scottish-stv']); "
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('django', 'rich')); "
        "print('HEAVY', ','.join(heavy), status)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.splitlines()[-1] == "HEAVY  0"
