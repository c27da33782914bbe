"""Benchmark ``smolny tally`` (Scottish STV, Meek STV) against pref-voting and votekit.

The election: 1,000,000 ballots, 12 candidates, 5 seats, correlated and truncated rankings
(see benchmarks/generate_election.py; fixed seed), written as a BLT file with identical
rankings merged into weighted lines, in benchmarks/data/ (git-ignored). ``--diverse`` takes
the generator's harder election instead (about 191,000 distinct rankings, not 62,000).

What is timed, in one run (wall clock, median of several repetitions):

* the whole ``smolny tally FILE --method scottish-stv --json`` and ``--method meek-stv --json``
  processes: start-up, reading the file, counting, printing JSON;
* Smolny's counts alone, in process, on the BallotSet already read (for a like-for-like
  comparison with the peers' counts alone);
* the peers' counts alone, each in a child process with a time limit, on the same ballots
  (distinct rankings with their counts, built into the peer's profile class before the
  clock starts): pref-voting's ``stv_scottish`` and ``stv_meek``, votekit's ``STV``
  (fractional transfer) and ``FastSTV``. votekit 3.5 has no Meek count.

Alternately: the child builds its profile once and then counts on request, and each of its
counts is preceded by one whole ``smolny tally`` process for the rule it is compared with,
so that both see the same load on a shared machine; the ratios are taken from those pairs.
``--peer-python`` runs the peers under another interpreter (a virtual environment holding
pref-voting and votekit, ``pip install -e .[bench]``), so they need not share Smolny's.

pref-voting's ``stv_meek`` is timed on a 10,000-ballot subsample only (``--slow-peers``): in
trial runs on this machine it took 15 s for 500 ballots and 203 s for 10,000 ballots (3,041
distinct rankings); its time grows with the distinct rankings, and the whole election has
about 20 times as many, far beyond the 10-minute limit.

A peer that cannot count the whole election within the limit is timed on a documented random
subsample (drawn without replacement with a fixed seed), and Smolny is timed on the same
subsample for its ratio. Each peer's elected set is compared with Smolny's for the rule it
stands closest to; disagreements are reported, not hidden.

Usage::

    python benchmarks/tally.py            # print the table
    python benchmarks/tally.py --write    # and record it in benchmarks/RESULTS.md
    python benchmarks/tally.py --diverse --peer-python /tmp/peers/bin/python --write
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import select
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from generate_election import BALLOTS, DIVERSE, SEED, STANDARD, write_blt  # noqa: E402

from smolny.rules.ballots import BallotSet, read_blt  # noqa: E402

DATA = ROOT / "benchmarks" / "data"
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
BEGIN = "<!-- BEGIN tally (written by benchmarks/tally.py) -->"
END = "<!-- END tally -->"
SUBSAMPLE_SEED = 7
SEATS = 5

# peer name -> (package, what it is, the Smolny rule its result is compared with)
PEERS: dict[str, tuple[str, str, str]] = {
    "pref-voting stv_scottish": ("pref-voting", "Scottish STV, floating point", "scottish-stv"),
    "pref-voting stv_meek": ("pref-voting", "Meek STV, floating point", "meek-stv"),
    "votekit STV": ("votekit", "STV, fractional transfer (Python)", "scottish-stv"),
    "votekit FastSTV": ("votekit", "STV, fractional transfer (numpy)", "scottish-stv"),
}


# -- the ballots -------------------------------------------------------------------------------


def subsample(ballots: BallotSet, size: int) -> BallotSet:
    """*size* ballots drawn without replacement (fixed seed), merged by ranking."""
    import numpy as np

    if size >= ballots.total:
        return ballots
    rng = np.random.default_rng(SUBSAMPLE_SEED)
    drawn = rng.multivariate_hypergeometric(np.array(ballots.counts, dtype=np.int64), size)
    pairs = [(r, int(c)) for r, c in zip(ballots.rankings, drawn, strict=True) if c]
    return BallotSet.merge(ballots.candidates, pairs, seats=ballots.seats, title=ballots.title)


def write_ballots(ballots: BallotSet, path: Path) -> None:
    """Write a BallotSet as a BLT file (used for subsamples)."""
    with path.open("w") as out:
        out.write(f"{len(ballots.candidates)} {ballots.seats}\n")
        for ranking, count in zip(ballots.rankings, ballots.counts, strict=True):
            out.write(f"{count} {' '.join(str(c + 1) for c in ranking)} 0\n")
        out.write("0\n")
        for name in ballots.candidates:
            out.write(f'"{name}"\n')
        out.write(f'"{ballots.title} (subsample of {ballots.total})"\n')


def load(path: Path) -> BallotSet:
    return read_blt(path.read_text(), str(path))


# -- the peers (run in a child process: ``tally.py --peer NAME --sample N``) -------------------


def peer_count(name: str, ballots: BallotSet) -> tuple[Any, Any]:
    """Build the peer's profile (returned first) and a function running its count."""
    names = list(ballots.candidates)
    pairs = list(zip(ballots.rankings, ballots.counts, strict=True))
    if name.startswith("pref-voting"):
        from pref_voting.profiles_with_ties import ProfileWithTies
        from pref_voting.proportional_methods import stv_meek, stv_scottish

        profile = ProfileWithTies(
            [{c: rank + 1 for rank, c in enumerate(r)} for r, _ in pairs],
            [c for _, c in pairs],
            candidates=list(range(len(names))),
        )
        method = stv_scottish if name.endswith("stv_scottish") else stv_meek

        def run_pv() -> list[str]:
            return sorted(names[c] for c in method(profile, num_seats=SEATS))

        return profile, run_pv
    from votekit.ballot import RankBallot
    from votekit.elections import STV, FastSTV
    from votekit.pref_profile import RankProfile

    profile = RankProfile(
        ballots=[
            RankBallot(ranking=tuple(frozenset({names[c]}) for c in r), weight=count)
            for r, count in pairs
        ],
        candidates=names,
    )
    cls = FastSTV if name.endswith("FastSTV") else STV

    def run_vk() -> list[str]:
        election = cls(profile, n_seats=SEATS)
        return sorted(c for group in election.get_elected() for c in group)

    return profile, run_vk


