"""The Petrograd 1917 world: its data files, read and checked, with no database.

The facts come from the sources listed in README.md beside it (China Miéville, *October*, by
chapter); every record names its chapter in ``source`` and, where the figures are estimates
or do not add up, says so in ``note``. This module reads the TOML files with the standard
library, converts the sources' dates (Julian, Petrograd local time) to moments, and generates
the anonymous constituencies of the Petrograd Soviet from the figures. The world's own kinds of
step (:mod:`smolny.worlds.petrograd1917.steps`), run by the generic runner
(:mod:`smolny.worlds.runner`), turn the data into actions; the replay reads both.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from importlib import resources
from typing import Any

from smolny.worlds import data as worlddata
from smolny.worlds.data import WorldDataError, parse_file

__all__ = ["WorldDataError", "flags", "parse_file"]

NAME = "petrograd-1917"

FILES = (
    "councils",
    "constituencies",
    "fractions",
    "organs",
    "congresses",
    "sessions",
    "directives",
    "timeline",
)

PETROGRAD_TIME = timezone(timedelta(hours=2, minutes=1), "Petrograd")
"""Petrograd mean time (the Pulkovo meridian, UTC+2:01): the sources give local clock times,
and the world needs one fixed offset to order them; daylight saving is not modelled."""


def read_file(name: str) -> dict[str, Any]:
    """Parse one data file of the world (``name`` without ``.toml``)."""
    path = resources.files(__name__).joinpath(f"{name}.toml")
    return parse_file(name, path.read_text(encoding="utf-8"))


def read_world() -> dict[str, dict[str, Any]]:
    """Every data file of the world, by file name."""
    return {name: read_file(name) for name in FILES}


def moment(text: str, where: str = "") -> datetime:
    """A source's ``YYYY-MM-DD[THH:MM]`` (Julian date, Petrograd time) as an aware moment.

    The day is converted through :func:`smolny.rules.calendar.julian_to_gregorian` (a real
    calendar, not a 13-day constant); the clock time is kept, at Petrograd mean time.
    """
    return worlddata.moment(text, where, julian=True, zone=PETROGRAD_TIME)


@dataclass(frozen=True)
class Constituency:
    """One generated constituency of the Petrograd Soviet: a works or a company."""

    name: str
    category: str
    """``workers`` (a factory or workshop) or ``soldiers`` (a company)."""
    people: int
    """People on its roll (the full figure, before the world's roll scale)."""


MAX_GROUP = 100_000
"""Constituencies one group may generate (the largest of 1917 has 1,000): a figure beyond it
is a mistake in the data, and generating it would never end."""

MAX_PEOPLE = 10_000_000
"""People one constituency's roll may hold (the largest works of 1917 had 30,000)."""


def _figure(value: Any, what: str, low: int, high: int) -> int:
    """*value* as a whole number from *low* to *high*, or the :class:`WorldDataError`."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise WorldDataError(
            f"constituencies.toml: {what}: {value!r} is not a whole number from {low:,} to {high:,}"
        )
    return value


def petrograd_constituencies(spec: dict[str, Any]) -> list[Constituency]:
    """The works and companies of the March 1917 Petrograd Soviet, generated from the figures
    in constituencies.toml (named works first, then the groups, in file order)."""
    out = [
        Constituency(f["name"], "workers", _figure(f["workers"], f["name"], 0, MAX_PEOPLE))
        for f in spec.get("factory", [])
    ]
    for group in spec.get("factory_group", []) + spec.get("company_group", []):
        _figure(group["count"], f"{group['name']}: count", 0, MAX_GROUP)
        people = group.get("workers", group.get("soldiers"))
        _figure(people, f"{group['name']}: people", 0, MAX_PEOPLE)
    for group in spec.get("factory_group", []):
        districts = group["districts"]
        for n in range(1, int(group["count"]) + 1):
            district = districts[(n - 1) % len(districts)]
            name = group["name"].format(district=district, n=n)
            out.append(Constituency(name, "workers", int(group["workers"])))
    for group in spec.get("company_group", []):
        regiments = group["regiments"]
        for n in range(1, int(group["count"]) + 1):
            regiment = regiments[(n - 1) % len(regiments)]
            name = group["name"].format(regiment=regiment, n=(n - 1) // len(regiments) + 1)
            out.append(Constituency(name, "soldiers", int(group["soldiers"])))
    names = [c.name for c in out]
    if len(set(names)) != len(names):
        raise WorldDataError("constituencies.toml: generated constituency names repeat")
    scale = _figure(spec["roll_scale"], "roll_scale", 1, MAX_PEOPLE)
    uneven = [c.name for c in out if c.people % scale]
    if uneven:
        raise WorldDataError(
            f"constituencies.toml: {uneven[0]}: {scale} does not divide its roll (roll_scale)"
        )
    return out


_CHOICE_MARKS = (
    "modelling choice",
    "the world places",
    "the world dates",
    "the world seats",
    "the world states",
    "stated by the world",
    "world's choice",
    "world's estimate",
    "world's figure",
)


def flags(record: dict[str, Any]) -> list[str]:
    """What kind of figure a record of the data holds, for the reader: ``contested`` (the
    sources disagree), ``estimate`` (not a figure of the source) and ``modelling choice``
    (the world's reading of a word such as 'all', or a day or size the source leaves open).
    They are read from the record's ``contested``, ``reading`` and ``note``."""
    note = str(record.get("note", "")).lower()
    found = []
    if record.get("contested"):
        found.append("contested")
    if "estimate" in note:
        found.append("estimate")
    if "reading" in record or any(mark in note for mark in _CHOICE_MARKS):
        found.append("modelling choice")
    return found
