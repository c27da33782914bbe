"""`smolny backup` and `smolny restore` on the run's database (SQLite, or PostgreSQL with
SMOLNY_TEST_DB=postgres): a round trip keeps the journal and the rows, a backup taken while
another process votes is a consistent earlier state of the journal, and every refusal
leaves the file and the databases as they were.

The commands run as a user runs them (``python -m smolny`` in a subprocess, the production
settings) on databases of their own: new SQLite files, or new databases created on the
session's PostgreSQL server. The test database pytest-django manages is not used, since a
backup from another connection could not see a test's uncommitted transaction.
"""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from smolny.commands.backup import libpq_params
from smolny.dburl import parse_database_url

BACKEND = os.environ.get("SMOLNY_TEST_DB", "sqlite")
ROOT = Path(__file__).resolve().parents[2]
HEAD_LINE = re.compile(r"^journal head: #(\d+) ([0-9a-f]{64})$", re.MULTILINE)
# A PostgreSQL URL no server answers at: commands must refuse before they try to connect.
NOWHERE_PG = "postgres://smolny@127.0.0.1:1/nowhere"


def smolny(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the command as a user would: the production settings, not the test suite's."""
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DJANGO_SETTINGS_MODULE", "SMOLNY_TEST_DB", "SMOLNY_DATABASE_URL")
    }
    return subprocess.run(
        [sys.executable, "-m", "smolny", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**base, **(env or {})},
        cwd=ROOT,
        check=False,
    )


def writer(
    url: str, name: str, *extra: str, stdout: Any = subprocess.PIPE
) -> subprocess.Popen[str]:
    """Start tests/integration/backup_writer.py: a council voting in another process."""
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE",)}
    return subprocess.Popen(
        [sys.executable, "-m", "tests.integration.backup_writer", url, name, *extra],
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=env,
    )


def head_of(output: str) -> tuple[int, str]:
    match = HEAD_LINE.search(output)
    assert match, output
    return int(match[1]), match[2]


# --- databases of the tests' own --------------------------------------------------------------


class Databases:
    """New, empty databases of the run's kind, removed at the end."""

    def __init__(self, directory: Path, server_url: str | None) -> None:
        self.directory = directory
        self.server_url = server_url
        self.created: list[str] = []

    def new(self) -> str:
        name = f"smolny_backup_{uuid.uuid4().hex[:10]}"
        if self.server_url is None:
            return f"sqlite:///{self.directory / (name + '.sqlite3')}"
        self._admin(f'CREATE DATABASE "{name}"')
        self.created.append(name)
        return self.server_url.rsplit("/", 1)[0] + "/" + name

    def drop_all(self) -> None:
        for name in self.created:
            self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def _admin(self, statement: str) -> None:
        import psycopg

        assert self.server_url is not None
        with psycopg.connect(**libpq_params(parse_database_url(self.server_url))) as conn:
            conn.autocommit = True
            conn.execute(statement)


def query(url: str, sql: str) -> list[tuple[Any, ...]]:
    """Rows of *sql* on the database at *url*, read by a connection of the test's own."""
    db = parse_database_url(url)
    if db["ENGINE"].endswith("sqlite3"):
        conn = sqlite3.connect(f"{Path(db['NAME']).as_uri()}?mode=ro", uri=True)
        try:
            return conn.execute(sql).fetchall()
        finally:
            conn.close()
    import psycopg

    with psycopg.connect(**libpq_params(db)) as pg:
        return [tuple(row) for row in pg.execute(sql).fetchall()]


def journal(url: str) -> list[tuple[Any, ...]]:
    return query(
        url, "SELECT seq, prev_hash, hash, action, payload FROM councils_journalentry ORDER BY seq"
    )


def table_count(url: str) -> int:
    db = parse_database_url(url)
    if db["ENGINE"].endswith("sqlite3"):
        sql = "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
    else:
        sql = "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
    return int(query(url, sql)[0][0])


