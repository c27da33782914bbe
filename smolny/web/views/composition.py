"""What the council page shows, read from the dated rows at one moment.

The page's figures come from the same queries as the API's (:mod:`smolny.councils.queries`):
deputies are the mandates current at the moment, members are the rolls as they stood then,
so an earlier ``?at=`` gives the earlier council. Colours of fractions are the page's choice
(the record keeps none): a few parties of 1917 have their customary colour, the others take
the next colour of a palette that stays apart for colour-blind readers, and the charts add a
pattern to each colour anyway.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction

from django.utils.translation import gettext as _

from smolny.councils.models import (
    ApportionedSeats,
    Council,
    FractionMembership,
    Mandate,
    Organ,
)
from smolny.councils.models.dated import valid_at
from smolny.councils.queries import (
    OrganComposition,
    apportionment_at,
    constituency_rows,
    organ_composition,
    roll_counts,
)
from smolny.web.charts import (
    ConstituencyRatio,
    FractionSeats,
    hemicycle_svg,
    hemicycle_table,
    malapportionment_svg,
    malapportionment_table,
)
from smolny.web.natural import natural_key

CUSTOMARY = {
    "Bolsheviks": "#b2182b",
    "Mensheviks": "#0072b2",
    "SRs": "#009e73",
    "Left SRs": "#e69f00",
}
PALETTE = ("#cc79a7", "#56b4e9", "#f0e442", "#d55e00", "#8c6d31", "#6a51a3", "#66a61e")
NON_PARTY = "#bdbdbd"


def fraction_colours(names: list[str]) -> dict[str, str]:
    """A colour per fraction name: the customary one if any, else the palette in turn."""
    colours: dict[str, str] = {}
    spare = iter(c for c in PALETTE if c not in CUSTOMARY.values())
    for name in names:
        colours[name] = CUSTOMARY.get(name) or next(spare, "#777777")
    return colours


@dataclass(frozen=True)
class DeputyRow:
    """One deputy as the page lists them."""

    mandate: int
    name: str
    member_id: str
    constituency: str
    fraction: str | None
    since: datetime


@dataclass(frozen=True)
class ConstituencyRow:
    """One constituency: its roll, its apportioned seats, its deputies, members per deputy."""

    name: str
    members: int
    seats: int | None
    deputies: int

    @property
    def members_per_deputy(self) -> Fraction | None:
        return Fraction(self.members, self.deputies) if self.deputies else None


@dataclass(frozen=True)
class OrganView:
    """An organ with its composition at the moment and the seats counted by fraction."""

    organ: Organ
    kind: str
    composition: OrganComposition
    by_fraction: list[tuple[str, int]]
    held: int
    empty: list[tuple[str, int]]


def deputies(council: Council, at: datetime) -> list[DeputyRow]:
    """The deputies whose mandates were current at *at*, with their fraction then."""
    # Plain tuples, not model instances: a council of 3,000 deputies built 9,000 objects
    # (mandate, member, constituency) for five values each, half the page's time.
    mandates = sorted(
        Mandate.objects.filter(valid_at(at), council=council).values_list(
            "pk", "member__name", "member__external_id", "constituency__name", "start"
        ),
        key=lambda m: (natural_key(m[3]), natural_key(m[1]), m[0]),
    )
    # Memberships of mandates not current at *at* are harmless here: nothing looks them up.
    fractions = dict(
        FractionMembership.objects.filter(valid_at(at), mandate__council=council).values_list(
            "mandate_id", "fraction__name"
        )
    )
    return [
        DeputyRow(
            mandate=pk,
            name=name,
            member_id=number,
            constituency=constituency,
            fraction=fractions.get(pk),
            since=start,
        )
        for pk, name, number, constituency, start in mandates
    ]


def constituencies(council: Council, at: datetime, rows: list[DeputyRow]) -> list[ConstituencyRow]:
    """Every current constituency with its roll count, apportioned seats and deputies."""
    current = constituency_rows(council, at)
    members = roll_counts(council, at, only=current)
    apportionment = apportionment_at(council, at)
    seats: dict[int, int] = {}
    if apportionment is not None:
        seats = dict(
            ApportionedSeats.objects.filter(apportionment=apportionment).values_list(
                "constituency_id", "seats"
            )
        )
    sitting = Counter(d.constituency for d in rows)
    current = sorted(current, key=lambda c: natural_key(c.name))
    return [
        ConstituencyRow(
            name=c.name,
            members=members.get(c.pk, 0),
            seats=seats.get(c.pk) if apportionment is not None else None,
            deputies=sitting.get(c.name, 0),
        )
        for c in current
    ]


def fraction_seats(rows: list[DeputyRow]) -> list[FractionSeats]:
    """The hemicycle's fractions: largest first, the deputies of no fraction last."""
    counts = Counter(d.fraction for d in rows)
    named = sorted((n for n in counts if n is not None), key=lambda n: (-counts[n], n))
    colours = fraction_colours(named)
    seats = [FractionSeats(n, counts[n], colours[n]) for n in named]
    if counts.get(None):
        seats.append(FractionSeats(_("no fraction"), counts[None], NON_PARTY))
    return seats


def hemicycle(council: Council, rows: list[DeputyRow], vacant: int) -> tuple[str, str]:
    """The council's hemicycle (SVG) and its text equivalent (a table)."""
    fractions = fraction_seats(rows)
    title = _("Composition of %(council)s by fraction") % {"council": council.name}
    svg = hemicycle_svg(fractions, title=title, vacant=vacant, id_prefix="council-hemicycle")
    table = hemicycle_table(fractions, caption=title, vacant=vacant)
    return svg, table