def child(name: str, path: Path, sample: int) -> None:
    """Serve one peer's count (in this child process): build its profile, say so, then
    count once for each line read from standard input, answering with a JSON line."""
    import warnings

    warnings.simplefilter("ignore")
    ballots = subsample(load(path), sample)
    started = time.perf_counter()
    _, run = peer_count(name, ballots)
    print(json.dumps({"build": time.perf_counter() - started}), flush=True)
    for _ in sys.stdin:
        started, cpu = time.perf_counter(), time.process_time()
        elected = run()
        took, cpu = time.perf_counter() - started, time.process_time() - cpu
        print(json.dumps({"time": took, "cpu": cpu, "elected": elected}), flush=True)


@dataclass
class Timing:
    label: str
    times: list[float]
    elected: list[str]
    note: str = ""
    alongside: list[float] = field(default_factory=list)
    """Smolny's whole process, run just before each of this peer's counts."""
    cpu: list[float] = field(default_factory=list)
    """The CPU time of each of this peer's counts."""
    alongside_cpu: list[float] = field(default_factory=list)
    """The CPU time of each of Smolny's whole processes alongside."""

    @property
    def median(self) -> float:
        return statistics.median(self.times)


def _answer(process: subprocess.Popen[str], deadline: float) -> dict[str, Any] | None:
    """The child's next JSON line, or None when it has not answered by *deadline*."""
    assert process.stdout is not None
    while True:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([process.stdout], [], [], left)[0]:
            return None
        line = process.stdout.readline()
        if not line:
            raise RuntimeError(
                f"the peer stopped: {process.stderr.read() if process.stderr else ''}"
            )
        if line.startswith("{"):
            return dict(json.loads(line))


