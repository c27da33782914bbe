"""Seat positions for a hemicycle: rows of concentric half-circles, seats numbered left to right.

The layout is geometry, not a counting rule, so it may use floating point for the final
coordinates; everything that decides *how many* seats go in which row is exact (fractions),
so the same house size always gives the same picture, on every machine.

The construction (our own):

1. The arch is the band between an inner radius ``INNER`` and the outer radius 1. With ``r``
   rows, each row is a half-circle of radius ``INNER + (i + 1/2) * pitch`` (row 0 innermost),
   where ``pitch = (1 - INNER) / r``; a seat is a disc of diameter ``SEAT * pitch``.
2. A row of radius ``rho`` holds at most ``floor(pi * rho / pitch) + 1`` seats (neighbours
   at least one pitch apart along the arc, both ends occupied). The number of rows is the
   smallest ``r`` whose rows hold the house.
3. The seats are shared between the rows in proportion to their radii (so seats stand
   equally dense in every row): each row gets the whole part of its exact share, and the
   seats left over go to the rows with the largest remainders that still have room (outer
   rows first on equal remainders).
4. Within a row of ``k`` seats, seat ``j`` (0-based, left to right) stands at the fraction
   ``t = j / (k - 1)`` of the half-circle from the left end (a lone seat at the top). Seats
   are numbered over the whole arch by ``t``, inner rows first at equal ``t``: sweeping from
   left to right, so consecutive seat numbers form the wedges that fractions occupy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

INNER = Fraction(7, 20)
"""Inner radius of the arch, as a fraction of the outer radius (the floor in the middle)."""

SEAT = Fraction(4, 5)
"""Seat diameter as a fraction of the row pitch (the rest is the gap between seats)."""


@dataclass(frozen=True)
class SeatPosition:
    """One seat: its number (1-based, left to right), row (0 innermost) and place.

    ``x`` runs from -1 (left end) to 1 (right end), ``y`` from 0 (the floor line) up to 1,
    in units of the outer radius; ``radius`` is the seat disc's radius in the same units.
    """

    number: int
    row: int
    x: float
    y: float
    radius: float


def row_radii(rows: int) -> list[Fraction]:
    """Step 1: the radius of each row, innermost first."""
    pitch = (1 - INNER) / rows
    return [INNER + (i + Fraction(1, 2)) * pitch for i in range(rows)]


def row_capacity(radius: Fraction, rows: int) -> int:
    """Step 2: how many seats a row of *radius* holds when the arch has *rows* rows."""
    pitch = (1 - INNER) / rows
    return math.floor(math.pi * radius / pitch) + 1


def rows_needed(seats: int) -> int:
    """Step 2: the fewest rows that hold *seats* seats."""
    if seats < 0:
        raise ValueError("the number of seats cannot be negative")
    rows = 1
    while sum(row_capacity(rho, rows) for rho in row_radii(rows)) < seats:
        rows += 1
    return rows


def seats_per_row(seats: int, rows: int | None = None) -> list[int]:
    """Step 3: the number of seats in each row, innermost first."""
    rows = rows_needed(seats) if rows is None else rows
    radii = row_radii(rows)
    capacities = [row_capacity(rho, rows) for rho in radii]
    if sum(capacities) < seats:
        raise ValueError(f"{rows} rows cannot hold {seats} seats")
    total = sum(radii)
    shares = [seats * rho / total for rho in radii]
    counts = [min(math.floor(share), cap) for share, cap in zip(shares, capacities, strict=True)]
    while sum(counts) < seats:
        open_rows = [i for i in range(rows) if counts[i] < capacities[i]]
        best = max(open_rows, key=lambda i: (shares[i] - counts[i], i))
        counts[best] += 1
    return counts


def hemicycle_layout(seats: int) -> list[SeatPosition]:
    """Step 4: every seat's position, in seat-number order (left to right)."""
    if seats == 0:
        return []
    rows = rows_needed(seats)
    radii = row_radii(rows)
    counts = seats_per_row(seats, rows)
    seat_radius = float(SEAT * (1 - INNER) / rows / 2)
    places: list[tuple[Fraction, int, float, float]] = []
    for row, (rho, k) in enumerate(zip(radii, counts, strict=True)):
        for j in range(k):
            t = Fraction(j, k - 1) if k > 1 else Fraction(1, 2)
            angle = math.pi * (1 - float(t))
            places.append((t, row, float(rho) * math.cos(angle), float(rho) * math.sin(angle)))
    places.sort(key=lambda place: (place[0], place[1]))
    return [
        SeatPosition(number=n, row=row, x=x, y=y, radius=seat_radius)
        for n, (_, row, x, y) in enumerate(places, start=1)
    ]
