"""``smolny backup FILE``: a consistent copy of the database in one file.

SQLite is copied with SQLite's online backup API (:meth:`sqlite3.Connection.backup`), in one
step under one read lock, so the copy is a state the database was in at one moment even when
another process writes meanwhile. PostgreSQL is dumped by ``pg_dump --format=custom``; the
command first opens a repeatable-read transaction, exports its snapshot and has ``pg_dump``
dump that very snapshot, so the journal head it prints is the head inside the file.

The file is written beside FILE under a temporary name and renamed only when complete: a
failed backup leaves no half file, and an existing FILE is replaced only with ``--force``.
The helpers shared with ``smolny restore`` (finding the client tools, the libpq connection
without the password on the command line, telling the two kinds of file apart, reading the
journal head) live here too.
"""

from __future__ import annotations

import argparse
import contextlib
import glob
import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from smolny.commands import InputError, fail

# The journal's tables (smolny.councils.models.journal). Read with plain SQL: the head must
# be read inside the snapshot being copied, on a connection Django does not manage.
JOURNAL_ENTRY_TABLE = "councils_journalentry"
JOURNAL_HEAD_TABLE = "councils_journalhead"

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"

# Where Debian and Ubuntu install each PostgreSQL version's programs.
PG_LIB_GLOB = "/usr/lib/postgresql/*/bin"
# Overrides the search: only this directory is looked in (to pick one client version).
PG_BIN_VARIABLE = "SMOLNY_PG_BIN"

HELP = "write a consistent copy of the database to FILE"
DESCRIPTION = """\
Write a consistent copy of the whole database to FILE, safe to run while Smolny is
serving and votes are being written.

SQLite: a copy made by SQLite's online backup API (itself an SQLite database file).
PostgreSQL: a pg_dump archive in custom format, needing the PostgreSQL client tools
(pg_dump; Debian/Ubuntu package postgresql-client), looked for on PATH, then in
/usr/lib/postgresql/*/bin (or only in the directory SMOLNY_PG_BIN names). The password
is passed to pg_dump in PGPASSWORD, never on its command line.

The file is written under a temporary name beside FILE and renamed when complete, so a
failed backup leaves nothing behind. An existing FILE is refused unless --force. The
file is readable and writable by its owner only: it holds everything, password hashes too.
Prints the file written, its size, and the journal head it holds (the number and hash of
the last journal entry): after `smolny restore`, `smolny audit verify` on the restored
database checks the chain up to that same head.

Exit status: 0 written; 2 bad input, database unusable or client tools missing.

Example: smolny backup /var/backups/smolny-2026-12-06.sqlite3 --db sqlite:////srv/smolny.sqlite3
"""


class BackupError(Exception):
    """The copy could not be made or used; the message says why (exit status 2)."""


@dataclass(frozen=True)
class Head:
    """The journal head inside a database or a copy of it: the last entry's number and hash."""

    seq: int
    hash: str

    def __str__(self) -> str:
        return f"#{self.seq} {self.hash}"


