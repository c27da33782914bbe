"""Malapportionment measures (smolny.rules.measures), with the 1917 Soviet as the test world.

Small cases are computed by hand in the comments; the 1917 case builds factories and
companies, applies the representation rule of March 1917 through
``smolny.rules.apportion.ratio_rule``, and checks that the source's report — about 150,000
soldiers with twice the representation of about 450,000 workers — comes out of the numbers.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smolny.rules.apportion import ratio_rule
from smolny.rules.measures import (
    category_indices,
    gallagher,
    gallagher_squared,
    loosemore_hanby,
    members_per_deputy,
    representation_by_category,
    representation_ratio,
    share_differences,
)

# --- Hand-computed small cases ------------------------------------------------------------


def test_three_parties_by_hand() -> None:
    # Shares 50/30/20 % of votes against 60/30/10 % of seats: differences 10, 0, -10 points.
    # LH = (0.1 + 0 + 0.1) / 2 = 1/10; Gallagher = sqrt((100 + 0 + 100) / 2) = 10.
    assert loosemore_hanby([50, 30, 20], [6, 3, 1]) == Fraction(1, 10)
    assert gallagher_squared([50, 30, 20], [6, 3, 1]) == 100
    assert gallagher([50, 30, 20], [6, 3, 1]) == Decimal("10.000000")


def test_two_equal_parties_one_takes_all() -> None:
    # Shares 1/2, 1/2 against 1, 0: differences 1/2 each; LH = 1/2; G = sqrt(2500) = 50.
    assert loosemore_hanby([1, 1], [1, 0]) == Fraction(1, 2)
    assert gallagher([1, 1], [1, 0]) == Decimal("50.000000")


def test_root_is_truncated_not_rounded() -> None:
    # Shares 2/3, 1/3 against 1/2, 1/2: differences 1/6; LH = 1/6;
    # G^2 = (100/6)^2 = 2500/9, G = 50/3 = 16.6666...: six places truncated is 16.666666.
    assert loosemore_hanby([2, 1], [1, 1]) == Fraction(1, 6)
    assert gallagher_squared([2, 1], [1, 1]) == Fraction(2500, 9)
    assert gallagher([2, 1], [1, 1]) == Decimal("16.666666")
    assert gallagher([2, 1], [1, 1], places=2) == Decimal("16.66")
    assert gallagher([2, 1], [1, 1], places=0) == Decimal("16")


def test_irrational_root() -> None:
    # Shares 3/4, 1/4 against 1/2, 1/2: differences 1/4; G^2 = 625 * 2 / 2 = 625 -> 25.
    assert gallagher([3, 1], [1, 1]) == Decimal("25.000000")
    # Shares 1/3 each against 1, 0, 0: differences 2/3, -1/3, -1/3;
    # G^2 = (10000 * (4/9 + 1/9 + 1/9)) / 2 = 10000/3; G = 57.735026918... -> 57.735026.
    assert gallagher([1, 1, 1], [1, 0, 0]) == Decimal("57.735026")
    assert loosemore_hanby([1, 1, 1], [1, 0, 0]) == Fraction(2, 3)


def test_share_differences_are_seat_minus_population() -> None:
    assert share_differences([50, 30, 20], [6, 3, 1]) == [
        Fraction(1, 10),
        Fraction(0),
        Fraction(-1, 10),
    ]


def test_members_per_deputy() -> None:
    assert members_per_deputy(150_000, 900) == Fraction(500, 3)
    with pytest.raises(ValueError, match="deputies > 0"):
        members_per_deputy(100, 0)


@pytest.mark.parametrize(
    ("populations", "seats", "error", "message"),
    [
        ([1, 2], [1], ValueError, "must pair up"),
        ([], [], ValueError, "at least one"),
        ([1, -2], [1, 1], ValueError, "population of entry 1 is negative"),
        ([1, 2], [1, -1], ValueError, "seats of entry 1 is negative"),
        ([0, 0], [1, 1], ValueError, "total population is zero"),
        ([1, 1], [0, 0], ValueError, "total seats is zero"),
        ([1.5, 2], [1, 1], TypeError, "must be an int"),
    ],
)
def test_bad_input_is_refused(
    populations: list[int], seats: list[int], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        loosemore_hanby(populations, seats)
    with pytest.raises(error, match=message):
        gallagher(populations, seats)


def test_category_without_members_is_refused() -> None:
    with pytest.raises(ValueError, match="'empty' has no members"):
        representation_by_category([("a", 10, 1), ("empty", 0, 1)])
    with pytest.raises(ValueError, match="no deputies"):
        representation_by_category([("a", 10, 0)])
    with pytest.raises(ValueError, match="members of constituency 1 is negative"):
        representation_by_category([("a", 10, 1), ("b", -1, 1)])


# --- The Petrograd Soviet, March 1917 -------------------------------------------------------

# Factories: 450,000 workers. Hand count under "one per 1,000, at least one" (whole thousands
# only): 6 works of 25,000 send 25 each (150), 100 factories of 2,500 send 2 each (200: the
# half-thousand earns nothing), 100 workshops of 500 send the minimum of 1 (100) = 450.
FACTORIES = [25_000] * 6 + [2_500] * 100 + [500] * 100
# Companies: 150,000 soldiers, one deputy per company. Assumption, not a source figure:
# 600 full companies of 200 men and 300 small companies of 100 ("companies soon included
# small ones"), i.e. 900 companies averaging 166.7 men, the distribution that makes the
# source's "twice the representation" of the workers hold.
COMPANIES = [200] * 600 + [100] * 300


class TestSovietOfMarch1917:
    """About 150,000 soldiers had twice the representation of about 450,000 workers."""

    def test_inputs_match_the_source(self) -> None:
        assert sum(FACTORIES) == 450_000
        assert sum(COMPANIES) == 150_000
        assert len(COMPANIES) == 900

    def test_deputies_come_from_the_rule(self) -> None:
        result = representation_by_category(self._constituencies())
        workers, soldiers = result["workers"], result["soldiers"]
        assert (workers.members, workers.deputies, workers.constituencies) == (450_000, 450, 206)
        assert (soldiers.members, soldiers.deputies, soldiers.constituencies) == (150_000, 900, 900)
        # "Twice the representation": the soldiers' deputies are about twice the workers'.
        assert Fraction(soldiers.deputies, workers.deputies) == 2

    def test_members_per_deputy_and_weight_of_a_voice(self) -> None:
        result = representation_by_category(self._constituencies())
        workers, soldiers = result["workers"], result["soldiers"]
        assert workers.members_per_deputy == 1000
        assert soldiers.members_per_deputy == Fraction(500, 3)  # 166.7 soldiers per deputy
        # Twice the deputies from a third of the members: a soldier's voice weighed six
        # times a worker's.
        assert representation_ratio(soldiers, workers) == 6
        assert representation_ratio(workers, soldiers) == Fraction(1, 6)
        # Against the council's average of 1,350 deputies for 600,000 members (9 per 4,000):
        # a worker 4/9 of an average voice, a soldier 8/3.
        assert workers.weight == Fraction(4, 9)
        assert soldiers.weight == Fraction(8, 3)
        assert (workers.member_share, workers.deputy_share) == (Fraction(3, 4), Fraction(1, 3))

    def test_malapportionment_between_the_sections(self) -> None:
        # Member shares 3/4, 1/4 against deputy shares 1/3, 2/3: differences 5/12.
        # LH = 5/12; Gallagher = 100 * 5/12 = 41.666...
        lh, g = category_indices(representation_by_category(self._constituencies()))
        assert lh == Fraction(5, 12)
        assert g == Decimal("41.666666")

    def test_without_small_companies_the_gap_is_smaller(self) -> None:
        """Had every company been full (250 men), 600 companies would have sent 600."""
        full = [250] * 600
        soldiers = ratio_rule(full, per=1000, minimum=1)
        workers = ratio_rule(FACTORIES, per=1000, minimum=1)
        result = representation_by_category(
            [("workers", m, d) for m, d in zip(FACTORIES, workers.seats, strict=True)]
            + [("soldiers", m, d) for m, d in zip(full, soldiers.seats, strict=True)]
        )
        assert result["soldiers"].deputies == 600
        assert representation_ratio(result["soldiers"], result["workers"]) == 4

    @staticmethod
    def _constituencies() -> list[tuple[str, int, int]]:
        workers = ratio_rule(FACTORIES, per=1000, minimum=1).seats
        soldiers = ratio_rule(COMPANIES, per=1000, minimum=1).seats
        return [("workers", m, d) for m, d in zip(FACTORIES, workers, strict=True)] + [
            ("soldiers", m, d) for m, d in zip(COMPANIES, soldiers, strict=True)
        ]


# --- Properties ---------------------------------------------------------------------------


@st.composite
def populations_and_seats(draw: st.DrawFn) -> tuple[list[int], list[int]]:
    n = draw(st.integers(min_value=1, max_value=12))
    populations = draw(st.lists(st.integers(0, 10_000), min_size=n, max_size=n))
    seats = draw(st.lists(st.integers(0, 200), min_size=n, max_size=n))
    if sum(populations) == 0:
        populations[0] = 1
    if sum(seats) == 0:
        seats[-1] = 1
    return populations, seats


@settings(max_examples=200, deadline=None)
@given(populations_and_seats())
def test_lh_lies_in_unit_interval_and_is_zero_iff_shares_equal(
    case: tuple[list[int], list[int]],
) -> None:
    populations, seats = case
    lh = loosemore_hanby(populations, seats)
    assert 0 <= lh <= 1
    total_p, total_s = sum(populations), sum(seats)
    shares_equal = all(p * total_s == s * total_p for p, s in zip(populations, seats, strict=True))
    assert (lh == 0) == shares_equal
    assert (gallagher_squared(populations, seats) == 0) == shares_equal


@settings(max_examples=200, deadline=None)
@given(populations_and_seats(), st.integers(min_value=2, max_value=1000))
def test_scaling_populations_changes_nothing(
    case: tuple[list[int], list[int]], factor: int
) -> None:
    populations, seats = case
    scaled = [factor * p for p in populations]
    assert loosemore_hanby(scaled, seats) == loosemore_hanby(populations, seats)
    assert gallagher_squared(scaled, seats) == gallagher_squared(populations, seats)
    assert gallagher(scaled, seats) == gallagher(populations, seats)


@settings(max_examples=200, deadline=None)
@given(populations_and_seats())
def test_gallagher_is_bounded_by_lh(case: tuple[list[int], list[int]]) -> None:
    """0 <= G and (100 LH)^2 * 2/n <= G^2 <= (100 LH)^2.

    With d the differences, sum(d) = 0 so every |d_i| <= LH, hence sum(d^2) <= 2 LH^2;
    and by Cauchy-Schwarz sum(d^2) >= (sum |d|)^2 / n = 4 LH^2 / n.
    """
    populations, seats = case
    square = gallagher_squared(populations, seats)
    lh_points = 100 * loosemore_hanby(populations, seats)
    assert gallagher(populations, seats) >= 0
    assert lh_points**2 * Fraction(2, len(populations)) <= square <= lh_points**2


@settings(max_examples=200, deadline=None)
@given(populations_and_seats(), st.integers(min_value=0, max_value=12))
def test_gallagher_digits_are_exact(case: tuple[list[int], list[int]], places: int) -> None:
    populations, seats = case
    square = gallagher_squared(populations, seats)
    value = Fraction(gallagher(populations, seats, places=places))
    step = Fraction(1, 10**places)
    assert value**2 <= square < (value + step) ** 2


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from("abc"), st.integers(1, 5000), st.integers(0, 20)),
        min_size=1,
        max_size=30,
    )
)
def test_category_weights_average_to_one(
    constituencies: list[tuple[str, int, int]],
) -> None:
    """Weighted by member share, the weights of a member's voice average exactly 1."""
    if sum(d for _, _, d in constituencies) == 0:
        constituencies = [*constituencies, ("a", 1, 1)]
    result = representation_by_category(constituencies)
    assert sum(entry.weight * entry.member_share for entry in result.values()) == 1
    assert sum(entry.members for entry in result.values()) == sum(m for _, m, _ in constituencies)
    for a in result.values():
        for b in result.values():
            if b.deputies:
                assert representation_ratio(a, b) == a.weight / b.weight
