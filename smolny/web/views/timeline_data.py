"""What the timeline page shows for one day: compositions, votes, directives and events.

The page is a slider over the days of the organisation's record. The 1917 world dates its
record in the Julian calendar (Old Style) as its sources do, so there the slider runs over the
Julian year and every day is shown with both dates ("25 October (7 November) 1917"); other
organisations use the Gregorian calendar alone. A day is read at its *end* in the local time of
the record (Petrograd mean time for the world), so the day's own changes are included.

Compositions are read from the dated rows (mandates, fraction memberships, organ seats) at that
moment, so moving the slider back gives the earlier answer. Large bodies are drawn with one
circle for several deputies (the table beside the chart keeps the exact figures), so that a
page with the Soviet of three thousand and the congresses stays light enough to refetch on
every move of the slider.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import lru_cache

from django.db.models import Count, Max, Min
from django.utils import formats
from django.utils.translation import gettext as _

from smolny.councils.models import (
    Council,
    FractionMembership,
    Mandate,
    Organ,
    Organisation,
    OrganSeat,
    Vote,
)
from smolny.councils.models.dated import valid_at
from smolny.federation.models import Directive
from smolny.rules.apportion import apportion
from smolny.rules.calendar import JulianDate, gregorian_to_julian, parse_gregorian
from smolny.rules.calendar import julian_to_gregorian as to_gregorian
from smolny.web.charts import FractionSeats, hemicycle_svg, hemicycle_table
from smolny.web.templatetags.smolny_dates import dual_day
from smolny.web.views.federation_data import DirectiveRow, body_names, directive_row
from smolny.worlds import petrograd1917 as world

# ---------------------------------------------------------------------------------------------
# Calendar and days
# ---------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _world_organisations() -> frozenset[str]:
    return frozenset(o["name"] for o in world.read_file("councils")["organisation"])


def old_style(organisation: Organisation) -> bool:
    """Whether *organisation* dates its record Old Style and New Style: its calendar setting,
    which the 1917 world's organisations opt into (the others see New Style dates alone)."""
    return organisation.calendar == Organisation.DUAL


def world_1917(organisation: Organisation) -> bool:
    """Whether *organisation* is one of the 1917 world's (its events, its tour, its clock)."""
    return organisation.name in _world_organisations()


@dataclass(frozen=True)
class Day:
    """One day of the timeline: its Gregorian date and, Old Style, its Julian date."""

    gregorian: date
    julian: JulianDate | None
    zone: tzinfo

    @property
    def param(self) -> str:
        """The date in the URL: Julian in the 1917 world (as its sources), else Gregorian."""
        return self.julian.isoformat() if self.julian else self.gregorian.isoformat()

    @property
    def label(self) -> str:
        if self.julian is not None:
            return dual_day(self.gregorian)
        return str(formats.date_format(self.gregorian, "DATE_FORMAT"))

    @property
    def start(self) -> datetime:
        return datetime.combine(self.gregorian, time(0, 0), tzinfo=self.zone).astimezone(UTC)

    @property
    def end(self) -> datetime:
        """The last moment of the day (the next day's start is not in it)."""
        return self.start + timedelta(days=1) - timedelta(microseconds=1)


@dataclass(frozen=True)
class Calendar:
    """The slider's range: the whole years (in the record's calendar) the record falls in."""

    old_style: bool
    zone: tzinfo
    first: date
    last: date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def day(self, gregorian: date) -> Day:
        julian = gregorian_to_julian(gregorian) if self.old_style else None
        return Day(gregorian, julian, self.zone)

    def at_index(self, index: int) -> Day:
        return self.day(self.first + timedelta(days=index))

    def index(self, day: Day) -> int:
        return (day.gregorian - self.first).days

    def parse(self, text: str) -> Day:
        """A ``YYYY-MM-DD`` of the record's calendar; :class:`ValueError` when it is not one or
        lies outside the slider's range."""
        if self.old_style:
            gregorian = to_gregorian(JulianDate.fromisoformat(text))
        else:
            gregorian = parse_gregorian(text)
        if not self.first <= gregorian <= self.last:
            raise ValueError(
                _("%(date)s is outside the timeline (%(first)s to %(last)s)")
                % {
                    "date": text,
                    "first": self.day(self.first).label,
                    "last": self.day(self.last).label,
                }
            )
        return self.day(gregorian)

    def local_day(self, moment: datetime) -> date:
        return moment.astimezone(self.zone).date()


