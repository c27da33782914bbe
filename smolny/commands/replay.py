"""``smolny replay NAME``: the loaded world's chronological account, with computed outcomes.

Dual dates, bodies, questions, tallies, the engine's outcome beside history's, composition
changes, the March 1917 malapportionment; as text, or JSON with ``--json``. Exit 0 when
every recorded vote agrees with history, 1 when one does not, 2 when the world is not loaded
or the database cannot be used.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from smolny.commands import fail

WORLDS = ("petrograd-1917",)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "replay",
        help="chronological account of a loaded world, with computed outcomes",
        description="Print the chronological account of a loaded world: dual dates, body, "
        "question, tallies, the engine's outcome beside history's, composition changes.",
    )
    parser.add_argument("name", metavar="NAME", help="the world: " + ", ".join(WORLDS))
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--db", metavar="URL", help="database URL (default: SMOLNY_DATABASE_URL)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if args.name not in WORLDS:
        return fail(Exception(f"world {args.name!r}: use one of {', '.join(WORLDS)}"))
    from smolny.commands import setup_django
    from smolny.dburl import DatabaseURLError

    try:
        setup_django(args.db)
    except DatabaseURLError as error:
        return fail(error)
    from django.db import DatabaseError

    from smolny.worlds.replay import NotLoaded, build_replay, render_text

    try:
        replay = build_replay()
    except NotLoaded as error:
        return fail(error)
    except DatabaseError as error:
        return fail(Exception(f"cannot read the database: {error}".strip()))
    if args.json:
        print(json.dumps(replay, ensure_ascii=False, indent=2))
    else:
        print(render_text(replay), end="")
    return 0 if replay["all_votes_agree"] else 1
