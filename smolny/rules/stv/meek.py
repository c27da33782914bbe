"""Meek STV: the Proportional Representation Foundation's reference rule ("Reference Meek Rule").

The rule text (prfound.org, "Reference Rule: Meek's Method") is followed step by step; the
comments below cite its steps:

* A: every candidate is *hopeful* (keep factor 1) or *withdrawn* (keep factor 0); omega is
  0.000001;
* B.1: the count is complete when all seats are filled or when the elected plus hopeful
  candidates are no more than the seats;
* B.2 (iterate): a. each ballot, starting with weight 1, gives every candidate in order of
  rank ``w × kf`` (to 9 decimal places, rounded up) and keeps the rest, until no candidate is
  left or its weight is 0; b. the quota is the sum of the votes divided by one more than the
  seats, truncated to 9 decimal places, plus 0.000000001; c. every hopeful candidate with at
  least the quota is elected; d. the total surplus is the sum of ``v - q`` over the elected
  (not less than 0); e. an election ends the round (back to B.1); otherwise a surplus below
  omega, or (after the first iteration) one no smaller than the previous iteration's, ends
  the iteration (go to B.3); f. each elected candidate's keep factor becomes
  ``kf × q`` (to 9 places, rounded up) divided by ``v`` (to 9 places, rounded up);
* B.3: the hopeful candidate with the lowest vote is defeated (keep factor 0); every hopeful
  candidate whose vote is no more than that lowest vote plus the total surplus is tied with
  it, and the tie is broken by procedure T;
* C: when the count is complete, remaining hopeful candidates are elected while seats are
  unfilled (C.1), and the rest are defeated (C.2);
* T: a tie is broken by "the defined tiebreaking procedure", which the rule leaves to the
  election. Here it is a lot drawn by :func:`smolny.rules.ties.break_by_lot` when a *tie_seed*
  is given; without a seed, the order in which the ballot file lists the candidates is taken
  as the tie order fixed before the count (as the Droop program's ``meek-prf`` rule does),
  and the first tied candidate in that order is defeated. Either way the tie is recorded as a
  :class:`~smolny.rules.ties.Tie` and explained in the stage's note.

Arithmetic: every figure is an integer number of units of 10^-9, so "rounded up" and
"truncated" are exact integer operations. Because a ballot's weight is reduced by exactly
the amount a candidate receives, nothing is lost to rounding: at every iteration the
candidates' votes plus the weight left on exhausted ballots equal the valid ballots exactly.

Speed: the rule is stated per ballot, but a ballot's effect depends only on the candidates it
meets that still hold a keep factor, up to the first hopeful one (whose keep factor 1 takes
the whole remaining weight). Within a round only the elected candidates' keep factors change,
so at the start of each round every distinct ranking is cut down to that *path* (the elected
candidates in order, then the first hopeful one) and identical paths are merged with their
counts added. Each ballot's arithmetic is unchanged (the merged rows compute exactly what each
of their ballots would, times their count); the iterations then run, vectorised with numpy,
over a few hundred or thousand paths instead of every ranking.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt

from smolny.rules.ballots import BallotSet
from smolny.rules.count import CountResult, Stage
from smolny.rules.ties import Tie, break_by_lot

METHOD = "meek-stv"
PLACES = 9
"""B.2.a, B.2.b, B.2.f: figures are kept to 9 decimal places."""
UNIT = 10**PLACES
EPSILON = 1
"""B.2.b: 0.000000001, one unit, is added to the truncated quota."""
OMEGA = UNIT // 10**6
"""A: omega = 0.000001."""

HOPEFUL, ELECTED, DEFEATED, WITHDRAWN = "hopeful", "elected", "defeated", "withdrawn"

Array = npt.NDArray[Any]


def _fixed(units: int) -> Decimal:
    """*units* of 10^-9 as a Decimal with exactly 9 places (``2000000004`` → ``2.000000004``)."""
    sign = "-" if units < 0 else ""
    whole, fraction = divmod(abs(units), UNIT)
    return Decimal(f"{sign}{whole}.{fraction:0{PLACES}d}")


def _text(units: int) -> str:
    """*units* as plain text with 9 places for notes (never ``3E-9``)."""
    return format(_fixed(units), "f")


def _ceil_div(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` rounded up (both non-negative, denominator positive)."""
    return -(-numerator // denominator)


@dataclass(frozen=True, slots=True)
class Distribution:
    """The outcome of one B.2.a distribution: each candidate's vote and the exhausted weight."""

    votes: list[int]
    exhausted: int


class _Paths:
    """The ballots as a table of distinct rankings, cut to their paths for the current round.

    ``table[i]`` lists ranking *i*'s candidates (withdrawn ones removed), padded with the
    index ``nobody`` (one past the last candidate, whose keep factor is always 0);
    ``counts[i]`` is how many ballots carry it.
    """

    def __init__(self, ballots: BallotSet, nobody: int, seats: int) -> None:
        table, counts = self._table(ballots, nobody)
        if (table < 0).any() or self._repeats(table, nobody):
            # Markers (skipped ranks, overvotes) or a candidate ranked twice: read the
            # rankings as BallotSet.cleaned does (pass over, end at an overvote, first
            # mention counts) before counting.
            table, counts = self._table(ballots.cleaned(), nobody)
        if ballots.withdrawn:
            table[np.isin(table, sorted(ballots.withdrawn))] = nobody
        # Ballots that rank no candidate still standing are not valid votes.
        valid_rows = (table != nobody).any(axis=1)
        self.table = table[valid_rows]
        self.counts: Array = counts[valid_rows]
        self.valid = int(self.counts.sum())
        self.nobody = nobody
        # int64 holds weight × keep factor (< 10^18) and votes up to 9.2 × 10^18 units;
        # beyond that the same arithmetic runs on Python integers.
        self.dtype: type[Any] = np.int64 if self.valid * UNIT < 2**62 else object
        self.paths: Array = np.zeros((0, 1), dtype=np.int32)
        self.path_counts: Array = np.zeros(0, dtype=self.dtype)
        self.dead = 0  # ballots whose every candidate is defeated or withdrawn
        # Where each ranking stands, for cutting round after round without starting over
        # (see :meth:`cut`): the place of its first hopeful candidate, the key of the
        # elected ones before it, and the number of its path (-1: an empty path).
        self.base = nobody + 1
        self.seats = seats
        self.place: Array = np.zeros(len(self.counts), dtype=np.int64)
        self.prefix: Array = np.zeros(len(self.counts), dtype=np.int64)
        self.row_path: Array = np.full(len(self.counts), -1, dtype=np.int64)
        self.path_ids: dict[int, int] = {}
        self.path_list: list[tuple[int, ...]] = []
        self.path_total: Array = np.zeros(0, dtype=np.int64)
        self.started = False

    @staticmethod
    def _table(ballots: BallotSet, nobody: int) -> tuple[Array, Array]:
        """The rankings as a table padded with *nobody*, and their counts."""
        return ballots.padded(nobody)

    @staticmethod
    def _repeats(table: Array, nobody: int) -> bool:
        """Whether any ranking names a candidate twice."""
        ordered = np.sort(table, axis=1)
        return bool(((ordered[:, 1:] == ordered[:, :-1]) & (ordered[:, 1:] != nobody)).any())

    def cut(self, state: list[str]) -> None:
        """Cut every ranking to its path under *state* and merge equal paths (see module doc).

        A ranking's path is its elected candidates in order up to its first hopeful one,
        which ends it; defeated and withdrawn candidates (keep factor 0) are left out, as
        B.2.a passes over them without effect.

        Between rounds a candidate only ever leaves the hopeful: elected candidates stay
        elected and the defeated stay defeated. So a ranking's path changes only when the
        hopeful candidate ending it has been elected or defeated, and then only by moving
        on along the ranking from there. :meth:`_cut_moving` does just that for the rankings
        concerned and keeps a running count per path; the whole table is cut afresh
        (:meth:`_cut_all`) only when a path's key might not fit in 64 bits.
        """
        if self.base ** (self.seats + 1) < 2**62:
            self._cut_moving(state)
        else:
            self._cut_all(state)

    def _cut_moving(self, state: list[str]) -> None:
        """:meth:`cut` for the rankings whose path has changed since the last round.

        A path's key is its candidates as digits (candidate + 1) in base ``nobody + 1``:
        the elected ones (at most the seats) and the hopeful one ending it.
        """
        code = np.zeros(self.nobody + 1, dtype=np.int8)
        for candidate, status in enumerate(state):
            code[candidate] = 2 if status == HOPEFUL else 1 if status == ELECTED else 0
        width = self.table.shape[1]
        if not self.started:
            moving = np.arange(len(self.counts), dtype=np.int64)
            self.started = True
        else:
            # Rankings whose path ended at a hopeful candidate who is hopeful no longer.
            ends = self.place < width
            holder = self.table[np.flatnonzero(ends), self.place[ends]]
            moving = np.flatnonzero(ends)[code[holder] != 2]
        if len(moving) == 0:
            return
        # Walk each moving ranking on from its place to its next hopeful candidate (or its
        # end), taking the elected ones met into its prefix; defeated ones are passed over.
        rows, place, prefix = moving, self.place[moving], self.prefix[moving]
        done_rows: list[Array] = []
        done_place: list[Array] = []
        done_prefix: list[Array] = []
        while len(rows):
            at_end = place >= width
            candidate = self.table[rows, np.minimum(place, width - 1)]
            kind = np.where(at_end, 0, code[candidate])
            prefix = np.where(kind == 1, prefix * self.base + candidate + 1, prefix)
            stop = at_end | (kind == 2)
            done_rows.append(rows[stop])
            done_place.append(place[stop])
            done_prefix.append(prefix[stop])
            going = ~stop
            rows, place, prefix = rows[going], place[going] + 1, prefix[going]
        rows = np.concatenate(done_rows)
        place = np.concatenate(done_place)
        prefix = np.concatenate(done_prefix)
        self.place[rows] = place
        self.prefix[rows] = prefix
        ends = place < width
        keys = prefix.copy()
        keys[ends] = prefix[ends] * self.base + self.table[rows[ends], place[ends]] + 1
        distinct, inverse = np.unique(keys, return_inverse=True)
        numbers = np.array([self._path_number(int(key)) for key in distinct.tolist()])
        new = numbers[inverse.ravel()]
        counts = self.counts[rows]
        old = self.row_path[rows]
        self.row_path[rows] = new
        if len(self.path_list) > len(self.path_total):
            grown = np.zeros(len(self.path_list), dtype=np.int64)
            grown[: len(self.path_total)] = self.path_total
            self.path_total = grown
        had = old >= 0
        np.subtract.at(self.path_total, old[had], counts[had])
        has = new >= 0
        np.add.at(self.path_total, new[has], counts[has])
        self.dead = int(self.counts[self.row_path < 0].sum())
        live = np.flatnonzero(self.path_total > 0)
        length = max((len(self.path_list[i]) for i in live.tolist()), default=0)
        if length == 0:
            self.paths = np.zeros((0, 1), dtype=np.int32)
            self.path_counts = np.zeros(0, dtype=self.dtype)
            return
        paths = np.full((len(live), length), self.nobody, dtype=np.int32)
        for row, number in enumerate(live.tolist()):
            path = self.path_list[number]
            paths[row, : len(path)] = path
        self.paths = paths
        self.path_counts = self.path_total[live].astype(self.dtype)

    def _path_number(self, key: int) -> int:
        """The number of the path with *key* (-1 for the empty path), registered if new."""
        if key == 0:
            return -1
        number = self.path_ids.get(key)
        if number is None:
            digits: list[int] = []
            rest = key
            while rest:
                rest, digit = divmod(rest, self.base)
                digits.append(digit - 1)
            number = self.path_ids[key] = len(self.path_list)
            self.path_list.append(tuple(reversed(digits)))
        return number

    def _cut_all(self, state: list[str]) -> None:
        """:meth:`cut` over the whole table, for paths whose keys might not fit in 64 bits."""
        code = np.zeros(self.nobody + 1, dtype=np.int8)
        for candidate, status in enumerate(state):
            code[candidate] = 2 if status == HOPEFUL else 1 if status == ELECTED else 0
        status_table = code[self.table]
        hopeful = status_table == 2
        width = self.table.shape[1]
        first_hopeful = np.where(hopeful.any(axis=1), hopeful.argmax(axis=1), width)
        keep = (status_table > 0) & (np.arange(width)[None, :] <= first_hopeful[:, None])
        length = int(keep.sum(axis=1).max()) if len(keep) else 0
        rows = keep.any(axis=1)
        self.dead = int(self.counts[~rows].sum())
        if length == 0:
            self.paths = np.zeros((0, 1), dtype=np.int32)
            self.path_counts = np.zeros(0, dtype=self.dtype)
            return
        table, keep = self.table[rows], keep[rows]
        base = self.nobody + 1
        if base**length < 2**62:
            # One integer per path, its kept candidates as digits in order of rank (base
            # nobody + 1 holds the digits 1 to nobody): far
            # faster to sort than rows. Only one row per distinct path is then rearranged.
            keys = np.zeros(len(table), dtype=np.int64)
            for column in range(width):
                # digits are candidate + 1: a leading candidate 0 must not vanish
                keys = np.where(keep[:, column], keys * base + table[:, column] + 1, keys)
            _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
            paths = self._left_aligned(table[first], keep[first], length)
        else:
            cut = self._left_aligned(table, keep, length)
            paths, inverse = np.unique(cut, axis=0, return_inverse=True)
        counts = np.zeros(len(paths), dtype=np.int64)
        np.add.at(counts, inverse.ravel(), self.counts[rows])
        self.paths = paths
        self.path_counts = counts.astype(self.dtype)

    def _left_aligned(self, table: Array, keep: Array, length: int) -> Array:
        """The kept candidates of each row moved to its front, in order, padded with nobody."""
        order = np.argsort(~keep, axis=1, kind="stable")[:, :length]
        return np.take_along_axis(np.where(keep, table, self.nobody), order, axis=1)

    def distribute(self, keep_factors: list[int]) -> Distribution:
        """B.2.a over the current paths with *keep_factors* (in units; 0 for the passed over).

        For each ballot the weight ``w`` starts at 1; each candidate receives ``w × kf``
        rounded up to 9 places, and ``w`` is reduced by exactly that amount.
        """
        n = self.nobody
        factors = np.array([*keep_factors, 0], dtype=self.dtype)
        weight = np.full(len(self.paths), UNIT, dtype=self.dtype)
        votes = np.zeros(n + 1, dtype=self.dtype)
        for position in range(self.paths.shape[1]):
            candidates = self.paths[:, position]
            keep = (weight * factors[candidates] + (UNIT - 1)) // UNIT  # rounded up
            np.add.at(votes, candidates, keep * self.path_counts)
            weight = weight - keep
        exhausted = int((weight * self.path_counts).sum()) if len(self.paths) else 0
        exhausted += self.dead * UNIT
        return Distribution([int(v) for v in votes[:n]], exhausted)


def meek_stv(
    ballots: BallotSet, seats: int | None = None, *, tie_seed: int | None = None
) -> CountResult:
    """Count *ballots* by the PR Foundation's reference Meek rule; *seats* defaults to theirs.

    Each stage of the result is one round of the rule (B.1 to B.3): the votes, keep factors,
    quota and exhausted weight of its last iteration, who was elected or defeated, and in the
    note how many iterations it took and why they stopped. A tie for defeat (B.3) is broken
    by lot under *tie_seed* or, without a seed, by the ballot file's order of candidates
    (see the module docstring, procedure T).

    Raises ValueError when *seats* is below 1 or above the candidates not withdrawn.
    """
    return _MeekCount(ballots, ballots.seats if seats is None else seats, tie_seed).run()


class _MeekCount:
    """One count, round by round; :meth:`run` returns its record."""

    def __init__(self, ballots: BallotSet, seats: int, tie_seed: int | None) -> None:
        self.names = ballots.candidates
        n = len(self.names)
        eligible = [c for c in range(n) if c not in ballots.withdrawn]
        if not 1 <= seats <= len(eligible):
            raise ValueError(
                f"{seats} seats cannot be filled from {len(eligible)} candidates (not withdrawn)"
            )
        self.seats = seats
        self.tie_seed = tie_seed
        self.paths = _Paths(ballots, n, seats)
        self.valid = self.paths.valid
        # A: hopeful candidates get keep factor 1, withdrawn ones 0.
        self.state = [WITHDRAWN if c in ballots.withdrawn else HOPEFUL for c in range(n)]
        self.kf = [0 if c in ballots.withdrawn else UNIT for c in range(n)]
        self.votes = [0] * n
        self.elected: list[int] = []
        self.stages: list[Stage] = []
        self.ties: list[Tie] = []
        self.iterations = 0
        self.previous_votes: dict[str, Decimal] = {}
        self.previous_exhausted = Decimal(0)

    def hopeful(self) -> list[int]:
        return [c for c, s in enumerate(self.state) if s == HOPEFUL]

    def seats_left(self) -> int:
        return self.seats - len(self.elected)

    # -- B: rounds --------------------------------------------------------------------------

    def run(self) -> CountResult:
        # B.1: test count complete.
        while len(self.hopeful()) > self.seats_left() > 0:
            self.round()
        self.complete()
        return self.result()

    def round(self) -> None:
        """One round: B.2 (iterate), then B.3 (defeat) unless the iteration elected someone."""
        self.paths.cut(self.state)
        last_surplus: int | None = None
        iterations = 0
        while True:
            iterations += 1
            # B.2.a: distribute votes.
            distribution = self.paths.distribute(self.kf)
            self.votes = distribution.votes
            # B.2.b: update quota (truncated to 9 places by the integer division, plus 10^-9).
            total = sum(self.votes[c] for c, s in enumerate(self.state) if s in (HOPEFUL, ELECTED))
            quota = total // (self.seats + 1) + EPSILON
            # B.2.c: find winners; several at once are taken in order of their votes.
            winners = [c for c in self.hopeful() if self.votes[c] >= quota]
            winners.sort(key=lambda c: (-self.votes[c], c))
            for c in winners:
                self.state[c] = ELECTED
                self.elected.append(c)
            # B.2.d: the total surplus, not less than 0.
            surplus = max(0, sum(self.votes[c] - quota for c in self.elected))
            # B.2.e: test for iteration finished.
            if winners:
                reason = "elected"
                break
            if surplus < OMEGA:
                reason = "omega"
                break
            if last_surplus is not None and surplus >= last_surplus:
                reason = "stable"
                break
            last_surplus = surplus
            # B.2.f: update keep factors: kf × q rounded up, then ÷ v rounded up.
            for c in self.elected:
                self.kf[c] = _ceil_div(_ceil_div(self.kf[c] * quota, UNIT) * UNIT, self.votes[c])
        self.iterations += iterations
        words = f"{iterations} iteration{'s' if iterations != 1 else ''}"
        if reason == "elected":
            names = ", ".join(self.names[c] for c in winners)
            note = f"{words}; {names} reached the quota (B.2.c)."
            self.record(distribution, quota, surplus, elected=winners, note=note)
            return
        why = (
            "the total surplus is below omega 0.000001"
            if reason == "omega"
            else "the total surplus did not fall from the previous iteration's (stable)"
        )
        loser, tie_note = self.defeat_low(surplus)
        if tie_note:
            note = f"{words}; {why} (B.2.e).{tie_note} {self.names[loser]} is defeated (B.3)."
        else:
            note = (
                f"{words}; {why} (B.2.e); {self.names[loser]} has the lowest vote and is "
                "defeated (B.3)."
            )
        self.record(distribution, quota, surplus, excluded=[loser], note=note)

    def defeat_low(self, surplus: int) -> tuple[int, str]:
        """B.3: defeat the hopeful candidate with the lowest vote, ties broken per T."""
        hopeful = self.hopeful()
        low = min(self.votes[c] for c in hopeful)
        tied = [c for c in hopeful if self.votes[c] <= low + surplus]
        if len(tied) == 1:
            loser = tied[0]
            note = ""
        else:
            loser, note = self.break_tie(tied, surplus)
        self.state[loser] = DEFEATED
        self.kf[loser] = 0
        return loser, note

    def break_tie(self, tied: list[int], surplus: int) -> tuple[int, str]:
        """T: select one of *tied* for defeat, by seeded lot or by the ballot file's order."""
        at = f"stage {len(self.stages) + 1}: choice of the candidate to defeat"
        contenders = tuple(self.names[c] for c in tied)
        listed = ", ".join(contenders)
        within = f"within the total surplus {_text(surplus)} of the lowest vote"
        if self.tie_seed is not None:
            lot = break_by_lot(tied, self.names, seed=self.tie_seed, at=at)
            loser = lot.chosen[0]
            self.ties.append(lot.tie)
            how = f"by lot (seed {self.tie_seed}, context {at!r})"
        else:
            loser = min(tied)
            self.ties.append(
                Tie(contenders, at, resolved_by="ballot-file order", chosen=(self.names[loser],))
            )
            how = "as the first of them in the ballot file's order of candidates (no seed given)"
        return loser, f" {listed} were tied ({within}); {self.names[loser]} is chosen {how} (T)."

    # -- C: count complete ------------------------------------------------------------------

    def complete(self) -> None:
        """C.1 elect remaining hopeful candidates while seats are unfilled; C.2 defeat the rest.

        No further distribution is made: the figures are those of the last iteration. The
        decision is added to the last stage (or, if the count was complete before any round,
        to a stage showing the first preferences).
        """
        if not self.hopeful():
            return
        first_preferences: Distribution | None = None
        if not self.stages:
            # Complete before any round (no more hopeful candidates than seats): show the
            # first preferences, every keep factor still 1.
            self.paths.cut(self.state)
            first_preferences = self.paths.distribute(self.kf)
            self.votes = first_preferences.votes
        remaining = sorted(self.hopeful(), key=lambda c: (-self.votes[c], c))
        chosen = remaining[: max(0, self.seats_left())]
        rest = remaining[len(chosen) :]
        for c in chosen:
            self.state[c] = ELECTED
            self.elected.append(c)
        for c in rest:
            self.state[c] = DEFEATED
            self.kf[c] = 0
        parts = []
        if chosen:
            names = ", ".join(self.names[c] for c in chosen)
            parts.append(f"{names} elected to the remaining seats (C.1)")
        if rest:
            parts.append(f"{', '.join(self.names[c] for c in rest)} defeated (C.2)")
        words = "Count complete: " + "; ".join(parts) + "."
        if first_preferences is not None:
            quota = sum(self.votes) // (self.seats + 1) + EPSILON
            self.record(first_preferences, quota, 0, elected=chosen, excluded=rest, note=words)
            return
        last = self.stages[-1]
        self.stages[-1] = Stage(
            number=last.number,
            action=last.action,
            votes=last.votes,
            transfers=last.transfers,
            exhausted=last.exhausted,
            loss_to_rounding=last.loss_to_rounding,
            quota=last.quota,
            elected=(*last.elected, *(self.names[c] for c in chosen)),
            excluded=(*last.excluded, *(self.names[c] for c in rest)),
            note=f"{last.note} {words}",
            keep_factors=last.keep_factors,
        )

    # -- the record -------------------------------------------------------------------------

    def record(
        self,
        distribution: Distribution,
        quota: int,
        surplus: int,
        *,
        elected: Sequence[int] = (),
        excluded: Sequence[int] = (),
        note: str,
    ) -> None:
        """Add the stage for the round just counted, with the transfers since the last one."""
        shown = [c for c, s in enumerate(self.state) if s in (HOPEFUL, ELECTED) or c in excluded]
        votes = {self.names[c]: _fixed(distribution.votes[c]) for c in shown}
        exhausted = _fixed(distribution.exhausted)
        transfers: dict[str, Decimal] = {}
        if self.stages:
            for name in self.previous_votes.keys() | votes.keys():
                moved = votes.get(name, Decimal(0)) - self.previous_votes.get(name, Decimal(0))
                if moved:
                    transfers[name] = moved
            if exhausted != self.previous_exhausted:
                transfers["exhausted"] = exhausted - self.previous_exhausted
            transfers = {n: transfers[n] for n in [*self.names, "exhausted"] if n in transfers}
        number = len(self.stages) + 1
        action = (
            "first preferences"
            if number == 1 and not excluded
            else "election"
            if elected
            else "defeat"
        )
        self.stages.append(
            Stage(
                number=number,
                action=action,
                votes=votes,
                transfers=transfers,
                exhausted=exhausted,
                quota=_fixed(quota),
                elected=tuple(self.names[c] for c in elected),
                excluded=tuple(self.names[c] for c in excluded),
                note=f"{note} Total surplus {_text(surplus)}.",
                keep_factors={self.names[c]: _fixed(self.kf[c]) for c in shown},
            )
        )
        # A candidate defeated here shows, at the next stage, the loss of these votes.
        self.previous_votes = votes
        self.previous_exhausted = exhausted

    def result(self) -> CountResult:
        final = {
            name: _fixed(self.votes[c]) if self.state[c] == ELECTED else _fixed(0)
            for c, name in enumerate(self.names)
        }
        return CountResult(
            method=METHOD,
            seats=self.seats,
            elected=tuple(self.names[c] for c in self.elected),
            rounds=tuple(self.stages),
            final=final,
            valid_ballots=self.valid,
            ties=tuple(self.ties),
            details={
                "iterations": self.iterations,
                "omega": "0.000001",
                "arithmetic": "fixed point, 9 decimal places",
                "tie_order": "lot" if self.tie_seed is not None else "ballot-file order",
            },
        )
