"""Ballots as every count reads them: distinct rankings with their counts.

A :class:`BallotSet` holds the *distinct* rankings with their counts, never one object per
ballot: identical rankings are merged as they are read, so a count costs in proportion to
the number of different rankings, not to the number of voters.

Candidates are numbered from 0 in the order the file names them; a ranking is a tuple of
those numbers, most preferred first. Two markers may appear in a ranking read from a long
(``ballot_id,rank,choice``) file, for the IRV rules that treat them differently:
:data:`OVERVOTE` (more than one candidate marked at that rank) and :data:`SKIPPED` (a rank
left blank). :meth:`BallotSet.cleaned` removes them for counts that have no rule about them.

A large file's rankings may be held packed (:class:`PackedRankings`: one numpy table, no
tuple per ranking) when the reader worked in bulk: the STV counts read that table through
:meth:`BallotSet.padded` at once, and the tuples are built only if something asks for them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import overload

import numpy as np
import numpy.typing as npt

OVERVOTE = -1
"""Marker in a ranking: several candidates were marked at this rank."""

SKIPPED = -2
"""Marker in a ranking: this rank was left blank."""

Ranking = tuple[int, ...]

IntTable = npt.NDArray[np.int32]
Counts = npt.NDArray[np.int64]


class PackedRankings(Sequence[Ranking]):
    """Distinct rankings held as one table: row *i* is ranking *i*, its first ``lengths[i]``
    cells the candidates (what lies beyond is not part of it).

    It behaves as the tuple of rankings it stands for (length, indexing, iteration, equality
    with that tuple, hashing); the tuples are built on the first such request only. A million
    ballots with 190,000 distinct rankings read in bulk would otherwise spend more time
    building tuples than counting them.
    """

    __slots__ = ("_tuples", "counts", "lengths", "padding", "table")

    def __init__(
        self,
        table: IntTable,
        lengths: Counts,
        *,
        padding: int | None = None,
        counts: Counts | None = None,
    ) -> None:
        self.table = table
        self.lengths = lengths
        self.padding = padding
        """The value every cell past a ranking's end holds, when no cell within one holds
        it (the reader knows): :meth:`BallotSet.padded` then swaps it in one pass."""
        self.counts = counts
        """The ballot set's counts as an array, when the reader has them so."""
        self._tuples: tuple[Ranking, ...] | None = None

    def as_tuple(self) -> tuple[Ranking, ...]:
        """The rankings as tuples, built once: all rankings of one length in one go."""
        if self._tuples is None:
            order = np.argsort(self.lengths, kind="stable")
            sizes = self.lengths[order]
            width = self.table.shape[1] if self.table.ndim == 2 else 0
            bounds = np.searchsorted(sizes, np.arange(width + 2))
            rankings: list[Ranking] = [()] * len(self.lengths)
            for size in range(width + 1):
                rows = order[bounds[size] : bounds[size + 1]]
                for row, ranking in zip(
                    rows.tolist(), map(tuple, self.table[rows, :size].tolist()), strict=True
                ):
                    rankings[row] = ranking
            self._tuples = tuple(rankings)
        return self._tuples

    def __len__(self) -> int:
        return len(self.lengths)

    @overload
    def __getitem__(self, index: int) -> Ranking: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[Ranking, ...]: ...
    def __getitem__(self, index: int | slice) -> Ranking | tuple[Ranking, ...]:
        return self.as_tuple()[index]

    def __iter__(self) -> Iterator[Ranking]:
        return iter(self.as_tuple())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, PackedRankings):
            return self.as_tuple() == other.as_tuple()
        if isinstance(other, tuple):
            return self.as_tuple() == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.as_tuple())

    def __repr__(self) -> str:
        return repr(self.as_tuple())


