"""Properties of Scottish STV and IRV over small random elections (hypothesis)."""

from __future__ import annotations

import random
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from smolny.rules.ballots import BallotSet
from smolny.rules.count import CountResult
from smolny.rules.ranked import irv
from smolny.rules.stv import scottish_stv
from smolny.rules.ties import draw_lots

SETTINGS = settings(max_examples=150, deadline=None)


@st.composite
def elections(draw: st.DrawFn, max_seats: int = 3) -> BallotSet:
    """3 to 7 candidates, up to 25 distinct truncated rankings with counts up to 30."""
    n = draw(st.integers(3, 7))
    ranking = st.permutations(range(n)).flatmap(
        lambda p: st.integers(1, len(p)).map(lambda k: tuple(p[:k]))
    )
    ballots = draw(st.lists(st.tuples(ranking, st.integers(1, 30)), min_size=1, max_size=25))
    seats = draw(st.integers(1, min(max_seats, n)))
    return BallotSet.merge([chr(65 + i) for i in range(n)], ballots, seats=seats)


def drew_lots(result: CountResult) -> bool:
    return any(tie.resolved_by == "lot" for tie in result.ties)


@SETTINGS
@given(elections(max_seats=1))
def test_one_seat_scottish_stv_and_irv_agree(ballots: BallotSet) -> None:
    stv = scottish_stv(ballots, seats=1)
    runoff = irv(ballots)
    if not drew_lots(stv) and not drew_lots(runoff):
        assert stv.elected == runoff.elected


@SETTINGS
@given(elections())
def test_a_quota_of_first_preferences_is_always_elected(ballots: BallotSet) -> None:
    result = scottish_stv(ballots)
    valid = sum(
        count for ranking, count in zip(ballots.rankings, ballots.counts, strict=True) if ranking
    )
    quota = valid // (ballots.seats + 1) + 1
    first: dict[str, int] = {}
    for ranking, count in zip(ballots.rankings, ballots.counts, strict=True):
        name = ballots.candidates[ranking[0]]
        first[name] = first.get(name, 0) + count
    for name, votes in first.items():
        if votes >= quota:
            assert name in result.elected
    assert len(result.elected) == ballots.seats == len(set(result.elected))


def shuffled(ballots: BallotSet, seed: int, split: bool) -> BallotSet:
    """The same ballots in another order; with *split*, counts cut into several lines."""
    pairs = list(zip(ballots.rankings, ballots.counts, strict=True))
    if split:
        pieces = []
        for ranking, count in pairs:
            cut = random.Random(seed + count).randint(0, count)
            pieces += [(ranking, n) for n in (cut, count - cut) if n]
        pairs = pieces
    random.Random(seed).shuffle(pairs)
    return BallotSet(
        candidates=ballots.candidates,
        rankings=tuple(r for r, _ in pairs),
        counts=tuple(c for _, c in pairs),
        seats=ballots.seats,
    )


@SETTINGS
@given(elections(), st.integers(0, 10**6), st.booleans())
def test_ballot_order_never_changes_the_result(ballots: BallotSet, seed: int, split: bool) -> None:
    other = shuffled(ballots, seed, split)
    assert scottish_stv(other) == scottish_stv(ballots)
    assert irv(other) == irv(ballots)


@SETTINGS
@given(elections())
def test_every_stage_accounts_for_every_valid_ballot(ballots: BallotSet) -> None:
    """Votes + non-transferable + loss to rounding = valid ballots, exactly, at every stage."""
    result = scottish_stv(ballots)
    valid = Decimal(sum(c for r, c in zip(ballots.rankings, ballots.counts, strict=True) if r))
    assert result.valid_ballots == valid
    previous_loss = Decimal(0)
    for stage in result.rounds:
        assert sum(stage.votes.values()) + stage.exhausted + stage.loss_to_rounding == valid
        # Truncation only ever loses: the loss never decreases.
        assert stage.loss_to_rounding >= previous_loss
        previous_loss = stage.loss_to_rounding
        moved = sum(v for name, v in stage.transfers.items() if v > 0)
        given_up = -sum(v for v in stage.transfers.values() if v < 0)
        assert given_up - moved == stage.loss_to_rounding - (
            result.rounds[stage.number - 2].loss_to_rounding if stage.number > 1 else 0
        )
    runoff = irv(ballots)
    for stage in runoff.rounds:
        assert sum(stage.votes.values()) + stage.exhausted == runoff.valid_ballots == valid