def hemicycle_table_only(council: Council, rows: list[DeputyRow], vacant: int) -> str:
    """The hemicycle's text equivalent (a table), without drawing the chart."""
    title = _("Composition of %(council)s by fraction") % {"council": council.name}
    return hemicycle_table(fraction_seats(rows), caption=title, vacant=vacant)


def hemicycle_description(fractions: list[FractionSeats], vacant: int) -> str:
    """The hemicycle in one sentence (an image's text alternative)."""
    parts = [f"{f.name} {f.seats}" for f in fractions]
    if vacant:
        parts.append(f"{_('vacant')} {vacant}")
    total = sum(f.seats for f in fractions) + vacant
    return _("%(total)s seats: %(parts)s.") % {"total": total, "parts": ", ".join(parts)}


MAX_BARS = 30
"""Beyond this many constituencies the chart shows groups of them, not one bar each."""
GROUPS = 10


def _range(chunk: list[ConstituencyRow]) -> tuple[int, int]:
    """The lowest and highest members per deputy in a sorted group, rounded to whole numbers."""
    return (
        round(Fraction(chunk[0].members, chunk[0].deputies)),
        round(Fraction(chunk[-1].members, chunk[-1].deputies)),
    )


def ratio_groups(rows: list[ConstituencyRow]) -> list[ConstituencyRatio]:
    """The chart's bars: one per constituency, or for a large council ten groups.

    The Petrograd Soviet had some 2,800 constituencies; a bar each would make a chart
    60,000 pixels tall that nobody can read. So beyond :data:`MAX_BARS` the constituencies
    with a deputy are sorted by members per deputy and cut into :data:`GROUPS` groups of
    (nearly) equal count, from the best represented to the worst (neighbouring groups of one
    and the same value merge); each bar is its group's members over its deputies, labelled
    "how many: lowest–highest". The constituencies without a deputy make one more group.
    """
    if len(rows) <= MAX_BARS:
        return [ConstituencyRatio(r.name, r.members, r.deputies) for r in rows]
    ranked = sorted(
        # A float key orders these ratios exactly: two different fractions of counts this
        # size lie further apart than a float's precision, and equal ones give equal floats.
        (r for r in rows if r.deputies),
        key=lambda r: (r.members / r.deputies, r.name),
    )
    chunks: list[list[ConstituencyRow]] = []
    for i in range(GROUPS):
        chunk = ranked[i * len(ranked) // GROUPS : (i + 1) * len(ranked) // GROUPS]
        if not chunk:
            continue
        # Neighbouring groups with the same range say the same thing: one bar for both.
        if chunks and _range(chunks[-1]) == _range(chunk) and len(set(_range(chunk))) == 1:
            chunks[-1].extend(chunk)
        else:
            chunks.append(list(chunk))
    groups = []
    for chunk in chunks:
        low, high = _range(chunk)
        if low == high:
            label = _("%(count)s: %(value)s") % {"count": len(chunk), "value": low}
        else:
            label = _("%(count)s: %(low)s–%(high)s") % {
                "count": len(chunk),
                "low": low,
                "high": high,
            }
        groups.append(
            ConstituencyRatio(label, sum(r.members for r in chunk), sum(r.deputies for r in chunk))
        )
    without = [r for r in rows if not r.deputies]
    if without:
        label = _("%(count)s without a deputy") % {"count": len(without)}
        groups.append(ConstituencyRatio(label, sum(r.members for r in without), 0))
    return groups


def malapportionment(council: Council, rows: list[ConstituencyRow]) -> tuple[str, str]:
    """The members-per-deputy chart (SVG) and its table."""
    ratios = ratio_groups(rows)
    if len(ratios) == len(rows):
        title = _("Members per deputy in each constituency of %(council)s") % {
            "council": council.name
        }
    else:
        title = _(
            "Members per deputy in %(council)s: its %(count)s constituencies in groups from "
            "the best represented to the worst (each label: how many constituencies, and "
            "their lowest and highest members per deputy)"
        ) % {"council": council.name, "count": len(rows)}
    svg = malapportionment_svg(ratios, title=title, id_prefix="council-malapportionment")
    return svg, malapportionment_table(ratios, caption=title)


def organ_kind(kind: str) -> str:
    """An organ's kind in words of the page's language."""
    labels = {
        Organ.PLENUM: _("plenum"),
        Organ.EXECUTIVE: _("executive committee"),
        Organ.PRESIDIUM: _("presidium"),
        Organ.SECTION: _("section"),
        Organ.COMMISSION: _("commission"),
    }
    return labels.get(kind, kind)


def organs(council: Council, at: datetime) -> list[OrganView]:
    """The council's organs current at *at*, each with its seats then."""
    return [
        organ_view(organ, at)
        for organ in Organ.objects.filter(valid_at(at), council=council).order_by("kind", "name")
    ]


def organ_view(organ: Organ, at: datetime) -> OrganView:
    """One organ with its seats at *at*, counted by fraction."""
    composition = organ_composition(organ, at)
    counts = Counter(s.fraction for s in composition.seats if s.status == "held")
    return OrganView(
        organ=organ,
        kind=organ_kind(organ.kind),
        composition=composition,
        by_fraction=sorted(
            ((name or _("no fraction"), n) for name, n in counts.items()),
            key=lambda item: (-item[1], item[0]),
        ),
        held=sum(counts.values()),
        empty=sorted(Counter(s.status for s in composition.seats if s.status != "held").items()),
    )
