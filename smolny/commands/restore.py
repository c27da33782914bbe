"""``smolny restore FILE``: put a backup written by ``smolny backup`` into a database.

A careful restore changes nothing it was not asked to change:

* the file's kind is read from its first bytes (an SQLite database, or a pg_dump archive
  whose magic is ``PGDMP``) and must match the target database's kind;
* a target that holds tables already is refused unless ``--force``; with ``--force`` its
  contents are replaced by the backup's, and on PostgreSQL it is refused even then when it
  holds tables the backup does not (the result would be neither the backup nor the old
  database: restore into an empty database instead);
* the restore is one transaction: SQLite's backup API writes the target in one write
  transaction, ``pg_restore`` runs with ``--single-transaction``, so a failure leaves the
  target as it was.

Afterwards the journal of the restored database is verified as ``smolny audit verify`` does
and its head printed, to compare with the head ``smolny backup`` printed.
"""

from __future__ import annotations

import argparse
import os
import re
import sqlite3
from pathlib import Path
from typing import Any

from smolny.commands import InputError, fail
from smolny.commands.backup import (
    JOURNAL_ENTRY_TABLE,
    JOURNAL_HEAD_TABLE,
    SQLITE_MAGIC,
    BackupError,
    Head,
    check_sqlite_copy,
    database_of,
    describe_database,
    describe_head,
    file_kind,
    find_pg_tool,
    human_size,
    is_sqlite,
    open_sqlite,
    pg_command,
    pg_connection,
    run_tool,
    sqlite_head,
    sqlite_path,
    sqlite_tables,
)

