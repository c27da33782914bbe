"""The hemicycle: a council's or organ's seats in a parliament arch, coloured by fraction.

Seats are taken left to right (see :mod:`smolny.web.charts.layout`) by the fractions in the
order given, then the vacant seats. For a named vote each seat may carry a *state* (for,
against, abstain, absent, vacant, reserved) that overrides its fraction colour.

Colour alone never carries the meaning, because the chart must survive a black-and-white
printer and colour-blind readers: every fraction also has its own fill pattern, every vote
state its own pattern and mark, the legend repeats both with the numbers, every seat has a
``<title>`` (hover and some screen readers), and :func:`hemicycle_table` gives the text
equivalent as an HTML table.

Each seat is a ``<circle class="seat">`` carrying ``data-seat`` (its number),
``data-fraction`` and ``data-state``, so the live pages can recolour one seat when a vote
arrives: set its ``data-state`` and its ``fill`` to ``url(#<prefix>-s-<state>)`` (the
patterns for every state are always defined in the chart's ``<defs>``).
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from smolny.web.charts.layout import hemicycle_layout
from smolny.web.charts.svg import check_colour, check_id, esc, ink_on, num, open_svg

VACANT_FRACTION = ""
"""The ``data-fraction`` of a seat that no fraction holds."""


class SeatState(enum.StrEnum):
    """What a seat shows in a named vote (or that it is empty or held back)."""

    FOR = "for"
    AGAINST = "against"
    ABSTAIN = "abstain"
    ABSENT = "absent"
    VACANT = "vacant"
    RESERVED = "reserved"


# Lazy: each label is translated when a chart is drawn, into the language of the request.
STATE_LABELS: dict[SeatState, str | Promise] = {
    SeatState.FOR: gettext_lazy("for"),
    SeatState.AGAINST: gettext_lazy("against"),
    SeatState.ABSTAIN: gettext_lazy("abstained"),
    SeatState.ABSENT: gettext_lazy("absent"),
    SeatState.VACANT: gettext_lazy("vacant"),
    SeatState.RESERVED: gettext_lazy("reserved"),
}

# Fill and pattern per state: distinguishable in grey (solid, cross-hatch, stripes, dots,
# dashed outline, empty outline) and in colour (Okabe-Ito palette, safe for colour blindness).
_STATE_FILLS: dict[SeatState, tuple[str, str]] = {
    SeatState.FOR: ("#009e73", "solid"),
    SeatState.AGAINST: ("#d55e00", "cross"),
    SeatState.ABSTAIN: ("#e69f00", "stripes"),
    SeatState.ABSENT: ("#ffffff", "dashed"),
    SeatState.VACANT: ("#ffffff", "empty"),
    SeatState.RESERVED: ("#999999", "dots"),
}

_FRACTION_PATTERNS = ("solid", "stripes", "dots", "cross", "rstripes", "grid", "rings")

SCALE = 200.0
"""Outer radius of the arch in SVG units."""
MARGIN = 10.0
LEGEND_FONT = 17.0
"""The legend's text size in chart units. The chart is 420 units wide and the narrowest place
that shows it (a phone, a card of the timeline) about 300 px: 17 units are 12 px or more."""
LEGEND_ROW = LEGEND_FONT + 7


@dataclass(frozen=True)
class FractionSeats:
    """A fraction's name, its number of seats and its colour (``#rrggbb``)."""

    name: str
    seats: int
    colour: str


@dataclass(frozen=True)
class Seat:
    """A seat as drawn: number (1-based, left to right), fraction name ("" if vacant), state."""

    number: int
    fraction: str
    state: SeatState | None


def assign_seats(
    fractions: Sequence[FractionSeats],
    vacant: int = 0,
    states: Mapping[int, SeatState] | None = None,
) -> list[Seat]:
    """Seats in number order: the fractions' seats in the given order, then the vacant ones.

    *states* maps seat numbers to the state they show; a vacant seat shows ``vacant`` unless
    told otherwise. Unknown seat numbers are refused rather than ignored.
    """
    if vacant < 0 or any(f.seats < 0 for f in fractions):
        raise ValueError("seat numbers cannot be negative")
    names = [f.name for f in fractions]
    if len(set(names)) != len(names):
        raise ValueError("two fractions have the same name")
    seats: list[Seat] = []
    for fraction in fractions:
        seats.extend(Seat(len(seats) + 1, fraction.name, None) for _ in range(fraction.seats))
    seats.extend(Seat(len(seats) + 1, VACANT_FRACTION, SeatState.VACANT) for _ in range(vacant))
    for number, state in (states or {}).items():
        if not 1 <= number <= len(seats):
            raise ValueError(f"seat {number}: the house has seats 1 to {len(seats)}")
        seats[number - 1] = Seat(number, seats[number - 1].fraction, SeatState(state))
    return seats


