"""Properties of the apportionment methods, for random inputs (hypothesis).

The divisor methods are also checked against a slow, obviously correct reference written
independently here: it hands out the seats one at a time to the highest exact priority,
starting from nothing, with no estimated divisor and no heap.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Literal

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from smolny.rules.apportion import Method, apportion, ratio_rule
from smolny.rules.ties import draw_lots

DIVISOR_METHODS = [m for m in Method if m.is_divisor]
Rounding = Literal["floor", "nearest", "ceil"]
ROUNDINGS: list[Rounding] = ["floor", "nearest", "ceil"]

populations_st = st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=12)


def _reference_divisor(pops: list[int], house: int, method: Method, minimum: int) -> list[int]:
    """Seat by seat, highest exact priority first; a tie that does not fit stops the count.

    Priorities are compared as exact fractions; Huntington-Hill's p / sqrt(k(k+1)) by its
    square, and the first seat of Adams and Huntington-Hill (divisor 0) is the minimum.
    """

    def priority(p: int, k: int) -> Fraction:
        if method is Method.DHONDT:
            return Fraction(p, k + 1)
        if method is Method.SAINTE_LAGUE:
            return Fraction(2 * p, 2 * k + 1)
        if method is Method.ADAMS:
            return Fraction(p, k)
        return Fraction(p * p, k * (k + 1))

    seats = [minimum] * len(pops)
    left = house - sum(seats)
    while left > 0:
        values = [priority(p, s) for p, s in zip(pops, seats, strict=True)]
        best = max(values)
        top = [i for i, v in enumerate(values) if v == best]
        if len(top) > left:
            break
        for i in top:
            seats[i] += 1
        left -= len(top)
    return seats


def _house(pops: list[int], minimum: int, data: st.DataObject) -> int:
    return data.draw(st.integers(min_value=len(pops) * minimum, max_value=len(pops) * minimum + 60))


@settings(max_examples=150, deadline=None)
@given(pops=populations_st, data=st.data(), method=st.sampled_from(list(Method)))
def test_seats_sum_to_the_house_size(pops: list[int], data: st.DataObject, method: Method) -> None:
    assume(sum(pops) > 0)
    min_seats = data.draw(st.integers(min_value=0, max_value=2))
    minimum = max(min_seats, method.implied_minimum)
    house = _house(pops, minimum, data)
    result = apportion(pops, house, method, min_seats=min_seats)
    assert all(s >= minimum for s in result.seats)
    if result.unresolved:
        assert sum(result.seats) < house
        assert sum(result.seats) + result.held_back == house
    else:
        assert sum(result.seats) == house
    seeded = apportion(pops, house, method, min_seats=min_seats, tie_seed=5)
    assert sum(seeded.seats) == house


@settings(max_examples=150, deadline=None)
@given(pops=populations_st, data=st.data(), method=st.sampled_from(DIVISOR_METHODS))
def test_divisor_methods_match_the_seat_by_seat_reference(
    pops: list[int], data: st.DataObject, method: Method
) -> None:
    assume(sum(pops) > 0)
    minimum = max(data.draw(st.integers(min_value=0, max_value=2)), method.implied_minimum)
    house = _house(pops, minimum, data)
    result = apportion(pops, house, method, min_seats=minimum)
    expected = _reference_divisor(pops, house, method, minimum)
    # Equal also when a tie is left unresolved: both then hold the tied seats back.
    assert list(result.seats) == expected
    assert result.unresolved == (sum(expected) < house)


@settings(max_examples=200, deadline=None)
@given(pops=populations_st, house=st.integers(min_value=0, max_value=80))
def test_hamilton_satisfies_quota(pops: list[int], house: int) -> None:
    assume(sum(pops) > 0)
    result = apportion(pops, house, Method.HAMILTON, tie_seed=11)
    assert sum(result.seats) == house
    total = sum(pops)
    for p, s in zip(pops, result.seats, strict=True):
        quota = Fraction(p * house, total)
        assert quota - 1 < s < quota + 1  # the floor or the ceiling of the exact quota


@settings(max_examples=150, deadline=None)
@given(pops=populations_st, data=st.data(), method=st.sampled_from(DIVISOR_METHODS))
def test_divisor_methods_are_house_monotone(
    pops: list[int], data: st.DataObject, method: Method
) -> None:
    assume(sum(pops) > 0)
    house = _house(pops, method.implied_minimum, data)
    smaller = apportion(pops, house, method)
    larger = apportion(pops, house + 1, method)
    assert all(a <= b for a, b in zip(smaller.seats, larger.seats, strict=True))


@settings(max_examples=200, deadline=None)
@given(
    pops=populations_st,
    per=st.integers(min_value=1, max_value=5000),
    minimum=st.integers(min_value=0, max_value=3),
    rounding=st.sampled_from(ROUNDINGS),
)
def test_ratio_rule_gives_every_constituency_its_minimum(
    pops: list[int], per: int, minimum: int, rounding: Rounding
) -> None:
    result = ratio_rule(pops, per, minimum, rounding)
    assert all(s >= minimum for s in result.seats)
    assert result.house_size == sum(result.seats)
    for p, s in zip(pops, result.seats, strict=True):
        share = Fraction(p, per)
        if s == minimum:
            continue
        # Above the minimum the seats are the share, rounded as asked.
        if rounding == "floor":
            assert share - 1 < s <= share
        elif rounding == "ceil":
            assert share <= s < share + 1
        else:
            assert share - Fraction(1, 2) < s <= share + Fraction(1, 2)  # half rounds up


@settings(max_examples=120, deadline=None)
@given(
    base=st.lists(st.integers(min_value=1, max_value=10**6), min_size=1, max_size=6),
    extra=st.integers(min_value=0, max_value=30),
    method=st.sampled_from(list(Method)),
    seed=st.integers(min_value=0, max_value=2**32),
)
def test_a_constructed_exact_tie_is_reported_never_silently_broken(
    base: list[int], extra: int, method: Method, seed: int
) -> None:
    # Every entry appears twice and the house is odd: a fair result must treat the twins
    # alike, which no odd house allows, so some tie at the last seat(s) must be reported.
    pops = base + base
    house = 2 * (len(base) * method.implied_minimum + extra) + 1
    n = len(base)

    unresolved = apportion(pops, house, method)
    assert unresolved.unresolved
    assert unresolved.seats[:n] == unresolved.seats[n:]  # twins alike: nothing broken silently
    assert sum(unresolved.seats) < house

    settled = apportion(pops, house, method, tie_seed=seed)
    assert not settled.unresolved
    assert sum(settled.seats) == house
    assert settled == apportion(pops, house, method, tie_seed=seed)  # same seed, same result
    for tie in settled.ties:
        assert tie.resolved_by == "lot"
        assert tie.seed == seed
        assert tie.chosen == draw_lots(tie.contenders, seed, tie.at)[: len(tie.chosen)]
    winners = {int(name) for tie in settled.ties for name in tie.chosen}
    assert winners
    for i, (before, after) in enumerate(zip(unresolved.seats, settled.seats, strict=True)):
        assert after == before + (1 if i in winners else 0)


@settings(max_examples=100, deadline=None)
@given(
    pops=populations_st,
    percent=st.integers(min_value=0, max_value=40),
    method=st.sampled_from([Method.HAMILTON, Method.DHONDT, Method.SAINTE_LAGUE]),
    house=st.integers(min_value=1, max_value=40),
)
def test_threshold_excludes_exactly_the_entries_below_it(
    pops: list[int], percent: int, method: Method, house: int
) -> None:
    total = sum(pops)
    assume(any(100 * p >= percent * total and p > 0 for p in pops))
    result = apportion(pops, house, method, threshold=percent, tie_seed=1)
    assert set(result.excluded) == {i for i, p in enumerate(pops) if 100 * p < percent * total}
    assert all(result.seats[i] == 0 for i in result.excluded)
    assert sum(result.seats) == house
