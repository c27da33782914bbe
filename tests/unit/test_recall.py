"""Properties of the recall arithmetic (pure functions; no database)."""

from __future__ import annotations

import math
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from smolny.rules.recall import recall_outcome, share_of_roll

shares = st.fractions(min_value=Fraction(1, 100), max_value=1, max_denominator=100)


@given(roll=st.integers(0, 10**7), share=shares)
@settings(max_examples=300, deadline=None)
def test_share_of_roll_is_the_smallest_count_reaching_the_share(roll: int, share: Fraction) -> None:
    k = share_of_roll(roll, share)
    assert k >= 1
    assert k >= share * roll
    if k > 1:
        assert k - 1 < share * roll
    # Independent: the ceiling through integer arithmetic.
    assert k == max(1, -(-share.numerator * roll // share.denominator))


def test_share_of_roll_examples() -> None:
    assert share_of_roll(45, Fraction(1, 4)) == 12
    assert share_of_roll(44, Fraction(1, 4)) == 11
    assert share_of_roll(45, Fraction(1, 3)) == 15
    assert share_of_roll(0, Fraction(1, 3)) == 1


@given(
    roll=st.integers(1, 10_000),
    recall=st.integers(0, 10_000),
    keep=st.integers(0, 10_000),
    quorum=shares,
)
@settings(max_examples=500, deadline=None)
def test_outcome_follows_quorum_then_majority(
    roll: int, recall: int, keep: int, quorum: Fraction
) -> None:
    result = recall_outcome(roll, recall, keep, quorum)
    cast = recall + keep
    if cast < math.ceil(quorum * roll):
        assert result.outcome == "no quorum"
    elif recall > cast / 2:
        assert result.outcome == "recalled"
    else:
        assert result.outcome == "not recalled"
    assert (result.tie is not None) == (result.outcome == "not recalled" and recall == keep)


@given(roll=st.integers(1, 1000), recall=st.integers(0, 1000), keep=st.integers(0, 1000))
@settings(max_examples=300, deadline=None)
def test_one_more_vote_to_recall_never_saves_the_deputy(roll: int, recall: int, keep: int) -> None:
    quorum = Fraction(1, 3)
    before = recall_outcome(roll, recall, keep, quorum)
    after = recall_outcome(roll, recall + 1, keep, quorum)
    if before.carried:
        assert after.carried
