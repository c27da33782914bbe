"""The command-line frame: help lists every command, and start-up stays free of Django."""

from __future__ import annotations

import argparse
import subprocess
import sys

import pytest

from smolny.cli import COMMANDS, build_parser, main


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for name in COMMANDS:
        assert name in out
    assert "SMOLNY_DATABASE_URL" in out


def test_no_command_prints_help_and_fails(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "usage: smolny" in capsys.readouterr().out


def test_every_command_has_a_handler() -> None:
    parser = build_parser()
    subparsers = next(
        action for action in parser._actions if isinstance(action, argparse._SubParsersAction)
    )
    assert set(subparsers.choices) >= set(COMMANDS)
    for name in COMMANDS:
        assert callable(subparsers.choices[name].get_default("handler")), name


def test_building_the_parser_does_not_load_django() -> None:
    """Counting and apportioning must start fast: the command frame imports no Django."""
    code = (
        "import sys; from smolny.cli import build_parser; build_parser(); "
        "heavy = sorted(m for m in sys.modules "
        "if m.split('.')[0] in ('django', 'ninja', 'numpy')); "
        "print(','.join(heavy))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


def test_votes_are_printed_in_fixed_point() -> None:
    """A zero at nine places must read 0.000000000 in count sheets and JSON, not 0E-9."""
    from decimal import Decimal

    from smolny.rules.count import votes_str

    assert votes_str(Decimal("0E-9")) == "0.000000000"
    assert votes_str(Decimal("1.2E-7")) == "0.00000012"
    assert votes_str(Decimal("4313")) == "4313"
    assert votes_str(4313) == "4313"
