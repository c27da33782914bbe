"""Benchmark ``smolny tally`` (Scottish STV, Meek STV) against pref-voting and votekit.

The election: 1,000,000 ballots, 12 candidates, 5 seats, correlated and truncated rankings
(see benchmarks/generate_election.py; fixed seed), written as a BLT file with identical
rankings merged into weighted lines, in benchmarks/data/ (git-ignored).

What is timed, in one run (wall clock, median of several repetitions):

* the whole ``smolny tally FILE --method scottish-stv --json`` and ``--method meek-stv --json``
  processes: start-up, reading the file, counting, printing JSON;
* Smolny's counts alone, in process, on the BallotSet already read (for a like-for-like
  comparison with the peers' counts alone);
* the peers' counts alone, each in a child process with a time limit, on the same ballots
  (distinct rankings with their counts, built into the peer's profile class before the
  clock starts): pref-voting's ``stv_scottish`` and ``stv_meek``, votekit's ``STV``
  (fractional transfer) and ``FastSTV``. votekit 3.5 has no Meek count.

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
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from generate_election import BALLOTS, SEED, write_blt  # noqa: E402

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


def child(name: str, path: Path, sample: int, reps: int, slow: float) -> None:
    """Time one peer (in this child process) and print a JSON line."""
    import warnings

    warnings.simplefilter("ignore")
    ballots = subsample(load(path), sample)
    started = time.perf_counter()
    _, run = peer_count(name, ballots)
    build = time.perf_counter() - started
    times: list[float] = []
    elected: list[str] = []
    for _ in range(reps):
        started = time.perf_counter()
        elected = run()
        times.append(time.perf_counter() - started)
        if times[-1] > slow:
            break  # a slow count is timed once
    print(json.dumps({"build": build, "times": times, "elected": elected}))


@dataclass
class Timing:
    label: str
    times: list[float]
    elected: list[str]
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.times)


def time_peer(name: str, path: Path, sample: int, reps: int, timeout: float) -> Timing | None:
    """Run the peer in a child process; None when it does not finish within *timeout*."""
    command = [sys.executable, __file__, "--peer", name, "--sample", str(sample)]
    command += ["--reps", str(reps), "--file", str(path)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=True)
    except subprocess.TimeoutExpired:
        return None
    except subprocess.CalledProcessError as error:
        print(error.stderr[-2000:], file=sys.stderr)
        raise
    data = json.loads(done.stdout.strip().splitlines()[-1])
    note = f"profile built in {data['build']:.1f} s (not counted)"
    return Timing(name, data["times"], data["elected"], note)


# -- Smolny ------------------------------------------------------------------------------------


def smolny_command() -> list[str]:
    script = Path(sys.executable).parent / "smolny"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "import sys; from smolny.cli import main; sys.exit(main())"]


def time_process(path: Path, method: str, reps: int) -> Timing:
    command = [*smolny_command(), "tally", str(path), "--method", method, "--json"]
    times: list[float] = []
    output = ""
    for _ in range(reps):
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        times.append(time.perf_counter() - started)
        output = done.stdout
    elected = sorted(json.loads(output)["elected"])
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
    parser.add_argument("--write", action="store_true", help="record in benchmarks/RESULTS.md")
    parser.add_argument("--peer", help=argparse.SUPPRESS)
    parser.add_argument("--sample", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.peer:
        child(args.peer, args.file, args.sample, args.reps, slow=10.0)
        return

    path = DATA / f"tally-{args.ballots}.blt"
    if not path.exists():
        total, distinct = write_blt(path, args.ballots, SEED)
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
    sub_path = DATA / f"tally-{args.ballots}-sub{args.subsample}.blt"
    for name in PEERS:
        size = ballots.total
        timing = None
        if name not in slow:
            timing = time_peer(name, path, size, args.reps, args.timeout)
        if timing is None:
            if name not in slow:
                print(f"{name}: no result within {args.timeout:.0f} s on {size} ballots")
            size = args.subsample
            timing = time_peer(name, path, size, 1, args.timeout)
            if timing is None:
                print(f"{name}: no result within {args.timeout:.0f} s on {size} ballots either")
                continue
            timing.note += "; timed on a subsample only: " + (
                "named in --slow-peers, not run on the whole election"
                if name in slow
                else f"the whole election did not finish within {args.timeout:.0f} s"
            )
        rule = PEERS[name][2]
        if (rule, size) not in smolny:
            sub = subsample(ballots, size)
            write_ballots(sub, sub_path)
            smolny[(rule, size)] = time_count_alone(sub, rule, args.reps)
            smolny[(f"{rule} process", size)] = time_process(sub_path, rule, args.reps)
            rows.append((smolny[(f"{rule} process", size)], size, rule))
            rows.append((smolny[(rule, size)], size, rule))
        rows.append((timing, size, rule))
        print(f"{name} on {size} ballots: {seconds(timing.median)} ({timing.note})")

    table = render(rows, smolny, ballots, distinct, args)
    print()
    print(table)
    if args.write:
        record(table)
        print(f"\nrecorded in {RESULTS.relative_to(ROOT)}")


def render(
    rows: list[tuple[Timing, int, str]],
    smolny: dict[tuple[str, int], Timing],
    ballots: BallotSet,
    distinct: int,
    args: argparse.Namespace,
) -> str:
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        BEGIN,
        "## Tally: Scottish STV and Meek STV against pref-voting and votekit",
        "",
        f"- date: {now}",
        f"- machine: {machine()}; shared with other work while measured",
        f"- Python {platform.python_version()}, numpy {version('numpy')}; peers: pref-voting "
        f"{version('pref-voting')}, votekit {version('votekit')}",
        f"- command: `python benchmarks/tally.py --write` (reps {args.reps}, peer limit "
        f"{args.timeout:.0f} s, subsample {args.subsample:,} ballots, seed {SUBSAMPLE_SEED})",
        f"- election: {ballots.total:,} ballots, {len(ballots.candidates)} candidates, "
        f"{SEATS} seats, {distinct:,} distinct rankings (benchmarks/generate_election.py, "
        f"seed {SEED}: four party blocs on a left-right axis, 80 % loyal voters, 3 % erratic, "
        "1 to 6 preferences)",
        "- wall clock, median of the runs; a peer's time is its count alone (its profile "
        "built beforehand); ratios: the peer's count alone divided by Smolny's whole "
        "`smolny tally` process, and by Smolny's count alone, for the rule compared on the "
        "same ballots (above 1: Smolny is faster)",
        "",
        "| what | ballots | runs | median | peer ÷ Smolny process | peer ÷ Smolny count "
        "| elected |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    reference = {key: sorted(timing.elected) for key, timing in smolny.items()}
    notes: list[str] = []
    for timing, size, rule in rows:
        if timing.label in PEERS:
            process = smolny[(f"{rule} process", size)].median
            alone = smolny[(rule, size)].median
            ratios = f"{timing.median / process:.1f}× | {timing.median / alone:.1f}×"
            same = sorted(timing.elected) == reference[(rule, size)]
            elected = (
                f"same as Smolny {rule}"
                if same
                else f"DIFFERS from Smolny {rule}: {', '.join(timing.elected)}"
            )
            notes.append(f"- {timing.label}: {PEERS[timing.label][1]}; {timing.note}.")
            label = f"{timing.label} (count alone)"
        else:
            ratios = "— | —"
            elected = ", ".join(sorted(timing.elected))
            label = timing.label
        lines.append(
            f"| {label} | {size:,} | {len(timing.times)} | {seconds(timing.median)} | "
            f"{ratios} | {elected} |"
        )
    lines += ["", "Peers:", "", *notes]
    targets = []
    for method, target in (("scottish-stv", 1.0), ("meek-stv", 5.0)):
        measured = smolny[(f"{method} process", ballots.total)].median
        verdict = "met" if measured < target else "NOT met"
        targets.append(f"{method} under {target:.0f} s: {seconds(measured)}, {verdict}")
    faster = [
        f"{timing.label} ({seconds(timing.median)} for its count alone, against "
        f"{seconds(smolny[(f'{rule} process', size)].median)} for the whole `smolny tally "
        f"--method {rule}` process and {seconds(smolny[(rule, size)].median)} for its count "
        f"alone, on {size:,} ballots)"
        for timing, size, rule in rows
        if timing.label in PEERS and timing.median <= smolny[(f"{rule} process", size)].median
    ]
    lines += ["", "Targets (issue 3), whole process: " + "; ".join(targets) + "."]
    if faster:
        lines.append(
            "Faster than every peer's count alone: NOT met for the whole process by "
            + "; ".join(faster)
            + "."
        )
    else:
        lines.append("Faster than every peer's count alone: met, for the whole process.")
    lines += ["", END]
    return "\n".join(lines)


def record(section: str) -> None:
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    if BEGIN in text and END in text:
        before, rest = text.split(BEGIN, 1)
        after = rest.split(END, 1)[1]
        text = before + section + after
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    RESULTS.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
