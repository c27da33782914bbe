"""The server-rendered charts: seat layout, hemicycle structure, malapportionment bars."""

from __future__ import annotations

import itertools
import math
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smolny.web.charts import (
    ConstituencyRatio,
    FractionSeats,
    SeatState,
    hemicycle_svg,
    hemicycle_table,
    malapportionment_svg,
    malapportionment_table,
)
from smolny.web.charts.layout import (
    hemicycle_layout,
    row_capacity,
    row_radii,
    rows_needed,
    seats_per_row,
)

SVG = "{http://www.w3.org/2000/svg}"

PETROGRAD = [
    FractionSeats("Bolsheviks", 3, "#cc0000"),
    FractionSeats("SRs", 3, "#339933"),
    FractionSeats("Mensheviks", 1, "#3366cc"),
]


def seats_of(svg: str) -> list[ET.Element]:
    root = ET.fromstring(svg)
    return [c for c in root.iter(f"{SVG}circle") if c.get("class") == "seat"]


# Layout ---------------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=0, max_value=700))
def test_every_seat_is_placed_once_in_rows_that_hold_them(n: int) -> None:
    layout = hemicycle_layout(n)
    assert [s.number for s in layout] == list(range(1, n + 1))
    if n == 0:
        return
    rows = rows_needed(n)
    counts = seats_per_row(n)
    assert sum(counts) == n
    for rho, k in zip(row_radii(rows), counts, strict=True):
        assert k <= row_capacity(rho, rows)
    # Fewer rows would not hold the house.
    if rows > 1:
        assert sum(row_capacity(rho, rows - 1) for rho in row_radii(rows - 1)) < n
    # Inner rows never hold more seats than outer rows (they are shorter).
    assert counts == sorted(counts)


@settings(max_examples=25, deadline=None)
@given(st.integers(min_value=2, max_value=400))
def test_seats_do_not_overlap_and_run_left_to_right(n: int) -> None:
    layout = hemicycle_layout(n)
    for i, a in enumerate(layout):
        assert a.y >= -1e-9
        assert math.hypot(a.x, a.y) <= 1 + 1e-9
        for b in layout[i + 1 :]:
            assert math.hypot(a.x - b.x, a.y - b.y) >= 2 * a.radius - 1e-9
    angles = [math.atan2(s.y, s.x) for s in layout]
    assert all(x >= y - 1e-9 for x, y in itertools.pairwise(angles))


def test_a_small_house_by_hand() -> None:
    # 5 seats: two rows; the inner (radius 0.5125) holds 2, the outer (0.8375) holds 3.
    assert seats_per_row(5) == [2, 3]
    layout = hemicycle_layout(5)
    assert [s.row for s in layout] == [0, 1, 1, 0, 1]
    assert layout[0].x == pytest.approx(-0.5125)
    assert layout[2].x == pytest.approx(0.0, abs=1e-12)
    assert layout[2].y == pytest.approx(0.8375)
    assert layout[4].x == pytest.approx(0.8375)


# Hemicycle ------------------------------------------------------------------------------


def test_seats_are_coloured_by_fraction_in_order_then_vacant() -> None:
    svg = hemicycle_svg(PETROGRAD, title="Executive committee", vacant=2)
    seats = seats_of(svg)
    assert [s.get("data-fraction") for s in seats] == (
        ["Bolsheviks"] * 3 + ["SRs"] * 3 + ["Mensheviks"] + [""] * 2
    )
    assert [s.get("data-seat") for s in seats] == [str(n) for n in range(1, 10)]
    assert [s.get("data-state") for s in seats][-2:] == ["vacant", "vacant"]
    # Each fraction's fill is its own pattern, and its pattern holds its colour.
    root = ET.fromstring(svg)
    patterns = {p.get("id"): p for p in root.iter(f"{SVG}pattern")}
    fills = {s.get("data-fraction"): s.get("fill") for s in seats}
    assert len(set(fills.values())) == 4
    bolshevik = patterns[str(fills["Bolsheviks"])[5:-1]]  # url(#...)
    assert bolshevik.find(f"{SVG}rect").get("fill") == "#cc0000"  # type: ignore[union-attr]


def test_fractions_occupy_wedges_from_left_to_right() -> None:
    fractions = [FractionSeats(f"F{i}", k, "#808080") for i, k in enumerate([40, 25, 60, 3])]
    seats = seats_of(hemicycle_svg(fractions, title="t"))
    angle = {
        s.get("data-seat"): math.atan2(210 - float(s.get("cy", 0)), float(s.get("cx", 0)) - 210)
        for s in seats
    }
    spans = []
    for f in fractions:
        mine = [angle[s.get("data-seat")] for s in seats if s.get("data-fraction") == f.name]
        spans.append((max(mine), min(mine)))
    for (_, low), (high, _) in itertools.pairwise(spans):
        assert low >= high - 1e-3  # the next fraction starts where this one ends