@pytest.fixture(scope="module")
def databases(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Databases]:
    server = request.getfixturevalue("postgres_server_url") if BACKEND == "postgres" else None
    made = Databases(tmp_path_factory.mktemp("databases"), server)
    yield made
    made.drop_all()


@pytest.fixture(scope="module")
def source(databases: Databases) -> str:
    """A Smolny database with a council seated and 40 roll-call votes cast."""
    url = databases.new()
    done = writer(url, "Petrograd", "--votes", "40")
    out, err = done.communicate(timeout=300)
    assert done.returncode == 0, err
    assert "votes 40" in out
    return url


@pytest.fixture(scope="module")
def backup(source: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, str]:
    """The source backed up: the file, and the head the command printed."""
    file = tmp_path_factory.mktemp("backups") / "smolny.backup"
    result = smolny("backup", str(file), "--db", source)
    assert result.returncode == 0, result.stderr
    seq, hash_ = head_of(result.stdout)
    return file, seq, hash_


# --- the round trip ------------------------------------------------------------------------


def test_backup_prints_the_file_and_the_head_of_the_source(
    source: str, backup: tuple[Path, int, str]
) -> None:
    file, seq, hash_ = backup
    assert query(source, "SELECT seq, hash FROM councils_journalhead") == [(seq, hash_)]
    # a council's setup and 40 votes, each vote cast one journal entry of its own
    assert seq == len(journal(source)) > 40
    magic = b"SQLite format 3\x00" if BACKEND == "sqlite" else b"PGDMP"
    assert file.read_bytes().startswith(magic)
    assert file.stat().st_mode & 0o777 == 0o600  # password hashes: the owner's eyes only
    result = smolny("backup", str(file.with_name("again")), "--db", source)
    size = file.with_name("again").stat().st_size
    assert f"{size} bytes" in result.stdout
    assert str(file.with_name("again")) in result.stdout


def test_round_trip_keeps_the_journal_head_and_the_rows(
    source: str, backup: tuple[Path, int, str], databases: Databases
) -> None:
    file, seq, hash_ = backup
    target = databases.new()
    restored = smolny("restore", str(file), "--db", target)
    assert restored.returncode == 0, restored.stderr
    assert head_of(restored.stdout) == (seq, hash_)
    assert f"journal verified: {seq} entries, chain intact" in restored.stdout

    audit = smolny("audit", "verify", "--db", target)
    assert audit.returncode == 0, audit.stderr
    assert audit.stdout.strip() == f"OK: {seq} journal entries, chain intact, state tables agree"
    assert query(target, "SELECT seq, hash FROM councils_journalhead") == [(seq, hash_)]

    assert journal(target) == journal(source)
    for sql in (
        "SELECT id, vote_id, mandate_id, fraction, choice FROM councils_namedvote ORDER BY id",
        "SELECT id, external_id, name FROM councils_member ORDER BY id",
        "SELECT id, status, outcome, for_votes, against FROM councils_vote ORDER BY id",
        "SELECT app, name FROM django_migrations ORDER BY id",
    ):
        rows = query(source, sql)
        assert rows, sql
        assert query(target, sql) == rows, sql


