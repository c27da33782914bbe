"""Julian and Gregorian dates: conversion, weekday, and dual-date formatting.

Rule text: the Julian calendar (a leap year every fourth year, 29 February as the leap day)
and the Gregorian calendar of the bull *Inter gravissimas* (1582), which drops the leap day
in century years not divisible by 400. Russia kept the Julian calendar until the decree of
24 January 1918 (Julian), under which 31 January 1918 was followed by 14 February 1918.

The gap between the calendars is not a constant: it grows by one day at every Julian leap
day the Gregorian calendar skips (29 February 1700, 1800, 1900, 2100, ...). It was 11 days
in the 18th century (from 1 March 1700 Julian), 12 days in the 19th and 13 days from 1 March
1900 Julian until 28 February 2100. Conversion therefore goes through the Julian day number
with the ``convertdate`` package, never through a fixed offset.

Gregorian dates are :class:`datetime.date` values (the proleptic Gregorian calendar, years 1
to 9999). Julian dates are :class:`JulianDate`, because ``datetime.date`` cannot hold a
Julian leap day such as 29 February 1900. Years are those of the Common Era, 1 to 9999; the
first two days of Julian year 1 fall in Gregorian year 0 and cannot be converted to a
``datetime.date``.
"""

from __future__ import annotations

import calendar as _stdlib_calendar
import re
from dataclasses import dataclass
from datetime import date

from convertdate import julian as _julian

MONTH_NAMES: tuple[str, ...] = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
WEEKDAY_NAMES: tuple[str, ...] = (
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
)

MIN_YEAR = 1
MAX_YEAR = 9999

_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def julian_is_leap(year: int) -> bool:
    """Julian rule: every year divisible by four is a leap year, century years included."""
    return year % 4 == 0


def julian_month_length(year: int, month: int) -> int:
    """Days in *month* of *year* in the Julian calendar."""
    if month == 2:
        return 29 if julian_is_leap(year) else 28
    return 30 if month in (4, 6, 9, 11) else 31


@dataclass(frozen=True, order=True, slots=True)
class JulianDate:
    """A day in the Julian calendar (Old Style), as the 1917 sources date their events.

    Construction checks the date: ``JulianDate(1900, 2, 29)`` is valid, ``JulianDate(1917,
    2, 29)`` raises :class:`ValueError`. Ordering is chronological.
    """

    year: int
    month: int
    day: int

    def __post_init__(self) -> None:
        if not MIN_YEAR <= self.year <= MAX_YEAR:
            raise ValueError(f"year {self.year} is out of range {MIN_YEAR}..{MAX_YEAR}")
        if not 1 <= self.month <= 12:
            raise ValueError(f"month {self.month} is out of range 1..12")
        length = julian_month_length(self.year, self.month)
        if not 1 <= self.day <= length:
            raise ValueError(
                f"{MONTH_NAMES[self.month - 1]} {self.year} has {length} days "
                f"in the Julian calendar, not {self.day}"
            )

    @classmethod
    def fromisoformat(cls, text: str) -> JulianDate:
        """Parse ``YYYY-MM-DD`` (exactly four, two and two digits)."""
        match = _ISO_DATE.fullmatch(text)
        if match is None:
            raise ValueError(f"{text!r} is not a date in the form YYYY-MM-DD")
        year, month, day = (int(part) for part in match.groups())
        return cls(year, month, day)

    def isoformat(self) -> str:
        """``YYYY-MM-DD``, the form :meth:`fromisoformat` reads."""
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def __str__(self) -> str:
        return self.isoformat()


def parse_gregorian(text: str) -> date:
    """Parse a Gregorian ``YYYY-MM-DD`` strictly (no week dates or other ISO variants)."""
    match = _ISO_DATE.fullmatch(text)
    if match is None:
        raise ValueError(f"{text!r} is not a date in the form YYYY-MM-DD")
    year, month, day = (int(part) for part in match.groups())
    if not 1 <= month <= 12:
        raise ValueError(f"month {month} is out of range 1..12")
    if year < MIN_YEAR:
        raise ValueError(f"year {year} is out of range {MIN_YEAR}..{MAX_YEAR}")
    length = _stdlib_calendar.monthrange(year, month)[1]
    if not 1 <= day <= length:
        raise ValueError(
            f"{MONTH_NAMES[month - 1]} {year} has {length} days "
            f"in the Gregorian calendar, not {day}"
        )
    return date(year, month, day)


def julian_to_gregorian(day: JulianDate) -> date:
    """The Gregorian date of the same day, through its Julian day number (``convertdate``)."""
    year, month, mday = _julian.to_gregorian(day.year, day.month, day.day)
    if not MIN_YEAR <= int(year) <= MAX_YEAR:
        raise ValueError(
            f"Julian {day.isoformat()} falls in Gregorian year {int(year)}, "
            f"outside {MIN_YEAR}..{MAX_YEAR}"
        )
    return date(int(year), int(month), int(mday))


def gregorian_to_julian(day: date) -> JulianDate:
    """The Julian date of the same day, through its Julian day number (``convertdate``)."""
    year, month, mday = _julian.from_gregorian(day.year, day.month, day.day)
    return JulianDate(int(year), int(month), int(mday))


def offset_days(day: JulianDate) -> int:
    """How many days the Julian calendar runs behind the Gregorian on *day* (13 in 1917).

    Computed, not looked up: the Gregorian date's ordinal minus the ordinal the same
    year/month/day would have if it were Gregorian. For a Julian leap day the Gregorian
    calendar does not have (29 February 1900), the day before is used, plus one.
    """
    gregorian = julian_to_gregorian(day)
    if day.month == 2 and day.day == 29 and not _stdlib_calendar.isleap(day.year):
        naive = date(day.year, 2, 28).toordinal() + 1
    else:
        naive = date(day.year, day.month, day.day).toordinal()
    return gregorian.toordinal() - naive


def weekday(day: date | JulianDate) -> str:
    """The English weekday name; a day is the same weekday in both calendars."""
    gregorian = julian_to_gregorian(day) if isinstance(day, JulianDate) else day
    return WEEKDAY_NAMES[gregorian.weekday()]


def dual_date(day: date | JulianDate) -> str:
    """Old Style first, New Style in brackets, as historians of Russia write it.

    ``"25 October (7 November) 1917"`` when both fall in the same year (the month is
    repeated even when it is the same: ``"1 March (14 March) 1917"``), and
    ``"19 December 1917 (1 January 1918)"`` across a year end. A Gregorian ``date`` is
    converted to its Julian date first.
    """
    old = day if isinstance(day, JulianDate) else gregorian_to_julian(day)
    new = julian_to_gregorian(old)
    old_text = f"{old.day} {MONTH_NAMES[old.month - 1]}"
    new_text = f"{new.day} {MONTH_NAMES[new.month - 1]}"
    if old.year == new.year:
        return f"{old_text} ({new_text}) {old.year}"
    return f"{old_text} {old.year} ({new_text} {new.year})"
