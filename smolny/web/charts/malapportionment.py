"""The malapportionment chart: members per deputy in each constituency, against the average.

Under the ratio rule every constituency should send one deputy per so many members; rounding,
minimum seats and stale rolls make some members' votes weigh more than others'. The chart
shows each constituency's members per deputy as a horizontal bar, labelled with its value
(so it reads in print without colour), and the council's average (all members over all
deputies) as a dashed line. A constituency without a deputy has no ratio: its bar is replaced
by the words "no deputy". :func:`malapportionment_table` is the text equivalent, with each
constituency's deviation from the average.

The ratios are exact fractions; the chart shows them rounded to one decimal, the table to
one decimal with the deviation in whole per cent (rounded half away from zero).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.utils.translation import gettext as _

from smolny.web.charts.svg import check_id, esc, num, open_svg

BAR_AREA = 300.0
VALUE_WIDTH = 80.0
ROW = 40.0
"""A constituency's row: its name on one line, its bar and value under it (names above the
bars rather than beside them keep the chart narrow, so that its text stays large)."""
MARGIN = 10.0
FONT = 16.0
"""Text size in the chart's units. The chart is 400 units wide and a phone shows it some
300-360 px wide: 16 units are then 12 px or more, wider screens show it larger."""
TOP = MARGIN + 2 * FONT + 30.0
"""The caption and the average's label sit above the first row."""
AXIS = 44.0
"""Under the rows: the axis with its ticks, figures and title."""


@dataclass(frozen=True)
class ConstituencyRatio:
    """A constituency's name, members on its roll and deputies it sends."""

    name: str
    members: int
    deputies: int

    @property
    def members_per_deputy(self) -> Fraction | None:
        """Members per deputy, exactly; None when the constituency has no deputy."""
        return Fraction(self.members, self.deputies) if self.deputies else None


def average(constituencies: Sequence[ConstituencyRatio]) -> Fraction | None:
    """The council's members per deputy: all members over all deputies (None if no deputy)."""
    deputies = sum(c.deputies for c in constituencies)
    return Fraction(sum(c.members for c in constituencies), deputies) if deputies else None


def one_decimal(value: Fraction) -> str:
    """*value* rounded half up to one decimal."""
    quantised = (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )
    return str(quantised)


def deviation_percent(value: Fraction, mean: Fraction) -> str:
    """How far *value* lies from *mean*, in whole per cent with its sign (half away from 0)."""
    exact = (value - mean) / mean * 100
    whole = Decimal(exact.numerator) / Decimal(exact.denominator)
    rounded = whole.quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    return f"{rounded:+}%" if rounded else "0%"


def _check(constituencies: Sequence[ConstituencyRatio]) -> None:
    for c in constituencies:
        if c.members < 0 or c.deputies < 0:
            raise ValueError(f"{c.name}: members and deputies cannot be negative")