def test_a_backup_taken_while_votes_are_written_is_an_earlier_state_of_the_journal(
    backup: tuple[Path, int, str], databases: Databases, tmp_path: Path
) -> None:
    # The live database: the backup restored, then written to by another process (which
    # shows too that a restored database takes new writes: on PostgreSQL its sequences
    # were restored with it).
    live = databases.new()
    assert smolny("restore", str(backup[0]), "--db", live).returncode == 0
    stop = tmp_path / "stop"
    log = tmp_path / "writer.log"
    with log.open("w") as out:
        voting = writer(live, "Kronstadt", "--votes", "100000", "--stop", str(stop), stdout=out)
        try:
            cast_before = wait_for_votes(log, voting, at_least=5)
            file = tmp_path / "during.backup"
            taken = smolny("backup", str(file), "--db", live)
            assert taken.returncode == 0, taken.stderr
            cast_during = wait_for_votes(log, voting, at_least=1)
            # the writer went on voting after the backup was written
            wait_for_votes(log, voting, at_least=cast_during + 5)
        finally:
            stop.touch()
            _, err = voting.communicate(timeout=120)
        assert voting.returncode == 0, err
    seq, hash_ = head_of(taken.stdout)

    restored = databases.new()
    result = smolny("restore", str(file), "--db", restored)
    assert result.returncode == 0, result.stderr
    assert head_of(result.stdout) == (seq, hash_)
    audit = smolny("audit", "verify", "--db", restored)
    assert audit.returncode == 0, audit.stdout + audit.stderr
    assert audit.stdout.strip() == f"OK: {seq} journal entries, chain intact, state tables agree"

    # The copy is a prefix of the live journal: the same first `seq` entries, the live one
    # longer both before (votes cast before the backup) and after.
    copy, now = journal(restored), journal(live)
    assert len(copy) == seq
    assert backup[1] + cast_before <= seq < len(now)
    assert now[:seq] == copy
    assert now[seq - 1][2] == hash_
    assert smolny("audit", "verify", "--db", live).returncode == 0


def wait_for_votes(log: Path, process: subprocess.Popen[str], *, at_least: int) -> int:
    """Wait until the writer has reported *at_least* votes cast; return how many it has."""
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        counts = re.findall(r"^votes (\d+)$", log.read_text(), re.MULTILINE)
        if counts and int(counts[-1]) >= at_least:
            return int(counts[-1])
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        time.sleep(0.05)
    raise AssertionError(f"the writer did not reach {at_least} votes")


# --- refusals ------------------------------------------------------------------------------


def test_an_existing_file_is_kept_unless_force(source: str, tmp_path: Path) -> None:
    file = tmp_path / "backup"
    file.write_text("an older backup")
    refused = smolny("backup", str(file), "--db", source)
    assert refused.returncode == 2
    assert refused.stderr == f"smolny: {file} exists: pass --force to replace it\n"
    assert refused.stdout == ""
    assert file.read_text() == "an older backup"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backup"]  # no temporary left

    replaced = smolny("backup", str(file), "--db", source, "--force")
    assert replaced.returncode == 0, replaced.stderr
    assert file.read_bytes()[:5] in (b"SQLit", b"PGDMP")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backup"]


def test_missing_client_tools_are_named_with_their_package(tmp_path: Path) -> None:
    """PATH empty and SMOLNY_PG_BIN an empty folder: no pg_dump or pg_restore anywhere.
    Checked before connecting, so the URL need not reach a server."""
    empty = tmp_path / "bin"
    empty.mkdir()
    env = {"PATH": "", "SMOLNY_PG_BIN": str(empty)}
    file = tmp_path / "pg.backup"
    result = smolny("backup", str(file), "--db", NOWHERE_PG, env=env)
    assert result.returncode == 2
    assert "pg_dump not found" in result.stderr
    assert "apt-get install postgresql-client" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bin"]  # nothing written

    file.write_bytes(b"PGDMP" + bytes(100))
    result = smolny("restore", str(file), "--db", NOWHERE_PG, env=env)
    assert result.returncode == 2
    assert "pg_restore not found" in result.stderr
    assert "postgresql-client" in result.stderr


