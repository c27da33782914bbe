"""``smolny serve``: run the web application and the HTTP API under uvicorn (ASGI).

One process serves everything, static files included (Django's own
``ASGIStaticFilesHandler``, so the admin and the API docs work without ``collectstatic`` or a
separate web server). Before serving it applies any migrations the database lacks, so a fresh
machine needs no configuration: the default database is SQLite in the user's data directory.
"""

from __future__ import annotations

import argparse
from typing import Any

from smolny.commands import fail

DESCRIPTION = """\
Serve Smolny over HTTP: the API under /api/ (docs at /api/docs, schema at
/api/openapi.json) and the admin under /admin/. The database is migrated first (created if
it does not exist). Loading the Petrograd 1917 world on first run is not built yet: today
every first run starts with an empty database, with or without --empty; --empty is accepted
now so that scripts using it keep working when the world loader arrives.
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
        "--empty",
        action="store_true",
        help="start with an empty database (today the only behaviour; see above)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if not 0 < args.port < 65536:
        return fail(Exception(f"--port {args.port}: use a port between 1 and 65535"))
    from smolny.commands import setup_django
    from smolny.dburl import DatabaseURLError

    try:
        setup_django(args.db)
    except DatabaseURLError as error:
        return fail(error)
    from django.core.management import call_command
    from django.db import DatabaseError

    try:
        _make_sqlite_directory()
        call_command("migrate", interactive=False, verbosity=0)
    except (DatabaseError, OSError) as error:
        return fail(Exception(f"cannot prepare the database: {error}".strip()))
    import uvicorn
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
    from django.core.asgi import get_asgi_application

    application = ASGIStaticFilesHandler(get_asgi_application())
    print(f"smolny: serving on http://{args.host}:{args.port}/ (API docs at /api/docs)", flush=True)
    uvicorn.run(application, host=args.host, port=args.port, log_level="warning", lifespan="off")
    return 0


def _make_sqlite_directory() -> None:
    """Create the directory of an SQLite database file (SQLite creates the file, not its
    directory): on a fresh machine the default ``~/.local/share/smolny/`` does not exist."""
    from pathlib import Path

    from django.conf import settings

    database = settings.DATABASES["default"]
    name = str(database.get("NAME", ""))
    if database["ENGINE"].endswith("sqlite3") and name and name != ":memory:":
        Path(name).expanduser().parent.mkdir(parents=True, exist_ok=True)
