"""``smolny date``: the exact output line of its contract (docs/architecture.md), exit 2 on
bad input."""

from __future__ import annotations

import subprocess
import sys

import pytest

from smolny.cli import main


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (
            ["1917-10-25", "--from", "julian"],
            "julian=1917-10-25 gregorian=1917-11-07 weekday=Wednesday",
        ),
        (
            ["1917-11-07", "--from", "gregorian"],
            "julian=1917-10-25 gregorian=1917-11-07 weekday=Wednesday",
        ),
        (
            ["1917-02-23", "--from", "julian"],
            "julian=1917-02-23 gregorian=1917-03-08 weekday=Thursday",
        ),
        (
            ["1900-02-29", "--from", "julian"],
            "julian=1900-02-29 gregorian=1900-03-13 weekday=Tuesday",
        ),
        (
            ["1752-09-14", "--from", "gregorian"],
            "julian=1752-09-03 gregorian=1752-09-14 weekday=Thursday",
        ),
        (
            ["--from", "julian", "1917-12-19"],
            "julian=1917-12-19 gregorian=1918-01-01 weekday=Tuesday",
        ),
    ],
)
def test_date_prints_the_contract_line(
    argv: list[str], expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["date", *argv]) == 0
    captured = capsys.readouterr()
    assert captured.out == expected + "\n"
    assert captured.err == ""


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["1917-02-30", "--from", "julian"], "February 1917 has 28 days"),
        (["1900-02-29", "--from", "gregorian"], "February 1900 has 28 days"),
        (["1917-13-01", "--from", "julian"], "month 13"),
        (["1917-10-5", "--from", "julian"], "YYYY-MM-DD"),
        (["25.10.1917", "--from", "gregorian"], "YYYY-MM-DD"),
        (["0000-06-01", "--from", "gregorian"], "year 0"),
        (["0001-01-01", "--from", "julian"], "Gregorian year 0"),
    ],
)
def test_bad_dates_exit_2_with_a_message(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["date", *argv]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("smolny: argument YYYY-MM-DD: ")
    assert message in captured.err
    assert argv[0] in captured.err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["1917-10-25"], "--from"),
        (["1917-10-25", "--from", "byzantine"], "invalid choice"),
        (["--from", "julian"], "YYYY-MM-DD"),
    ],
)
def test_usage_errors_exit_2(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["date", *argv])
    assert exit_info.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert message in captured.err


def test_date_runs_without_django() -> None:
    """The installed command works in a fresh interpreter and loads no Django."""
    code = (
        "import sys; from smolny.cli import main; status = main(['date', '1917-10-20', "
        "'--from', 'julian']); "
        "assert not [m for m in sys.modules if m.split('.')[0] == 'django'], 'django loaded'; "
        "sys.exit(status)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "julian=1917-10-20 gregorian=1917-11-02 weekday=Friday\n"
