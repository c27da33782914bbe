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

LABEL_WIDTH = 180.0
BAR_AREA = 300.0
VALUE_WIDTH = 70.0
ROW = 22.0
TOP = 28.0
MARGIN = 10.0


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
    width = MARGIN + LABEL_WIDTH + BAR_AREA + VALUE_WIDTH + MARGIN
    height = TOP + ROW * len(constituencies) + 2 * MARGIN
    x0 = MARGIN + LABEL_WIDTH

    def x_of(value: Fraction) -> float:
        return x0 + float(value / top) * BAR_AREA

    out = [open_svg(prefix, width, height, title, description)]
    out.append('<g class="bars" font-family="sans-serif" font-size="12" fill="#000000">')
    no_deputy = esc(_("no deputy"))
    for index, (c, ratio) in enumerate(zip(constituencies, ratios, strict=True)):
        y = TOP + ROW * index
        shown = one_decimal(ratio) if ratio is not None else ""
        out.append(
            f'<g class="bar" data-constituency="{esc(c.name)}" data-members="{c.members}" '
            f'data-deputies="{c.deputies}" data-members-per-deputy="{shown}">'
            f'<text x="{num(x0 - 6)}" y="{num(y + 15)}" text-anchor="end">{esc(c.name)}</text>'
        )
        if ratio is None:
            out.append(f'<text x="{num(x0 + 4)}" y="{num(y + 15)}">{no_deputy}</text>')
        else:
            out.append(
                f'<rect x="{num(x0)}" y="{num(y + 3)}" width="{num(x_of(ratio) - x0)}" '
                f'height="{num(ROW - 6)}" fill="#4477aa" stroke="#222222" stroke-width="0.6"/>'
                f'<text x="{num(x_of(ratio) + 4)}" y="{num(y + 15)}">{shown}</text>'
            )
        out.append("</g>")
    out.append("</g>")
    if mean is not None:
        x = x_of(mean)
        label = esc(_("average %(value)s") % {"value": one_decimal(mean)})
        out.append(
            f'<g class="average" data-members-per-deputy="{one_decimal(mean)}">'
            f'<line x1="{num(x)}" y1="{num(TOP - 6)}" x2="{num(x)}" '
            f'y2="{num(TOP + ROW * len(constituencies))}" stroke="#000000" '
            f'stroke-width="1.5" stroke-dasharray="5 3"/>'
            f'<text x="{num(x)}" y="{num(TOP - 10)}" text-anchor="middle" '
            f'font-family="sans-serif" font-size="12" fill="#000000">'
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