def test_a_file_of_the_other_kind_is_refused(backup: tuple[Path, int, str], tmp_path: Path) -> None:
    sqlite_file, pg_file = tmp_path / "a.sqlite3", tmp_path / "a.dump"
    sqlite_file.write_bytes(b"SQLite format 3\x00" + bytes(100))
    pg_file.write_bytes(b"PGDMP" + bytes(100))
    if BACKEND == "sqlite":
        sqlite_file = backup[0]
    else:
        pg_file = backup[0]
    target = tmp_path / "target.sqlite3"

    result = smolny("restore", str(sqlite_file), "--db", NOWHERE_PG)
    assert result.returncode == 2
    assert "is an SQLite backup, but the target is a PostgreSQL database" in result.stderr

    result = smolny("restore", str(pg_file), "--db", f"sqlite:///{target}")
    assert result.returncode == 2
    assert "is a PostgreSQL (pg_dump) backup, but the target is an SQLite database" in (
        result.stderr
    )
    assert not target.exists()

    text = tmp_path / "notes.txt"
    text.write_text("minutes of the sitting")
    result = smolny("restore", str(text), "--db", f"sqlite:///{target}")
    assert result.returncode == 2
    assert "not a Smolny backup (neither an SQLite database nor a pg_dump" in result.stderr
    assert not target.exists()


def test_bad_urls_and_missing_files_are_refused(tmp_path: Path) -> None:
    for command in ("backup", "restore"):
        result = smolny(command, str(tmp_path / "file"), "--db", "bogus://x")
        assert result.returncode == 2
        assert "--db: database URL 'bogus://x': unknown scheme 'bogus'" in result.stderr
        assert result.stdout == ""
    result = smolny("restore", str(tmp_path / "missing"), "--db", f"sqlite:///{tmp_path}/t")
    assert result.returncode == 2
    assert f"{tmp_path / 'missing'}: no such file" in result.stderr
    result = smolny("backup", str(tmp_path / "b"), "--db", f"sqlite:///{tmp_path}/none.sqlite3")
    assert result.returncode == 2
    assert f"no SQLite database at {tmp_path}/none.sqlite3" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_a_database_that_is_not_smolnys_is_not_backed_up(
    databases: Databases, tmp_path: Path
) -> None:
    empty = databases.new()
    if BACKEND == "sqlite":
        sqlite3.connect(parse_database_url(empty)["NAME"]).close()
    result = smolny("backup", str(tmp_path / "b"), "--db", empty)
    assert result.returncode == 2
    assert "holds no Smolny journal" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_restore_into_a_database_with_tables_needs_force(
    source: str, backup: tuple[Path, int, str], databases: Databases
) -> None:
    file, seq, hash_ = backup
    target = databases.new()
    assert smolny("restore", str(file), "--db", target).returncode == 0
    # the target moves on: a council of its own voting
    done = writer(target, "Moscow", "--votes", "3")
    assert done.wait(timeout=300) == 0
    moved = journal(target)
    assert len(moved) > seq

    refused = smolny("restore", str(file), "--db", target)
    assert refused.returncode == 2
    assert "tables already" in refused.stderr
    assert "pass --force to replace its contents" in refused.stderr
    assert journal(target) == moved

    forced = smolny("restore", str(file), "--db", target, "--force")
    assert forced.returncode == 0, forced.stderr
    assert head_of(forced.stdout) == (seq, hash_)
    assert journal(target) == journal(source)
    assert smolny("audit", "verify", "--db", target).returncode == 0


