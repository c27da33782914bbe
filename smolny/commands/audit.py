"""``smolny audit verify``: recompute the journal's hash chain.

Exit status 0 when every entry's hash and link hold; 1 naming the first broken entry
(altered, or missing); 2 when the database cannot be used.
"""

from __future__ import annotations

import argparse
from typing import Any

from smolny.commands import fail


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "audit",
        help="check the journal",
        description="Check the append-only journal of every change.",
    )
    actions = parser.add_subparsers(dest="audit_command", metavar="ACTION")
    verify = actions.add_parser(
        "verify",
        help="recompute the journal's hash chain; exit 0 when intact",
        description="Recompute the journal's hash chain. Exit 0 when intact, 1 naming the "
        "first broken entry, 2 when the database cannot be read.",
    )
    verify.add_argument("--db", metavar="URL", help="database URL (default: SMOLNY_DATABASE_URL)")
    verify.set_defaults(handler=run_verify)
    parser.set_defaults(handler=lambda args: (parser.print_help(), 2)[1])


def run_verify(args: argparse.Namespace) -> int:
    from smolny.commands import setup_django
    from smolny.dburl import DatabaseURLError

    try:
        setup_django(args.db)
    except DatabaseURLError as error:
        return fail(error)
    from django.db import DatabaseError

    from smolny.journal.chain import verify_journal

    try:
        checked, broken = verify_journal()
    except DatabaseError as error:
        return fail(Exception(f"cannot read the journal: {error}".strip()))
    if broken is not None:
        print(f"BROKEN: {broken} ({checked} entries before it are intact)")
        return 1
    print(f"OK: {checked} journal entries, chain intact")
    return 0