def malapportionment_svg(
    constituencies: Sequence[ConstituencyRatio],
    *,
    title: str,
    description: str | None = None,
    id_prefix: str = "malapportionment",
) -> str:
    """The bar chart as an SVG string (safe HTML), bars in the order given."""
    prefix = check_id(id_prefix)
    _check(constituencies)
    mean = average(constituencies)
    ratios = [c.members_per_deputy for c in constituencies]
    top = max([r for r in ratios if r is not None] + [mean or Fraction(0)])
    top = top if top > 0 else Fraction(1)
    if description is None:
        if mean is None:
            description = _("%(count)s constituencies, none with a deputy.") % {
                "count": len(constituencies)
            }
        else:
            known = [(r, c.name) for r, c in zip(ratios, constituencies, strict=True) if r]
            description = _(
                "Members per deputy in %(count)s constituencies; council average %(average)s."
            ) % {"count": len(constituencies), "average": one_decimal(mean)}
            if known:
                high, low = max(known), min(known)
                description += " " + _(
                    "Highest %(high)s (%(high_value)s), lowest %(low)s (%(low_value)s)."
                ) % {
                    "high": high[1],
                    "high_value": one_decimal(high[0]),
                    "low": low[1],
                    "low_value": one_decimal(low[0]),
                }
    width = MARGIN + BAR_AREA + VALUE_WIDTH + MARGIN
    bottom = TOP + ROW * len(constituencies)
    height = bottom + AXIS + MARGIN
    x0 = MARGIN

    def x_of(value: Fraction) -> float:
        return x0 + float(value / top) * BAR_AREA

    out = [open_svg(prefix, width, height, title, description)]
    text = f'font-family="sans-serif" font-size="{num(FONT)}" fill="#000000"'
    out.append(
        f'<text class="caption" x="{num(MARGIN)}" y="{num(MARGIN + FONT)}" {text} '
        f'font-weight="bold">{esc(title)}</text>'
    )
    out.append(f'<g class="bars" {text}>')
    no_deputy = esc(_("no deputy"))
    for index, (c, ratio) in enumerate(zip(constituencies, ratios, strict=True)):
        y = TOP + ROW * index
        shown = one_decimal(ratio) if ratio is not None else ""
        out.append(
            f'<g class="bar" data-constituency="{esc(c.name)}" data-members="{c.members}" '
            f'data-deputies="{c.deputies}" data-members-per-deputy="{shown}">'
            f'<text x="{num(x0)}" y="{num(y + FONT)}">{esc(c.name)}</text>'
        )
        if ratio is None:
            out.append(f'<text x="{num(x0 + 4)}" y="{num(y + 2 * FONT + 4)}">{no_deputy}</text>')
        else:
            out.append(
                f'<rect x="{num(x0)}" y="{num(y + FONT + 4)}" width="{num(x_of(ratio) - x0)}" '
                f'height="{num(ROW - FONT - 10)}" fill="#4477aa" stroke="#222222" '
                f'stroke-width="0.6"/>'
                f'<text x="{num(x_of(ratio) + 4)}" y="{num(y + 2 * FONT + 4)}">{shown}</text>'
            )
        out.append("</g>")
    out.append("</g>")
    # The axis: members per deputy from 0 to the largest figure, with its middle.
    out.append(
        f'<g class="axis" {text}>'
        f'<line x1="{num(x0)}" y1="{num(bottom + 2)}" x2="{num(x0 + BAR_AREA)}" '
        f'y2="{num(bottom + 2)}" stroke="#000000" stroke-width="1"/>'
    )
    for share, anchor in ((Fraction(0), "start"), (Fraction(1, 2), "middle"), (Fraction(1), "end")):
        x = x0 + float(share) * BAR_AREA
        out.append(
            f'<line x1="{num(x)}" y1="{num(bottom + 2)}" x2="{num(x)}" y2="{num(bottom + 7)}" '
            f'stroke="#000000" stroke-width="1"/>'
            f'<text x="{num(x)}" y="{num(bottom + 8 + FONT)}" text-anchor="{anchor}">'
            f"{one_decimal(share * top)}</text>"
        )
    axis_title = esc(_("members per deputy"))
    out.append(
        f'<text class="axis-title" x="{num(x0 + BAR_AREA / 2)}" y="{num(bottom + 12 + 2 * FONT)}" '
        f'text-anchor="middle">{axis_title}</text></g>'
    )
    if mean is not None:
        x = x_of(mean)
        label = esc(_("average %(value)s") % {"value": one_decimal(mean)})
        anchor = (
            "start" if x < x0 + BAR_AREA / 3 else "end" if x > x0 + 2 * BAR_AREA / 3 else "middle"
        )
        out.append(
            f'<g class="average" data-members-per-deputy="{one_decimal(mean)}">'
            f'<line x1="{num(x)}" y1="{num(TOP - 6)}" x2="{num(x)}" '
            f'y2="{num(bottom)}" stroke="#000000" '
            f'stroke-width="1.5" stroke-dasharray="5 3"/>'
            f'<text x="{num(x)}" y="{num(TOP - 12)}" text-anchor="{anchor}" {text}>'
            f"{label}</text></g>"
        )
    out.append("</svg>")
    return "".join(out)


def malapportionment_table(constituencies: Sequence[ConstituencyRatio], *, caption: str) -> str:
    """The text equivalent of :func:`malapportionment_svg` as an HTML ``<table>``."""
    _check(constituencies)
    mean = average(constituencies)
    rows = []
    for c in constituencies:
        ratio = c.members_per_deputy
        shown = one_decimal(ratio) if ratio is not None else esc(_("no deputy"))
        deviation = deviation_percent(ratio, mean) if ratio is not None and mean else ""
        rows.append(
            f'<tr><th scope="row">{esc(c.name)}</th><td>{c.members}</td><td>{c.deputies}</td>'
            f"<td>{shown}</td><td>{deviation}</td></tr>"
        )
    members = sum(c.members for c in constituencies)
    deputies = sum(c.deputies for c in constituencies)
    heads = (_("Constituency"), _("Members"), _("Deputies"), _("Members per deputy"))
    head = "".join(f'<th scope="col">{esc(h)}</th>' for h in (*heads, _("From the average")))
    overall = one_decimal(mean) if mean is not None else esc(_("no deputy"))
    council = esc(_("Council"))
    return (
        f'<table class="chart-table"><caption>{esc(caption)}</caption><thead><tr>'
        f"{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody>"
        f'<tfoot><tr><th scope="row">{council}</th><td>{members}</td>'
        f"<td>{deputies}</td><td>{overall}</td><td></td></tr></tfoot>"
        "</table>"
    )