def calendar_of(organisation: Organisation) -> Calendar:
    """The slider's range for *organisation*: the years its councils and votes fall in."""
    ancient = old_style(organisation)
    zone: tzinfo = world.PETROGRAD_TIME if world_1917(organisation) else UTC
    span = Council.objects.filter(organisation=organisation).aggregate(
        first=Min("start"), last=Max("start")
    )
    last_vote = Vote.objects.filter(
        item__session__organ__council__organisation=organisation, closed_at__isnull=False
    ).aggregate(last=Max("closed_at"))["last"]
    moments = [m for m in (span["first"], span["last"], last_vote) if m is not None]
    if not moments:
        today = datetime.now(UTC).astimezone(zone).date()
        moments = [datetime.combine(today, time(12), tzinfo=zone)]
    first_day = min(moments).astimezone(zone).date()
    last_day = max(moments).astimezone(zone).date()
    if ancient:
        # The Julian years the record falls in (1 January to 31 December Old Style).
        first_year = gregorian_to_julian(first_day).year
        last_year = gregorian_to_julian(last_day).year
        first = to_gregorian(JulianDate(first_year, 1, 1))
        last = to_gregorian(JulianDate(last_year, 12, 31))
    else:
        first, last = date(first_day.year, 1, 1), date(last_day.year, 12, 31)
    return Calendar(ancient, zone, first, last)


# ---------------------------------------------------------------------------------------------
# Compositions
# ---------------------------------------------------------------------------------------------

NO_FRACTION = "none"
"""The row of deputies who sit with no fraction (as the replay names them)."""

_LEFT_TO_RIGHT = (
    "Bolsheviks",
    "SR Maximalists",
    "Left SRs",
    "Menshevik-Internationalists",
    "Social Democrats",
    "Mensheviks",
    "SRs",
    "SRs and Mensheviks",
    "Popular Socialists",
)
"""Seating order of the 1917 fractions in the arch, left to right; others follow by name."""

_COLOURS = {
    "Bolsheviks": "#b2182b",
    "SR Maximalists": "#762a83",
    "Left SRs": "#e08214",
    "Menshevik-Internationalists": "#67a9cf",
    "Social Democrats": "#d6604d",
    "Mensheviks": "#2166ac",
    "SRs": "#1b7837",
    "SRs and Mensheviks": "#5aae61",
    "Popular Socialists": "#8073ac",
    NO_FRACTION: "#bababa",
}
_PALETTE = ("#1f78b4", "#33a02c", "#e31a1c", "#ff7f00", "#6a3d9a", "#b15928", "#a6cee3")
_STATUS_COLOURS = {"refused": "#f0f0f0", "reserved": "#999999", "vacant": "#ffffff"}

MAX_CIRCLES = 200
"""Largest number of circles a hemicycle draws; bigger bodies get one circle per several."""
_STEPS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)


def colour_of(name: str) -> str:
    """A fraction's colour: its party's for the 1917 fractions, else one from a palette; a seat
    refused, reserved or vacant is pale whoever it was allotted to."""
    for status, colour in _STATUS_COLOURS.items():
        if name.endswith(f"({status})"):
            return colour
    if name in _COLOURS:
        return _COLOURS[name]
    return _PALETTE[sum(map(ord, name)) % len(_PALETTE)]


