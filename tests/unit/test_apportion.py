"""Apportionment against the reference data and hand-checked cases."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from smolny.rules.apportion import (
    Apportionment,
    Method,
    apportion,
    below_threshold,
    parse_method,
    ratio_rule,
)
from smolny.rules.ties import draw_lots

DATA = Path(__file__).resolve().parents[1] / "data"
REFERENCE = DATA / "apportion"


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


# --- reference data ---------------------------------------------------------------------


def test_us_house_2010_is_the_official_apportionment() -> None:
    states = _read_csv(REFERENCE / "us_house_2010.csv")
    official = {
        row["name"]: int(row["seats"])
        for row in _read_csv(REFERENCE / "us_house_2010_official_seats.csv")
    }
    result = apportion([int(s["population"]) for s in states], 435, Method.HUNTINGTON_HILL)
    assert dict(zip((s["name"] for s in states), result.seats, strict=True)) == official
    assert result.ties == ()
    assert result.house_size == 435


def _balinski_young() -> list[tuple[str, list[int], int, list[int]]]:
    data = json.loads((REFERENCE / "balinski_young.json").read_text(encoding="utf-8"))
    return [
        (key, data["populations"], data["seats"], expected)
        for key, expected in data["expected"].items()
    ]


@pytest.mark.parametrize(("key", "populations", "seats", "expected"), _balinski_young())
def test_balinski_young_example(
    key: str, populations: list[int], seats: int, expected: list[int]
) -> None:
    method = parse_method(key.split()[0])
    assert list(apportion(populations, seats, method).seats) == expected


def test_balinski_young_covers_all_five_methods() -> None:
    assert {parse_method(key.split()[0]) for key, *_ in _balinski_young()} == set(Method)


# --- methods ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("hamilton", Method.HAMILTON),
        ("largest-remainder", Method.HAMILTON),
        ("Hare", Method.HAMILTON),
        ("jefferson", Method.DHONDT),
        ("D'Hondt", Method.DHONDT),
        ("webster", Method.SAINTE_LAGUE),
        ("Sainte-Laguë", Method.SAINTE_LAGUE),
        ("huntington_hill", Method.HUNTINGTON_HILL),
        ("adams", Method.ADAMS),
    ],
)
def test_parse_method_accepts_aliases(name: str, method: Method) -> None:
    assert parse_method(name) is method


def test_parse_method_lists_the_methods_when_unknown() -> None:
    with pytest.raises(ValueError, match=r"unknown method 'dean'.*huntington-hill.*adams"):
        parse_method("dean")


def test_small_hand_computed_divisor_example() -> None:
    # 100, 80, 30 for 8 seats. D'Hondt priorities: 100, 80, 50, 40, 33.3, 30, 26.7, 25, 20...
    # top 8 = A(100,50,33.3,25) B(80,40,26.7) C(30): 4/3/1.
    assert apportion([100, 80, 30], 8, "dhondt").seats == (4, 3, 1)
    # Sainte-Laguë divisors 1,3,5,7: A 100,33.3,20,14.3; B 80,26.7,16; C 30,10:
    # top 8 = 100,80,33.3,30,26.7,20,16,14.3 -> A4 B3 C1.
    assert apportion([100, 80, 30], 8, "sainte-lague").seats == (4, 3, 1)
    # 5 seats: 100,80,33.3,30,26.7 -> A2 B2 C1.
    assert apportion([100, 80, 30], 5, "sainte-lague").seats == (2, 2, 1)


def test_huntington_hill_small_example() -> None:
    # Both start with their one seat. Seat 3: priorities 50/sqrt(2) = 35.4 against
    # 35/sqrt(2) = 24.7, so the first; seat 4: 50/sqrt(6) = 20.4 against 24.7, the second.
    assert apportion([50, 35], 3, "huntington-hill").seats == (2, 1)
    assert apportion([50, 35], 4, "huntington-hill").seats == (2, 2)


def test_zero_seats_gives_nothing() -> None:
    assert apportion([5, 3], 0, "dhondt").seats == (0, 0)


def test_more_entries_than_seats_under_implied_minimum_is_an_error() -> None:
    with pytest.raises(ValueError, match="3 entries with at least 1 seat"):
        apportion([5, 3, 1], 2, "huntington-hill")
    with pytest.raises(ValueError, match="need 6 seats, more than the 5"):
        apportion([5, 3, 1], 5, "dhondt", min_seats=2)


def test_negative_population_is_an_error() -> None:
    with pytest.raises(ValueError, match="entry 1 is negative"):
        apportion([5, -3], 2, "dhondt")


def test_all_zero_populations_is_an_error() -> None:
    with pytest.raises(ValueError, match="total population is zero"):
        apportion([0, 0], 2, "sainte-lague")


def test_min_seats_raises_small_entries_divisor() -> None:
    # D'Hondt without minimum: 1000, 10, 10 for 5 seats all go to the first.
    assert apportion([1000, 10, 10], 5, "dhondt").seats == (5, 0, 0)
    assert apportion([1000, 10, 10], 5, "dhondt", min_seats=1).seats == (3, 1, 1)


def test_min_seats_hamilton_fixes_small_quotas_first() -> None:
    # Quotas for 10 seats over 1000+50+50: 9.09, 0.45, 0.45 -> both small ones fixed at 2,
    # the 6 seats left all go to the first.
    assert apportion([1000, 50, 50], 10, "hamilton", min_seats=2).seats == (6, 2, 2)


def test_adams_gives_every_entry_a_seat() -> None:
    assert apportion([1000, 1], 3, "adams").seats == (2, 1)


def test_threshold_drops_small_entries_before_allocating() -> None:
    # 5 % of 1000 = 50: the entry of 40 is dropped, the one of exactly 50 is not.
    result = apportion([610, 300, 50, 40], 10, "sainte-lague", threshold=5)
    assert result.excluded == (3,)
    assert result.seats[3] == 0
    assert sum(result.seats) == 10
    assert result.seats == (*apportion([610, 300, 50], 10, "sainte-lague").seats, 0)


def test_threshold_is_exact_for_decimal_and_fraction() -> None:
    # 1/3 of a percent of 3000 is exactly 10.
    assert below_threshold([10, 2990], Fraction(1, 3)) == ()
    assert below_threshold([9, 2991], Fraction(1, 3)) == (0,)
    assert below_threshold([249, 9751], Decimal("2.5")) == (0,)
    assert below_threshold([250, 9750], Decimal("2.5")) == ()


def test_threshold_out_of_range() -> None:
    with pytest.raises(ValueError, match="between 0 and 100"):
        apportion([1, 2], 1, "dhondt", threshold=101)


# --- ties -------------------------------------------------------------------------------


@pytest.mark.parametrize("method", list(Method))
def test_tie_for_the_last_seat_is_held_back_without_seed(method: Method) -> None:
    result = apportion([100, 100, 100], 4, method)
    assert result.unresolved
    assert result.seats == (1, 1, 1)
    assert result.held_back == 1
    (tie,) = result.ties
    assert tie.contenders == ("0", "1", "2")
    assert tie.at == "seat 4"
    assert not tie.resolved


@pytest.mark.parametrize("method", list(Method))
def test_tie_broken_by_seeded_lot_is_recorded(method: Method) -> None:
    result = apportion([100, 100, 100], 5, method, tie_seed=7, labels=["a", "b", "c"])
    assert not result.unresolved
    (tie,) = result.ties
    assert tie.at == "seats 4-5"
    assert tie.resolved_by == "lot"
    assert tie.seed == 7
    # The recorded draw is the one anybody can redo from the record.
    assert tie.chosen == draw_lots(["a", "b", "c"], 7, "seats 4-5")[:2]
    winners = {"abc".index(name) for name in tie.chosen}
    assert result.seats == tuple(2 if i in winners else 1 for i in range(3))


def test_tie_when_removing_seats_from_an_overshooting_estimate() -> None:
    # Quotas 0.6, 0.6, 0.6, 0.2 for 2 seats: Sainte-Laguë at the divisor total/2 gives
    # 1, 1, 1, 0 = 3 seats, one too many, and the three equal entries tie for two seats.
    result = apportion([60, 60, 60, 20], 2, "sainte-lague")
    assert result.seats == (0, 0, 0, 0)
    assert result.held_back == 2
    (tie,) = result.ties
    assert tie.at == "seats 1-2"
    assert tie.contenders == ("0", "1", "2")
    settled = apportion([60, 60, 60, 20], 2, "sainte-lague", tie_seed=1)
    assert sorted(settled.seats) == [0, 0, 1, 1]
    assert settled.seats[3] == 0
    assert {str(i) for i, s in enumerate(settled.seats) if s} == set(settled.ties[0].chosen)


def test_context_prefixes_the_tie_and_changes_the_lot_context() -> None:
    result = apportion([1, 1], 1, "dhondt", tie_seed=3, context="redistribution")
    assert result.ties[0].at == "redistribution: seat 1"
    assert result.ties[0].chosen == draw_lots(["0", "1"], 3, "redistribution: seat 1")[:1]


def test_equal_entries_below_the_boundary_are_not_a_tie() -> None:
    # Two equal small entries both fit: no tie to report.
    result = apportion([500, 100, 100], 7, "dhondt")
    assert result.seats == (5, 1, 1)
    assert result.ties == ()


# --- ratio rule -------------------------------------------------------------------------


def test_ratio_rule_1917_one_per_thousand_at_least_one() -> None:
    result = ratio_rule([30000, 1500, 250, 999, 0], per=1000, minimum=1)
    assert result.seats == (30, 1, 1, 1, 1)
    assert result.house_size == 34
    assert result.method is None


def test_ratio_rule_roundings() -> None:
    assert ratio_rule([1499, 1500, 2001], 1000, 0, "nearest").seats == (1, 2, 2)
    assert ratio_rule([1499, 1500, 2001], 1000, 0, "ceil").seats == (2, 2, 3)
    assert ratio_rule([1499, 1500, 2001], 1000, 0, "floor").seats == (1, 1, 2)


def test_ratio_rule_one_per_company() -> None:
    companies = [250, 180, 90]
    assert ratio_rule(companies, per=max(companies) + 1, minimum=1).seats == (1, 1, 1)


def test_ratio_rule_rejects_bad_ratio() -> None:
    with pytest.raises(ValueError, match="at least one member per deputy"):
        ratio_rule([10], per=0)


def test_apportionment_properties() -> None:
    result = Apportionment(seats=(2, 1), house_size=4, method=Method.DHONDT)
    assert result.allocated == 3
    assert result.held_back == 1
    assert not result.unresolved


@pytest.mark.parametrize("method", list(Method))
def test_populations_beyond_float_range_stay_exact(method: Method) -> None:
    # Scaling every population by the same factor changes nothing, even past 1e308 where a
    # float key overflows; the entry one above the scale must still win the close seat.
    big = 10**200
    assert (
        apportion([3 * big, 2 * big, big], 12, method).seats
        == apportion([3, 2, 1], 12, method).seats
    )
    result = apportion([big + 1, big], 3, method)
    assert result.seats == (2, 1)
    assert result.ties == ()