def describe_head(head: Head | None) -> str:
    return f"journal head: {head}" if head else "journal head: none (the journal is empty)"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``backup`` parser."""
    parser = subparsers.add_parser(
        "backup",
        help=HELP,
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("file", metavar="FILE", help="the backup file to write")
    parser.add_argument("--db", metavar="URL", help="database URL (default: SMOLNY_DATABASE_URL)")
    parser.add_argument("--force", action="store_true", help="replace FILE if it exists")
    parser.set_defaults(handler=run_backup)


# --- the database named by --db ------------------------------------------------------------


def database_of(url: str | None) -> dict[str, Any]:
    """The Django settings dict for ``--db`` (else the environment, else the default file)."""
    from smolny.dburl import default_database_url, parse_database_url

    return parse_database_url(url or default_database_url())


def is_sqlite(db: dict[str, Any]) -> bool:
    return str(db["ENGINE"]).endswith("sqlite3")


def sqlite_path(db: dict[str, Any]) -> Path:
    name = str(db["NAME"])
    if name == ":memory:":
        raise InputError("an in-memory SQLite database cannot be backed up or restored")
    return Path(name).expanduser().resolve()


def describe_database(db: dict[str, Any]) -> str:
    """The database for messages, without its password."""
    if is_sqlite(db):
        return f"SQLite database {db['NAME']}"
    where = db.get("HOST") or "the local socket"
    if db.get("PORT"):
        where = f"{where}:{db['PORT']}"
    return f"PostgreSQL database {db['NAME']!r} on {where}"


def file_kind(path: Path) -> str:
    """``"sqlite"`` or ``"pgdump"`` from the file's first bytes; :class:`InputError` else."""
    try:
        with path.open("rb") as stream:
            start = stream.read(len(SQLITE_MAGIC))
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as error:
        raise InputError(f"{path}: cannot read it: {error.strerror}") from None
    if start.startswith(SQLITE_MAGIC):
        return "sqlite"
    if start.startswith(PGDUMP_MAGIC):
        return "pgdump"
    raise InputError(
        f"{path}: not a Smolny backup (neither an SQLite database nor a pg_dump "
        "custom-format archive)"
    )


# --- SQLite --------------------------------------------------------------------------------


def open_sqlite(path: Path, *, mode: str) -> sqlite3.Connection:
    """Connect to an existing SQLite file (``mode`` ``ro`` or ``rw``; never creates one)."""
    try:
        return sqlite3.connect(f"{path.as_uri()}?mode={mode}", uri=True, timeout=30)
    except sqlite3.Error as error:
        raise BackupError(f"cannot open {path}: {error}") from None


def sqlite_tables(conn: sqlite3.Connection) -> set[str]:
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ).fetchall()
    return {name for (name,) in rows}


def sqlite_head(conn: sqlite3.Connection, where: str) -> Head | None:
    """The head of a Smolny database; :class:`BackupError` when it holds no journal."""
    if not {JOURNAL_ENTRY_TABLE, JOURNAL_HEAD_TABLE} <= sqlite_tables(conn):
        raise BackupError(f"{where} holds no Smolny journal (not a Smolny database?)")
    row = conn.execute(f"SELECT seq, hash FROM {JOURNAL_HEAD_TABLE} WHERE id = 1").fetchone()
    return Head(int(row[0]), str(row[1])) if row else None


def check_sqlite_copy(conn: sqlite3.Connection, where: str) -> None:
    """SQLite's own check of the file's structure (``quick_check``)."""
    (result,) = conn.execute("PRAGMA quick_check").fetchone()
    if result != "ok":
        raise BackupError(f"{where} is damaged: {result}")


def backup_sqlite(db: dict[str, Any], temporary: Path) -> Head | None:
    """Copy the SQLite database into *temporary*; return the head inside the copy."""
    path = sqlite_path(db)
    if not path.is_file():
        raise BackupError(f"no SQLite database at {path}")
    if path.stat().st_size and file_kind(path) != "sqlite":
        raise BackupError(f"{path} is not an SQLite database")
    source = open_sqlite(path, mode="rw")
    try:
        sqlite_head(source, str(path))  # refuse before copying anything that is not Smolny's
        copy = sqlite3.connect(temporary)
        try:
            # pages=-1: the whole file in one step under one read lock, so writers that commit
            # meanwhile are either wholly in the copy or not at all.
            source.backup(copy, pages=-1)
            # One self-contained file, whatever journal mode the source runs in.
            copy.execute("PRAGMA journal_mode=DELETE")
            check_sqlite_copy(copy, "the copy")
            return sqlite_head(copy, "the copy")
        finally:
            copy.close()
    except sqlite3.Error as error:
        raise BackupError(f"cannot copy {path}: {error}") from None
    finally:
        source.close()


# --- PostgreSQL ----------------------------------------------------------------------------