def _pattern(pid: str, kind: str, fill: str) -> str:
    """One ``<pattern>``: the fill colour with marks in the contrasting ink."""
    ink = ink_on(fill)
    marks = {
        "solid": "",
        "empty": "",
        "dashed": "",
        "stripes": f'<path d="M0 6L6 0" stroke="{ink}" stroke-width="1.2"/>',
        "rstripes": f'<path d="M0 0L6 6" stroke="{ink}" stroke-width="1.2"/>',
        "cross": f'<path d="M0 6L6 0M0 0L6 6" stroke="{ink}" stroke-width="1"/>',
        "grid": f'<path d="M3 0V6M0 3H6" stroke="{ink}" stroke-width="1"/>',
        "dots": f'<circle cx="3" cy="3" r="1.2" fill="{ink}"/>',
        "rings": f'<circle cx="3" cy="3" r="1.6" fill="none" stroke="{ink}" stroke-width="0.8"/>',
    }[kind]
    return (
        f'<pattern id="{pid}" width="6" height="6" patternUnits="userSpaceOnUse">'
        f'<rect width="6" height="6" fill="{fill}"/>{marks}</pattern>'
    )


def hemicycle_svg(
    fractions: Sequence[FractionSeats],
    *,
    title: str,
    description: str | None = None,
    vacant: int = 0,
    states: Mapping[int, SeatState] | None = None,
    id_prefix: str = "hemicycle",
    per_circle: int = 1,
    seat_counts: Mapping[str, int] | None = None,
) -> str:
    """The hemicycle as an SVG string (safe HTML), with its legend under the arch.

    *id_prefix* keeps element ids unique when a page shows more than one chart. A body too
    large to draw a circle per seat is drawn with one circle per *per_circle* seats: the
    fractions' ``seats`` are then circles, and *seat_counts* (fraction → seats) the real
    figures, which the legend and the total give, with a line saying what a circle stands for
    (a legend that counted circles would read "Bolsheviks: 60" for 300 seats).
    """
    prefix = check_id(id_prefix)
    colours = {f.name: check_colour(f.colour) for f in fractions}
    seats = assign_seats(fractions, vacant, states)
    positions = hemicycle_layout(len(seats))
    scaled = per_circle > 1 and seat_counts is not None
    real = dict(seat_counts or {})
    total = sum(real.values()) if scaled else len(seats)
    vacant_word = _("vacant")
    if description is None:
        parts = [f"{f.name} {f.seats}" for f in fractions]
        if vacant:
            parts.append(f"{vacant_word} {vacant}")
        description = (
            _("%(total)s seats: %(parts)s.") % {"total": total, "parts": ", ".join(parts)}
            if parts
            else _("No seats.")
        )
        if states:
            tally = Counter(s.state for s in seats if s.state is not None)
            description += " " + ", ".join(
                f"{STATE_LABELS[state]} {tally[state]}" for state in SeatState if tally[state]
            )
            description += "."

    legend_rows = len(fractions) + (1 if vacant else 0) + (len(SeatState) if states else 0) + scaled
    width = 2 * (SCALE + MARGIN)
    # The floor row's discs reach below the floor line by their radius (large in a small
    # house): the legend starts under them.
    lowest = max((p.radius - p.y for p in positions), default=0.0)
    arch_height = SCALE + 2 * MARGIN + max(lowest, 0.0) * SCALE
    height = arch_height + LEGEND_ROW * legend_rows + MARGIN
    cx, cy = SCALE + MARGIN, SCALE + MARGIN

    defs: list[str] = []
    for index, fraction in enumerate(fractions):
        kind = _FRACTION_PATTERNS[index % len(_FRACTION_PATTERNS)]
        defs.append(_pattern(f"{prefix}-f{index}", kind, colours[fraction.name]))
    for state, (fill, kind) in _STATE_FILLS.items():
        defs.append(_pattern(f"{prefix}-s-{state.value}", kind, fill))
    fraction_index = {f.name: i for i, f in enumerate(fractions)}

    def fill_of(fraction: str, state: SeatState | None) -> str:
        if state is not None:
            return f"url(#{prefix}-s-{state.value})"
        return f"url(#{prefix}-f{fraction_index[fraction]})"

    def stroke_of(state: SeatState | None) -> str:
        dash = ' stroke-dasharray="2 1.5"' if state is SeatState.ABSENT else ""
        return f'stroke="#333333" stroke-width="0.8"{dash}'

    out = [open_svg(prefix, width, height, title, description), "<defs>", *defs, "</defs>"]
    out.append('<g class="seats">')
    seat_word = esc(_("Seat"))
    for seat, place in zip(seats, positions, strict=True):
        label = seat.fraction or vacant_word
        if seat.state is not None and seat.state is not SeatState.VACANT:
            label += f": {STATE_LABELS[seat.state]}"
        state_attr = seat.state.value if seat.state is not None else ""
        out.append(
            f'<circle class="seat" data-seat="{seat.number}" '
            f'data-fraction="{esc(seat.fraction)}" data-state="{state_attr}" '
            f'cx="{num(cx + place.x * SCALE)}" cy="{num(cy - place.y * SCALE)}" '
            f'r="{num(place.radius * SCALE)}" fill="{fill_of(seat.fraction, seat.state)}" '
            f"{stroke_of(seat.state)}><title>{seat_word} {seat.number}, {esc(label)}</title>"
            "</circle>"
        )
    out.append("</g>")
    out.append(
        f'<text class="total" x="{num(cx)}" y="{num(cy - 4)}" text-anchor="middle" '
        f'font-size="28" font-family="sans-serif" fill="#000000">{total}</text>'
    )

    out.append(
        f'<g class="legend" font-family="sans-serif" font-size="{num(LEGEND_FONT)}" fill="#000000">'
    )
    y = arch_height
    entries: list[tuple[str, str, str]] = [
        (fill_of(f.name, None), f.name, str(f.seats)) for f in fractions
    ]
    if scaled:
        entries = [
            (
                fill_of(f.name, None),
                f.name,
                ngettext("%(count)s seat", "%(count)s seats", real.get(f.name, 0))
                % {"count": f"{real.get(f.name, 0):,}"},
            )
            for f in fractions
        ]
    if vacant:
        entries.append((fill_of("", SeatState.VACANT), vacant_word, str(vacant)))
    if states:
        tally = Counter(s.state for s in seats if s.state is not None)
        entries.extend(
            (fill_of("", state), str(STATE_LABELS[state]), str(tally[state])) for state in SeatState
        )
    for fill, name, count in entries:
        out.append(
            f'<rect x="{num(MARGIN)}" y="{num(y)}" width="{num(LEGEND_FONT)}" '
            f'height="{num(LEGEND_FONT)}" fill="{fill}" stroke="#333333" stroke-width="0.8"/>'
            f'<text x="{num(MARGIN + LEGEND_FONT + 6)}" y="{num(y + LEGEND_FONT - 3)}">'
            f"{esc(name)}: {count}</text>"
        )
        y += LEGEND_ROW
    if scaled:
        note = _("One circle stands for %(n)s seats.") % {"n": per_circle}
        out.append(
            f'<text class="per-circle" x="{num(MARGIN)}" y="{num(y + LEGEND_FONT - 3)}">'
            f"{esc(note)}</text>"
        )
    out.append("</g></svg>")
    return "".join(out)


