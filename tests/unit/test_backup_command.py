"""The pieces of `smolny backup`/`restore` that need no database: the client tools' command
line (never the password), the kind of a file, the sizes printed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from smolny.commands import InputError
from smolny.commands.backup import file_kind, find_pg_tool, human_size, pg_command
from smolny.dburl import parse_database_url


def test_the_password_goes_to_pgpassword_never_to_the_command_line() -> None:
    db = parse_database_url("postgres://clerk:s%27cr%20et@db.example:5433/smolny?sslmode=require")
    argv, env = pg_command("pg_dump", db, ["--format=custom"])
    assert env["PGPASSWORD"] == "s'cr et"
    assert not any("cr et" in part or "s'cr" in part for part in argv)
    assert argv == [
        "pg_dump",
        "--dbname=dbname='smolny' host='db.example' port='5433' user='clerk' sslmode='require'",
        "--no-password",
        "--format=custom",
    ]


def test_connection_values_are_quoted_for_libpq() -> None:
    db = parse_database_url("postgres://o%27brien@/council%20one?host=/run/pg%20sock")
    argv, env = pg_command("pg_restore", db, [])
    assert argv[1] == ("--dbname=dbname='council one' host='/run/pg sock' user='o\\'brien'")
    # no password in the URL: the one in the caller's environment (or ~/.pgpass) stands
    assert env.get("PGPASSWORD") == os.environ.get("PGPASSWORD")


def test_the_kind_of_a_file_is_read_from_its_first_bytes(tmp_path: Path) -> None:
    cases = {
        "copy": (b"SQLite format 3\x00" + bytes(84), "sqlite"),
        "dump": (b"PGDMP\x01\x0e\x00", "pgdump"),
    }
    for name, (data, kind) in cases.items():
        (tmp_path / name).write_bytes(data)
        assert file_kind(tmp_path / name) == kind
    (tmp_path / "text").write_bytes(b"SQLite format 2")
    with pytest.raises(InputError, match="not a Smolny backup"):
        file_kind(tmp_path / "text")
    with pytest.raises(InputError, match="no such file"):
        file_kind(tmp_path / "missing")


def test_smolny_pg_bin_names_the_only_folder_looked_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tool = tmp_path / "pg_dump"
    tool.write_text("#!/bin/sh\n")
    tool.chmod(0o755)
    monkeypatch.setenv("SMOLNY_PG_BIN", str(tmp_path))
    assert find_pg_tool("pg_dump") == str(tool)
    with pytest.raises(InputError, match=r"pg_restore not found \(looked in SMOLNY_PG_BIN="):
        find_pg_tool("pg_restore")


def test_sizes_are_printed_in_the_largest_fitting_unit() -> None:
    assert human_size(1000) == "1000 bytes"
    assert human_size(1024) == "1.0 KB"
    assert human_size(5 * 1024 * 1024 + 1) == "5.0 MB"
    assert human_size(3 * 1024**3) == "3.0 GB"
    assert human_size(2048 * 1024**3) == "2048.0 GB"
