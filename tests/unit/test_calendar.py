"""Julian <-> Gregorian conversion, weekdays and dual dates (smolny.rules.calendar).

Expected values come from the history file's "Calendar facts for tests" table, from
well-known calendar changes (Britain 1752, Russia 1918), and from an independent integer
computation of the Julian calendar written in this file.
"""

from __future__ import annotations

import calendar as stdlib_calendar
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smolny.rules.calendar import (
    JulianDate,
    dual_date,
    gregorian_to_julian,
    julian_month_length,
    julian_to_gregorian,
    offset_days,
    parse_gregorian,
    weekday,
)

# The history file's table: Julian, Gregorian, weekday.
CALENDAR_FACTS = [
    (JulianDate(1917, 2, 23), date(1917, 3, 8), "Thursday"),
    (JulianDate(1917, 2, 26), date(1917, 3, 11), "Sunday"),
    (JulianDate(1917, 10, 25), date(1917, 11, 7), "Wednesday"),
    (JulianDate(1917, 10, 20), date(1917, 11, 2), "Friday"),
]


def independent_julian_ordinal(day: JulianDate) -> int:
    """The proleptic-Gregorian ordinal of a Julian date, by counting days.

    Julian 1 January of year 1 is Gregorian 30 December of year 0, two days before
    ``date(1, 1, 1)`` (ordinal 1), so Julian day-of-year 3 of year 1 has ordinal 1.
    """
    before_year = 365 * (day.year - 1) + (day.year - 1) // 4
    before_month = sum(julian_month_length(day.year, m) for m in range(1, day.month))
    return before_year + before_month + day.day - 2


@pytest.mark.parametrize(("julian", "gregorian", "name"), CALENDAR_FACTS)
def test_history_calendar_facts(julian: JulianDate, gregorian: date, name: str) -> None:
    assert julian_to_gregorian(julian) == gregorian
    assert gregorian_to_julian(gregorian) == julian
    assert weekday(julian) == name
    assert weekday(gregorian) == name


@pytest.mark.parametrize(
    ("julian", "expected"),
    [
        (JulianDate(1917, 10, 25), "25 October (7 November) 1917"),
        (JulianDate(1917, 2, 23), "23 February (8 March) 1917"),
        (JulianDate(1917, 12, 19), "19 December 1917 (1 January 1918)"),
        (JulianDate(1917, 3, 1), "1 March (14 March) 1917"),
    ],
)
def test_dual_date(julian: JulianDate, expected: str) -> None:
    assert dual_date(julian) == expected
    assert dual_date(julian_to_gregorian(julian)) == expected


@pytest.mark.parametrize(
    ("julian", "gregorian", "offset"),
    [
        # 18th century: 11 days.
        (JulianDate(1750, 1, 1), date(1750, 1, 12), 11),
        (JulianDate(1700, 3, 1), date(1700, 3, 12), 11),
        (JulianDate(1800, 2, 28), date(1800, 3, 11), 11),
        # 19th century: 12 days.
        (JulianDate(1800, 3, 1), date(1800, 3, 13), 12),
        (JulianDate(1825, 12, 14), date(1825, 12, 26), 12),
        (JulianDate(1900, 2, 28), date(1900, 3, 12), 12),
        # From 1 March 1900 (Julian): 13 days.
        (JulianDate(1900, 3, 1), date(1900, 3, 14), 13),
        (JulianDate(1917, 10, 25), date(1917, 11, 7), 13),
        (JulianDate(2100, 2, 28), date(2100, 3, 13), 13),
        (JulianDate(2100, 3, 1), date(2100, 3, 15), 14),
    ],
)
def test_offset_changes_by_century(julian: JulianDate, gregorian: date, offset: int) -> None:
    assert julian_to_gregorian(julian) == gregorian
    assert offset_days(julian) == offset


