"""Properties of Meek STV on small random elections (hypothesis)."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from smolny.rules.ballots import BallotSet
from smolny.rules.stv.meek import DEFEATED, ELECTED, HOPEFUL, WITHDRAWN, _Paths, meek_stv
from tests.unit.test_meek import assert_agrees_with_literal

NAMES = ("A", "B", "C", "D", "E", "F")


@st.composite
def elections(draw: st.DrawFn) -> BallotSet:
    """2–6 candidates, some seats, up to 12 ranking lines of 1–8 ballots, truncated rankings."""
    n = draw(st.integers(2, 6))
    seats = draw(st.integers(1, n))
    lines = draw(
        st.lists(
            st.tuples(
                st.permutations(range(n)).flatmap(
                    lambda order: st.integers(0, len(order)).map(lambda k: tuple(order[:k]))
                ),
                st.integers(1, 8),
            ),
            min_size=1,
            max_size=12,
        )
    )
    withdrawn = draw(st.sets(st.integers(0, n - 1), max_size=n - seats))
    return BallotSet.merge(NAMES[:n], lines, seats=seats, withdrawn=withdrawn)


def first_preferences(ballots: BallotSet) -> dict[int, int]:
    counts: dict[int, int] = {}
    for ranking, count in zip(ballots.rankings, ballots.counts, strict=True):
        standing = [c for c in ranking if c not in ballots.withdrawn]
        if standing:
            counts[standing[0]] = counts.get(standing[0], 0) + count
    return counts


@settings(max_examples=300, deadline=None)
@given(elections())
def test_a_quota_of_first_preferences_is_always_elected(ballots: BallotSet) -> None:
    firsts = first_preferences(ballots)
    valid = sum(firsts.values())
    result = meek_stv(ballots)
    for candidate, votes in firsts.items():
        # more than valid / (seats + 1): at least the rule's quota, truncated + 10^-9
        if Fraction(votes) > Fraction(valid, ballots.seats + 1):
            assert ballots.candidates[candidate] in result.elected


@settings(max_examples=200, deadline=None)
@given(elections(), st.randoms(use_true_random=False), st.one_of(st.none(), st.integers(0, 9)))
def test_permuting_ballot_order_never_changes_the_result(
    ballots: BallotSet, rng: object, seed: int | None
) -> None:
    import random

    assert isinstance(rng, random.Random)
    lines = list(zip(ballots.rankings, ballots.counts, strict=True))
    # split lines into single ballots and shuffle them: the same election, another order
    singles = [(ranking, 1) for ranking, count in lines for _ in range(count)]
    rng.shuffle(singles)
    shuffled = BallotSet(
        candidates=ballots.candidates,
        rankings=tuple(r for r, _ in singles),
        counts=tuple(c for _, c in singles),
        seats=ballots.seats,
        withdrawn=ballots.withdrawn,
    )
    a = meek_stv(ballots, tie_seed=seed)
    b = meek_stv(shuffled, tie_seed=seed)
    assert a.elected == b.elected
    assert a.final == b.final
    assert [s.votes for s in a.rounds] == [s.votes for s in b.rounds]
    assert a.ties == b.ties


@settings(max_examples=300, deadline=None)
@given(elections())
def test_elected_count_equals_seats(ballots: BallotSet) -> None:
    result = meek_stv(ballots)
    assert len(result.elected) == ballots.seats
    assert len(set(result.elected)) == ballots.seats
    assert not {ballots.candidates[c] for c in ballots.withdrawn} & set(result.elected)


@settings(max_examples=300, deadline=None)
@given(elections())
def test_votes_plus_exhausted_equal_valid_ballots_at_every_stage(ballots: BallotSet) -> None:
    result = meek_stv(ballots)
    for stage in result.rounds:
        # 9-place fixed point with each ballot's weight reduced by exactly what it gives:
        # nothing is lost to rounding, so the equality is exact
        assert sum(stage.votes.values()) + stage.exhausted == result.valid_ballots
        assert stage.loss_to_rounding == 0


@settings(max_examples=200, deadline=None)
@given(elections(), st.one_of(st.none(), st.integers(0, 9)))
def test_agrees_with_literal_reading_of_the_rule(ballots: BallotSet, seed: int | None) -> None:
    assert_agrees_with_literal(ballots, ballots.seats, tie_seed=seed)


def path_counts(paths: _Paths) -> dict[tuple[int, ...], int]:
    """The paths of a cut as {candidates: ballots}."""
    nobody = paths.nobody
    return {
        tuple(int(c) for c in row if c != nobody): int(count)
        for row, count in zip(paths.paths, paths.path_counts, strict=True)
        if count
    }


@settings(max_examples=300, deadline=None)
@given(elections(), st.data())
def test_paths_followed_from_round_to_round_equal_paths_cut_afresh(
    ballots: BallotSet, data: st.DataObject
) -> None:
    """The count moves on only the rankings whose path ended at a candidate no longer
    hopeful; after any sequence of elections and defeats, its paths, their ballots and the
    dead ballots are those of the whole table cut afresh under the same state."""
    n = len(ballots.candidates)
    followed = _Paths(ballots, n, ballots.seats)
    state = [WITHDRAWN if c in ballots.withdrawn else HOPEFUL for c in range(n)]
    while True:
        followed.cut(state)
        fresh = _Paths(ballots, n, ballots.seats)
        fresh._cut_all(state)
        assert path_counts(followed) == path_counts(fresh)
        assert followed.dead == fresh.dead
        hopeful = [c for c in range(n) if state[c] == HOPEFUL]
        if not hopeful:
            break
        room = ballots.seats - state.count(ELECTED)
        for candidate in data.draw(st.lists(st.sampled_from(hopeful), unique=True, min_size=1)):
            elect = room > 0 and data.draw(st.booleans())
            state[candidate] = ELECTED if elect else DEFEATED
            room -= elect
