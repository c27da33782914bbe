"""``smolny world load NAME``: load a bundled world through the actions.

The database is migrated first (and an SQLite file's directory created). The load runs in
one transaction, its progress (step, count, percentage) on standard error and in the log
(logger ``smolny.worlds``): the engine decides every recorded vote and a disagreement with
the world's data stops the load with nothing written (exit 1). A world that is loaded
already is left as it is (exit 0, said on standard output).
"""

from __future__ import annotations

import argparse
from typing import Any

from smolny.commands import fail


def _names() -> tuple[str, ...]:
    from smolny.worlds import world_names

    return world_names()


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "world",
        help="load a bundled world (" + ", ".join(_names()) + ")",
        description="Bundled worlds: council systems built through Smolny's actions.",
    )
    actions = parser.add_subparsers(dest="world_command", metavar="ACTION")
    load = actions.add_parser(
        "load",
        help="migrate the database and load the world; a no-op when it is loaded",
        description="Migrate the database if needed and load the world through the actions, "
        "the engine deciding every recorded vote. Exit 0 when loaded (or loaded already), "
        "1 when the engine disagrees with history (nothing written), 2 on bad input.",
    )
    load.add_argument("name", metavar="NAME", help="the world: " + ", ".join(_names()))
    load.add_argument("--db", metavar="URL", help="database URL (default: SMOLNY_DATABASE_URL)")
    load.set_defaults(handler=run_load)
    parser.set_defaults(handler=lambda args: (parser.print_help(), 2)[1])


def prepare_database(db: str | None) -> None:
    """Set Django up on *db*, create an SQLite file's directory and migrate."""
    from pathlib import Path

    from smolny.commands import setup_django

    setup_django(db)
    from django.conf import settings
    from django.core.management import call_command

    database = settings.DATABASES["default"]
    name = str(database.get("NAME", ""))
    if database["ENGINE"].endswith("sqlite3") and name and name != ":memory:":
        Path(name).expanduser().parent.mkdir(parents=True, exist_ok=True)
    call_command("migrate", interactive=False, verbosity=0)


def run_load(args: argparse.Namespace) -> int:
    if args.name not in _names():
        return fail(Exception(f"world {args.name!r}: use one of {', '.join(_names())}"))
    from smolny.dburl import DatabaseURLError

    try:
        prepare_database(args.db)
    except DatabaseURLError as error:
        return fail(error)
    except Exception as error:  # DatabaseError, OSError: the database cannot be used
        return fail(Exception(f"cannot prepare the database: {error}".strip()))
    import time

    from smolny.councils.actions import ActionError
    from smolny.worlds import load_world
    from smolny.worlds.data import WorldMismatch
    from smolny.worlds.runner import terminal_progress

    started = time.perf_counter()
    try:
        with terminal_progress(f"loading {args.name}") as progress:
            report = load_world(args.name, progress)
    except WorldMismatch as error:
        print(f"smolny: the engine disagrees with history: {error}; nothing was loaded")
        return 1
    except ActionError as error:
        print(f"smolny: an action of the world was refused: {error}; nothing was loaded")
        return 1
    if not report.loaded:
        print(f"{args.name} is loaded already: nothing done")
        return 0
    seconds = time.perf_counter() - started
    print(
        f"{args.name} loaded: {report.steps} steps, {report.deputies:,} deputies seated, "
        f"{report.votes} recorded votes decided as history records ({seconds:.1f} s)"
    )
    return 0
