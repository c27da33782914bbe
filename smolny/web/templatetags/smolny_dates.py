"""Dates as the pages show them: dual (Old Style and New Style) before Russia's switch.

Russia kept the Julian calendar until 31 January 1918 (Old Style); the next day was
14 February 1918 (New Style). A moment before the switch is shown as historians of Russia
write it, Old Style first and New Style in brackets, at Petrograd clock time (the 1917
world's clock, :data:`smolny.worlds.petrograd1917.PETROGRAD_TIME`); later moments in the
installation's time zone. Month names come from Django's catalogue (the genitive forms
Russian needs after a day number), so the dual date reads right in both languages.

Dual dates are shown only where the organisation opts in (its calendar setting, as the 1917
world's organisations do): on an organisation's pages :mod:`smolny.web.timezones` says which
calendar it keeps through :func:`use_dual_dates`; a New Style organisation's dates are New
Style alone. Pages of no organisation keep dual dates before the switch.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from asgiref.local import Local
from django import template
from django.utils import formats, timezone
from django.utils.dates import MONTHS_ALT

from smolny.rules.calendar import gregorian_to_julian
from smolny.worlds.petrograd1917 import PETROGRAD_TIME

register = template.Library()

SWITCH = datetime(1918, 2, 14, tzinfo=UTC)
"""The first New Style day in Russia (14 February 1918, Gregorian)."""

_calendar = Local()


def use_dual_dates(dual: bool) -> None:
    """Whether this request's pages show dual dates before the switch (the organisation's
    calendar setting); set per request, like Django's active time zone."""
    _calendar.dual = dual


def dual_dates() -> bool:
    return bool(getattr(_calendar, "dual", True))


def dual_day(day: date) -> str:
    """A Gregorian *day* before the switch as "25 October (7 November) 1917", localised."""
    old = gregorian_to_julian(day)
    old_text = f"{old.day} {MONTHS_ALT[old.month]}"
    new_text = f"{day.day} {MONTHS_ALT[day.month]}"
    if old.year == day.year:
        return f"{old_text} ({new_text}) {day.year}"
    return f"{old_text} {old.year} ({new_text} {day.year})"


@register.filter
def when(value: datetime | None) -> str:
    """A moment with its date (dual before the switch) and clock time; "" for None."""
    if value is None:
        return ""
    if value < SWITCH and dual_dates():
        local = value.astimezone(PETROGRAD_TIME)
        return f"{dual_day(local.date())}, {local:%H:%M}"
    return str(formats.date_format(timezone.localtime(value), "DATETIME_FORMAT"))


@register.filter
def day(value: datetime | date | None) -> str:
    """The date alone (dual before the switch); "" for None. A plain date is a Gregorian day."""
    if value is None:
        return ""
    if not isinstance(value, datetime):
        if value < SWITCH.date() and dual_dates():
            return dual_day(value)
        return str(formats.date_format(value, "DATE_FORMAT"))
    if value < SWITCH and dual_dates():
        return dual_day(value.astimezone(PETROGRAD_TIME).date())
    return str(formats.date_format(timezone.localtime(value), "DATE_FORMAT"))
