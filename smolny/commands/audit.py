"""``smolny audit``: check the journal, and take signed checkpoints of it.

``audit verify`` recomputes the journal's hash chain, checks that the journal still extends
each checkpoint given (``--checkpoint FILE``, repeatable), and checks the state tables
against the journal (:mod:`smolny.journal.state`). Exit status 0 when all hold; 1 listing
every finding (the first broken entry, the checkpoint no longer extended, each row that
disagrees with its entry); 2 when the database or a checkpoint cannot be read.

``audit checkpoint`` prints a checkpoint of the journal's head signed with the instance key
(:mod:`smolny.journal.checkpoint`), which the database does not hold; ``--output FILE``
writes it to a file instead.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from smolny.commands import fail


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "audit",
        help="check the journal; take signed checkpoints of it",
        description="Check the append-only journal of every change, and the state against it.",
    )
    actions = parser.add_subparsers(dest="audit_command", metavar="ACTION")
    verify = actions.add_parser(
        "verify",
        help="check the journal's chain, checkpoints and the state tables; exit 0 when intact",
        description="Recompute the journal's hash chain, check that it extends each "
        "checkpoint given, and check the state tables (votes, ballots, mandates, roles, "
        "petition signatures) against it. Exit 0 when all hold, 1 listing what does not, "
        "2 when the database or a checkpoint cannot be read.",
    )
    verify.add_argument("--db", metavar="URL", help="database URL (default: SMOLNY_DATABASE_URL)")
    verify.add_argument(
        "--checkpoint",
        metavar="FILE",
        action="append",
        default=[],
        type=Path,
        help="a checkpoint from `smolny audit checkpoint` (or the server's) the journal must "
        "extend; may be given more than once",
    )
    verify.add_argument(
        "--chain-only",
        action="store_true",
        help="check the chain and checkpoints only, not the state tables",
    )
    verify.set_defaults(handler=run_verify)
    checkpoint = actions.add_parser(
        "checkpoint",
        help="print a signed checkpoint of the journal's head",
        description="Print a checkpoint (sequence number, head hash, time) signed with the "
        "instance key (SMOLNY_INSTANCE_KEY_FILE, or instance_key in the data directory, made "
        "on first use). Keep it apart from the database; `audit verify --checkpoint FILE` "
        "then shows any rewrite of the journal up to it.",
    )
    checkpoint.add_argument(
        "--db", metavar="URL", help="database URL (default: SMOLNY_DATABASE_URL)"
    )
    checkpoint.add_argument(
        "--output", metavar="FILE", type=Path, help="write it to FILE instead of printing it"
    )
    checkpoint.set_defaults(handler=run_checkpoint)
    parser.set_defaults(handler=lambda args: (parser.print_help(), 2)[1])


def run_verify(args: argparse.Namespace) -> int:
    from smolny.journal.checkpoint import CheckpointError, read

    try:
        checkpoints = [read(path) for path in args.checkpoint]
    except CheckpointError as error:
        return fail(error)
    from smolny.commands import setup_django
    from smolny.dburl import DatabaseURLError

    try:
        setup_django(args.db)
    except DatabaseURLError as error:
        return fail(error)
    import os

    from django.db import DatabaseError

    from smolny.journal.audit import audit

    try:
        # A long journal is walked by a process per core (up to 4), each a run of entries.
        processes = min(os.cpu_count() or 1, 4)
        report = audit(checkpoints, state=not args.chain_only, processes=processes)
    except DatabaseError as error:
        return fail(Exception(f"cannot read the journal: {error}".strip()))
    except CheckpointError as error:  # this installation's key file cannot be read
        return fail(error)
    if not report.ok:
        findings = report.findings()
        print(f"BROKEN: {len(findings)} finding(s)")
        for finding in findings:
            print(f"  {finding}")
        if report.chain is not None:
            print(f"({report.entries} entries before the break are intact)")
        return 1
    extended = f", extends {len(checkpoints)} checkpoint(s)" if checkpoints else ""
    state = "" if args.chain_only else ", state tables agree"
    print(f"OK: {report.entries} journal entries, chain intact{extended}{state}")
    return 0


def run_checkpoint(args: argparse.Namespace) -> int:
    from smolny.commands import setup_django
    from smolny.dburl import DatabaseURLError

    try:
        setup_django(args.db)
    except DatabaseURLError as error:
        return fail(error)
    from django.db import DatabaseError

    from smolny.journal.checkpoint import CheckpointError, take

    try:
        checkpoint = take()
    except DatabaseError as error:
        return fail(Exception(f"cannot read the journal: {error}".strip()))
    except CheckpointError as error:
        return fail(error)
    if args.output is None:
        sys.stdout.write(checkpoint.to_json())
        return 0
    try:
        args.output.write_text(checkpoint.to_json(), encoding="utf-8")
    except OSError as error:
        return fail(Exception(f"cannot write {args.output}: {error.strerror or error}"))
    print(f"checkpoint of entry {checkpoint.seq} written to {args.output}", file=sys.stderr)
    return 0
