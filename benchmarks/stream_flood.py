"""Flood the server with anonymous event streams; time ``/api/health`` and watch memory.

Issue 17 (item 8) found that 3,000 anonymous streams stalled ``/api/health`` for 15 s and
that the memory was not given back. This starts ``smolny serve`` on a fresh SQLite file (one
process, the default caps: 50 streams per address, 1,000 anonymous per process), then opens
``--streams`` connections to ``GET /live/probe:flood`` from ``--addresses`` loopback
addresses (127.0.0.1, 127.0.0.2, ...; Linux routes all of 127/8 to loopback), all at once
(raw asyncio streams, each reading its status line). While they are held, ``/api/health`` is
asked ``--probes`` times; then every connection is closed and, after a few seconds, the
server's resident memory is read again (``/proc/<pid>/status``).

Usage::

    python benchmarks/stream_flood.py [--streams 3000 5000] [--addresses 60] [--probes 100]
        [--write]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks._results import write_section  # noqa: E402
from tests.e2e.conftest import start_sqlite_server  # noqa: E402


def rss_kib(pid: int) -> int:
    """The resident memory of the server process and its children, in KiB."""
    total = 0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    for p in pids:
        for line in Path(f"/proc/{p}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total


async def open_stream(host: str, port: int, source: str) -> tuple[int, asyncio.StreamWriter]:
    reader, writer = await asyncio.open_connection(host, port, local_addr=(source, 0))
    writer.write(
        b"GET /live/probe:flood HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n"
    )
    await writer.drain()
    status_line = await reader.readline()
    return int(status_line.split()[1]), writer


PROBER = """
import sys, time, urllib.request
base, probes = sys.argv[1], int(sys.argv[2])
for _ in range(probes):
    start = time.perf_counter()
    with urllib.request.urlopen(base + "/api/health", timeout=30) as answer:
        assert answer.status == 200, answer.status
        answer.read()
    print(time.perf_counter() - start, flush=True)
    time.sleep(0.05)
"""


async def health(base: str, probes: int) -> list[float]:
    """Time ``/api/health`` *probes* times, one at a time, from a process of its own (so
    that the flood's own client, busy with thousands of sockets, does not delay the probe)."""
    prober = await asyncio.create_subprocess_exec(
        sys.executable, "-c", PROBER, base, str(probes), stdout=asyncio.subprocess.PIPE
    )
    out, _ = await prober.communicate()
    assert prober.returncode == 0, "a health probe failed"
    return [float(line) for line in out.split()]


async def flood(
    base: str, streams: int, addresses: int, probes: int, pid: int
) -> dict[str, object]:
    host, port = base.removeprefix("http://").split(":")
    sources = [f"127.0.0.{1 + n % addresses}" for n in range(streams)]
    started = time.perf_counter()
    opening = [asyncio.create_task(open_stream(host, int(port), s)) for s in sources]
    during = asyncio.create_task(health(base, probes))
    results = await asyncio.gather(*opening, return_exceptions=True)
    answered = time.perf_counter() - started
    times = await during
    held = [r for r in results if isinstance(r, tuple)]
    statuses: dict[str, int] = {}
    for r in results:
        key = str(r[0]) if isinstance(r, tuple) else type(r).__name__
        statuses[key] = statuses.get(key, 0) + 1
    memory = rss_kib(pid)
    for _, writer in held:
        writer.close()
    return {
        "statuses": statuses,
        "all answered in s": round(answered, 2),
        "health": times,
        "memory": memory,
    }


def percentile(times: list[float], q: float) -> float:
    """The *q* quantile by nearest rank, in milliseconds."""
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))] * 1000


async def idle_health(base: str, probes: int) -> list[float]:
    return await health(base, probes)