@dataclass(frozen=True, slots=True)
class BallotSet:
    """An election's ballots, merged by ranking.

    ``rankings[i]`` was cast ``counts[i]`` times (a BLT weight multiplies the count).
    ``withdrawn`` holds candidates withdrawn before the count (BLT's negative numbers):
    they receive no votes and are skipped over on every ballot. ``seats`` is the number to
    elect (1 for single-winner methods when the file does not say).

    ``rankings`` is a tuple, or a :class:`PackedRankings` that behaves as one.
    """

    candidates: tuple[str, ...]
    rankings: Sequence[Ranking]
    counts: tuple[int, ...]
    seats: int = 1
    withdrawn: frozenset[int] = frozenset()
    title: str = ""

    @property
    def total(self) -> int:
        """Number of ballots (sum of counts)."""
        return sum(self.counts)

    def padded(self, fill: int) -> tuple[IntTable, Counts]:
        """The rankings as one table (a row per ranking, *fill* after its end) and the counts.

        What the numpy counts start from. Markers (:data:`OVERVOTE`, :data:`SKIPPED`) and
        withdrawn candidates are left in place: each count decides what they mean.
        """
        rankings = self.rankings
        if isinstance(rankings, PackedRankings) and rankings.counts is not None:
            counts = rankings.counts.copy()
        else:
            counts = np.array(self.counts, dtype=np.int64)
        if isinstance(rankings, PackedRankings) and rankings.padding is not None:
            padding = np.int32(rankings.padding)
            return np.where(rankings.table == padding, np.int32(fill), rankings.table), counts
        if isinstance(rankings, PackedRankings):
            lengths = rankings.lengths
            width = max(1, int(lengths.max())) if len(lengths) else 1
            table = np.full((len(lengths), width), fill, dtype=np.int32)
            if len(lengths):
                cells = min(width, rankings.table.shape[1])
                inside = np.arange(cells)[None, :] < lengths[:, None]
                table[:, :cells] = np.where(inside, rankings.table[:, :cells], fill)
            return table, counts
        lengths = np.fromiter(map(len, rankings), dtype=np.int64, count=len(rankings))
        width = max(1, int(lengths.max())) if len(rankings) else 1
        table = np.full((len(rankings), width), fill, dtype=np.int32)
        total = int(lengths.sum())
        if total:
            flat = np.fromiter(chain.from_iterable(rankings), dtype=np.int32, count=total)
            rows = np.repeat(np.arange(len(rankings)), lengths)
            cols = np.arange(total) - np.repeat(np.cumsum(lengths) - lengths, lengths)
            table[rows, cols] = flat
        return table, counts

    def cleaned(self, *, skip_withdrawn: bool = True) -> BallotSet:
        """The same ballots with markers removed and rankings re-merged.

        A skipped rank is passed over; an overvote ends the ballot there (a voter who marks
        two candidates at one rank has expressed no single preference from that rank on);
        a candidate repeated later in a ranking is passed over; withdrawn candidates are
        passed over when *skip_withdrawn*.
        """
        merged: dict[Ranking, int] = {}
        for ranking, count in zip(self.rankings, self.counts, strict=True):
            seen: list[int] = []
            for choice in ranking:
                if choice == OVERVOTE:
                    break
                if choice == SKIPPED or choice in seen:
                    continue
                if skip_withdrawn and choice in self.withdrawn:
                    continue
                seen.append(choice)
            key = tuple(seen)
            merged[key] = merged.get(key, 0) + count
        return BallotSet(
            candidates=self.candidates,
            rankings=tuple(merged),
            counts=tuple(merged.values()),
            seats=self.seats,
            withdrawn=self.withdrawn,
            title=self.title,
        )

    @staticmethod
    def merge(
        candidates: Iterable[str],
        ballots: Iterable[tuple[Ranking, int]],
        *,
        seats: int = 1,
        withdrawn: Iterable[int] = (),
        title: str = "",
    ) -> BallotSet:
        """Build a :class:`BallotSet` from (ranking, count) pairs, merging equal rankings."""
        merged: dict[Ranking, int] = {}
        for ranking, count in ballots:
            merged[ranking] = merged.get(ranking, 0) + count
        return BallotSet(
            candidates=tuple(candidates),
            rankings=tuple(merged),
            counts=tuple(merged.values()),
            seats=seats,
            withdrawn=frozenset(withdrawn),
            title=title,
        )
