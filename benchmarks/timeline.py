"""Benchmark: the timeline and federation pages on the Petrograd 1917 world (SQLite).

The world is loaded into a fresh SQLite file (``smolny world load``, not timed here: see
benchmarks/world.py), then the pages are requested in process through Django's test client,
signed in, so the figures are the server's work (queries, charts, templates) without the
network: the timeline's htmx part (what one move of the slider costs) and whole page on days
spread over 1917, the directives list and a congress page. Each figure is the median and the
worst of the runs, with the size of the answer.

    .venv/bin/python benchmarks/timeline.py [--runs N] [--db sqlite:///PATH] [--no-write]

With ``--db`` an already loaded database is used. The figures go to the "Timeline" section of
benchmarks/RESULTS.md, between its BEGIN and END markers, unless --no-write is given.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
BEGIN = "<!-- BEGIN timeline (written by benchmarks/timeline.py) -->"
END = "<!-- END timeline -->"

DAYS = ("1917-03-01", "1917-04-21", "1917-06-10", "1917-09-09", "1917-10-25", "1917-12-31")
"""Old Style days: the Soviet's first week, the April crisis, the June congress, the fall of
the presidium, the Second Congress, the year's end (every congress of the year met)."""


def load(url: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SMOLNY_", "DJANGO_"))}
    subprocess.run(
        [sys.executable, "-m", "smolny", "world", "load", "petrograd-1917", "--db", url],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=600,
    )


def timed(client: object, path: str, runs: int, **headers: str) -> tuple[float, float, int]:
    """(median ms, worst ms, bytes) of *runs* GETs of *path*, after one unmeasured warm-up."""
    get = client.get  # type: ignore[attr-defined]
    answer = get(path, headers=headers)
    assert answer.status_code == 200, (path, answer.status_code)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        answer = get(path, headers=headers)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times), len(answer.content)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--db", help="an already loaded database (sqlite:///PATH)")
    parser.add_argument("--no-write", action="store_true", help="do not update RESULTS.md")
    args = parser.parse_args()
    directory = tempfile.mkdtemp(prefix="smolny-timeline-bench-")
    url = args.db or f"sqlite:///{directory}/world.sqlite3"
    if not args.db:
        load(url)
    os.environ["SMOLNY_DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "smolny.settings"
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client

    from smolny.councils.models import Council, Organisation

    organisation = Organisation.objects.get(name="Soviets of Russia, 1917")
    congress = Council.objects.get(name="Second All-Russian Congress of Soviets")
    user = get_user_model().objects.create_user(f"bench-{time.time_ns()}", password="x")
    client = Client()
    client.force_login(user)
    page = f"/o/{organisation.pk}/timeline/"
    rows = []
    for day in DAYS:
        part = timed(client, f"{page}?date={day}", args.runs, HX_Request="true")
        whole = timed(client, f"{page}?date={day}", args.runs)
        rows.append((f"timeline {day}", part, whole))
    others = [
        ("directives list", timed(client, f"/o/{organisation.pk}/directives/", args.runs)),
        (
            "Second Congress page",
            timed(client, f"/o/{organisation.pk}/congresses/{congress.pk}/", args.runs),
        ),
        ("home page with the tour", timed(client, "/", args.runs)),
    ]
    lines = [
        "## Timeline",
        "",
        f"`python benchmarks/timeline.py --runs {args.runs}` — "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores "
        f"({platform.machine()}, Python {platform.python_version()}); the Petrograd 1917 "
        "world on SQLite, pages requested in process through Django's test client (signed in; "
        "no network), median and worst of the runs after a warm-up; the machine was shared "
        "with other work while measured.",
        "",
        "| page (Old Style day) | htmx part: median / worst (ms) | size (kB) "
        "| whole page: median / worst (ms) | size (kB) |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, part, whole in rows:
        lines.append(
            f"| {name} | {part[0]:.0f} / {part[1]:.0f} | {part[2] / 1000:.0f} "
            f"| {whole[0]:.0f} / {whole[1]:.0f} | {whole[2] / 1000:.0f} |"
        )
    lines += ["", "| page | median / worst (ms) | size (kB) |", "|---|---:|---:|"]
    for name, (median, worst, size) in others:
        lines.append(f"| {name} | {median:.0f} / {worst:.0f} | {size / 1000:.0f} |")
    print("\n".join(lines))
    if not args.no_write:
        block = "\n".join([BEGIN, *lines, END])
        text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
        start, end = text.find(BEGIN), text.find(END)
        if start >= 0 and end > start:
            text = text[:start] + block + text[end + len(END) :]
        else:
            text = text.rstrip("\n") + "\n\n" + block + "\n"
        RESULTS.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