def test_named_vote_states_override_the_fraction_and_are_counted() -> None:
    states = {1: SeatState.FOR, 2: SeatState.AGAINST, 4: SeatState.ABSTAIN, 7: SeatState.ABSENT}
    svg = hemicycle_svg(PETROGRAD, title="Vote", states=states)
    seats = seats_of(svg)
    assert [s.get("data-state") for s in seats] == [
        "for", "against", "", "abstain", "", "", "absent"
    ]  # fmt: skip
    assert seats[0].get("fill") != seats[2].get("fill")  # a Bolshevik voting for vs not voted
    assert seats[0].get("data-fraction") == "Bolsheviks"
    assert "stroke-dasharray" in (seats[6].attrib)
    desc = ET.fromstring(svg).find(f"{SVG}desc")
    assert desc is not None
    assert "for 1, against 1, abstained 1, absent 1" in (desc.text or "")
    table = ET.fromstring(hemicycle_table(PETROGRAD, caption="Vote", states=states))
    rows = {
        r.find("th").text: [td.text for td in r.findall("td")]  # type: ignore[union-attr]
        for r in table.iter("tr")
    }
    assert rows["Fraction"] == []
    assert rows["Bolsheviks"] == ["3", "1", "1", "0", "0"]
    assert rows["SRs"] == ["3", "0", "0", "1", "0"]
    assert rows["Mensheviks"] == ["1", "0", "0", "0", "1"]
    assert rows["Total"] == ["7", "1", "1", "1", "1"]


def test_the_chart_is_labelled_for_screen_readers_and_escapes_names() -> None:
    fractions = [FractionSeats('Left <SRs> & "Maximalists"', 2, "#AA0000")]
    svg = hemicycle_svg(fractions, title="Soviet <1917>", id_prefix="council-7")
    root = ET.fromstring(svg)  # well-formed despite the markup characters in the names
    assert root.get("role") == "img"
    title_id, desc_id = (root.get("aria-labelledby") or "").split()
    ids = {e.get("id"): e for e in root.iter() if e.get("id")}
    assert ids[title_id].tag == f"{SVG}title"
    assert ids[title_id].text == "Soviet <1917>"
    assert ids[desc_id].tag == f"{SVG}desc"
    assert "2 seats" in (ids[desc_id].text or "")
    assert seats_of(svg)[0].get("data-fraction") == 'Left <SRs> & "Maximalists"'
    assert all((s.find(f"{SVG}title") is not None) for s in seats_of(svg))
    assert svg == hemicycle_svg(fractions, title="Soviet <1917>", id_prefix="council-7")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"fractions": [FractionSeats("A", 1, "red")]}, "colour"),
        ({"fractions": [FractionSeats("A", 1, '#ff0000" onload="x')]}, "colour"),
        ({"fractions": PETROGRAD, "states": {8: SeatState.FOR}}, "seat 8"),
        ({"fractions": PETROGRAD, "id_prefix": "a b"}, "id prefix"),
        ({"fractions": [FractionSeats("A", 1, "#000000")] * 2}, "same name"),
        ({"fractions": [FractionSeats("A", -1, "#000000")]}, "negative"),
    ],
)
def test_bad_chart_input_is_refused(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        hemicycle_svg(title="t", **kwargs)  # type: ignore[arg-type]


# Malapportionment -----------------------------------------------------------------------

WORKS = [
    ConstituencyRatio("Putilov works", 45, 4),
    ConstituencyRatio("Obukhov works", 25, 2),
    ConstituencyRatio("1st company Volynsky", 8, 1),
    ConstituencyRatio("New district", 30, 0),
]


def test_bars_show_members_per_deputy_and_the_council_average() -> None:
    svg = malapportionment_svg(WORKS, title="Members per deputy")
    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    bars = [g for g in root.iter(f"{SVG}g") if g.get("class") == "bar"]
    assert [b.get("data-constituency") for b in bars] == [c.name for c in WORKS]
    # 45/4 = 11.25 -> 11.3 (half up), 25/2 = 12.5, 8/1 = 8.0, no deputy -> no ratio.
    assert [b.get("data-members-per-deputy") for b in bars] == ["11.3", "12.5", "8.0", ""]
    widths = [float(r.get("width", 0)) for b in bars for r in b.iter(f"{SVG}rect")]
    assert len(widths) == 3
    # The scale runs to the largest of the ratios and the average (108/7 here).
    assert widths[1] == pytest.approx(300.0 * 12.5 * 7 / 108, abs=0.01)
    assert widths[0] / widths[1] == pytest.approx(11.25 / 12.5, abs=0.001)
    texts = ["".join(b.itertext()) for b in bars]
    assert "no deputy" in texts[3]
    # Average: all members over all deputies, (45 + 25 + 8 + 30) / 7 = 15.43.
    average = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "average")
    assert average.get("data-members-per-deputy") == "15.4"
    desc = root.find(f"{SVG}desc")
    assert desc is not None
    assert "Highest Obukhov works (12.5), lowest 1st company Volynsky (8.0)" in (desc.text or "")


def test_the_table_gives_deviation_from_the_average() -> None:
    table = ET.fromstring(malapportionment_table(WORKS, caption="c"))
    rows = {
        r.find("th").text: [td.text for td in r.findall("td")]  # type: ignore[union-attr]
        for r in table.iter("tr")
    }
    # (11.25 - 108/7) / (108/7) = -27.08% ; (12.5 - 108/7)/(108/7) = -18.98% ; 8 -> -48.15%.
    assert rows["Putilov works"] == ["45", "4", "11.3", "-27%"]
    assert rows["Obukhov works"] == ["25", "2", "12.5", "-19%"]
    assert rows["1st company Volynsky"] == ["8", "1", "8.0", "-48%"]
    assert rows["New district"] == ["30", "0", "no deputy", None]
    assert rows["Council"] == ["108", "7", "15.4", None]


def test_a_council_without_deputies_draws_no_average() -> None:
    svg = malapportionment_svg([ConstituencyRatio("A", 10, 0)], title="t")
    root = ET.fromstring(svg)
    assert not [g for g in root.iter(f"{SVG}g") if g.get("class") == "average"]
    with pytest.raises(ValueError, match="negative"):
        malapportionment_svg([ConstituencyRatio("A", -1, 1)], title="t")
