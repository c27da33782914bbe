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