def find_pg_tool(name: str) -> str:
    """The path of the PostgreSQL client program *name* (``pg_dump``, ``pg_restore``).

    ``SMOLNY_PG_BIN`` names the one directory to use; otherwise PATH, then the newest
    ``/usr/lib/postgresql/N/bin``. Missing: :class:`InputError` naming the package.
    """
    override = os.environ.get(PG_BIN_VARIABLE)
    if override:
        candidate = Path(override, name)
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
        where = f"{PG_BIN_VARIABLE}={override}"
    else:
        found = shutil.which(name)
        if found:
            return found
        versions = sorted(
            glob.glob(PG_LIB_GLOB),
            key=lambda p: int(Path(p).parent.name) if Path(p).parent.name.isdigit() else 0,
            reverse=True,
        )
        for directory in versions:
            candidate = Path(directory, name)
            if candidate.is_file() and os.access(candidate, os.X_OK):
                return str(candidate)
        where = f"PATH or {PG_LIB_GLOB}"
    raise InputError(
        f"{name} not found (looked in {where}): install the PostgreSQL client tools, "
        "e.g. `apt-get install postgresql-client` (the same major version as the server "
        "or newer)"
    )


def libpq_params(db: dict[str, Any]) -> dict[str, str]:
    """libpq connection keywords for *db*, the password among them (if the URL has one)."""
    params = {"dbname": str(db["NAME"])}
    for key, keyword in (("HOST", "host"), ("PORT", "port"), ("USER", "user")):
        if db.get(key):
            params[keyword] = str(db[key])
    params.update({str(k): str(v) for k, v in (db.get("OPTIONS") or {}).items()})
    if db.get("PASSWORD"):
        params["password"] = str(db["PASSWORD"])
    return params


def conninfo_without_password(params: dict[str, str]) -> str:
    """A libpq ``key='value'`` string of *params* minus the password (for a command line)."""

    def quoted(value: str) -> str:
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"

    return " ".join(f"{k}={quoted(v)}" for k, v in params.items() if k != "password")


def pg_command(
    tool: str, db: dict[str, Any], arguments: list[str]
) -> tuple[list[str], dict[str, str]]:
    """The argv and environment to run a client *tool* on *db*: the connection in
    ``--dbname``, the password only in ``PGPASSWORD`` (a command line is visible to every
    user of the machine through ``ps``), and ``--no-password`` so it never stops to ask."""
    params = libpq_params(db)
    env = dict(os.environ)
    if "password" in params:
        env["PGPASSWORD"] = params["password"]
    argv = [tool, f"--dbname={conninfo_without_password(params)}", "--no-password", *arguments]
    return argv, env


@contextlib.contextmanager
def pg_connection(db: dict[str, Any]) -> Iterator[Any]:
    """A psycopg connection to *db*, not in autocommit (the caller's transaction)."""
    import psycopg
    from psycopg.conninfo import make_conninfo

    try:
        conn = psycopg.connect(make_conninfo("", **libpq_params(db), connect_timeout=30))
    except psycopg.Error as error:
        raise BackupError(f"cannot connect to the {describe_database(db)}: {error}") from None
    try:
        yield conn
    finally:
        conn.close()


def pg_head(conn: Any, where: str) -> Head | None:
    """The head of a Smolny PostgreSQL database, in the connection's current snapshot."""
    row = conn.execute(
        "SELECT to_regclass(%s) IS NOT NULL AND to_regclass(%s) IS NOT NULL",
        [JOURNAL_ENTRY_TABLE, JOURNAL_HEAD_TABLE],
    ).fetchone()
    if not row[0]:
        raise BackupError(f"{where} holds no Smolny journal (not a Smolny database?)")
    head = conn.execute(f"SELECT seq, hash FROM {JOURNAL_HEAD_TABLE} WHERE id = 1").fetchone()
    return Head(int(head[0]), str(head[1])) if head else None


def run_tool(argv: list[str], env: dict[str, str], what: str) -> str:
    """Run a client program; :class:`BackupError` with its own message when it fails."""
    try:
        done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    except OSError as error:
        raise BackupError(f"cannot run {argv[0]}: {error.strerror}") from None
    if done.returncode != 0:
        message = (done.stderr or done.stdout).strip() or f"exit status {done.returncode}"
        if "version mismatch" in message or "unsupported version" in message:
            message += (
                f"\n(use the client tools of the server's major version or newer: install "
                f"them, or name their folder in {PG_BIN_VARIABLE})"
            )
        raise BackupError(f"{what} failed: {message}")
    return done.stdout


