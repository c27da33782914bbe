"""Benchmark: ``smolny audit verify`` on a journal of 1,000,000 entries.

A fresh database is migrated and filled with one organisation and N valid chained journal
entries, hashed with the journal's own :func:`smolny.journal.chain.entry_hash` and written
with :func:`smolny.councils.bulk.insert_rows` (COPY on PostgreSQL), in chunks; the head is
set to the last. The entries are speakers' list requests (``request_to_speak``, a payload of
about 150 bytes naming the organisation, as an action's would): a kind the state checks do
not read, so the figure is the chain's cost plus the state checks' scans of their tables
(empty here). Then the real command is timed as a child process, from start to exit:

- ``smolny audit verify --db URL --checkpoint FILE`` (chain, a checkpoint, state tables);
- ``smolny audit verify --db URL --chain-only``.

    .venv/bin/python benchmarks/audit.py [--entries N] [--runs R] [--postgres | --postgres-only]
                                         [--no-write]

The figures go to the "Audit verify" section of benchmarks/RESULTS.md, between its BEGIN
and END markers, unless --no-write is given (with --postgres, both databases are measured).
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._results import write_section  # noqa: E402

BEGIN = "<!-- BEGIN audit (written by benchmarks/audit.py) -->"
END = "<!-- END audit -->"
CHUNK = 100_000


def child_env(key_file: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SMOLNY_", "DJANGO_"))}
    env["SMOLNY_INSTANCE_KEY_FILE"] = str(key_file)
    env["SMOLNY_KEY_FILE"] = str(key_file.with_name("sealing_key"))
    return env


def smolny(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "smolny", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=3600,
    )


def fill(url: str, entries: int) -> float:
    """Migrate the database at *url* and write *entries* chained entries; seconds taken."""
    os.environ["SMOLNY_DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smolny.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from smolny.councils.bulk import insert_rows
    from smolny.councils.models import JournalEntry, JournalHead, Organisation
    from smolny.journal.chain import GENESIS, canonical_json, entry_hash

    call_command("migrate", interactive=False, verbosity=0)
    start = time.perf_counter()
    organisation = Organisation.objects.create(
        name="Benchmark soviet", created_at=datetime(1917, 3, 1, tzinfo=UTC)
    )
    first = datetime(2026, 1, 1, tzinfo=UTC)
    state = {"prev": GENESIS}

    def rows(lo: int, hi: int) -> Iterator[tuple[object, ...]]:
        for seq in range(lo, hi):
            time_ = first + timedelta(milliseconds=seq)
            payload = canonical_json(
                {
                    "at": time_.isoformat(timespec="microseconds"),
                    "organisation": organisation.pk,
                    "item": 1 + seq // 1000,
                    "member": f"PW-{seq % 100_000:05d}",
                    "fraction": "Bolsheviks",
                    "point_of_order": False,
                }
            )
            actor = "user:7:secretary"
            digest = entry_hash(state["prev"], seq, time_, actor, "request_to_speak", payload)
            yield (
                seq,
                time_,
                actor,
                "request_to_speak",
                payload,
                state["prev"],
                digest,
                organisation.pk,
            )
            state["prev"] = digest

    columns = ("seq", "time", "actor", "action", "payload", "prev_hash", "hash", "organisation_id")
    for lo in range(1, entries + 1, CHUNK):
        with transaction.atomic():
            insert_rows(JournalEntry, columns, rows(lo, min(lo + CHUNK, entries + 1)))
    JournalHead.objects.create(pk=1, seq=entries, hash=state["prev"])
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {JournalEntry._meta.db_table}")
    connection.close()
    return time.perf_counter() - start


def measure(url: str, entries: int, runs: int, work: Path) -> dict[str, object]:
    filled = fill(url, entries)
    env = child_env(work / "instance_key")
    checkpoint = work / "checkpoint.json"
    taken = smolny(env, "audit", "checkpoint", "--db", url, "--output", str(checkpoint))
    assert taken.returncode == 0, taken.stderr
    figures: dict[str, object] = {"fill": filled}
    for label, args in (
        ("full", ["--checkpoint", str(checkpoint)]),
        ("chain", ["--chain-only"]),
    ):
        times, cpu = [], []
        for _ in range(runs):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            began = time.perf_counter()
            done = smolny(env, "audit", "verify", "--db", url, *args)
            times.append(time.perf_counter() - began)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
            assert done.returncode == 0, done.stdout + done.stderr
            assert f"OK: {entries} journal entries" in done.stdout, done.stdout
        figures[label] = statistics.median(times)
        figures[f"{label}_cpu"] = statistics.median(cpu)
        figures[f"{label}_out"] = done.stdout.strip()
    figures["baseline"], figures["baseline_cpu"] = baseline_walk(entries)
    return figures


def baseline_walk(entries: int) -> tuple[float, float]:
    """The chain walked as before issue 20 (the ORM's rows, :func:`check_chain`), once, in
    this process: the baseline measured in the same run (wall and CPU seconds)."""
    from smolny.councils.models import JournalEntry
    from smolny.journal.chain import ENTRY_FIELDS, check_chain

    began, cpu = time.perf_counter(), time.process_time()
    rows = (
        JournalEntry.objects.order_by("seq")
        .values_list(*ENTRY_FIELDS, named=True)
        .iterator(chunk_size=5000)
    )
    checked, broken = check_chain(rows)
    assert (checked, broken) == (entries, None)
    return time.perf_counter() - began, time.process_time() - cpu


def run_on(backend: str, entries: int, runs: int) -> dict[str, object]:
    with ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="smolny-audit-")))
        if backend == "sqlite":
            url = f"sqlite:///{work / 'audit.sqlite3'}"
        else:
            from smolny.testing.postgres import postgres_url

            url = stack.enter_context(postgres_url())
        # each backend in a process of its own: Django is set up once per process
        script = (
            f"import json, sys; sys.path.insert(0, {str(ROOT)!r}); import benchmarks.audit as b; "
            f"print(json.dumps(b.measure({url!r}, {entries}, {runs}, "
            f"__import__('pathlib').Path({str(work)!r}))))"
        )
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SMOLNY_", "DJANGO_"))}
        env["SMOLNY_KEY_FILE"] = str(work / "sealing_key")
        done = subprocess.run(
            [sys.executable, "-c", script], env=env, cwd=ROOT, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        import json

        result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
        return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--postgres", action="store_true", help="measure PostgreSQL too")
    parser.add_argument(
        "--postgres-only", action="store_true", help="measure PostgreSQL alone (print only)"
    )
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    backends = ["sqlite", "postgres"] if args.postgres else ["sqlite"]
    if args.postgres_only:
        backends, args.no_write = ["postgres"], True
    results = {b: run_on(b, args.entries, args.runs) for b in backends}
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    machine = f"{os.cpu_count()} cores ({platform.machine()}, Python {platform.python_version()})"
    names = {"sqlite": "SQLite", "postgres": "PostgreSQL (throwaway server, fsync off)"}
    lines = [
        BEGIN,
        "## Audit verify",
        "",
        f"`python benchmarks/audit.py --entries {args.entries} --runs {args.runs}"
        f"{' --postgres' if args.postgres else ''}` — {when}, {machine}; the machine was "
        "shared with other work while measured (hence the CPU time, user and system, beside the "
        "wall time). Each figure is the median of the runs of the command as a child "
        "process, from start to exit, on a journal of "
        f"{args.entries:,} valid chained entries (speakers' list requests, written in bulk "
        "with the journal's own hash function).",
        "",
        "| database | entries | `audit verify --checkpoint FILE` (chain, checkpoint, state "
        "tables): wall / CPU | `audit verify --chain-only`: wall / CPU | baseline: the chain "
        "walked as before (ORM rows, `check_chain`), in process: wall / CPU | writing the "
        "entries |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for backend, figures in results.items():
        lines.append(
            f"| {names[backend]} | {args.entries:,} | {figures['full']:.1f} s / "
            f"{figures['full_cpu']:.1f} s | {figures['chain']:.1f} s / "
            f"{figures['chain_cpu']:.1f} s | {figures['baseline']:.1f} s / "
            f"{figures['baseline_cpu']:.1f} s | {figures['fill']:.1f} s |"
        )
    lines += [
        "",
        "The state tables are empty here (the entries are of a kind the state checks do not "
        "read), so their share is small: the chain's walk gathers the entries they read as "
        "it goes, and the journal is read once. A journal this long is walked in "
        f"{min(os.cpu_count() or 1, 4)} processes here (one per core, up to 4: "
        "smolny/journal/chain.py, `verify_journal`), each a run of consecutive entries; the "
        "CPU time is all of them together. Targets (issue 20): under 10 s: "
        + "; ".join(
            f"{names[b]} {f['full']:.1f} s, " + ("met" if f["full"] < 10 else "NOT met")
            for b, f in results.items()
        )
        + ".",
        END,
    ]
    text = "\n".join(lines)
    print(text)
    if args.no_write:
        return
    write_section(text, BEGIN, END)


if __name__ == "__main__":
    main()
