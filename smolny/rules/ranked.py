"""Single-winner and block counts over ranked ballots: IRV, Schulze and plurality.

* :func:`irv` — instant-runoff voting: count every ballot for its highest-ranked continuing
  candidate; a candidate with more than half of the votes on continuing ballots wins;
  otherwise the candidate with the fewest votes is eliminated and their ballots move on. The
  treatment of overvotes and skipped ranks is a parameter, because real rules differ on it
  (see :data:`OVERVOTE_RULES`, :data:`SKIPPED_RULES`).
* :func:`schulze` — Markus Schulze's method with the *winning votes* measure of a defeat, as
  in Schulze, "A new monotonic, clone-independent, reversal symmetric, and
  Condorcet-consistent single-winner election method", Social Choice and Welfare 36 (2011),
  section 2: the pairwise preferences d[X,Y], the strongest paths p[X,Y] (Floyd–Warshall over
  links d[X,Y] > d[Y,X]), and X ranked above Y when p[X,Y] > p[Y,X]. The result is a full
  ranking, its first *seats* candidates elected.
* :func:`plurality` — the *seats* candidates with the most first preferences.

Ties are never broken silently: IRV settles an equal lowest by the most recent earlier round at
which the tied candidates differed (as the Scottish rule 51(2) does), then by lot; Schulze and
plurality go to lot directly. Every lot is drawn by :func:`smolny.rules.ties.break_by_lot` with
*tie_seed* (0 when none is given), and every tie is listed in :attr:`CountResult.ties`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

import numpy as np

from smolny.rules.ballots import OVERVOTE, SKIPPED, BallotSet, Ranking
from smolny.rules.count import CountResult, Stage
from smolny.rules.stv._common import pick_extreme
from smolny.rules.ties import Tie, break_by_lot

OverVoteRule = Literal["exhaust", "skip"]
SkippedRule = Literal["skip", "exhaust"]

OVERVOTE_RULES: dict[str, str] = {
    "exhaust": "a ballot reaching an overvoted rank is exhausted (the default)",
    "skip": "an overvoted rank is passed over, as if left blank",
}
SKIPPED_RULES: dict[str, str] = {
    "skip": "a blank rank is passed over (the default)",
    "exhaust": "a ballot reaching a blank rank before a later marked one is exhausted",
}


def _eligible(ballots: BallotSet) -> list[int]:
    return [c for c in range(len(ballots.candidates)) if c not in ballots.withdrawn]


def _check_seats(ballots: BallotSet, seats: int) -> list[int]:
    eligible = _eligible(ballots)
    if not 1 <= seats <= len(eligible):
        raise ValueError(
            f"{seats} seats cannot be filled from {len(eligible)} candidates (not withdrawn)"
        )
    return eligible


# ---- IRV ------------------------------------------------------------------------------------


def _irv_ranking(
    ranking: Ranking, withdrawn: frozenset[int], overvote: str, skipped: str
) -> Ranking:
    """The candidates a ballot can count for, in order, under the overvote and skip rules.

    Withdrawn and repeated candidates are passed over; the ranking ends where the rules make
    the ballot exhausted.
    """
    kept: list[int] = []
    for choice in ranking:
        if choice == OVERVOTE:
            if overvote == "exhaust":
                break
            continue
        if choice == SKIPPED:
            if skipped == "exhaust":
                break
            continue
        if choice in withdrawn or choice in kept:
            continue
        kept.append(choice)
    return tuple(kept)


def irv(
    ballots: BallotSet,
    *,
    overvote: OverVoteRule = "exhaust",
    skipped: SkippedRule = "skip",
    tie_seed: int | None = None,
) -> CountResult:
    """Count *ballots* by instant-runoff voting (one seat).

    Blank ballots (no mark at all) are not valid and are not counted. A ballot whose marks
    give no countable choice (an overvote at its first rank under ``overvote="exhaust"``) is
    valid but exhausted from the first round. A candidate with more than half of the votes
    for continuing candidates wins; a last continuing candidate wins outright. Candidates are
    eliminated one at a time.
    """
    if overvote not in OVERVOTE_RULES:
        raise ValueError(f"overvote rule must be one of {', '.join(OVERVOTE_RULES)}")
    if skipped not in SKIPPED_RULES:
        raise ValueError(f"skipped-rank rule must be one of {', '.join(SKIPPED_RULES)}")
    return _Runoff(ballots, overvote, skipped, tie_seed).run()


class _Runoff:
    """One IRV count, round by round."""

    def __init__(
        self, ballots: BallotSet, overvote: str, skipped: str, tie_seed: int | None
    ) -> None:
        self.names = ballots.candidates
        self.eligible = _check_seats(ballots, 1)
        self.overvote = overvote
        self.skipped = skipped
        self.tie_seed = tie_seed
        merged: dict[Ranking, int] = {}
        for raw, count in zip(ballots.rankings, ballots.counts, strict=True):
            if all(choice == SKIPPED for choice in raw):
                continue  # a blank ballot is not valid
            key = _irv_ranking(raw, ballots.withdrawn, overvote, skipped)
            merged[key] = merged.get(key, 0) + count
        self.rankings = list(merged)
        self.counts = list(merged.values())
        self.valid = sum(self.counts)
        self.place = [0] * len(self.rankings)
        self.piles: dict[int, list[int]] = {c: [] for c in self.eligible}
        self.votes = [0] * len(self.names)
        self.exhausted = 0
        for index, ranking in enumerate(self.rankings):
            if ranking:
                self.piles[ranking[0]].append(index)
                self.votes[ranking[0]] += self.counts[index]
            else:
                self.exhausted += self.counts[index]
        self.history: list[tuple[int, ...]] = []
        self.stages: list[Stage] = []
        self.ties: list[Tie] = []

    def run(self) -> CountResult:
        notes = [
            f"{self.valid} valid ballots. Overvotes: {OVERVOTE_RULES[self.overvote]}; "
            f"skipped ranks: {SKIPPED_RULES[self.skipped]}."
        ]
        winner = self.record("first choices", {}, None, notes)
        while winner is None:
            winner = self.eliminate()
        return CountResult(
            method="irv",
            seats=1,
            elected=(self.names[winner],),
            rounds=tuple(self.stages),
            final={self.names[c]: Decimal(self.votes[c]) for c in self.eligible},
            valid_ballots=self.valid,
            ties=tuple(self.ties),
            details={"overvote": self.overvote, "skipped": self.skipped},
        )

    def eliminate(self) -> int | None:
        """Eliminate the candidate with the fewest votes and move their ballots on."""
        number = len(self.stages) + 1
        notes: list[str] = []
        loser, settled = pick_extreme(
            self.votes,
            self.piles,
            self.names,
            self.history,
            highest=False,
            at=f"round {number}: elimination",
            purpose="to be eliminated",
            seed=self.tie_seed,
            rule="fewest votes at the most recent earlier round at which they differed",
            lot_rule="lot, as they were equal at every round",
        )
        if settled is not None:
            self.ties.append(settled.tie)
            notes.append(settled.note)
        held = self.votes[loser]
        moved: dict[int, int] = {}
        exhausted = 0
        for index in self.piles.pop(loser):
            ranking = self.rankings[index]
            position = self.place[index] + 1
            while position < len(ranking) and ranking[position] not in self.piles:
                position += 1
            self.place[index] = position
            if position < len(ranking):
                receiver = ranking[position]
                self.piles[receiver].append(index)
                moved[receiver] = moved.get(receiver, 0) + self.counts[index]
            else:
                exhausted += self.counts[index]
        for receiver, amount in moved.items():
            self.votes[receiver] += amount
        self.votes[loser] = 0
        self.exhausted += exhausted
        notes.insert(
            0,
            f"{self.names[loser]} has the fewest votes ({held}) and is eliminated; "
            f"{exhausted} of their ballots are exhausted.",
        )
        transfers = {self.names[loser]: -held}
        transfers.update({self.names[c]: v for c, v in sorted(moved.items())})
        transfers["exhausted"] = exhausted
        return self.record(f"elimination of {self.names[loser]}", transfers, loser, notes)

    def record(
        self, action: str, transfers: dict[str, int], loser: int | None, notes: list[str]
    ) -> int | None:
        """Record the round and return the winner, if it has one."""
        self.history.append(tuple(self.votes))
        continuing = [c for c in self.eligible if c in self.piles]
        live = sum(self.votes[c] for c in continuing)
        majority = live // 2 + 1
        leader = max(continuing, key=lambda c: self.votes[c])
        winner: int | None = None
        if self.votes[leader] >= majority:
            winner = leader
            notes.append(
                f"{self.names[leader]} has {self.votes[leader]} of the {live} votes for "
                "continuing candidates, more than half, and wins."
            )
        elif len(continuing) == 1:
            winner = leader
            notes.append(f"{self.names[leader]} is the last continuing candidate and wins.")
        self.stages.append(
            Stage(
                number=len(self.stages) + 1,
                action=action,
                votes={self.names[c]: Decimal(self.votes[c]) for c in continuing},
                transfers={name: Decimal(v) for name, v in transfers.items()},
                exhausted=Decimal(self.exhausted),
                quota=Decimal(majority),
                elected=() if winner is None else (self.names[winner],),
                excluded=() if loser is None else (self.names[loser],),
                note=" ".join(notes),
            )
        )
        return winner


# ---- Schulze --------------------------------------------------------------------------------


def pairwise(ballots: BallotSet) -> list[list[int]]:
    """d[X][Y]: the number of voters who rank X above Y (ranked above unranked).

    Worked over the distinct rankings with numpy: each ranking's place for every candidate
    (unranked candidates share the last place).
    """
    clean = ballots.cleaned()
    n = len(clean.candidates)
    rows = clean.rankings
    places = np.full((len(rows), n), n, dtype=np.int32)
    for index, ranking in enumerate(rows):
        places[index, list(ranking)] = np.arange(len(ranking), dtype=np.int32)
    counts = np.asarray(clean.counts, dtype=np.int64)
    d = [[0] * n for _ in range(n)]
    for x in range(n):
        above = places[:, x][:, None] < places
        column = (counts[:, None] * above).sum(axis=0)
        d[x] = [int(v) for v in column.tolist()]
        d[x][x] = 0
    return d


def strongest_paths(d: list[list[int]], candidates: list[int]) -> list[list[int]]:
    """p[X][Y]: the strength of the strongest path from X to Y, winning votes (Schulze §2.2)."""
    n = len(d)
    p = [[0] * n for _ in range(n)]
    for x in candidates:
        for y in candidates:
            if x != y and d[x][y] > d[y][x]:
                p[x][y] = d[x][y]
    for k in candidates:
        for x in candidates:
            if x == k:
                continue
            pxk = p[x][k]
            if pxk == 0:
                continue
            row, via = p[x], p[k]
            for y in candidates:
                if y != x and y != k:
                    through = pxk if pxk < via[y] else via[y]
                    if through > row[y]:
                        row[y] = through
    return p


def schulze(ballots: BallotSet, seats: int = 1, *, tie_seed: int | None = None) -> CountResult:
    """Rank the candidates by the Schulze method (winning votes); elect the first *seats*.

    X is ranked above Y when p[X][Y] > p[Y][X]; this relation is a strict partial order
    (Schulze 2011, §4.1), so at each place the candidates that no remaining candidate beats
    are taken; when there are several, that is a tie in the ranking: it is reported and the
    place is given by lot.
    """
    names = ballots.candidates
    eligible = _check_seats(ballots, seats)
    d = pairwise(ballots)
    p = strongest_paths(d, eligible)
    wins = {x: sum(1 for y in eligible if y != x and p[x][y] > p[y][x]) for x in eligible}
    remaining = list(eligible)
    order: list[int] = []
    ties: list[Tie] = []
    notes: list[str] = []
    while remaining:
        unbeaten = [x for x in remaining if not any(p[y][x] > p[x][y] for y in remaining)]
        chosen = unbeaten[0]
        if len(unbeaten) > 1:
            at = f"place {len(order) + 1}"
            lot = break_by_lot(unbeaten, names, seed=tie_seed, at=at)
            chosen = lot.chosen[0]
            ties.append(lot.tie)
            notes.append(
                f"{', '.join(names[x] for x in unbeaten)} are tied for {at}; "
                f"{names[chosen]} takes it by lot (seed {lot.seed})."
            )
        order.append(chosen)
        remaining.remove(chosen)
    ranking = tuple(names[x] for x in order)
    first = _first_preferences(ballots)
    stages = (
        Stage(
            number=1,
            action="first preferences",
            votes={names[x]: Decimal(first[x]) for x in eligible},
            note="First preferences, for information: Schulze does not count them alone.",
        ),
        Stage(
            number=2,
            action="strongest paths",
            votes={names[x]: Decimal(wins[x]) for x in order},
            elected=ranking[:seats],
            note=(
                "Votes here are the number of other candidates each one beats by strongest "
                f"paths (winning votes). Ranking: {', '.join(ranking)}. " + " ".join(notes)
            ).strip(),
        ),
    )
    return CountResult(
        method="schulze",
        seats=seats,
        elected=ranking[:seats],
        rounds=stages,
        final={names[x]: Decimal(wins[x]) for x in eligible},
        valid_ballots=_valid(ballots),
        ranking=ranking,
        ties=tuple(ties),
        details={
            "pairwise": {
                names[x]: {names[y]: d[x][y] for y in eligible if y != x} for x in eligible
            },
            "strongest_paths": {
                names[x]: {names[y]: p[x][y] for y in eligible if y != x} for x in eligible
            },
        },
    )


def _valid(ballots: BallotSet) -> int:
    """Ballots with at least one countable preference (after :meth:`BallotSet.cleaned`)."""
    clean = ballots.cleaned()
    return sum(c for r, c in zip(clean.rankings, clean.counts, strict=True) if r)


def _first_preferences(ballots: BallotSet) -> list[int]:
    clean = ballots.cleaned()
    first = [0] * len(ballots.candidates)
    for ranking, count in zip(clean.rankings, clean.counts, strict=True):
        if ranking:
            first[ranking[0]] += count
    return first


# ---- Plurality ------------------------------------------------------------------------------


def plurality(ballots: BallotSet, seats: int = 1, *, tie_seed: int | None = None) -> CountResult:
    """Elect the *seats* candidates with the most first preferences.

    A ballot counts for its first countable preference (:meth:`BallotSet.cleaned`: an
    overvote at the first rank makes it void). Candidates tied at the cut (some of them
    would be elected, some not) are a tie: reported, and settled by lot.
    """
    names = ballots.candidates
    eligible = _check_seats(ballots, seats)
    first = _first_preferences(ballots)
    by_votes = sorted(eligible, key=lambda c: (-first[c], c))
    cut = first[by_votes[seats - 1]]
    above = [c for c in by_votes if first[c] > cut]
    at_cut = [c for c in by_votes if first[c] == cut]
    ties: list[Tie] = []
    notes: list[str] = []
    chosen_at_cut = at_cut[: seats - len(above)]
    if len(at_cut) > seats - len(above):
        at = f"seat {len(above) + 1}"
        lot = break_by_lot(at_cut, names, seed=tie_seed, at=at, places=seats - len(above))
        chosen_at_cut = list(lot.chosen)
        ties.append(lot.tie)
        notes.append(
            f"{', '.join(names[c] for c in at_cut)} are tied with {cut} votes for the last "
            f"{seats - len(above)} seat(s); {', '.join(lot.tie.chosen)} elected by lot "
            f"(seed {lot.seed})."
        )
    elected = tuple(names[c] for c in above + chosen_at_cut)
    stage = Stage(
        number=1,
        action="first preferences",
        votes={names[c]: Decimal(first[c]) for c in eligible},
        elected=elected,
        note=" ".join([f"The {seats} candidate(s) with the most votes are elected.", *notes]),
    )
    return CountResult(
        method="plurality",
        seats=seats,
        elected=elected,
        rounds=(stage,),
        final={names[c]: Decimal(first[c]) for c in eligible},
        valid_ballots=_valid(ballots),
        ties=tuple(ties),
    )