HELP = "restore a backup FILE into an empty database"
DESCRIPTION = """\
Restore a backup written by `smolny backup` into the database --db names.

The file must be of the target's kind: an SQLite copy restores into an sqlite:/// URL
(the file is created if missing), a pg_dump custom-format archive into a postgres:// URL
(an existing database: create it first, e.g. `createdb smolny`). PostgreSQL needs the
client tool pg_restore (package postgresql-client), found as `smolny backup` finds
pg_dump; objects are owned by the user of the URL (--no-owner, --no-acl).

The target must be empty: a database that holds tables already is refused, unless
--force, which replaces its contents with the backup's. On PostgreSQL --force is refused
too when the target holds tables the backup does not; restore into a new, empty database
then. The restore is one transaction: if it fails, the target is left as it was.

Afterwards the restored journal is verified (as `smolny audit verify` does) and its head
printed, to compare with the head `smolny backup` printed.

Exit status: 0 restored and the journal intact; 1 restored but the journal check fails;
2 refused or failed, nothing changed (bad input, wrong kind of file, a target with
tables, client tools missing).

Example: smolny restore smolny-2026-12-06.dump --db postgres://smolny@localhost/smolny
"""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``restore`` parser."""
    parser = subparsers.add_parser(
        "restore",
        help=HELP,
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("file", metavar="FILE", help="the backup file to restore")
    parser.add_argument("--db", metavar="URL", help="database URL (default: SMOLNY_DATABASE_URL)")
    parser.add_argument(
        "--force",
        action="store_true",
        help="replace the contents of a target database that holds tables already",
    )
    parser.set_defaults(handler=run_restore)


# --- SQLite --------------------------------------------------------------------------------


def restore_sqlite(file: Path, db: dict[str, Any], *, force: bool) -> None:
    """Copy the SQLite backup *file* into the target with the backup API."""
    target = sqlite_path(db)
    if target == file.resolve():
        raise InputError(f"{file} is the target database itself")
    source = open_sqlite(file, mode="ro")
    try:
        check_sqlite_copy(source, str(file))
        sqlite_head(source, str(file))  # a Smolny database, or refused here
        existed = target.exists()
        if existed:
            conn = open_target(target, force=force)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(target, timeout=30)
        try:
            # The target is written in one transaction, all of it or (on failure) none.
            source.backup(conn, pages=-1)
        except sqlite3.Error as error:
            conn.close()
            if not existed:
                target.unlink(missing_ok=True)
            raise BackupError(f"cannot restore into {target}: {error}") from None
        conn.close()
    except sqlite3.Error as error:
        raise BackupError(f"cannot read {file}: {error}") from None
    finally:
        source.close()


def open_target(target: Path, *, force: bool) -> sqlite3.Connection:
    """Open an existing target file, refusing one that is no SQLite database or (without
    *force*) one that holds tables."""
    if target.is_dir():
        raise InputError(f"{target} is a directory, not an SQLite database")
    with target.open("rb") as stream:
        start = stream.read(len(SQLITE_MAGIC))
    if start and start != SQLITE_MAGIC:
        raise InputError(f"{target} is not an SQLite database: it is left as it is")
    conn = open_sqlite(target, mode="rw")
    tables = sqlite_tables(conn)
    if tables and not force:
        conn.close()
        raise InputError(
            f"the SQLite database {target} holds {len(tables)} tables already: restore into "
            "a new file, or pass --force to replace its contents with the backup's"
        )
    return conn


# --- PostgreSQL ----------------------------------------------------------------------------

# A table in ``pg_restore --list``: "216; 1259 16386 TABLE public councils_vote smolny".
TOC_TABLE = re.compile(r"^\d+; \d+ \d+ TABLE (\S+) (\S+) ", re.MULTILINE)


def archive_tables(pg_restore: str, file: Path) -> set[str]:
    """The tables (``schema.name``) in a pg_dump archive, read from its table of contents."""
    listing = run_tool([pg_restore, "--list", str(file)], dict(os.environ), f"reading {file}")
    return {f"{schema}.{name}" for schema, name in TOC_TABLE.findall(listing)}


def restore_postgres(file: Path, db: dict[str, Any], *, force: bool) -> None:
    """Restore the pg_dump archive *file* into the target with one ``pg_restore``
    transaction (``--clean --if-exists`` when ``--force`` replaces existing tables)."""
    import psycopg

    pg_restore = find_pg_tool("pg_restore")
    dumped = archive_tables(pg_restore, file)
    if not {f"public.{JOURNAL_ENTRY_TABLE}", f"public.{JOURNAL_HEAD_TABLE}"} <= dumped:
        raise InputError(f"{file} holds no Smolny journal (not a backup of a Smolny database?)")
    where = describe_database(db)
    with pg_connection(db) as conn:
        try:
            rows = conn.execute(
                "SELECT schemaname || '.' || tablename FROM pg_tables "
                "WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
            ).fetchall()
        except psycopg.Error as error:
            raise BackupError(f"cannot read the {where}: {error}") from None
        conn.rollback()
    existing = {name for (name,) in rows}
    if existing and not force:
        raise InputError(
            f"the {where} holds {len(existing)} tables already: restore into an empty "
            "database (createdb NAME), or pass --force to replace its contents with the "
            "backup's"
        )
    extra = sorted(existing - dumped)
    if extra:
        shown = ", ".join(extra[:5]) + (f" and {len(extra) - 5} more" if len(extra) > 5 else "")
        raise InputError(
            f"the {where} holds tables the backup does not ({shown}): even --force would "
            "leave them beside the restored ones; restore into an empty database instead"
        )
    options = ["--single-transaction", "--exit-on-error", "--no-owner", "--no-acl"]
    if existing:
        options += ["--clean", "--if-exists"]
    argv, env = pg_command(pg_restore, db, [*options, str(file)])
    run_tool(argv, env, "pg_restore")


# --- the command ---------------------------------------------------------------------------


def verify_restored(url: str | None) -> tuple[int, object, Head | None]:
    """The journal check of :mod:`smolny.commands.audit` on the restored database: the
    number of intact entries, the first break (or None) and the recorded head."""
    from smolny.commands import setup_django

    setup_django(url)
    from smolny.councils.models import JournalHead
    from smolny.journal.chain import verify_journal

    checked, broken = verify_journal()
    row = JournalHead.objects.filter(pk=1).first()
    return checked, broken, Head(row.seq, row.hash) if row else None


def run_restore(args: argparse.Namespace) -> int:
    from smolny.dburl import DatabaseURLError

    file = Path(args.file).expanduser().absolute()
    try:
        db = database_of(args.db)
        kind = file_kind(file)
        if kind == "sqlite" and not is_sqlite(db):
            raise InputError(
                f"{file} is an SQLite backup, but the target is a {describe_database(db)}: "
                "restore it into an sqlite:///PATH URL"
            )
        if kind == "pgdump" and is_sqlite(db):
            raise InputError(
                f"{file} is a PostgreSQL (pg_dump) backup, but the target is an "
                f"{describe_database(db)}: restore it into a postgres:// URL"
            )
        if kind == "sqlite":
            restore_sqlite(file, db, force=args.force)
        else:
            restore_postgres(file, db, force=args.force)
    except DatabaseURLError as error:
        return fail(Exception(f"--db: {error}"))
    except (InputError, BackupError) as error:
        return fail(error)
    except OSError as error:
        return fail(Exception(f"cannot restore {file}: {error.strerror or error}"))
    size = file.stat().st_size
    print(f"restored: {file} ({human_size(size)}) into the {describe_database(db)}")

    from django.db import DatabaseError

    try:
        checked, broken, head = verify_restored(args.db)
    except DatabaseError as error:
        return fail(
            Exception(
                f"restored, but this version cannot read its journal ({error}); a backup "
                "from an older version is migrated by `smolny serve`, then check it with "
                "`smolny audit verify`".strip()
            ),
            1,
        )
    print(describe_head(head))
    if broken is not None:
        print(f"journal BROKEN: {broken} ({checked} entries before it are intact)")
        return 1
    print(f"journal verified: {checked} entries, chain intact")
    return 0
