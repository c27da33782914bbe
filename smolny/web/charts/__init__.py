"""Server-rendered SVG charts: the hemicycle and the malapportionment bar chart.

Charts are plain strings of SVG built on the server, so pages need no JavaScript to show them
and print them; each comes with an HTML table that says the same in text.
"""

from smolny.web.charts.hemicycle import (
    FractionSeats,
    Seat,
    SeatState,
    assign_seats,
    hemicycle_svg,
    hemicycle_table,
)
from smolny.web.charts.malapportionment import (
    ConstituencyRatio,
    malapportionment_svg,
    malapportionment_table,
)

__all__ = [
    "ConstituencyRatio",
    "FractionSeats",
    "Seat",
    "SeatState",
    "assign_seats",
    "hemicycle_svg",
    "hemicycle_table",
    "malapportionment_svg",
    "malapportionment_table",
]
