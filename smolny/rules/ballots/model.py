"""Ballots as every count reads them: distinct rankings with their counts.

A :class:`BallotSet` holds the *distinct* rankings with their counts, never one object per
ballot: identical rankings are merged as they are read, so a count costs in proportion to
the number of different rankings, not to the number of voters.

Candidates are numbered from 0 in the order the file names them; a ranking is a tuple of
those numbers, most preferred first. Two markers may appear in a ranking read from a long
(``ballot_id,rank,choice``) file, for the IRV rules that treat them differently:
:data:`OVERVOTE` (more than one candidate marked at that rank) and :data:`SKIPPED` (a rank
left blank). :meth:`BallotSet.cleaned` removes them for counts that have no rule about them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

OVERVOTE = -1
"""Marker in a ranking: several candidates were marked at this rank."""

SKIPPED = -2
"""Marker in a ranking: this rank was left blank."""

Ranking = tuple[int, ...]


@dataclass(frozen=True, slots=True)
class BallotSet:
    """An election's ballots, merged by ranking.

    ``rankings[i]`` was cast ``counts[i]`` times (a BLT weight multiplies the count).
    ``withdrawn`` holds candidates withdrawn before the count (BLT's negative numbers):
    they receive no votes and are skipped over on every ballot. ``seats`` is the number to
    elect (1 for single-winner methods when the file does not say).
    """

    candidates: tuple[str, ...]
    rankings: tuple[Ranking, ...]
    counts: tuple[int, ...]
    seats: int = 1
    withdrawn: frozenset[int] = frozenset()
    title: str = ""

    @property
    def total(self) -> int:
        """Number of ballots (sum of counts)."""
        return sum(self.counts)

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
