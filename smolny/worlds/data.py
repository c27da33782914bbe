"""A world's data files: its manifest, its TOML tables, its dates. Pure: no database.

A bundled world is a folder of :mod:`smolny.worlds` holding a manifest, ``world.toml``, and the
data files it lists. The manifest says::

    name = "petrograd-1917"          # what `smolny world load NAME` takes
    title = "Petrograd 1917"
    files = ["councils", "sessions"]  # the data files, without .toml, in reading order
    calendar = "julian"              # how the data's dates are written: julian or gregorian
    utc_offset = "+02:01"            # the data's clock times are local time at this offset
    steps = "smolny.worlds.petrograd1917.steps"   # optional: the world's own kinds of step

A world without ``steps`` is data alone: the generic kinds of step
(:mod:`smolny.worlds.steps`) read its tables. Dates in the data are ``YYYY-MM-DD`` or
``YYYY-MM-DDTHH:MM`` (noon when no time is given); a Julian date is converted by
:func:`smolny.rules.calendar.julian_to_gregorian`, a real calendar, not a constant.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from pathlib import Path
from typing import Any, NamedTuple, Protocol

from smolny.rules.calendar import JulianDate, julian_to_gregorian

HOME = Path(__file__).resolve().parent
"""The folder holding the bundled worlds, one sub-folder each."""


class WorldDataError(ValueError):
    """A data file of a world is malformed: the message names the file and the record."""


class WorldMismatch(Exception):
    """The engine decided a question of the world differently from its data."""


def parse_file(name: str, text: str) -> dict[str, Any]:
    """Parse the *text* of the data file *name*; bad TOML is a :class:`WorldDataError`
    naming the file, line and column."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise WorldDataError(f"{name}.toml: {error}") from None
    except ValueError as error:  # a number beyond Python's 4,300-digit conversion limit
        raise WorldDataError(f"{name}.toml: {error}") from None


def parse_offset(text: str, name: str) -> tzinfo:
    """``+HH:MM`` or ``-HH:MM`` as a fixed offset from UTC."""
    sign, clock = text[:1], text[1:]
    hours, _, minutes = clock.partition(":")
    if sign not in "+-" or not hours.isdigit() or not minutes.isdigit():
        raise WorldDataError(f"world.toml: utc_offset {text!r}: write it as +HH:MM")
    delta = timedelta(hours=int(hours), minutes=int(minutes))
    return timezone(-delta if sign == "-" else delta, name)


def moment(text: str, where: str, *, julian: bool, zone: tzinfo) -> datetime:
    """The data's ``YYYY-MM-DD[THH:MM]`` (a Julian or Gregorian day, clock time in *zone*)
    as an aware moment in UTC; a malformed date is a :class:`WorldDataError` at *where*."""
    try:
        day, _, clock = text.partition("T")
        year, month, mday = (int(p) for p in day.split("-"))
        hour, minute = (int(p) for p in clock.split(":")) if clock else (12, 0)
        if julian:
            gregorian = julian_to_gregorian(JulianDate(year, month, mday))
            year, month, mday = gregorian.year, gregorian.month, gregorian.day
        local = datetime(year, month, mday, hour, minute, tzinfo=zone)
    except ValueError as error:
        raise WorldDataError(f"{where}: date {text!r}: {error}") from None
    return local.astimezone(UTC)


@dataclass(frozen=True)
class Manifest:
    """A world's ``world.toml``: its name, data files, calendar, and own steps if any."""

    name: str
    title: str
    folder: Path
    files: tuple[str, ...]
    julian: bool
    zone: tzinfo
    steps: str | None = None
    """The dotted module of the world's own kinds of step; None for a world of data alone."""

    def read_file(self, name: str) -> dict[str, Any]:
        """Parse one of the world's data files (*name* without ``.toml``)."""
        path = self.folder / f"{name}.toml"
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as error:
            raise WorldDataError(f"{name}.toml: cannot be read ({error.strerror})") from None
        return parse_file(name, text)

    def read_world(self) -> dict[str, dict[str, Any]]:
        """Every data file of the world, by file name."""
        return {name: self.read_file(name) for name in self.files}

    def moment(self, text: str, where: str = "") -> datetime:
        """A date of the world's data as an aware moment (see :func:`moment`)."""
        return moment(text, where, julian=self.julian, zone=self.zone)


