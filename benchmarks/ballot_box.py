"""Time one cast into the ballot box (smolny.councils.actions.ballot_box) by the vote's size.

Each cast reads k boxes of the vote (a random range on the ``(vote, key)`` index), deletes
them and writes them again with the new ballot's box under new keys: its cost should not
grow with the vote. This times casts into votes already holding 1,000, 10,000 and 100,000
boxes, for k = 64 (the default) and k = 128, on a fresh SQLite file or a throwaway PostgreSQL
server. Wall clock, median of the casts timed, each cast in its own action transaction (the
journal lock and the commit included, the journal entry not).

The boxes belong to recall vote rows that are not made (foreign keys are switched off for
the benchmark's connection): only the ballot table's reads and writes and the sealing are
timed. Other votes' boxes lie in the same table, as they would in a real installation.

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

SIZES = (1_000, 10_000, 100_000)
BUCKETS = (64, 128)
CASTS = 50


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
        from django.test import override_settings

        print(f"ballot box, one cast, {connection.vendor}; median wall clock of {CASTS} casts")
        print("| boxes in the vote | k | rows read | rows written | median per cast |")
        print("|---:|---:|---:|---:|---:|")
        for pk, size in enumerate(SIZES, start=1):
            box = ballot_box.Box(RecallBallot, "vote", RecallVote(pk=pk), width=32)
            aead = box._aead()
            for done in range(0, size, 10_000):
                with action_transaction(None):
                    box._write(aead, ([] for _ in range(min(10_000, size - done))))
            for k in BUCKETS:
                times = []
                with override_settings(SMOLNY_BALLOT_BUCKET=k):
                    for i in range(CASTS):
                        start = time.perf_counter()
                        with action_transaction(None):
                            ballot_box.cast(box, ["recall" if i % 2 else "keep"])
                        times.append(time.perf_counter() - start)
                print(
                    f"| {size:,} | {k} | {k} | {k + 1} | "
                    f"{statistics.median(times) * 1000:,.1f} ms |"
                )
                sys.stdout.flush()
            with action_transaction(None):
                opened = ballot_box.open_all(box)
            assert len(opened) == CASTS * len(BUCKETS)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
