"""Time one cast into the ballot box (smolny.councils.actions.ballot_box) by the vote's size.

Each cast opens every slot of the vote, fills one, and rewrites every slot (or, above
``FULL_REWRITE``, a bucket of that many) under new keys: its cost grows with the slots. This
times casts into votes of 1,000 and 10,000 slots, rewriting every slot, and the 10,000 and
100,000 slot votes in bucket mode (the default bucket of ``FULL_REWRITE`` slots), on a fresh
SQLite file or a throwaway PostgreSQL server. Wall clock, median of the casts timed.

The slots belong to a recall vote row that is not made (foreign keys are switched off for
the benchmark's connection): only the ballot table's writes and the sealing are timed.

Usage::

    python benchmarks/ballot_box.py                 # SQLite
    python benchmarks/ballot_box.py --db postgres   # a throwaway PostgreSQL server
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

CASES = (  # (slots, rewrite every slot?, casts timed)
    (1_000, True, 20),
    (10_000, True, 5),
    (10_000, False, 10),
    (100_000, False, 5),
)


@contextlib.contextmanager
def database(kind: str, scratch: Path) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{scratch / 'bench.sqlite3'}"
        return
    from smolny.testing.postgres import postgres_url

    with postgres_url() as url:
        yield url


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch, database(args.db, Path(scratch)) as url:
        os.environ["SMOLNY_DATABASE_URL"] = url
        os.environ["SMOLNY_KEY_FILE"] = str(Path(scratch) / "sealing_key")
        os.environ.setdefault("SMOLNY_SECRET_KEY", "benchmark-" + "x" * 50)
        os.environ["DJANGO_SETTINGS_MODULE"] = "smolny.settings"
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        from smolny.councils.actions import ballot_box
        from smolny.councils.models import RecallBallot, RecallVote
        from smolny.journal.actions import action_transaction

        call_command("migrate", verbosity=0)
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("PRAGMA foreign_keys = OFF")
            else:
                cursor.execute("SET session_replication_role = replica")
        print(f"ballot box, one cast, {connection.vendor}; median wall clock")
        print("| slots | rewritten per cast | casts timed | median per cast |")
        print("|---:|---:|---:|---:|")
        full = ballot_box.FULL_REWRITE
        for pk, (slots, every, casts) in enumerate(CASES, start=1):
            ballot_box.FULL_REWRITE = slots + casts + 1 if every else full
            box = ballot_box.Box(RecallBallot, "vote", RecallVote(pk=pk), width=32)
            with action_transaction(None):
                ballot_box.make_slots(box, slots)
            times = []
            for i in range(casts):
                start = time.perf_counter()
                with action_transaction(None):
                    ballot_box.cast(box, ["recall" if i % 2 else "keep"])
                times.append(time.perf_counter() - start)
            with action_transaction(None):
                opened = ballot_box.open_all(box)
            assert len(opened) == casts
            rewritten = slots if every else full
            print(
                f"| {slots:,} | {rewritten:,} | {casts} | "
                f"{statistics.median(times) * 1000:,.0f} ms |"
            )
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