def _order(name: str) -> tuple[int, int, str]:
    base = name.split(" (")[0]
    held_back = 1 if name.startswith("(") or name != base else 0
    rank = _LEFT_TO_RIGHT.index(base) if base in _LEFT_TO_RIGHT else len(_LEFT_TO_RIGHT)
    if base == NO_FRACTION:
        rank += 1
    return (held_back, rank, name)


@dataclass(frozen=True)
class Chart:
    """A body's composition at a moment, drawn and tabulated."""

    key: str
    """``council:<id>`` or ``organ:<id>``: the page marks each chart with it."""
    name: str
    kind: str
    counts: dict[str, int]
    svg: str
    table: str
    per_circle: int
    total: int = field(default=0)

    def seats_of(self, fraction: str) -> int:
        return self.counts.get(fraction, 0)


def chart(
    key: str, name: str, kind: str, counts: dict[str, int], caption: str, *, draw: bool = True
) -> Chart:
    """The hemicycle and its table for *counts* (fraction → seats), left to right (the table
    alone when not *draw*: the svg is then empty)."""
    ordered = sorted(((k, v) for k, v in counts.items() if v), key=lambda kv: _order(kv[0]))
    total = sum(v for _, v in ordered)
    per = next((s for s in _STEPS if total <= MAX_CIRCLES * s), _STEPS[-1])
    exact = [FractionSeats(k, v, colour_of(k)) for k, v in ordered]
    if per > 1:
        circles = apportion(
            [v for _, v in ordered], -(-total // per), "hamilton", tie_seed=0, context=key
        ).seats
        drawn = [
            FractionSeats(k, n, colour_of(k)) for (k, _), n in zip(ordered, circles, strict=True)
        ]
    else:
        drawn = exact
    parts = ", ".join(f"{k} {v:,}" for k, v in ordered)
    description = _("%(total)s seats: %(parts)s.") % {"total": f"{total:,}", "parts": parts}
    if per > 1:
        description += " " + _("Each circle stands for %(n)s seats.") % {"n": per}
    svg = (
        hemicycle_svg(
            drawn,
            title=caption,
            description=description,
            id_prefix=f"tl-{key.replace(':', '-')}",
            per_circle=per,
            seat_counts=dict(ordered),
        )
        if draw
        else ""
    )
    table = hemicycle_table(exact, caption=caption)
    return Chart(key, name, kind, dict(ordered), svg, table, per, total)


def council_counts(council: Council, at: datetime) -> dict[str, int]:
    """Deputies of *council* at *at* by the fraction they sat with then."""
    mandates = Mandate.objects.filter(valid_at(at), council=council)
    total = mandates.count()
    counts: dict[str, int] = dict(
        FractionMembership.objects.filter(valid_at(at), mandate__in=mandates.values("pk"))
        .order_by()
        .values("fraction__name")
        .annotate(n=Count("pk"))
        .values_list("fraction__name", "n")
    )
    without = total - sum(counts.values())
    if without:
        counts[NO_FRACTION] = counts.get(NO_FRACTION, 0) + without
    return counts


def organ_counts(organ: Organ, at: datetime) -> dict[str, int]:
    """Seats of *organ* at *at* by fraction: an allotted seat counts for the fraction it was
    allotted to (marked refused or reserved when not taken up), an elected one for its
    holder's fraction then, an empty one as vacant."""
    seats = list(
        OrganSeat.objects.filter(valid_at(at), organ=organ).values_list(
            "status", "fraction__name", "holder_id"
        )
    )
    holders = [h for _, f, h in seats if f is None and h is not None]
    fraction_of = dict(
        FractionMembership.objects.filter(valid_at(at), mandate_id__in=holders).values_list(
            "mandate_id", "fraction__name"
        )
    )
    counts: dict[str, int] = {}
    for status, fraction, holder in seats:
        if fraction is not None:
            name = fraction if status == OrganSeat.HELD else f"{fraction} ({status})"
        elif holder is not None:
            name = fraction_of.get(holder, NO_FRACTION)
        else:
            name = f"({status})"
        counts[name] = counts.get(name, 0) + 1
    return counts


SHOWN_ORGANS = (Organ.PRESIDIUM, Organ.EXECUTIVE)


@dataclass(frozen=True)
class Note:
    """What the world's data says of a figure shown: its kinds (estimate, modelling choice,
    contested) and its note, shown beside the figure and not only kept in the data file."""

    flags: tuple[str, ...]
    text: str


@dataclass(frozen=True)
class Body:
    """A council or congress as it stood on the day, with its presidium and executive."""

    council: Council
    plenum: Chart
    organs: tuple[Chart, ...]
    missing: tuple[tuple[str, str], ...]
    """Kinds of organ (of :data:`SHOWN_ORGANS`) the body had had but had none of that day,
    each with the sentence that says so."""
    read_at: datetime
    notes: tuple[Note, ...] = ()
    """The world's notes on the figures shown (the 1917 world only)."""


def _note(record: dict[str, object]) -> Note | None:
    text = str(record.get("note", ""))
    return Note(tuple(world.flags(record)), text) if text else None


@dataclass(frozen=True)
class _BodyNotes:
    own: list[Note] = field(default_factory=list)
    strengths: list[tuple[datetime, Note]] = field(default_factory=list)
    organs: dict[str, Note] = field(default_factory=dict)


@lru_cache(maxsize=1)
def _world_notes() -> dict[str, _BodyNotes]:
    """The world's notes by body name: the body's own, its strengths' (each from its date)
    and its presidiums' and executives' (by organ name)."""
    files = {n: world.read_file(n) for n in ("councils", "congresses", "organs", "fractions")}
    found: dict[str, _BodyNotes] = {}
    names: dict[str, str] = {}
    for spec in files["councils"]["council"] + files["congresses"]["congress"]:
        names[spec["key"]] = spec["name"]
        notes = found.setdefault(spec["name"], _BodyNotes())
        note = _note(spec)
        if note:
            notes.own.append(note)
    for spec in files["fractions"]["strength"]:
        note = _note(spec)
        if note and spec["council"] in names:
            found[names[spec["council"]]].strengths.append((world.moment(spec["at"]), note))
    allotted = files["congresses"]["second-congress-presidium"]
    reformed = world.read_file("sessions")["reformation"]
    organs = files["organs"]["organ"] + [{**allotted, "council": allotted["congress"]}] + reformed
    for spec in organs:
        note = _note(spec)
        if note and spec["council"] in names:
            found[names[spec["council"]]].organs[spec["name"]] = note
    return found


def constituency_notes(council: Council) -> tuple[Note, ...]:
    """The world's notes on a council's constituencies (the Petrograd Soviet's estimated
    works and companies, and the source's own figure for the soldiers' weight), for the
    council page's members-per-deputy figures; none for other councils."""
    if not world_1917(council.organisation):
        return ()
    spec = world.read_file("constituencies")["petrograd"]
    names = {c["key"]: c["name"] for c in world.read_file("councils")["council"]}
    if council.name != names.get("petrograd"):
        return ()
    return (Note(("estimate",), str(spec["weight_note"])),)


def notes_of(council: Council, organs: list[Organ], at: datetime) -> tuple[Note, ...]:
    """The world's notes on *council* and its *organs* as shown at *at*: the body's own, the
    latest strength's on or before *at*, and those of the organs shown."""
    notes = _world_notes().get(council.name)
    if notes is None:
        return ()
    shown = list(notes.own)
    shown += [n for when, n in notes.strengths if when <= at][-1:]
    shown += [notes.organs[o.name] for o in organs if o.name in notes.organs]
    return tuple(shown)


def current_organs(council: Council, at: datetime) -> tuple[list[Organ], list[str]]:
    """The latest organ of each shown kind in office at *at*; and the kinds the council had
    had before but not then (a presidium between its fall and its successor)."""
    organs = list(
        Organ.objects.filter(council=council, kind__in=SHOWN_ORGANS, start__lte=at).order_by(
            "-start", "-pk"
        )
    )
    shown: list[Organ] = []
    missing: list[str] = []
    for kind in SHOWN_ORGANS:
        of_kind = [o for o in organs if o.kind == kind]
        current = [o for o in of_kind if o.end is None or o.end > at]
        if current:
            shown.append(current[0])
        elif of_kind:
            missing.append(kind)
    return shown, missing


def body_on(council: Council, at: datetime, *, draw: bool = True) -> Body | None:
    """*council* at *at*; None when it had no deputies then (a power, not a council). Not
    *draw*: the tables alone."""
    counts = council_counts(council, at)
    read_at = at
    if not counts and council.kind == Council.CONGRESS:
        # A congress whose delegates have gone home is shown as it sat.
        read_at = council.start
        counts = council_counts(council, read_at)
    if not counts:
        return None
    plenum = chart(
        f"council:{council.pk}",
        council.name,
        council.kind,
        counts,
        _("%(body)s: deputies by fraction") % {"body": council.name},
        draw=draw,
    )
    organs, missing = current_organs(council, at)
    charts = []
    for organ in organs:
        counts = organ_counts(organ, at)
        charts.append(
            chart(
                f"organ:{organ.pk}",
                organ.name,
                organ.kind,
                counts,
                _("%(organ)s of the %(body)s: seats by fraction")
                % {"organ": organ.name, "body": council.name},
                draw=draw,
            )
        )
    absent = {
        Organ.PRESIDIUM: _("No presidium in office on this day."),
        Organ.EXECUTIVE: _("No executive committee in office on this day."),
    }
    missing_notes = tuple((kind, absent[kind]) for kind in missing)
    notes = notes_of(council, organs, read_at) if world_1917(council.organisation) else ()
    return Body(council, plenum, tuple(charts), missing_notes, read_at, notes)


# ---------------------------------------------------------------------------------------------
# The day's votes, directives and events
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DayVote:
    vote: Vote
    council: str
    organ: str
    session_id: int
    session: str
    item: str
    recorded: bool = False
    """A vote of the 1917 world: its time is shown only as the source gives it (``clock``,
    empty where the source gives none), never the minute the engine closed it."""
    clock: str = ""
    note: Note | None = None
    readings: tuple[str, ...] = ()
    no_abstentions: bool = False
    """The source records no abstentions (the engine stores 0; the page shows "–")."""


@lru_cache(maxsize=1)
def _world_votes() -> dict[tuple[str, str], dict[str, object]]:
    """The world's recorded votes by (sitting title, question)."""
    return {
        (sitting["title"], event["question"]): event
        for sitting in world.read_file("sessions")["sitting"]
        for event in sitting.get("event", [])
        if event["kind"] == "vote"
    }


def _day_vote(v: Vote, in_world: bool) -> DayVote:
    session = v.item.session
    row = DayVote(
        v, session.organ.council.name, session.organ.name, session.pk, session.title, v.item.title
    )
    if not in_world:
        return row
    spec = _world_votes().get((session.title, v.item.title))
    if spec is None:
        return row
    readings = spec.get("readings", [])
    return DayVote(
        v,
        row.council,
        row.organ,
        row.session_id,
        row.session,
        row.item,
        recorded=True,
        clock=str(spec.get("time", "")),
        note=_note(spec),
        readings=tuple(str(r) for r in readings) if isinstance(readings, list) else (),
        no_abstentions="abstain" not in spec,
    )


def votes_on(organisation: Organisation, day: Day) -> list[DayVote]:
    rows = (
        Vote.objects.filter(
            item__session__organ__council__organisation=organisation,
            status=Vote.CLOSED,
            closed_at__gte=day.start,
            closed_at__lte=day.end,
        )
        .select_related("item__session__organ__council")
        .order_by("closed_at", "pk")
    )
    in_world = world_1917(organisation)
    return [_day_vote(v, in_world) for v in rows]


def directives_on(organisation: Organisation, day: Day) -> list[DirectiveRow]:
    """The directives issued on the day, each with its standing at the day's end."""
    rows = list(
        Directive.objects.filter(
            organisation=organisation, issued_at__gte=day.start, issued_at__lte=day.end
        )
        .select_related("issuer__council")
        .order_by("issued_at", "pk")
    )
    if not rows:
        return []
    names = body_names(organisation)
    return [directive_row(d, day.end, names) for d in rows]


@dataclass(frozen=True)
class Event:
    """An event of the world's timeline without a vote or a change of composition."""

    at: datetime
    text: str
    source: str
    clock: str = ""
    """The time as the source gives it; empty where it gives none (``at`` only orders)."""
    note: Note | None = None


@lru_cache(maxsize=1)
def _world_events() -> tuple[Event, ...]:
    events = world.read_file("timeline").get("event", [])
    return tuple(
        Event(world.moment(e["at"]), e["text"], e["source"], e.get("time", ""), _note(e))
        for e in events
    )


def events_on(organisation: Organisation, day: Day) -> list[Event]:
    if not world_1917(organisation):
        return []
    return [e for e in _world_events() if day.start <= e.at <= day.end]


def record_days(organisation: Organisation, calendar: Calendar) -> list[date]:
    """The days (in local time) on which something was recorded: a council or organ formed,
    a vote closed, a directive issued, an event of the world."""
    moments: list[datetime | None] = []
    moments += Council.objects.filter(organisation=organisation).values_list("start", flat=True)
    moments += Organ.objects.filter(council__organisation=organisation).values_list(
        "start", flat=True
    )
    moments += Vote.objects.filter(
        item__session__organ__council__organisation=organisation, closed_at__isnull=False
    ).values_list("closed_at", flat=True)
    moments += Directive.objects.filter(organisation=organisation).values_list(
        "issued_at", flat=True
    )
    if world_1917(organisation):
        moments += [e.at for e in _world_events()]
    days = {calendar.local_day(m) for m in moments if m is not None}
    return sorted(d for d in days if calendar.first <= d <= calendar.last)


def neighbours(days: Iterable[date], day: date) -> tuple[date | None, date | None]:
    """The nearest recorded day before *day* and after it."""
    ordered = sorted(days)
    before = [d for d in ordered if d < day]
    after = [d for d in ordered if d > day]
    return (before[-1] if before else None, after[0] if after else None)


@dataclass(frozen=True)
class Timeline:
    """Everything the page shows for one day."""

    calendar: Calendar
    day: Day
    index: int
    councils: list[Body]
    congresses: list[Body]
    votes: list[DayVote]
    directives: list[DirectiveRow]
    events: list[Event]
    previous: Day | None
    next: Day | None
    marks: list[tuple[int, str]]


def timeline(organisation: Organisation, calendar: Calendar, day: Day) -> Timeline:
    at = day.end
    councils: list[Body] = []
    congresses: list[Body] = []
    # The latest congress first (the one sitting, or the last to sit), drawn; the earlier
    # ones as tables, to keep the page light enough to refetch on every move of the slider.
    for council in Council.objects.filter(organisation=organisation, start__lte=at).order_by(
        "-start", "-pk"
    ):
        if council.end is not None and council.end <= at:
            continue
        congress = council.kind == Council.CONGRESS
        body = body_on(council, at, draw=not congress or not congresses)
        if body is None:
            continue
        (congresses if congress else councils).append(body)
    councils.reverse()
    days = record_days(organisation, calendar)
    before, after = neighbours(days, day.gregorian)
    return Timeline(
        calendar=calendar,
        day=day,
        index=calendar.index(day),
        councils=councils,
        congresses=congresses,
        votes=votes_on(organisation, day),
        directives=directives_on(organisation, day),
        events=events_on(organisation, day),
        previous=calendar.day(before) if before else None,
        next=calendar.day(after) if after else None,
        marks=[(calendar.index(calendar.day(d)), calendar.day(d).label) for d in days],
    )