def test_a_truncated_backup_changes_nothing(
    backup: tuple[Path, int, str], databases: Databases, tmp_path: Path
) -> None:
    data = backup[0].read_bytes()
    cut = tmp_path / "cut.backup"
    cut.write_bytes(data[: len(data) * 2 // 3])
    target = databases.new()
    result = smolny("restore", str(cut), "--db", target)
    assert result.returncode == 2, result.stdout
    assert result.stderr.startswith("smolny: ")
    if BACKEND == "sqlite":
        assert not Path(parse_database_url(target)["NAME"]).exists()
    else:
        assert table_count(target) == 0  # pg_restore's one transaction rolled back


def test_force_never_leaves_tables_beside_the_backups(
    source: str, backup: tuple[Path, int, str], databases: Databases
) -> None:
    """SQLite: --force replaces the whole file, the extra table goes with it. PostgreSQL:
    pg_restore --clean drops only the backup's own tables, so --force is refused."""
    target = databases.new()
    assert smolny("restore", str(backup[0]), "--db", target).returncode == 0
    execute(target, "CREATE TABLE notes (body text)", "INSERT INTO notes VALUES ('kept')")
    result = smolny("restore", str(backup[0]), "--db", target, "--force")
    if BACKEND == "sqlite":
        assert result.returncode == 0, result.stderr
        assert table_count(target) == table_count(source)
        assert not query(target, "SELECT name FROM sqlite_master WHERE name = 'notes'")
    else:
        assert result.returncode == 2
        assert "holds tables the backup does not (public.notes)" in result.stderr
        assert query(target, "SELECT body FROM notes") == [("kept",)]


def execute(url: str, *statements: str) -> None:
    """Run and commit *statements* on the database at *url*."""
    db = parse_database_url(url)
    if db["ENGINE"].endswith("sqlite3"):
        conn = sqlite3.connect(db["NAME"])
        with conn:
            for statement in statements:
                conn.execute(statement)
        conn.close()
        return
    import psycopg

    with psycopg.connect(**libpq_params(db)) as pg:
        for statement in statements:
            pg.execute(statement)


def test_a_target_file_that_is_not_sqlite_is_left_alone(tmp_path: Path) -> None:
    """Even with --force: a file that is no SQLite database may be anything of value."""
    copy = tmp_path / "smallest.sqlite3"
    execute(
        f"sqlite:///{copy}",
        "CREATE TABLE councils_journalentry (seq integer)",
        "CREATE TABLE councils_journalhead (id integer, seq integer, hash text)",
    )
    target = tmp_path / "ledger.txt"
    target.write_text("not a database")
    for force in ((), ("--force",)):
        result = smolny("restore", str(copy), "--db", f"sqlite:///{target}", *force)
        assert result.returncode == 2
        assert f"{target} is not an SQLite database: it is left as it is" in result.stderr
        assert target.read_text() == "not a database"


@pytest.mark.postgres_only
def test_the_password_in_the_url_reaches_pg_dump_and_pg_restore(
    backup: tuple[Path, int, str], tmp_path: Path
) -> None:
    """On a server of its own that asks TCP clients for a password: the commands get it from
    the URL (into PGPASSWORD, see tests/unit/test_backup_command.py), none from outside."""
    import psycopg

    from smolny.testing.postgres import ThrowawayPostgres

    file, seq, hash_ = backup
    with ThrowawayPostgres() as server:
        assert server.directory is not None
        socket = {"host": str(server.directory), "port": server.port, "user": "smolny"}
        with psycopg.connect(**socket, dbname="smolny", autocommit=True) as conn:
            conn.execute("ALTER ROLE smolny PASSWORD 'a pass''word'")
            # (the file keeps its owner, the server's user, when root rewrites it)
            (server.directory / "data" / "pg_hba.conf").write_text(
                "local all all trust\nhost all all 127.0.0.1/32 scram-sha-256\n"
            )
            conn.execute("SELECT pg_reload_conf()")
        url = f"postgres://smolny:a%20pass%27word@127.0.0.1:{server.port}/smolny"
        no_password = {"PGPASSWORD": "", "PGPASSFILE": str(tmp_path / "none")}

        restored = smolny("restore", str(file), "--db", url, env=no_password)
        assert restored.returncode == 0, restored.stderr
        assert head_of(restored.stdout) == (seq, hash_)
        copy = tmp_path / "again.dump"
        taken = smolny("backup", str(copy), "--db", url, env=no_password)
        assert taken.returncode == 0, taken.stderr
        assert head_of(taken.stdout) == (seq, hash_)

        wrong = url.replace("a%20pass%27word", "wrong")
        refused = smolny("backup", str(tmp_path / "never.dump"), "--db", wrong, env=no_password)
        assert refused.returncode == 2
        assert "password authentication failed" in refused.stderr
        assert "wrong" not in refused.stderr.replace("password authentication", "")
        assert not (tmp_path / "never.dump").exists()
