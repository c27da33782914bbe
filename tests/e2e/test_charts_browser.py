"""The charts in Chromium: axe-core finds no serious violations, and the seats are drawn.

The charts are shown in a page the way a council page will show them: the SVG, and its text
equivalent (the table) beside it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from smolny.web.charts import (
    ConstituencyRatio,
    FractionSeats,
    SeatState,
    hemicycle_svg,
    hemicycle_table,
    malapportionment_svg,
    malapportionment_table,
)
from tests.e2e.conftest import serious

FRACTIONS = [
    FractionSeats("Bolsheviks", 390, "#cc0000"),
    FractionSeats("Left SRs", 100, "#ff7f0e"),
    FractionSeats("SRs", 60, "#2ca02c"),
    FractionSeats("Mensheviks", 72, "#1f77b4"),
    FractionSeats("Non-party", 28, "#7f7f7f"),
]


def page_with(body: str) -> str:
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        "<title>Charts</title></head><body><main><h1>Second Congress of Soviets</h1>"
        f"{body}</main></body></html>"
    )


def test_charts_and_their_tables_pass_axe_and_draw_every_seat(
    desktop: Any, axe: Callable[[Any], list[dict[str, Any]]]
) -> None:
    states = dict.fromkeys(range(1, 400), SeatState.FOR) | {450: SeatState.AGAINST}
    works = [
        ConstituencyRatio("Putilov works", 30000, 30),
        ConstituencyRatio("Obukhov works", 4000, 6),
        ConstituencyRatio("Volynsky regiment", 1200, 2),
    ]
    body = (
        "<figure>"
        + hemicycle_svg(FRACTIONS, title="Composition", vacant=5)
        + "<figcaption>"
        + hemicycle_table(FRACTIONS, caption="Composition", vacant=5)
        + "</figcaption></figure><figure>"
        + hemicycle_svg(FRACTIONS, title="Named vote", states=states, id_prefix="vote")
        + "<figcaption>"
        + hemicycle_table(FRACTIONS, caption="Named vote", states=states)
        + "</figcaption></figure><figure>"
        + malapportionment_svg(works, title="Members per deputy")
        + "<figcaption>"
        + malapportionment_table(works, caption="Members per deputy")
        + "</figcaption></figure>"
    )
    page = desktop.new_page()
    page.set_content(page_with(body))
    assert page.locator("#hemicycle circle.seat").count() == 655
    assert page.locator("#vote circle.seat[data-state='for']").count() == 399
    # The seats are really laid out: the first is left of the last, none has zero size.
    first = page.locator("#hemicycle circle.seat").first.bounding_box()
    last = page.locator("#hemicycle circle.seat").last.bounding_box()
    assert first is not None
    assert last is not None
    assert first["x"] < last["x"]
    assert first["width"] > 0
    # The accessible name of a chart is its title and description.
    assert page.locator("svg#hemicycle[role='img']").count() == 1
    assert serious(axe(page)) == []


SMALLEST_TEXT = """() => [...document.querySelectorAll('svg.chart')].map(svg => {
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  const sizes = [...svg.querySelectorAll('text')].map(
    t => parseFloat(getComputedStyle(t).fontSize) * scale);
  return [svg.id, Math.min(...sizes)];
})"""


def test_chart_text_is_at_least_12_px_in_a_300_px_card_and_a_scaled_hemicycle_counts_seats(
    desktop: Any,
) -> None:
    from smolny.web.views.timeline_data import chart

    works = [
        ConstituencyRatio("Putilov works", 30000, 30),
        ConstituencyRatio("Volynsky regiment", 1200, 2),
    ]
    # A body of 1,500 seats: drawn one circle per 10 seats.
    big = chart("council:9", "Congress", "council", {"Bolsheviks": 1200, "SRs": 300}, "Congress")
    assert big.per_circle == 10
    body = (
        '<div style="width:300px">'
        + hemicycle_svg(FRACTIONS, title="Composition", vacant=5)
        + malapportionment_svg(works, title="Members per deputy", id_prefix="mal")
        + big.svg
        + "</div>"
    )
    page = desktop.new_page()
    page.set_content(page_with(body))
    smallest = dict(page.evaluate(SMALLEST_TEXT))
    assert set(smallest) == {"hemicycle", "mal", "tl-council-9"}
    assert all(size >= 12 for size in smallest.values()), smallest
    # The scaled hemicycle's legend gives seats, not circles, and says what a circle is.
    legend = page.locator("#tl-council-9 g.legend").text_content() or ""
    assert "Bolsheviks: 1,200 seats" in legend
    assert "SRs: 300 seats" in legend
    assert "One circle stands for 10 seats." in legend
    assert page.locator("#tl-council-9 circle.seat").count() == 150
    # The malapportionment chart has a caption and an axis with its title.
    assert page.locator("#mal text.caption").text_content() == "Members per deputy"
    assert page.locator("#mal g.axis text.axis-title").text_content() == "members per deputy"