def read_manifest(folder: Path) -> Manifest:
    """The manifest of the world in *folder*."""
    spec = parse_file("world", (folder / "world.toml").read_text(encoding="utf-8"))
    with reading(f"{folder.name}/world.toml"):
        calendar = spec.get("calendar", "gregorian")
        if calendar not in ("julian", "gregorian"):
            raise WorldDataError(f"world.toml: calendar {calendar!r}: julian or gregorian")
        files = spec["files"]
        if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
            raise WorldDataError(f"{folder.name}/world.toml: files: a list of file names")
        return Manifest(
            name=str(spec["name"]),
            title=str(spec["title"]),
            folder=folder,
            files=tuple(files),
            julian=calendar == "julian",
            zone=parse_offset(str(spec.get("utc_offset", "+00:00")), str(spec["title"])),
            steps=spec.get("steps"),
        )


def manifests() -> dict[str, Manifest]:
    """Every bundled world by name, in the order of their folders' names."""
    found = [read_manifest(p.parent) for p in sorted(HOME.glob("*/world.toml"))]
    return {m.name: m for m in found}


def records(world: dict[str, Any], file: str, table: str) -> list[tuple[str, dict[str, Any]]]:
    """The records of the array of tables ``[[table]]`` in *file*, each with its place in
    words (``organs.toml: [[organ]] 3``), or the :class:`WorldDataError` saying it is not one."""
    where = f"{file}.toml: [[{table}]]"
    records = world.get(file, {}).get(table) if isinstance(world.get(file), dict) else None
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise WorldDataError(f"{where}: missing, or not an array of tables")
    return [(f"{where} {i}", record) for i, record in enumerate(records, start=1)]


def tables(world: dict[str, Any], table: str) -> list[tuple[str, dict[str, Any]]]:
    """The records of ``[[table]]`` in whichever of the world's files have that table."""
    found: list[tuple[str, dict[str, Any]]] = []
    for file, content in world.items():
        if isinstance(content, dict) and table in content:
            found += records(world, file, table)
    return found


@contextmanager
def reading(where: str) -> Iterator[None]:
    """Planning from one record of the data: a field it lacks, or a value of the wrong type,
    becomes a :class:`WorldDataError` naming the record (*where*)."""
    try:
        yield
    except WorldDataError:
        raise
    except KeyError as error:
        raise WorldDataError(f"{where}: missing field {error.args[0]!r}") from None
    except (TypeError, AttributeError, IndexError, ValueError, ArithmeticError) as error:
        raise WorldDataError(f"{where}: a value of the wrong kind ({error})") from None


# --- planning: what the kinds of step share ---------------------------------------------------


@dataclass
class Built:
    """What the steps have built so far, by the data's keys; shared by all kinds of step."""

    actor: Any
    """The :class:`~smolny.councils.actions.SystemActor` of the world (``world:NAME``)."""
    organisations: dict[str, Any] = field(default_factory=dict)
    councils: dict[str, Any] = field(default_factory=dict)
    organs: dict[tuple[str, str], Any] = field(default_factory=dict)
    """Organs by (council key, organ key)."""
    groups: dict[tuple[str, str], list[Any]] = field(default_factory=dict)
    """Members of a named group (a congress's delegation), by (council key, group)."""
    constituencies: dict[str, Any] = field(default_factory=dict)
    members: dict[str, Any] = field(default_factory=dict)
    """Members by roll number (their ``external_id``), for worlds that name them."""
    sittings: dict[str, Any] = field(default_factory=dict)
    votes: dict[str, Any] = field(default_factory=dict)
    elections: dict[str, Any] = field(default_factory=dict)
    recalls: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    """What a world's own kinds of step keep between steps, by names of their choosing."""
    deputies: int = 0


class Step(NamedTuple):
    """One call of one or more actions at one moment of the world."""

    at: datetime
    order: int
    """Its place in planning order: steps at the same moment run in that order."""
    label: str
    run: Callable[[Built], None]


class Planner(Protocol):
    def __call__(self, world: dict[str, Any], plan: Plan) -> None: ...


@dataclass
class Plan:
    """The steps being planned for a world, and its way of reading dates."""

    manifest: Manifest
    steps: list[Step] = field(default_factory=list)

    def add(self, at: datetime, label: str, run: Callable[[Built], None]) -> None:
        self.steps.append(Step(at, len(self.steps), label, run))

    def moment(self, text: str, where: str = "") -> datetime:
        return self.manifest.moment(text, where)

    def ordered(self) -> list[Step]:
        return sorted(self.steps, key=lambda s: (s.at, s.order))
