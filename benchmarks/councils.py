"""Benchmark: a large federation on PostgreSQL through the actions.

Steps, each timed: start a throwaway PostgreSQL server, migrate, create the council with its
10,000 constituencies, write a roll of 1,000,000 members (a CSV file, generated with a fixed
seed), import it (``import_roll``: every line checked, then COPY), apportion 2,000 seats
(``apportion_council``: counting the rolls and Sainte-Laguë), and verify the journal.
Targets (issue 4): the import under 60 s, the apportionment under 1 s.

    .venv/bin/python benchmarks/councils.py [--members N] [--constituencies N] [--seats N]
        [--no-write]

The figures go to the "Councils" section of benchmarks/RESULTS.md, between its BEGIN and END
markers (other sections are left alone), unless --no-write is given.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
SECTION = "## Councils"
BEGIN = "<!-- BEGIN councils (written by benchmarks/councils.py) -->"
END = "<!-- END councils -->"


def roll_file(path: Path, members: int, constituencies: int, seed: int = 1917) -> None:
    """Write a roll: members spread unevenly (sizes drawn from a skewed distribution)."""
    rng = random.Random(seed)
    weights = [rng.paretovariate(1.5) for _ in range(constituencies)]
    total = sum(weights)
    sizes = [max(1, int(members * w / total)) for w in weights]
    sizes[0] += members - sum(sizes)
    if sizes[0] < 1:  # pragma: no cover - only for absurd arguments
        raise SystemExit("too few members for that many constituencies")
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("member_id,name,constituency\n")
        n = 0
        for c, size in enumerate(sizes):
            for _ in range(size):
                n += 1
                out.write(f"M{n:08d},Member {n},Branch {c:05d}\n")


def counted(lines: Iterator[str], progress: Progress, task: object, every: int) -> Iterator[str]:
    for i, line in enumerate(lines, start=1):
        if i % every == 0:
            progress.advance(task, every)  # type: ignore[arg-type]
        yield line


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--constituencies", type=int, default=10_000)
    parser.add_argument("--seats", type=int, default=2_000)
    parser.add_argument("--no-write", action="store_true", help="do not update RESULTS.md")
    args = parser.parse_args(argv)
    console = Console()
    timings: list[tuple[str, float]] = []

    from smolny.testing.postgres import ThrowawayPostgres

    with (
        Progress(
            TextColumn("{task.description:<38}"),
            BarColumn(),
            TextColumn("{task.completed:>9,.0f}/{task.total:<9,.0f}"),
            TimeElapsedColumn(),
            console=console,
        ) as progress,
        tempfile.TemporaryDirectory(prefix="smolny-bench-") as tmp,
    ):

        def step(name: str, total: float = 1) -> tuple[object, float]:
            return progress.add_task(name, total=total), time.perf_counter()

        def done(name: str, task: object, started: float) -> float:
            elapsed = time.perf_counter() - started
            progress.update(task, completed=progress.tasks[task].total)  # type: ignore[index,arg-type]
            progress.update(task, description=f"{name} ({elapsed:.2f} s)")  # type: ignore[arg-type]
            timings.append((name, elapsed))
            return elapsed

        task, t0 = step("start PostgreSQL")
        server = ThrowawayPostgres().start()
        try:
            done("start PostgreSQL", task, t0)
            os.environ["SMOLNY_DATABASE_URL"] = server.url
            from smolny.commands import setup_django

            setup_django(server.url)
            from django.core.management import call_command

            task, t0 = step("migrate")
            call_command("migrate", verbosity=0)
            done("migrate", task, t0)

            from smolny.councils import actions
            from smolny.councils.models import ApportionedSeats
            from smolny.journal.chain import verify_journal

            at = datetime(1917, 3, 1, 12, tzinfo=UTC)
            name = f"create {args.constituencies:,} constituencies"
            task, t0 = step(name)
            organisation = actions.create_organisation(actions.SYSTEM, "Federation", at=at)
            council = actions.create_council(actions.SYSTEM, organisation, "Congress", at=at)
            actions.set_representation_rule(
                actions.SYSTEM, council, house_size=args.seats, method="sainte-lague", at=at
            )
            actions.create_constituencies(
                actions.SYSTEM,
                council,
                [f"Branch {c:05d}" for c in range(args.constituencies)],
                at=at,
            )
            done(name, task, t0)

            path = Path(tmp) / "roll.csv"
            name = f"write a roll of {args.members:,} members"
            task, t0 = step(name)
            roll_file(path, args.members, args.constituencies)
            done(name, task, t0)

            name = f"import {args.members:,} members"
            task, t0 = step(name, total=args.members)
            with path.open(encoding="utf-8", newline="") as lines:
                result = actions.import_roll(
                    actions.SYSTEM,
                    council,
                    counted(lines, progress, task, 10_000),
                    source=str(path.name),
                    at=at,
                )
            import_time = done(name, task, t0)
            assert result.members == args.members

            name = f"apportion {args.seats:,} seats"
            task, t0 = step(name)
            apportionment = actions.apportion_council(actions.SYSTEM, council, tie_seed=1917, at=at)
            apportion_time = done(name, task, t0)
            given = sum(
                ApportionedSeats.objects.filter(apportionment=apportionment).values_list(
                    "seats", flat=True
                )
            )
            assert given == args.seats, given

            name = "verify the journal"
            task, t0 = step(name)
            _, broken = verify_journal()
            assert broken is None
            done(name, task, t0)
        finally:
            from django.db import connections

            connections.close_all()
            server.stop()

    table = Table(title="Councils benchmark (PostgreSQL)")
    table.add_column("step")
    table.add_column("seconds", justify="right")
    for name, seconds in timings:
        table.add_row(name, f"{seconds:.2f}")
    console.print(table)
    verdict = (
        f"import {'under' if import_time < 60 else 'OVER'} 60 s, "
        f"apportionment {'under' if apportion_time < 1 else 'OVER'} 1 s"
    )
    console.print(verdict)
    if not args.no_write:
        write_results(args, timings, verdict)
    return 0


def write_results(args: argparse.Namespace, timings: list[tuple[str, float]], verdict: str) -> None:
    command = "python benchmarks/councils.py"
    if (args.members, args.constituencies, args.seats) != (1_000_000, 10_000, 2_000):
        command += f" --members {args.members} --constituencies {args.constituencies} "
        command += f"--seats {args.seats}"
    lines = [
        SECTION,
        "",
        f"`{command}` — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, "
        f"{os.cpu_count()} cores ({platform.machine()}, Python {platform.python_version()}), "
        "throwaway PostgreSQL (fsync off), through the actions; the machine was shared with "
        "other work while measured.",
        "",
        "| step | seconds |",
        "|---|---:|",
        *[f"| {name} | {seconds:.2f} |" for name, seconds in timings],
        "",
        f"Targets (issue 4): import under 60 s, apportionment under 1 s — {verdict}.",
        "",
    ]
    block = "\n".join([BEGIN, *lines, END])
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    start, end = text.find(BEGIN), text.find(END)
    if start != -1 and end > start:
        text = text[:start] + block + text[end + len(END) :]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    RESULTS.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    raise SystemExit(main())