@SETTINGS
@given(elections())
def test_elected_candidates_hold_a_quota_unless_elected_by_rule_52(ballots: BallotSet) -> None:
    result = scottish_stv(ballots)
    quota = result.rounds[0].quota
    assert quota is not None
    for stage in result.rounds:
        for name in stage.elected:
            assert stage.votes[name] >= quota or "rule 52" in stage.note


# ---- A literal, paper-by-paper reading of the Scottish rules, to check the fast count ------


class Paper:
    """One ballot paper: its ranking, the place it has reached, its value in 0.00001 units."""

    def __init__(self, ranking: tuple[int, ...]) -> None:
        self.ranking = ranking
        self.place = 0
        self.value = 100_000


def literal_scottish(ballots: BallotSet, seed: int) -> tuple[list[str], list[dict[str, int]]]:
    """Count paper by paper, as a returning officer would; returns elected and stage votes."""
    names = ballots.candidates
    papers = [
        Paper(ranking)
        for ranking, count in zip(ballots.rankings, ballots.counts, strict=True)
        for _ in range(count)
        if ranking
    ]
    seats = ballots.seats
    quota = (len(papers) // (seats + 1) + 1) * 100_000
    continuing = list(range(len(names)))
    elected: list[int] = []
    pending: list[int] = []
    piles: dict[int, list[Paper]] = {c: [] for c in continuing}
    for paper in papers:
        piles[paper.ranking[0]].append(paper)
    votes = {c: sum(p.value for p in piles[c]) for c in continuing}
    history: list[dict[int, int]] = []

    def settle(tied: list[int], highest: bool, at: str) -> int:
        remaining = tied
        for past in reversed(history):
            figures = {c: past[c] for c in remaining}
            extreme = max(figures.values()) if highest else min(figures.values())
            if len(set(figures.values())) > 1:
                remaining = [c for c in remaining if figures[c] == extreme]
            if len(remaining) == 1:
                return remaining[0]
        drawn = draw_lots([names[c] for c in remaining], seed, at)[0]
        return names.index(drawn)

    def move(paper: Paper) -> None:
        paper.place += 1
        while paper.place < len(paper.ranking):
            receiver = paper.ranking[paper.place]
            if receiver in continuing:
                piles[receiver].append(paper)
                votes[receiver] += paper.value
                return
            paper.place += 1

    def end_of_stage() -> None:
        for c in sorted(continuing, key=lambda c: (-votes[c], c)):
            if votes[c] >= quota:
                continuing.remove(c)
                elected.append(c)
                if votes[c] > quota:
                    pending.append(c)
        if len(continuing) <= seats - len(elected):
            for c in sorted(continuing, key=lambda c: (-votes[c], c)):
                continuing.remove(c)
                elected.append(c)
        history.append(dict(votes))

    end_of_stage()
    while len(elected) < seats and len(continuing) > seats - len(elected):
        number = len(history) + 1
        if pending:
            top = max(votes[c] for c in pending)
            source = settle(
                [c for c in pending if votes[c] == top], True, f"stage {number}: order of surpluses"
            )
            pending.remove(source)
            surplus, total = votes[source] - quota, votes[source]
            for paper in piles.pop(source):
                paper.value = paper.value * surplus // total
                move(paper)
            votes[source] = quota
        else:
            low = min(votes[c] for c in continuing)
            loser = settle(
                [c for c in continuing if votes[c] == low], False, f"stage {number}: exclusion"
            )
            continuing.remove(loser)
            for paper in piles.pop(loser):
                move(paper)
            votes[loser] = 0
        end_of_stage()
    in_count = [
        {names[c]: v for c, v in stage.items() if v or c in elected or c in continuing}
        for stage in history
    ]
    return [names[c] for c in elected], in_count


@SETTINGS
@given(elections(), st.integers(0, 3))
def test_fast_count_equals_a_paper_by_paper_count(ballots: BallotSet, seed: int) -> None:
    result = scottish_stv(ballots, tie_seed=seed)
    elected, stages = literal_scottish(ballots, seed)
    assert list(result.elected) == elected
    assert len(result.rounds) == len(stages)
    for stage, literal in zip(result.rounds, stages, strict=True):
        fast = {name: int(v * 100_000) for name, v in stage.votes.items() if v}
        assert fast == {name: v for name, v in literal.items() if v}
