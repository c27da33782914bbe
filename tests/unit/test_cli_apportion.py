"""``smolny apportion`` end to end: reference data, output forms, ties, bad input."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from smolny.cli import main
from smolny.rules.ties import draw_lots

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
US_HOUSE = DATA / "apportion" / "us_house_2010.csv"
US_OFFICIAL = DATA / "apportion" / "us_house_2010_official_seats.csv"
EXAMPLE = ROOT / "examples" / "petrograd-1917-constituencies.csv"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(["apportion", *argv])
    out, err = capsys.readouterr()
    return status, out, err


def write(tmp_path: Path, text: str, name: str = "input.csv") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_us_house_2010_reproduces_the_official_seats(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, str(US_HOUSE), "--seats", "435", "--method", "huntington-hill")
    assert status == 0, err
    assert out == US_OFFICIAL.read_text(encoding="utf-8").replace("\r\n", "\n")
    assert err == ""


def test_json_output(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = write(tmp_path, "name,votes\nA,9061\nB,7179\nC,5259\nD,3319\nE,1182\nF,10\n")
    status, out, _ = run(
        capsys, path, "--seats", "26", "--method", "jefferson", "--threshold", "1%", "--json"
    )
    assert status == 0
    data = json.loads(out)
    # Balinski-Young's Jefferson apportionment; F (10 of 26,010 < 1 %) is excluded.
    assert data["seats"] == {"A": 10, "B": 7, "C": 5, "D": 3, "E": 1, "F": 0}
    assert data["method"] == "dhondt"
    assert data["house_size"] == 26
    assert data["excluded"] == ["F"]
    assert data["ties"] == []
    assert data["unresolved"] is False
    assert data["counted"] == "votes"
    assert data["threshold"] == "1"


def test_unresolved_tie_prints_result_explains_and_exits_1(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write(tmp_path, "name,population\nX,500\nY,500\nZ,1000\n")
    # Sainte-Laguë: Z's 1000 takes seat 1; X's and Y's 500 tie for seat 2 (Z's next: 333).
    status, out, err = run(capsys, path, "--seats", "2", "--method", "sainte-lague")
    assert status == 1
    assert out == "name,seats\nX,0\nY,0\nZ,1\n"
    assert "tie for seat 2 between X and Y; rerun with --tie-seed" in err
    assert "1 seat(s) held back" in err


def test_unresolved_tie_in_json(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = write(tmp_path, "name,population\nX,500\nY,500\nZ,1000\n")
    # Quotas 0.5, 0.5, 1: Z takes 1, X and Y tie on remainders for seat 2.
    status, out, _ = run(capsys, path, "--seats", "2", "--method", "hamilton", "--json")
    assert status == 1
    data = json.loads(out)
    assert data["unresolved"] is True
    assert data["allocated"] == 1
    assert data["ties"] == [
        {"contenders": ["X", "Y"], "at": "seat 2", "resolved_by": None, "chosen": [], "seed": None}
    ]


def test_tie_seed_breaks_the_tie_by_a_recorded_lot(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write(tmp_path, "name,population\nX,500\nY,500\nZ,1000\n")
    argv = (path, "--seats", "2", "--method", "sainte-lague", "--tie-seed", "42")
    status, out, err = run(capsys, *argv)
    assert status == 0
    winner = draw_lots(["X", "Y"], 42, "seat 2")[0]
    seats = dict(csv.reader(io.StringIO(out)))
    assert seats[winner] == "1"
    assert seats["Z"] == "1"
    assert f"broken by lot (seed 42) in favour of {winner}" in err
    again = run(capsys, *argv)
    assert again[1] == out


def test_ratio_rule_on_the_bundled_example(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, str(EXAMPLE), "--per", "1000", "--min-seats", "1")
    assert status == 0
    with EXAMPLE.open(encoding="utf-8") as handle:
        expected = [
            [row["name"], str(max(1, int(row["population"]) // 1000))]
            for row in csv.DictReader(handle)
        ]
    assert list(csv.reader(io.StringIO(out))) == [["name", "seats"], *expected]


def test_ratio_rule_defaults_to_a_minimum_of_one_and_rounds_as_asked(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write(tmp_path, "name,population\nA,1500\nB,10\n")
    assert run(capsys, path, "--per", "1000")[1] == "name,seats\nA,1\nB,1\n"
    assert (
        run(capsys, path, "--per", "1000", "--rounding", "nearest")[1] == "name,seats\nA,2\nB,1\n"
    )
    assert run(capsys, path, "--per", "1000", "--min-seats", "0")[1] == "name,seats\nA,1\nB,0\n"


def test_reads_standard_input(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("name,population\nA,3\nB,1\n"))
    assert run(capsys, "-", "--seats", "4", "--method", "hamilton")[1] == "name,seats\nA,3\nB,1\n"


@pytest.mark.parametrize(
    ("text", "args", "message"),
    [
        ("name,pop\nA,1\n", (), "input.csv:1: missing column 'population' (or 'votes')"),
        ("population\n1\n", (), "input.csv:1: missing column 'name'"),
        ("name,population\nA,5\nB,-3\n", (), "input.csv:3: field 'population': -3 is negative"),
        ("name,population\nA,5\nB,lots\n", (), "input.csv:3: field 'population': 'lots' is not"),
        ("name,population\nA,5\nB,2.5\n", (), "input.csv:3: field 'population': '2.5' is not"),
        ("name,votes\nA,5\nB,\n", (), "input.csv:3: field 'votes' is empty or missing"),
        ("name,population\nA,5\nB\n", (), "input.csv:3: field 'population' is empty or missing"),
        ("name,population\n,5\n", (), "input.csv:2: field 'name' is empty"),
        ("name,population\nA,5,7\n", (), "input.csv:2: 3 fields but the header has 2"),
        ("", (), "input.csv:1: empty file"),
        ("name,population\n", (), "input.csv:2: no constituencies after the header"),
        ("name,population\nA,5\nB,6\nA,7\n", (), "input.csv:4: field 'name': duplicate name 'A'"),
        (
            "name,population\nA,5\nB,6\nC,7\nD,8\n",
            ("--method", "adams", "--seats", "3"),
            "input.csv:5: field 'name': more constituencies than seats",
        ),
        (
            "name,population\nA,5\nB,6\nC,7\n",
            ("--method", "dhondt", "--seats", "5", "--min-seats", "2"),
            "input.csv:4: field 'name': more constituencies than seats",
        ),
        ("name,population\nA,5\n", ("--method", "dean", "--seats", "3"), "unknown method 'dean'"),
        ("name,population\nA,5\n", ("--method", "dhondt"), "--seats N is required"),
        ("name,population\nA,5\n", ("--seats", "3"), "--method METHOD is required"),
        ("name,population\nA,5\n", ("--per", "10", "--seats", "3"), "does not take --seats"),
        (
            "name,population\nA,5\n",
            ("--seats", "3", "--method", "dhondt", "--threshold", "abc"),
            "--threshold: 'abc' is not a percentage",
        ),
        (
            "name,population\nA,0\nB,0\n",
            ("--seats", "3", "--method", "dhondt"),
            "input.csv: the total population is zero",
        ),
    ],
)
def test_bad_input_exits_2_naming_the_line(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    text: str,
    args: tuple[str, ...],
    message: str,
) -> None:
    path = write(tmp_path, text)
    argv = args or ("--seats", "10", "--method", "sainte-lague")
    status, out, err = run(capsys, path, *argv)
    assert status == 2
    assert out == ""  # nothing half-done
    assert err.startswith("smolny: ")
    assert message in err.replace(path, "input.csv")


def test_missing_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status, out, err = run(capsys, str(tmp_path / "nope.csv"), "--seats", "1", "--method", "adams")
    assert status == 2
    assert out == ""
    assert "nope.csv: cannot read the file" in err


def test_console_script_runs_without_django(tmp_path: Path) -> None:
    # The command must not load Django (it starts fast and needs no database).
    code = (
        "import sys; from smolny.cli import main; status = main(sys.argv[1:]); "
        "assert 'django' not in sys.modules, 'django imported'; raise SystemExit(status)"
    )
    path = write(tmp_path, "name,population\nA,2\nB,1\n")
    done = subprocess.run(
        [sys.executable, "-c", code, "apportion", path, "--seats", "3", "--method", "webster"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "name,seats\nA,2\nB,1\n"