def one_run(streams: int, addresses: int, probes: int) -> dict[str, object]:
    """A fresh server: /api/health idle (the baseline), then flooded; memory around it."""
    with tempfile.TemporaryDirectory() as directory:
        server = start_sqlite_server(Path(directory))
        try:
            pid = server.process.pid
            idle = asyncio.run(idle_health(server.base, probes))
            before = rss_kib(pid)
            result = asyncio.run(flood(server.base, streams, addresses, probes, pid))
            time.sleep(5)
            after = rss_kib(pid)
        finally:
            server.stop()
    times: list[float] = result["health"]  # type: ignore[assignment]
    return {
        "streams": streams,
        "addresses": addresses,
        "statuses": result["statuses"],
        "answered": result["all answered in s"],
        "idle": (percentile(idle, 0.5), percentile(idle, 0.99)),
        "flooded": (percentile(times, 0.5), percentile(times, 0.99), max(times) * 1000),
        "probes": len(times),
        "memory": (before // 1024, int(result["memory"]) // 1024, after // 1024),  # type: ignore[call-overload]
    }


BEGIN = "<!-- BEGIN stream-flood (written by benchmarks/stream_flood.py) -->"
END = "<!-- END stream-flood -->"


def write(runs: list[dict[str, object]], command: str) -> None:
    import os
    import platform

    rows = []
    for r in runs:
        statuses = ", ".join(f"{n} {k}" for k, n in sorted(r["statuses"].items()))  # type: ignore[attr-defined]
        idle, flooded, memory = r["idle"], r["flooded"], r["memory"]
        rows.append(
            f"| {r['streams']:,} from {r['addresses']} addresses | {statuses} | {r['answered']} s "
            f"| {idle[0]:.0f} / {idle[1]:.0f} ms "  # type: ignore[index]
            f"| {flooded[0]:.0f} / {flooded[1]:.0f} / {flooded[2]:.0f} ms "  # type: ignore[index]
            f"| {memory[0]} → {memory[1]} → {memory[2]} MiB |"  # type: ignore[index]
        )
    section = "\n".join(
        [
            BEGIN,
            "## Live: a flood of anonymous event streams",
            "",
            f"- date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
            f"- machine: {os.cpu_count()} cores, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}; clients on the same machine (loopback), "
            f"shared with other work (load average {os.getloadavg()[0]:.1f} at the end)",
            f"- command: `{command}`",
            "- server: `smolny serve` on SQLite, one process, the default caps (50 streams per "
            "address, 1,000 anonymous per process); each run on a fresh server. The baseline is "
            f"`/api/health` on the same server before the flood ({runs[0]['probes']} probes, "
            "one at a time, 50 ms apart), then the same while the streams connect and are held "
            "(targets, issues 17 and 20: p99 under 100 ms; memory given back).",
            "",
            "| stream attempts | answers | all answered | health idle p50 / p99 "
            "| health flooded p50 / p99 / max | server memory before → held → 5 s after |",
            "|---|---|---:|---:|---:|---:|",
            *rows,
            "",
            *(
                f"- Target (issue 20): /api/health p99 under 100 ms beside {r['streams']:,} "
                f"stream attempts: {r['flooded'][1]:.0f} ms, "  # type: ignore[index]
                f"{'met' if r['flooded'][1] < 100 else 'NOT met'}."  # type: ignore[index]
                for r in runs
            ),
            "- Before (the same script, 2026-12-06 15:44 UTC, same machine, before anonymous "
            "streams were served outside Django): 3,000 attempts, health p50 32 and 35 ms, p99 "
            "639 and 838 ms, max 1.0 and 1.6 s in two runs; all answered in 12 to 15 s.",
            "- A viewer who is not signed in is served in the event loop (no middleware, "
            "no thread; `smolny.web.live.StreamGuard`), a refusal closes its connection, and "
            "after a flood the process hands freed memory back (`malloc_trim`). Since "
            "2026-12-06 17:10 UTC `smolny serve` runs on uvicorn's C HTTP parser and libuv "
            "event loop (httptools and uvloop, now dependencies). Run at 16:26 UTC on the "
            "pure-Python parser and asyncio's loop, the same script gave health flooded p99 "
            "115 ms at 3,000 and 467 ms at 5,000 (max 2.6 and 2.9 s); an A/B trial at 15:55 UTC "
            "gave p99 302 against 671 ms at 3,000 and 80 against 855 ms at 5,000 with and "
            "without the C parser and loop. The worst probes fall in the first seconds of the "
            "burst, while one process accepts thousands of connections; the seconds-long "
            "maxima look like TCP's retry of a connection the full accept queue dropped.",
            "- Memory: about 20 MiB above the start 5 s after the streams closed (about 30 to "
            "40 above before `malloc_trim`); the rest is the interpreter's own free lists.",
            END,
        ]
    )
    write_section(section, BEGIN, END, before="<!-- BEGIN live-votes")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--streams", type=int, nargs="+", default=[3000, 5000])
    parser.add_argument("--addresses", type=int, default=60)
    parser.add_argument("--probes", type=int, default=100)
    parser.add_argument("--write", action="store_true", help="record in benchmarks/RESULTS.md")
    args = parser.parse_args()
    runs = []
    for streams in args.streams:
        r = one_run(streams, args.addresses, args.probes)
        runs.append(r)
        print(r, flush=True)
    if args.write:
        command = "python benchmarks/stream_flood.py " + " ".join(sys.argv[1:])
        write(runs, command.strip())


if __name__ == "__main__":
    main()
