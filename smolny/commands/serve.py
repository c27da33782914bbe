"""``smolny serve``: run the web application and the HTTP API under uvicorn (ASGI).

By default one process serves everything, static files included (WhiteNoise's middleware, as
in every deployed worker, so the pages, the admin and the API docs work without
``collectstatic`` or a separate web server). Before serving it applies any migrations the
database lacks, so a fresh machine needs no configuration: the default database is SQLite in
the user's data directory.

``--workers N`` migrates once in this process, then has uvicorn start N worker processes that
each import :mod:`smolny.asgi` (the settings reach them through the environment). Several
workers need PostgreSQL: on SQLite each process would have its own in-process broker, so a
live event published by one worker would never reach a browser following another.

In production mode (``SMOLNY_PRODUCTION=1``, see :mod:`smolny.settings`) the settings refuse
to load without a secret and a list of host names, and serve says why in one line.
"""

from __future__ import annotations

import argparse
from typing import Any

from smolny.commands import fail

DESCRIPTION = """\
Serve Smolny over HTTP: the API under /api/ (docs at /api/docs, schema at
/api/openapi.json) and the admin under /admin/. The database is migrated first (created if
it does not exist). On the first run, when the database had never been migrated, the
Petrograd 1917 world is loaded too (about 15 s) unless --empty is given; later runs only
apply new migrations and never load or change data.

--workers N runs N worker processes after the migration; it needs PostgreSQL. For a
production server set SMOLNY_PRODUCTION=1, SMOLNY_SECRET_KEY and SMOLNY_ALLOWED_HOSTS (see
the README's "Deploying").
"""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="serve the HTTP API and the admin (ASGI, uvicorn)",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    parser.add_argument("--db", metavar="URL", help="database URL (default: SMOLNY_DATABASE_URL)")
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        metavar="N",
        help="worker processes (default 1; more than 1 needs PostgreSQL)",
    )
    parser.add_argument(
        "--empty",
        action="store_true",
        help="on the first run, do not load the Petrograd 1917 world",
    )
    parser.add_argument(
        "--world",
        default="petrograd-1917",
        metavar="NAME",
        help="the bundled world the first run loads (default petrograd-1917)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if not 0 < args.port < 65536:
        return fail(Exception(f"--port {args.port}: use a port between 1 and 65535"))
    if args.workers < 1:
        return fail(Exception(f"--workers {args.workers}: use 1 or more worker processes"))
    from smolny.worlds import world_names

    if args.world not in world_names():
        return fail(Exception(f"--world {args.world}: use one of {', '.join(world_names())}"))
    from django.core.exceptions import ImproperlyConfigured

    from smolny.commands import setup_django
    from smolny.dburl import DatabaseURLError

    try:
        setup_django(args.db)
    except (DatabaseURLError, ImproperlyConfigured) as error:
        return fail(error)
    from django.conf import settings
    from django.core.management import call_command
    from django.db import DatabaseError, connections

    if args.workers > 1 and not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return fail(
            Exception(
                f"--workers {args.workers} needs PostgreSQL (--db postgres://... or "
                "SMOLNY_DATABASE_URL): on SQLite live events would not cross between workers; "
                "serve SQLite with one worker"
            )
        )
    try:
        _make_sqlite_directory()
        fresh = _never_migrated()
        call_command("migrate", interactive=False, verbosity=0)
    except (DatabaseError, OSError) as error:
        return fail(Exception(f"cannot prepare the database: {error}".strip()))
    if fresh and not args.empty:
        status = _load_world(args.world)
        if status:
            return status
    _warn_about_hosts(args.host)
    from smolny.journal.checkpoint import CheckpointError, start_server_writer

    try:  # signed checkpoints of the journal, outside the database (see that module)
        start_server_writer(lambda line: print(f"smolny: {line}", flush=True))
    except CheckpointError as error:
        return fail(error)
    from smolny.notices.outbox import postman

    # Mail queued while no server ran goes out now; failed mail is retried every
    # SMOLNY_MAIL_RETRY_SECONDS (smolny/notices/outbox.py).
    postman(on_error=lambda e: print(f"smolny: sending mail failed: {e}", flush=True))
    import uvicorn

    where = f"http://{args.host}:{args.port}/"
    common: dict[str, Any] = {
        "host": args.host,
        "port": args.port,
        "log_level": "warning",
        "lifespan": "off",
        # Event streams never end by themselves: at shutdown give the other requests a few
        # seconds, then close the streams (browsers reconnect to the next server).
        "timeout_graceful_shutdown": 5,
        # Room in the kernel's queue of connections not yet accepted (it caps this at
        # net.core.somaxconn): with uvicorn's 2,048, a burst of thousands of event streams
        # filled it and the next visitor's connection waited for TCP's 1 s retry.
        "backlog": 4096,
        # The C HTTP parser (httptools) and the libuv event loop (uvloop), both dependencies:
        # beside 5,000 open event streams they kept /api/health's p99 at 80 ms where the pure
        # Python parser and asyncio's loop took 467 ms (benchmarks/RESULTS.md, stream-flood).
        "http": "httptools",
        "loop": _event_loop(),
    }
    if args.workers == 1:
        from smolny.asgi import application

        print(f"smolny: serving on {where} (API docs at /api/docs)", flush=True)
        uvicorn.run(application, **common)
    else:
        # The workers are new processes; this one's connections would only sit idle.
        connections.close_all()
        print(
            f"smolny: serving on {where} with {args.workers} worker processes "
            "(API docs at /api/docs)",
            flush=True,
        )
        uvicorn.run("smolny.asgi:application", workers=args.workers, **common)
    return 0


def _event_loop() -> str:
    """uvloop where it installs (it does not build on Windows); asyncio's own loop otherwise."""
    import importlib.util

    return "uvloop" if importlib.util.find_spec("uvloop") is not None else "asyncio"


def _warn_about_hosts(host: str) -> None:
    """Say so when the server listens beyond this machine but answers only ``localhost``
    (the development default): browsers on other machines would see "Bad Request"."""
    import os

    if host in ("127.0.0.1", "localhost", "::1") or os.environ.get("SMOLNY_ALLOWED_HOSTS"):
        return
    print(
        f"smolny: listening on {host}, but answering only requests for localhost: set "
        "SMOLNY_ALLOWED_HOSTS to the names or addresses browsers use to reach this machine",
        flush=True,
    )


def _make_sqlite_directory() -> None:
    """Create the directory of an SQLite database file (SQLite creates the file, not its
    directory): on a fresh machine the default ``~/.local/share/smolny/`` does not exist."""
    from pathlib import Path

    from django.conf import settings

    database = settings.DATABASES["default"]
    name = str(database.get("NAME", ""))
    if database["ENGINE"].endswith("sqlite3") and name and name != ":memory:":
        Path(name).expanduser().parent.mkdir(parents=True, exist_ok=True)


def _never_migrated() -> bool:
    """Whether the database has never been migrated: the first run on it."""
    from django.db import connection
    from django.db.migrations.recorder import MigrationRecorder

    recorder = MigrationRecorder(connection)
    return not recorder.has_table() or not recorder.applied_migrations()


def _load_world(name: str) -> int:
    """Load the world *name* (first run), its progress on standard error and in the log;
    0, or the exit status of a failure."""
    import sys

    from smolny.councils.actions import ActionError
    from smolny.worlds import load_world
    from smolny.worlds.data import WorldMismatch
    from smolny.worlds.runner import manifest, terminal_progress

    title = manifest(name).title
    print(f"smolny: first run: loading the {title} world (--empty skips this)", flush=True)
    try:
        with terminal_progress(f"loading {name}") as progress:
            report = load_world(name, progress)
    except (ActionError, WorldMismatch) as error:
        return fail(Exception(f"the {title} world could not be loaded: {error}"))
    print(
        f"smolny: loaded {report.deputies} deputies and {report.votes} votes "
        f"in {report.steps} steps",
        file=sys.stdout,
        flush=True,
    )
    return 0