def time_peer(
    name: str,
    path: Path,
    sample: int,
    reps: int,
    timeout: float,
    python: str,
    before: Callable[[], tuple[float, float]] | None = None,
    slow: float = 10.0,
) -> Timing | None:
    """Time the peer in a child process; None when it does not finish within *timeout*.

    When *before* is given it is run (and timed) just before each count: Smolny's whole
    process, so that each pair of figures is taken under the same load.
    """
    command = [python, __file__, "--peer", name, "--sample", str(sample), "--file", str(path)]
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert process.stdin is not None
    deadline = time.monotonic() + timeout
    try:
        built = _answer(process, deadline)
        if built is None:
            return None
        times: list[float] = []
        alongside: list[float] = []
        alongside_cpu: list[float] = []
        cpus: list[float] = []
        elected: list[str] = []
        for _ in range(reps):
            if before is not None:
                wall, cpu = before()
                alongside.append(wall)
                alongside_cpu.append(cpu)
            process.stdin.write("count\n")
            process.stdin.flush()
            answer = _answer(process, deadline)
            if answer is None:
                return None
            times.append(answer["time"])
            cpus.append(answer["cpu"])
            elected = answer["elected"]
            if answer["time"] > slow:
                break  # a slow count is timed once
    finally:
        process.kill()
        process.wait()
    note = f"profile built in {built['build']:.1f} s (not counted)"
    return Timing(name, times, elected, note, alongside, cpus, alongside_cpu)


# -- Smolny ------------------------------------------------------------------------------------


def smolny_command() -> list[str]:
    script = Path(sys.executable).parent / "smolny"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "import sys; from smolny.cli import main; sys.exit(main())"]


