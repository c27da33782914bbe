"""Scottish STV: the Scottish Local Government Elections Order 2007, schedule 1, rules 45–52.

The Order (SSI 2007/42) is the rule text; the functions and comments below follow it rule by
rule. In short:

* rule 45: sort the valid papers by first preference and credit each candidate one vote per
  paper; record the total of valid papers;
* rule 46: the quota is the valid papers divided by one more than the seats, decimals
  ignored, plus one (the Droop quota);
* rule 47: a candidate whose votes equal or exceed the quota at any stage is elected;
* rule 48: a surplus is transferred by moving *all* the papers the elected candidate holds
  (not only the last parcel received: that is the Irish and Northern Irish rule, not this
  one) to their next available preferences, each at the transfer value
  ``surplus × value of the paper when received ÷ the candidate's total votes``, calculated to
  five decimal places with any remainder ignored; papers with no further preference are set
  aside as non-transferable;
* rule 49: the largest surplus goes first; equal surpluses are ordered by the votes at the
  most recent preceding stage at which the candidates differed, then by lot;
* rule 50: when no surplus is left to transfer, the candidate with the fewest votes is
  excluded and all their papers move on at the values at which they were received;
* rule 51: an equal lowest is settled by the most recent preceding stage at which those
  candidates differed (the lowest there is excluded), then by lot;
* rule 52: when the continuing candidates are no more than the vacancies left, they are all
  elected and no further transfer is made.

Arithmetic is exact: every figure is an integer number of units of 0.00001 (the five places
of rule 48(3)), so truncation is integer division and no rounding error can creep in. Votes
lost to that truncation are recorded at each stage as ``loss_to_rounding``.

Speed: the papers are held as one row per *distinct* ranking (all papers with the same
ranking travel together, so they always sit with the same candidate at the same value) in
numpy arrays; a transfer finds the next available preference of every moving row at once.

Ties: where rules 49(3) and 51(2)(b) call for a lot, the lot is drawn by
:func:`smolny.rules.ties.break_by_lot` with *tie_seed* (0 when none is given, so that the count
can finish); every tie met, however settled, is listed in :attr:`CountResult.ties` and
explained in the note of its stage. Where a tie among three or more is only partly settled
by an earlier stage, the look-back goes on among those still tied (see
:func:`smolny.rules.stv._common.settle_by_history`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt

from smolny.rules.ballots import OVERVOTE, BallotSet
from smolny.rules.count import CountResult, Stage
from smolny.rules.stv._common import fixed, pick_extreme
from smolny.rules.ties import Tie

METHOD = "scottish-stv"
PLACES = 5
"""Rule 48(3): transfer values are calculated to five decimal places."""
UNIT = 10**PLACES

IntArray = npt.NDArray[np.int64]


class _Papers:
    """The valid ballot papers, one row per distinct ranking, and where each row now stands.

    ``table[i, j]`` is the candidate at place ``j`` of ranking ``i`` (the number of candidates,
    ``nobody``, fills the places after the end, skipped ranks, withdrawn candidates and
    everything from an overvote on); ``counts[i]`` is how many papers carry ranking ``i``;
    ``place[i]`` is the place of the candidate now holding them and ``value[i]`` their value
    in units of 0.00001. ``piles[c]`` lists the arrays of rows candidate ``c`` holds.
    """

    def __init__(self, ballots: BallotSet, eligible: list[int]) -> None:
        n_candidates = len(ballots.candidates)
        self.nobody = n_candidates
        self.continuing = np.zeros(n_candidates + 1, dtype=bool)
        self.continuing[eligible] = True
        table, counts, left_aligned = _table(ballots, self.nobody)
        if left_aligned:
            # Every candidate stands and each ranking fills its first places: a paper is
            # valid when its first place names someone, who then holds it.
            valid = table[:, 0] != self.nobody
            self.table: npt.NDArray[Any] = table if valid.all() else table[valid]
            self.place: IntArray = np.zeros(len(self.table), dtype=np.int64)
        else:
            usable = self.continuing[table]
            valid = usable.any(axis=1)
            self.table = table[valid]
            self.place = usable[valid].argmax(axis=1).astype(np.int64)
        self.counts: IntArray = counts[valid]
        self.width = self.table.shape[1]
        self.value: IntArray = np.full(len(self.counts), UNIT, dtype=np.int64)
        holder = self.table[np.arange(len(self.counts)), self.place]
        self.piles: list[list[IntArray]] = [[] for _ in range(n_candidates)]
        self._deal(np.arange(len(self.counts), dtype=np.int64), holder)

    @property
    def valid(self) -> int:
        """Rule 45(3): the total number of valid ballot papers."""
        return int(self.counts.sum())

    def credits(self, rows: IntArray) -> int:
        """The votes carried by *rows* (papers × value), in units."""
        return int((self.counts[rows] * self.value[rows]).sum())

    def _deal(self, rows: IntArray, holder: npt.NDArray[Any]) -> None:
        """Put each of *rows* on the pile of its *holder* (``nobody`` = non-transferable)."""
        order = np.argsort(holder, kind="stable")
        rows, holder = rows[order], holder[order]
        bounds = np.searchsorted(holder, np.arange(self.nobody + 1))
        for candidate in range(self.nobody):
            start, end = bounds[candidate], bounds[candidate + 1]
            if end > start:
                self.piles[candidate].append(rows[start:end])

    def take(self, candidate: int) -> IntArray:
        """Remove and return every row *candidate* holds (rules 48(1) and 50(2))."""
        pile = self.piles[candidate]
        self.piles[candidate] = []
        if not pile:
            return np.zeros(0, dtype=np.int64)
        return pile[0] if len(pile) == 1 else np.concatenate(pile)

    def move(self, rows: IntArray) -> tuple[dict[int, int], int]:
        """Move *rows* to their next available preference (rules 48(2), 50(3)).

        The next available preference is the first continuing candidate after the paper's
        present place. Returns the votes credited to each receiving candidate and the votes
        of the papers that had none (non-transferable), in units.
        """
        if len(rows) == 0:
            return {}, 0
        table = self.table[rows]
        later = np.arange(self.width)[None, :] > self.place[rows][:, None]
        usable = self.continuing[table] & later
        found = usable.any(axis=1)
        nxt = usable.argmax(axis=1)
        self.place[rows] = np.where(found, nxt, self.width)
        holder = np.where(found, table[np.arange(len(rows)), nxt], self.nobody)
        carried = self.counts[rows] * self.value[rows]
        # One sort by receiving candidate: each one's papers are then a slice, summed and
        # put on their pile; the papers of ``nobody`` (the last slice) are non-transferable.
        order = np.argsort(holder, kind="stable")
        rows, holder, carried = rows[order], holder[order], carried[order]
        bounds = np.searchsorted(holder, np.arange(self.nobody + 1)).tolist()
        received: dict[int, int] = {}
        for candidate in range(self.nobody):
            start, end = bounds[candidate], bounds[candidate + 1]
            if end > start:
                received[candidate] = int(carried[start:end].sum())
                self.piles[candidate].append(rows[start:end])
        exhausted = int(carried[bounds[self.nobody] :].sum())
        return received, exhausted


def _table(ballots: BallotSet, nobody: int) -> tuple[npt.NDArray[np.int32], IntArray, bool]:
    """The rankings as a padded table of candidates, with the counts (see :class:`_Papers`),
    and whether every row is left-aligned (no marker, no withdrawn candidate: nothing was
    blanked out before a ranking's end)."""
    table, counts = ballots.padded(nobody)
    left_aligned = True
    if (table < 0).any():
        # An overvote ends the ballot there (BallotSet.cleaned's reading); other markers
        # (skipped ranks) are passed over, as are withdrawn candidates.
        after_overvote = np.logical_or.accumulate(table == OVERVOTE, axis=1)
        table[after_overvote | (table < 0)] = nobody
        left_aligned = False
    if ballots.withdrawn:
        table[np.isin(table, sorted(ballots.withdrawn))] = nobody
        left_aligned = False
    return table, counts, left_aligned


def scottish_stv(
    ballots: BallotSet, seats: int | None = None, *, tie_seed: int | None = None
) -> CountResult:
    """Count *ballots* under the Scottish rules; *seats* defaults to ``ballots.seats``.

    Raises ValueError when there are fewer candidates (not withdrawn) than seats.
    """
    return _ScottishCount(ballots, ballots.seats if seats is None else seats, tie_seed).run()


class _ScottishCount:
    """One count, stage by stage; :meth:`run` returns its record."""

    def __init__(self, ballots: BallotSet, seats: int, tie_seed: int | None) -> None:
        self.names = ballots.candidates
        self.eligible = [c for c in range(len(self.names)) if c not in ballots.withdrawn]
        if not 1 <= seats <= len(self.eligible):
            raise ValueError(
                f"{seats} seats cannot be filled from {len(self.eligible)} candidates "
                "(not withdrawn)"
            )
        self.seats = seats
        self.tie_seed = tie_seed
        self.papers = _Papers(ballots, self.eligible)
        self.valid = self.papers.valid
        if self.valid * UNIT >= 2**62:
            raise ValueError("too many ballots for 64-bit fixed-point arithmetic")
        # Rule 46: the quota.
        self.quota = (self.valid // (seats + 1) + 1) * UNIT
        self.votes = [0] * len(self.names)
        self.continuing = list(self.eligible)
        self.elected: list[int] = []
        self.pending: list[int] = []  # elected with a surplus not yet transferred
        self.exhausted = 0
        self.loss = 0
        self.history: list[tuple[int, ...]] = []
        self.stages: list[Stage] = []
        self.ties: list[Tie] = []

    # -- the stages -----------------------------------------------------------------------

    def run(self) -> CountResult:
        self.first_stage()
        while self.vacancies() > 0 and len(self.continuing) > self.vacancies():
            if self.pending:
                self.surplus_stage()
            else:
                self.exclusion_stage()
        return self.result()

    def vacancies(self) -> int:
        return self.seats - len(self.elected)

    def first_stage(self) -> None:
        """Rule 45: first preferences, then rules 47 and 52."""
        for candidate, pile in enumerate(self.papers.piles):
            for rows in pile:
                self.votes[candidate] += self.papers.credits(rows)
        notes = [
            f"{self.valid} valid ballot papers; quota {self.valid} ÷ {self.seats + 1}, "
            f"decimals ignored, + 1 = {self.quota // UNIT} (rule 46)."
        ]
        self.finish_stage("first preferences", {}, (), notes)

    def surplus_stage(self) -> None:
        """Rules 48 and 49: transfer the largest surplus."""
        number = len(self.stages) + 1
        notes: list[str] = []
        source, settled = pick_extreme(
            self.votes,
            self.pending,
            self.names,
            self.history,
            highest=True,
            at=f"stage {number}: order of surpluses",
            purpose="to have the surplus transferred first",
            seed=self.tie_seed,
            rule="rule 49(2)",
            lot_rule="rule 49(3)",
        )
        if settled is not None:
            self.ties.append(settled.tie)
            notes.append(settled.note)
        self.pending.remove(source)
        total = self.votes[source]
        surplus = total - self.quota
        rows = self.papers.take(source)
        # Rule 48(3): the transfer value of each paper, truncated to five places. Papers of
        # equal value get equal transfer values, so it is worked out once per value.
        values, inverse = np.unique(self.papers.value[rows], return_inverse=True)
        new_values = [int(v) * surplus // total for v in values.tolist()]
        self.papers.value[rows] = np.asarray(new_values, dtype=np.int64)[inverse.ravel()]
        received, exhausted = self.papers.move(rows)
        self.credit(received)
        moved = sum(received.values()) + exhausted
        self.votes[source] = self.quota
        self.exhausted += exhausted
        self.loss += surplus - moved
        parcels = ", ".join(
            f"{fixed(old, PLACES)} → {fixed(new, PLACES)}"
            for old, new in zip(values.tolist(), new_values, strict=True)
        )
        notes.insert(
            0,
            f"Surplus of {self.names[source]}: {fixed(surplus, PLACES)} of "
            f"{fixed(total, PLACES)} votes; all {int(self.papers.counts[rows].sum())} papers "
            f"transferred at values {parcels} (rule 48(3)).",
        )
        transfers = {self.names[source]: -surplus, **self.named(received)}
        transfers["exhausted"] = exhausted
        self.finish_stage(f"surplus of {self.names[source]}", transfers, (), notes)

    def exclusion_stage(self) -> None:
        """Rules 50 and 51: exclude the candidate with the fewest votes."""
        number = len(self.stages) + 1
        notes: list[str] = []
        loser, settled = pick_extreme(
            self.votes,
            self.continuing,
            self.names,
            self.history,
            highest=False,
            at=f"stage {number}: exclusion",
            purpose="to be excluded",
            seed=self.tie_seed,
            rule="rule 51(2)(a)",
            lot_rule="rule 51(2)(b)",
        )
        if settled is not None:
            self.ties.append(settled.tie)
            notes.append(settled.note)
        self.continuing.remove(loser)
        self.papers.continuing[loser] = False
        held = self.votes[loser]
        # Rule 50(4): the papers keep the value at which the excluded candidate received them.
        received, exhausted = self.papers.move(self.papers.take(loser))
        self.credit(received)
        self.votes[loser] = 0
        self.exhausted += exhausted
        self.loss += held - sum(received.values()) - exhausted
        notes.insert(
            0,
            f"{self.names[loser]} has the fewest votes ({fixed(held, PLACES)}) and is "
            "excluded; their papers move at the values at which they were received (rule 50).",
        )
        transfers = {self.names[loser]: -held, **self.named(received)}
        transfers["exhausted"] = exhausted
        self.finish_stage(f"exclusion of {self.names[loser]}", transfers, (loser,), notes)

    def finish_stage(
        self,
        action: str,
        transfers: dict[str, int],
        excluded: tuple[int, ...],
        notes: list[str],
    ) -> None:
        """Elect by rules 47 and 52 and record the stage."""
        newly: list[int] = []
        # Rule 47(1): a candidate with the quota or more is elected. Those elected at one
        # stage are listed by votes, highest first.
        reached = sorted(
            (c for c in self.continuing if self.votes[c] >= self.quota),
            key=lambda c: (-self.votes[c], c),
        )
        if reached:
            notes.append(
                f"{', '.join(self.names[c] for c in reached)} reached the quota and "
                f"{'is' if len(reached) == 1 else 'are'} elected (rule 47)."
            )
        for candidate in reached:
            self.elect(candidate, newly)
            if self.votes[candidate] > self.quota:
                self.pending.append(candidate)
        # Rule 52: continuing candidates no more than the vacancies are all elected.
        if 0 < len(self.continuing) <= self.vacancies():
            rest = sorted(self.continuing, key=lambda c: (-self.votes[c], c))
            notes.append(
                f"{', '.join(self.names[c] for c in rest)}: continuing candidates equal to the "
                "vacancies left, deemed elected; no further transfer is made (rule 52)."
            )
            for candidate in rest:
                self.elect(candidate, newly)
        self.history.append(tuple(self.votes))
        in_count = [c for c in self.eligible if c in self.continuing or c in self.elected]
        self.stages.append(
            Stage(
                number=len(self.stages) + 1,
                action=action,
                votes={self.names[c]: fixed(self.votes[c], PLACES) for c in in_count},
                transfers={name: fixed(v, PLACES) for name, v in transfers.items()},
                exhausted=fixed(self.exhausted, PLACES),
                loss_to_rounding=fixed(self.loss, PLACES),
                quota=fixed(self.quota, PLACES),
                elected=tuple(self.names[c] for c in newly),
                excluded=tuple(self.names[c] for c in excluded),
                note=" ".join(notes),
            )
        )

    def elect(self, candidate: int, newly: list[int]) -> None:
        self.continuing.remove(candidate)
        self.papers.continuing[candidate] = False
        self.elected.append(candidate)
        newly.append(candidate)

    def credit(self, received: dict[int, int]) -> None:
        for candidate, units in received.items():
            self.votes[candidate] += units

    def named(self, by_candidate: dict[int, int]) -> dict[str, int]:
        return {self.names[c]: v for c, v in sorted(by_candidate.items())}

    def result(self) -> CountResult:
        final: dict[str, Decimal] = {
            self.names[c]: fixed(self.votes[c], PLACES) for c in self.eligible
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
                "quota": str(fixed(self.quota, PLACES)),
                "places": PLACES,
                "rule": "Scottish Local Government Elections Order 2007, schedule 1, rules 45-52",
            },
        )