def hemicycle_table(
    fractions: Sequence[FractionSeats],
    *,
    caption: str,
    vacant: int = 0,
    states: Mapping[int, SeatState] | None = None,
) -> str:
    """The text equivalent of :func:`hemicycle_svg` as an HTML ``<table>`` (safe HTML).

    One row per fraction (and one for the vacant seats) with its seats; for a named vote,
    one more column per state with how many of the fraction's seats show it.
    """
    seats = assign_seats(fractions, vacant, states)
    shown = [s for s in SeatState if states and any(x.state is s for x in seats)]
    head = "".join(f'<th scope="col">{esc(STATE_LABELS[s])}</th>' for s in shown)
    rows: list[str] = []
    groups = [(f.name, f.name) for f in fractions]
    if vacant:
        groups.append((VACANT_FRACTION, _("vacant")))
    for key, label in groups:
        mine = [s for s in seats if s.fraction == key]
        cells = "".join(f"<td>{sum(1 for s in mine if s.state is st)}</td>" for st in shown)
        rows.append(f'<tr><th scope="row">{esc(label)}</th><td>{len(mine)}</td>{cells}</tr>')
    total_cells = "".join(f"<td>{sum(1 for s in seats if s.state is st)}</td>" for st in shown)
    # Outside the f-strings, where xgettext finds them for the catalogue.
    fraction_head, seats_head, total_head = esc(_("Fraction")), esc(_("Seats")), esc(_("Total"))
    return (
        f'<table class="chart-table"><caption>{esc(caption)}</caption>'
        f'<thead><tr><th scope="col">{fraction_head}</th>'
        f'<th scope="col">{seats_head}</th>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody>"
        f'<tfoot><tr><th scope="row">{total_head}</th><td>{len(seats)}</td>'
        f"{total_cells}</tr></tfoot>"
        "</table>"
    )
