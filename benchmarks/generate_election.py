"""Generate the tally benchmark's election: 1,000,000 ballots, 12 candidates, 5 seats.

The ballots follow a spatial model with party blocs, so that rankings are correlated and
truncated the way real STV ballots are:

* four parties sit on a left–right axis; each fields two to four candidates placed near it;
* a voter is drawn near one party (a mixture of normal distributions) and, if loyal (80 %),
  ranks that party's candidates first; then every candidate is ranked by closeness on the
  axis, plus a per-candidate popularity and some per-voter noise;
* 3 % of voters rank at random;
* each voter stops after 1 to 6 preferences (most stop early, as in real elections).

With ``--diverse`` the same model draws a harder election: 75 % loyal voters, 5 % erratic,
and each voter stops after 1 to 9 preferences with a longer tail. A million such ballots hold
about 191,000 distinct rankings (against about 62,000 by default), most of them cast once, so
a count cannot lean on a few heavy rankings and reading the file costs more.

Identical rankings are merged into weighted BLT lines (``count c1 c2 ... 0``), as the task
says, so the file holds the distinct rankings with their counts. A fixed seed makes the file
identical on every run.

Usage: ``python benchmarks/generate_election.py [OUT] [--ballots N] [--seed S] [--diverse]``.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

import numpy as np

SEED = 1917
BALLOTS = 1_000_000
SEATS = 5

PARTIES = (
    # name, position on the axis, share of voters, candidates
    ("Left", -1.0, 0.34, 4),
    ("Labour", -0.35, 0.27, 3),
    ("Centre", 0.35, 0.22, 3),
    ("Right", 1.1, 0.17, 2),
)
PARTY_BONUS = 0.9


@dataclass(frozen=True)
class Voters:
    """How the voters behave: the knobs that set how varied the rankings are."""

    name: str
    loyal: float
    """Share of voters who rank their own party's candidates first."""
    erratic: float
    """Share of voters who rank at random."""
    truncation: tuple[float, ...]
    """Probability that a voter ranks exactly 1, 2, ... candidates (sums to 1)."""

    def describe(self) -> str:
        return (
            f"{self.loyal:.0%} loyal voters, {self.erratic:.0%} erratic, "
            f"1 to {len(self.truncation)} preferences"
        )


STANDARD = Voters("standard", 0.8, 0.03, (0.24, 0.2, 0.18, 0.15, 0.12, 0.11))
DIVERSE = Voters("diverse", 0.75, 0.05, (0.2, 0.16, 0.14, 0.12, 0.1, 0.09, 0.07, 0.06, 0.06))


def candidates() -> tuple[list[str], np.ndarray, np.ndarray]:
    """Names, positions and party numbers of the 12 candidates."""
    rng = np.random.default_rng(SEED)
    names: list[str] = []
    positions: list[float] = []
    party_of: list[int] = []
    for party, (name, centre, _, count) in enumerate(PARTIES):
        for i in range(count):
            names.append(f"{name} {chr(ord('A') + i)}")
            positions.append(centre + float(rng.normal(0, 0.12)))
            party_of.append(party)
    return names, np.array(positions), np.array(party_of)


def rankings(
    ballots: int, seed: int = SEED, voters: Voters = STANDARD
) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rankings (rows padded with -1) and how many voters cast each."""
    names, positions, party_of = candidates()
    n = len(names)
    rng = np.random.default_rng(seed)
    shares = np.array([p[2] for p in PARTIES])
    centres = np.array([p[1] for p in PARTIES])
    voter_party = rng.choice(len(PARTIES), size=ballots, p=shares / shares.sum())
    x = centres[voter_party] + rng.normal(0, 0.4, size=ballots)
    popularity = rng.normal(0, 0.15, size=n)
    utility = -np.abs(x[:, None] - positions[None, :]) + popularity[None, :]
    utility += rng.gumbel(0, 0.35, size=(ballots, n))
    loyal = rng.random(ballots) < voters.loyal
    utility += PARTY_BONUS * (loyal[:, None] & (party_of[None, :] == voter_party[:, None]))
    # a few voters follow no pattern at all
    erratic = rng.random(ballots) < voters.erratic
    utility[erratic] = rng.random((int(erratic.sum()), n))
    longest = len(voters.truncation)
    order = np.argsort(-utility, axis=1)[:, :longest]
    length = rng.choice(np.arange(1, longest + 1), size=ballots, p=voters.truncation)
    order = np.where(np.arange(longest)[None, :] < length[:, None], order, -1)
    # merge identical rankings: one integer key per row (base n + 1, -1 stored as n)
    digits = np.where(order < 0, n, order).astype(np.int64)
    keys = np.zeros(ballots, dtype=np.int64)
    for column in range(digits.shape[1]):
        keys = keys * (n + 1) + digits[:, column]
    _, first, counts = np.unique(keys, return_index=True, return_counts=True)
    return order[first], counts


def write_blt(
    path: Path, ballots: int = BALLOTS, seed: int = SEED, voters: Voters = STANDARD
) -> tuple[int, int]:
    """Write the election to *path*; return (ballots, distinct rankings)."""
    names, _, _ = candidates()
    rows, counts = rankings(ballots, seed, voters)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as out:
        out.write(f"{len(names)} {SEATS}\n")
        for row, count in zip(rows.tolist(), counts.tolist(), strict=True):
            prefs = " ".join(str(c + 1) for c in row if c >= 0)
            out.write(f"{count} {prefs} 0\n")
        out.write("0\n")
        for name in names:
            out.write(f'"{name}"\n')
        kind = "" if voters is STANDARD else f", {voters.name} voters"
        out.write(f'"Benchmark election: {ballots} ballots, seed {seed}{kind}"\n')
    return int(counts.sum()), len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default="benchmarks/data/tally-1m.blt", type=Path)
    parser.add_argument("--ballots", type=int, default=BALLOTS)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument(
        "--diverse",
        action="store_true",
        help=f"the high-diversity election ({DIVERSE.describe()})",
    )
    args = parser.parse_args()
    voters = DIVERSE if args.diverse else STANDARD
    total, distinct = write_blt(args.out, args.ballots, args.seed, voters)
    print(f"{args.out}: {total} ballots, {distinct} distinct rankings")


if __name__ == "__main__":
    main()