def backup_postgres(db: dict[str, Any], temporary: Path) -> Head | None:
    """Dump *db* into *temporary*; return the head inside the dump.

    The head is read in a repeatable-read transaction whose snapshot pg_dump is told to use
    (``--snapshot``): the dump and the head printed are the same moment of the database.
    """
    import psycopg

    pg_dump = find_pg_tool("pg_dump")
    where = describe_database(db)
    with pg_connection(db) as conn:
        try:
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            (snapshot,) = conn.execute("SELECT pg_export_snapshot()").fetchone()
            head = pg_head(conn, where)
        except psycopg.Error as error:
            raise BackupError(f"cannot read the {where}: {error}") from None
        argv, env = pg_command(
            pg_dump, db, ["--format=custom", f"--snapshot={snapshot}", f"--file={temporary}"]
        )
        run_tool(argv, env, "pg_dump")
        conn.rollback()
    return head


# --- the file ------------------------------------------------------------------------------


def human_size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    scaled, unit = size / 1024, "KB"
    for larger in ("MB", "GB"):
        if scaled < 1024:
            break
        scaled, unit = scaled / 1024, larger
    return f"{scaled:.1f} {unit}"


def fsync_file(path: Path) -> None:
    with path.open("rb") as stream:
        os.fsync(stream.fileno())


def publish(temporary: Path, target: Path, *, force: bool) -> None:
    """Move the finished *temporary* to *target*, atomically; without *force* never over an
    existing file, even one that appeared while the backup ran."""
    fsync_file(temporary)
    if force:
        os.replace(temporary, target)
    else:
        try:
            os.link(temporary, target)  # fails if target exists: no window to clobber it
        except FileExistsError:
            raise InputError(f"{target} exists: pass --force to replace it") from None
        except OSError:  # a filesystem without hard links
            if target.exists():
                raise InputError(f"{target} exists: pass --force to replace it") from None
            os.replace(temporary, target)
        else:
            temporary.unlink()
    with contextlib.suppress(OSError):  # the rename itself durable too
        directory = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)


def write_backup(db: dict[str, Any], target: Path, *, force: bool) -> Head | None:
    """Write the backup of *db* to *target* through a temporary file beside it."""
    if target.is_dir():
        raise InputError(f"{target} is a directory: name the backup file")
    if target.exists() and not force:
        raise InputError(f"{target} exists: pass --force to replace it")
    if not target.parent.is_dir():
        raise InputError(f"{target.parent}: no such directory")
    descriptor, name = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=".partial"
    )
    os.close(descriptor)
    temporary = Path(name)
    try:
        # (For SQLite the empty temporary file is an empty database to copy into.)
        head = backup_sqlite(db, temporary) if is_sqlite(db) else backup_postgres(db, temporary)
        publish(temporary, target, force=force)
    finally:
        temporary.unlink(missing_ok=True)
        for suffix in ("-journal", "-wal", "-shm"):
            Path(f"{temporary}{suffix}").unlink(missing_ok=True)
    return head


def run_backup(args: argparse.Namespace) -> int:
    from smolny.dburl import DatabaseURLError

    target = Path(args.file).expanduser().absolute()
    try:
        db = database_of(args.db)
        head = write_backup(db, target, force=args.force)
    except DatabaseURLError as error:
        return fail(Exception(f"--db: {error}"))
    except (InputError, BackupError) as error:
        return fail(error)
    except OSError as error:
        return fail(Exception(f"cannot write {target}: {error.strerror or error}"))
    size = target.stat().st_size
    kind = "SQLite database" if is_sqlite(db) else "pg_dump custom-format archive"
    print(f"backup written: {target} ({human_size(size)}, {size} bytes, {kind})")
    print(f"from: {describe_database(db)}")
    print(describe_head(head))
    return 0