def run_process(path: Path, method: str) -> tuple[float, list[str], float]:
    """One whole ``smolny tally`` process: its wall-clock time, whom it elected, and its CPU
    time (user and system)."""
    command = [*smolny_command(), "tally", str(path), "--method", method, "--json"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    took = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return took, sorted(json.loads(done.stdout)["elected"]), cpu


def child_cpu(code: str, reps: int) -> float:
    """The median CPU time (user and system) of ``python -c CODE`` in this interpreter."""
    cpus = []
    for _ in range(reps):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run([sys.executable, "-c", code], check=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return statistics.median(cpus)


def where_the_time_goes(path: Path, reps: int) -> dict[str, float]:
    """CPU medians of the parts of a whole ``smolny tally`` process: the interpreter's
    start, numpy's import, reading the file (in this process) and the counts alone."""
    start = child_cpu("pass", reps)
    numpy = child_cpu("import numpy", reps) - start
    reads = []
    for _ in range(reps):
        began = time.process_time()
        load(path)
        reads.append(time.process_time() - began)
    return {"start": start, "numpy": numpy, "read": statistics.median(reads)}


def process_times(path: Path, method: str) -> tuple[float, float]:
    """One whole ``smolny tally`` process: its wall-clock and CPU times."""
    took, _, cpu = run_process(path, method)
    return took, cpu


def time_process(path: Path, method: str, reps: int) -> Timing:
    times: list[float] = []
    elected: list[str] = []
    for _ in range(reps):
        took, elected, _cpu = run_process(path, method)
        times.append(took)
    return Timing(f"smolny tally --method {method} --json (whole process)", times, elected)


def time_count_alone(ballots: BallotSet, method: str, reps: int) -> Timing:
    from smolny.rules.stv.meek import meek_stv
    from smolny.rules.stv.scottish import scottish_stv

    count = meek_stv if method == "meek-stv" else scottish_stv
    times: list[float] = []
    elected: list[str] = []
    for _ in range(reps):
        started = time.perf_counter()
        elected = sorted(count(ballots).elected)
        times.append(time.perf_counter() - started)
    return Timing(f"Smolny {method}, count alone", times, elected)


# -- the run -----------------------------------------------------------------------------------


def seconds(value: float) -> str:
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def machine() -> str:
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores ({model}), {platform.system()} {platform.release()}"


def version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmark smolny tally against its peers.")
    parser.add_argument("--ballots", type=int, default=BALLOTS)
    parser.add_argument(
        "--diverse",
        action="store_true",
        help=f"the high-diversity election ({DIVERSE.describe()})",
    )
    parser.add_argument("--reps", type=int, default=5, help="repetitions of fast timings")
    parser.add_argument("--timeout", type=float, default=600, help="seconds a peer may take")
    parser.add_argument(
        "--subsample",
        type=int,
        default=10_000,
        help="ballots for a peer that cannot count the whole election in time",
    )
    parser.add_argument(
        "--slow-peers",
        default="pref-voting stv_meek",
        help="peers known to exceed the limit on the whole election, timed on the subsample "
        "directly (comma-separated; '' to try every peer on the whole election first)",
    )
    parser.add_argument(
        "--peers",
        default=",".join(PEERS),
        help="the peers to time (comma-separated; default all)",
    )
    parser.add_argument(
        "--peer-python",
        default=os.environ.get("SMOLNY_PEER_PYTHON", sys.executable),
        help="the Python that runs the peers (default: this one, or $SMOLNY_PEER_PYTHON)",
    )
    parser.add_argument("--write", action="store_true", help="record in benchmarks/RESULTS.md")
    parser.add_argument("--peer", help=argparse.SUPPRESS)
    parser.add_argument("--sample", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.peer:
        child(args.peer, args.file, args.sample)
        return

    voters = DIVERSE if args.diverse else STANDARD
    kind = "-diverse" if args.diverse else ""
    path = DATA / f"tally-{args.ballots}{kind}.blt"
    if not path.exists():
        total, distinct = write_blt(path, args.ballots, SEED, voters)
        print(f"wrote {path}: {total} ballots, {distinct} distinct rankings")
    ballots = load(path)
    distinct = len(ballots.rankings)
    print(f"{path}: {ballots.total} ballots, {distinct} distinct rankings, {SEATS} seats")

    rows: list[tuple[Timing, int, str]] = []  # timing, ballots counted, rule compared with
    smolny: dict[tuple[str, int], Timing] = {}
    for method in ("scottish-stv", "meek-stv"):
        process = time_process(path, method, args.reps)
        alone = time_count_alone(ballots, method, args.reps)
        smolny[(method, ballots.total)] = alone
        smolny[(f"{method} process", ballots.total)] = process
        rows += [(process, ballots.total, method), (alone, ballots.total, method)]
        print(f"{process.label}: {seconds(process.median)}; count alone {seconds(alone.median)}")

    slow = {p.strip() for p in args.slow_peers.split(",") if p.strip()}
    chosen = [p.strip() for p in args.peers.split(",") if p.strip()]
    sub_path = DATA / f"tally-{args.ballots}{kind}-sub{args.subsample}.blt"
    for name in chosen:
        rule = PEERS[name][2]
        size = ballots.total
        timing = None
        if name not in slow:
            timing = time_peer(
                name,
                path,
                size,
                args.reps,
                args.timeout,
                args.peer_python,
                before=lambda rule=rule: process_times(path, rule),
            )
        if timing is None:
            if name not in slow:
                print(f"{name}: no result within {args.timeout:.0f} s on {size} ballots")
            size = args.subsample
            if (rule, size) not in smolny:
                sub = subsample(ballots, size)
                write_ballots(sub, sub_path)
                smolny[(rule, size)] = time_count_alone(sub, rule, args.reps)
                smolny[(f"{rule} process", size)] = time_process(sub_path, rule, args.reps)
                rows.append((smolny[(f"{rule} process", size)], size, rule))
                rows.append((smolny[(rule, size)], size, rule))
            timing = time_peer(
                name,
                path,
                size,
                1,
                args.timeout,
                args.peer_python,
                before=lambda rule=rule: process_times(sub_path, rule),
            )
            if timing is None:
                print(f"{name}: no result within {args.timeout:.0f} s on {size} ballots either")
                continue
            timing.note += "; timed on a subsample only: " + (
                "named in --slow-peers, not run on the whole election"
                if name in slow
                else f"the whole election did not finish within {args.timeout:.0f} s"
            )
        rows.append((timing, size, rule))
        print(
            f"{name} on {size} ballots: {seconds(timing.median)}, Smolny's process alongside "
            f"{seconds(statistics.median(timing.alongside))} ({timing.note})"
        )

    parts = where_the_time_goes(path, args.reps)
    for method in ("scottish-stv", "meek-stv"):
        began = time.process_time()
        time_count_alone(ballots, method, args.reps)
        parts[method] = (time.process_time() - began) / args.reps
    table = render(rows, smolny, ballots, distinct, args, voters, parts)
    print()
    print(table)
    if args.write:
        record(table, args.diverse)
        print(f"\nrecorded in {RESULTS.relative_to(ROOT)}")


def markers(diverse: bool) -> tuple[str, str]:
    """The lines that enclose this benchmark's section of RESULTS.md (one per election)."""
    if not diverse:
        return BEGIN, END
    return (
        "<!-- BEGIN tally-diverse (written by benchmarks/tally.py --diverse) -->",
        "<!-- END tally-diverse -->",
    )


def render(
    rows: list[tuple[Timing, int, str]],
    smolny: dict[tuple[str, int], Timing],
    ballots: BallotSet,
    distinct: int,
    args: argparse.Namespace,
    voters: Any,
    parts: dict[str, float] | None = None,
) -> str:
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    begin, end = markers(args.diverse)
    which = "the high-diversity election" if args.diverse else "the benchmark election"
    flags = " --diverse" if args.diverse else ""
    if args.peers != ",".join(PEERS):
        flags += f" --peers '{args.peers}'"
    lines = [
        begin,
        f"## Tally: Scottish STV and Meek STV against pref-voting and votekit, {which}",
        "",
        f"- date: {now}",
        f"- machine: {machine()}; shared with other work while measured",
        f"- Python {platform.python_version()}, numpy {version('numpy')}; peers (run by "
        f"{peer_versions(args.peer_python)})",
        f"- command: `python benchmarks/tally.py{flags} --peer-python PEERS_PYTHON --write` "
        f"(reps {args.reps}, peer limit {args.timeout:.0f} s, subsample {args.subsample:,} "
        f"ballots, seed {SUBSAMPLE_SEED})",
        f"- election: {ballots.total:,} ballots, {len(ballots.candidates)} candidates, "
        f"{SEATS} seats, {distinct:,} distinct rankings (benchmarks/generate_election.py"
        f"{' --diverse' if args.diverse else ''}, seed {SEED}: four party blocs on a left-right "
        f"axis, {voters.describe()})",
        "- wall clock, median of the runs; a peer's time is its count alone (its profile "
        "built beforehand); each of its counts follows one whole `smolny tally` process for "
        "the rule it is compared with (the column *Smolny process alongside*), so that the "
        "pair shares the machine's load at that moment; ratios: the peer's count alone divided "
        "by Smolny's whole process alongside it, and by Smolny's count alone (in this "
        "process, on the ballots already read) for the same rule and ballots (above 1: "
        "Smolny is faster)",
        "",
        "| what | ballots | runs | median | Smolny process alongside | peer ÷ Smolny process "
        "| peer ÷ Smolny count | elected |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    reference = {key: sorted(timing.elected) for key, timing in smolny.items()}
    notes: list[str] = []
    for timing, size, rule in rows:
        if timing.label in PEERS:
            process = along(timing, smolny[(f"{rule} process", size)])
            alone = smolny[(rule, size)].median
            ratios = (
                f"{seconds(process)} | {timing.median / process:.1f}× | "
                f"{timing.median / alone:.1f}×"
            )
            same = sorted(timing.elected) == reference[(rule, size)]
            elected = (
                f"same as Smolny {rule}"
                if same
                else f"DIFFERS from Smolny {rule}: {', '.join(timing.elected)}"
            )
            notes.append(f"- {timing.label}: {PEERS[timing.label][1]}; {timing.note}.")
            label = f"{timing.label} (count alone)"
        else:
            ratios = "— | — | —"
            elected = ", ".join(sorted(timing.elected))
            label = timing.label
        lines.append(
            f"| {label} | {size:,} | {len(timing.times)} | {seconds(timing.median)} | "
            f"{ratios} | {elected} |"
        )
    cpu_lines = [
        f"- {timing.label} on {size:,} ballots: its count {seconds(statistics.median(timing.cpu))}"
        f" of CPU, Smolny's whole `smolny tally --method {rule}` process alongside "
        f"{seconds(statistics.median(timing.alongside_cpu))}: "
        f"{statistics.median(timing.cpu) / statistics.median(timing.alongside_cpu):.2f}×"
        for timing, size, rule in rows
        if timing.label in PEERS and timing.cpu and timing.alongside_cpu
    ]
    if cpu_lines:
        lines += [
            "",
            "CPU time (user and system) of the same pairs, medians: what each side asked of "
            "the machine, which the load of other work on it changes far less than the wall "
            "clock (peer's count ÷ Smolny's whole process; above 1: Smolny used less):",
            "",
            *cpu_lines,
        ]
    if parts:
        lines += [
            "",
            "Where a whole process's CPU goes (medians, same run): the interpreter's start "
            f"{seconds(parts['start'])}, numpy's import {seconds(parts['numpy'])}, reading the "
            f"file {seconds(parts['read'])}, the count {seconds(parts['scottish-stv'])} "
            f"(Scottish STV) or {seconds(parts['meek-stv'])} (Meek); the rest is Smolny's "
            "own modules, the JSON and the exit.",
        ]
    lines += ["", "Peers:", "", *notes, ""]
    meek = smolny[("meek-stv process", ballots.total)].median
    lines.append(
        f"Target (issue 20), Meek whole process under 1 s: {seconds(meek)}, "
        + ("met." if meek < 1 else "NOT met.")
    )
    whole = [
        (timing, along(timing, smolny[(f"{rule} process", size)]))
        for timing, size, rule in rows
        if timing.label in PEERS and rule == "scottish-stv" and size == ballots.total
    ]
    if whole:
        best, process = min(whole, key=lambda pair: pair[0].median)
        ratio = best.median / process
        lines.append(
            "Target (issue 20), `smolny tally --method scottish-stv` as a whole process at "
            f"least 1.5× faster than the best peer's count alone: the best peer is {best.label} "
            f"({seconds(best.median)} for its count alone, against {seconds(process)} for "
            f"Smolny's whole process alongside it): {ratio:.2f}×, "
            + ("met." if ratio >= 1.5 else "NOT met.")
        )
        if ratio < 1.5 and parts:
            fixed = parts["start"] + parts["numpy"]
            count_ratio = best.median / smolny[("scottish-stv", ballots.total)].median
            lines.append(
                f"The gap and its cause: the count itself is {count_ratio:.1f}× "
                f"faster than {best.label}'s; what the whole process adds is its fixed cost, "
                f"the interpreter's start and numpy's import ({seconds(fixed)} of CPU here), "
                f"and reading the {path_size(args):.1f} MB text file ({seconds(parts['read'])}: "
                "numpy parses the figures in one call, then the rankings are merged), "
                "against a peer timed with its profile already built in memory. 1.5× would "
                "leave the process less CPU than numpy's import and the file's parse take "
                "on this machine."
            )
    slower = [
        f"{timing.label} on {size:,} ballots"
        for timing, size, rule in rows
        if timing.label in PEERS
        and timing.median <= along(timing, smolny[(f"{rule} process", size)])
    ]
    lines.append(
        "Faster than every peer's count alone, as a whole process: "
        + (f"NOT met against {'; '.join(slower)}." if slower else "met.")
    )
    lines += ["", end]
    return "\n".join(lines)


def path_size(args: argparse.Namespace) -> float:
    """The size of the election's BLT file, in MB."""
    kind = "-diverse" if args.diverse else ""
    return (DATA / f"tally-{args.ballots}{kind}.blt").stat().st_size / 1e6


def along(timing: Timing, process: Timing) -> float:
    """Smolny's whole-process time to set beside a peer's: the runs alongside it, if any."""
    return statistics.median(timing.alongside) if timing.alongside else process.median


def peer_versions(python: str) -> str:
    """The peers' interpreter and versions, as that interpreter reports them."""
    script = (
        "import sys\nfrom importlib import metadata as m\n"
        "def v(p):\n    try: return m.version(p)\n    except Exception: return 'not installed'\n"
        "print(f\"Python {sys.version.split()[0]}, numpy {v('numpy')}, pref-voting "
        "{v('pref-voting')}, votekit {v('votekit')}\")"
    )
    try:
        done = subprocess.run([python, "-c", script], capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return "an interpreter that could not report its versions"
    return done.stdout.strip()


def record(section: str, diverse: bool = False) -> None:
    begin, end = markers(diverse)
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    if begin in text and end in text:
        before, rest = text.split(begin, 1)
        after = rest.split(end, 1)[1]
        text = before + section + after
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    RESULTS.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
