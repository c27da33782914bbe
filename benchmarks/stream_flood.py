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

    python benchmarks/stream_flood.py [--streams 3000] [--addresses 60]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.conftest import http, start_sqlite_server  # noqa: E402


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


async def health(base: str, probes: int) -> list[float]:
    times = []
    for _ in range(probes):
        start = time.perf_counter()
        status, _, _ = await asyncio.to_thread(http, f"{base}/api/health", None, None, 30)
        times.append(time.perf_counter() - start)
        assert status == 200
        await asyncio.sleep(0.05)
    return times


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--streams", type=int, default=3000)
    parser.add_argument("--addresses", type=int, default=60)
    parser.add_argument("--probes", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        server = start_sqlite_server(Path(directory))
        try:
            pid = server.process.pid
            before = rss_kib(pid)
            result = asyncio.run(flood(server.base, args.streams, args.addresses, args.probes, pid))
            during = int(result.pop("memory"))  # type: ignore[call-overload]
            time.sleep(5)
            after = rss_kib(pid)
            times = sorted(result.pop("health"))  # type: ignore[arg-type]
            print(f"{args.streams} stream attempts from {args.addresses} addresses: {result}")
            print(
                f"/api/health while flooded ({len(times)} probes): "
                f"p50 {statistics.median(times) * 1000:.0f} ms, max {times[-1] * 1000:.0f} ms"
            )
            print(
                f"server memory (RSS): before {before // 1024} MiB, with the streams "
                f"{during // 1024} MiB, 5 s after they closed {after // 1024} MiB"
            )
        finally:
            server.stop()


if __name__ == "__main__":
    main()