def test_julian_leap_day_1900() -> None:
    """29 February 1900 exists in the Julian calendar only; datetime.date cannot hold it."""
    leap_day = JulianDate(1900, 2, 29)
    with pytest.raises(ValueError, match="day is out of range"):
        date(1900, 2, 29)
    assert julian_to_gregorian(leap_day) == date(1900, 3, 13)
    assert gregorian_to_julian(date(1900, 3, 13)) == leap_day
    assert julian_to_gregorian(JulianDate(1900, 3, 1)) == date(1900, 3, 14)
    assert weekday(leap_day) == "Tuesday"


def test_russia_switch_1918() -> None:
    """31 January 1918 (Julian) was followed by 14 February 1918 (Gregorian)."""
    last_julian = julian_to_gregorian(JulianDate(1918, 1, 31))
    assert last_julian == date(1918, 2, 13)
    assert last_julian + timedelta(days=1) == date(1918, 2, 14)
    assert gregorian_to_julian(date(1918, 2, 14)) == JulianDate(1918, 2, 1)


def test_britain_switch_1752() -> None:
    """Wednesday 2 September 1752 (Julian) was followed by Thursday 14 September (Gregorian)."""
    assert weekday(JulianDate(1752, 9, 2)) == "Wednesday"
    assert julian_to_gregorian(JulianDate(1752, 9, 3)) == date(1752, 9, 14)
    assert weekday(date(1752, 9, 14)) == "Thursday"


@pytest.mark.parametrize(
    ("year", "month", "day"),
    [(1917, 2, 29), (1917, 2, 30), (1917, 4, 31), (1917, 13, 1), (1917, 0, 1), (0, 1, 1)],
)
def test_impossible_julian_dates_are_refused(year: int, month: int, day: int) -> None:
    with pytest.raises(ValueError, match=r"out of range|has \d\d days"):
        JulianDate(year, month, day)


def test_first_days_of_year_one_have_no_gregorian_date() -> None:
    with pytest.raises(ValueError, match="Gregorian year 0"):
        julian_to_gregorian(JulianDate(1, 1, 2))
    assert julian_to_gregorian(JulianDate(1, 1, 3)) == date(1, 1, 1)


@pytest.mark.parametrize("text", ["1917-2-3", "17-10-25", "1917/10/25", "1917-10-25x", ""])
def test_malformed_text_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        JulianDate.fromisoformat(text)
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        parse_gregorian(text)


def test_parse_gregorian_checks_the_gregorian_calendar() -> None:
    assert parse_gregorian("2000-02-29") == date(2000, 2, 29)
    with pytest.raises(ValueError, match="February 1900 has 28 days"):
        parse_gregorian("1900-02-29")
    assert JulianDate.fromisoformat("1900-02-29") == JulianDate(1900, 2, 29)


julian_dates = st.builds(
    lambda year, month, day: JulianDate(year, month, min(day, julian_month_length(year, month))),
    st.integers(min_value=2, max_value=9998),
    st.integers(min_value=1, max_value=12),
    st.integers(min_value=1, max_value=31),
)


@settings(max_examples=300, deadline=None)
@given(julian_dates)
def test_julian_round_trip_and_independent_count(day: JulianDate) -> None:
    gregorian = julian_to_gregorian(day)
    assert gregorian.toordinal() == independent_julian_ordinal(day)
    assert gregorian_to_julian(gregorian) == day


@settings(max_examples=300, deadline=None)
@given(st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)))
def test_gregorian_round_trip_and_weekday(day: date) -> None:
    julian = gregorian_to_julian(day)
    assert julian_to_gregorian(julian) == day
    assert independent_julian_ordinal(julian) == day.toordinal()
    assert weekday(day) == stdlib_calendar.day_name[day.weekday()]
    assert weekday(julian) == weekday(day)


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=date(1, 1, 2), max_value=date(9999, 12, 31)))
def test_consecutive_days_stay_consecutive(day: date) -> None:
    """The day before in one calendar is the day before in the other: no jumps inside."""
    before = gregorian_to_julian(day - timedelta(days=1))
    after = gregorian_to_julian(day)
    assert before < after
    assert independent_julian_ordinal(after) - independent_julian_ordinal(before) == 1
