"""Malapportionment: how far deputies are from the members (or votes) they stand for.

Rule texts:

- J. Loosemore and V. J. Hanby, "The Theoretical Limits of Maximum Distortion: Some
  Analytic Expressions for Electoral Systems", *British Journal of Political Science* 1
  (1971): the index of distortion is half the sum, over all parties (here: constituencies or
  categories), of the absolute difference between the share of votes (members) and the
  share of seats. It lies in [0, 1]; 0 means every share is matched exactly, and the value
  is the share of seats that would have to move to match them.
- M. Gallagher, "Proportionality, Disproportionality and Electoral Systems", *Electoral
  Studies* 10 (1991): the least-squares index is the square root of half the sum of the
  squared differences between vote and seat percentages. Squaring weighs one large
  distortion more heavily than many small ones.
- Members per deputy by constituency category: the council system's own measure. The
  Petrograd Soviet of March 1917 gave one deputy to every 1,000 workers and one to every
  company of soldiers, so a soldier's voice weighed several times a worker's; the measure
  compares the deputies per member of each category.

Arithmetic is exact: shares and the Loosemore–Hanby index are :class:`Fraction` values; the
Gallagher index is exact up to its square root, which is taken with integer arithmetic
(:func:`math.isqrt`) and returned as a :class:`Decimal` with a stated number of decimal
places, every digit correct (truncated, never rounded up).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

GALLAGHER_PLACES = 6


def _check(populations: Sequence[int], seats: Sequence[int]) -> tuple[int, int]:
    """Validate a pair of sequences; return their totals."""
    if len(populations) != len(seats):
        raise ValueError(
            f"{len(populations)} populations but {len(seats)} seat counts: they must pair up"
        )
    if not populations:
        raise ValueError("no entries: a measure needs at least one")
    for name, values in (("population", populations), ("seats", seats)):
        for index, value in enumerate(values):
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError(f"{name} of entry {index} must be an int, not {value!r}")
            if value < 0:
                raise ValueError(f"{name} of entry {index} is negative ({value})")
    total_population, total_seats = sum(populations), sum(seats)
    if total_population == 0:
        raise ValueError("total population is zero: shares are undefined")
    if total_seats == 0:
        raise ValueError("total seats is zero: shares are undefined")
    return total_population, total_seats


def share_differences(populations: Sequence[int], seats: Sequence[int]) -> list[Fraction]:
    """Seat share minus population share, entry by entry (exact)."""
    total_population, total_seats = _check(populations, seats)
    return [
        Fraction(s, total_seats) - Fraction(p, total_population)
        for p, s in zip(populations, seats, strict=True)
    ]


def loosemore_hanby(populations: Sequence[int], seats: Sequence[int]) -> Fraction:
    """Loosemore–Hanby index: ½ Σ |s_i/S − p_i/P|, in [0, 1]."""
    return sum((abs(d) for d in share_differences(populations, seats)), Fraction(0)) / 2


def gallagher_squared(populations: Sequence[int], seats: Sequence[int]) -> Fraction:
    """The square of the Gallagher index: ½ Σ (100 (s_i/S − p_i/P))², exact."""
    return sum(((100 * d) ** 2 for d in share_differences(populations, seats)), Fraction(0)) / 2


def gallagher(
    populations: Sequence[int], seats: Sequence[int], places: int = GALLAGHER_PLACES
) -> Decimal:
    """Gallagher's least-squares index in percentage points, to *places* decimals.

    The square is exact; its root is ⌊√x · 10^places⌋ / 10^places, computed as
    ``isqrt(⌊x · 10^(2·places)⌋)`` (for y ≥ 0, ⌊√⌊y⌋⌋ = ⌊√y⌋), so every digit shown is
    correct and the result never exceeds the true value.
    """
    if places < 0:
        raise ValueError(f"places must be >= 0, not {places}")
    square = gallagher_squared(populations, seats)
    scaled = square * 10 ** (2 * places)
    root = math.isqrt(scaled.numerator // scaled.denominator)
    return Decimal(root).scaleb(-places)


def members_per_deputy(members: int, deputies: int) -> Fraction:
    """How many members one deputy stands for (exact)."""
    if members < 0 or deputies <= 0:
        raise ValueError(
            f"members per deputy needs members >= 0 and deputies > 0 "
            f"(got {members} members, {deputies} deputies)"
        )
    return Fraction(members, deputies)


@dataclass(frozen=True, slots=True)
class CategoryRepresentation:
    """One category of constituencies (e.g. factories, companies) in a council.

    ``weight`` is the category's deputies per member relative to the whole council's: 1
    means a member of this category has exactly the average voice, 2 twice the average.
    ``members_per_deputy`` is ``None`` when the category has no deputies.
    """

    category: str
    constituencies: int
    members: int
    deputies: int
    members_per_deputy: Fraction | None
    deputies_per_member: Fraction
    weight: Fraction
    member_share: Fraction
    deputy_share: Fraction


def representation_by_category(
    constituencies: Sequence[tuple[str, int, int]],
) -> dict[str, CategoryRepresentation]:
    """Members, deputies and the weight of a member's voice per category.

    *constituencies* holds ``(category, members, deputies)`` per constituency. The result
    is keyed by category in order of first appearance.
    """
    if not constituencies:
        raise ValueError("no constituencies")
    totals: dict[str, list[int]] = {}
    for index, (category, members, deputies) in enumerate(constituencies):
        for name, value in (("members", members), ("deputies", deputies)):
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError(f"{name} of constituency {index} must be an int, not {value!r}")
            if value < 0:
                raise ValueError(f"{name} of constituency {index} is negative ({value})")
        entry = totals.setdefault(category, [0, 0, 0])
        entry[0] += 1
        entry[1] += members
        entry[2] += deputies
    all_members = sum(entry[1] for entry in totals.values())
    all_deputies = sum(entry[2] for entry in totals.values())
    if all_deputies == 0:
        raise ValueError("the council has no deputies")
    average = Fraction(all_deputies, all_members)
    result: dict[str, CategoryRepresentation] = {}
    for category, (count, members, deputies) in totals.items():
        if members == 0:
            raise ValueError(f"category {category!r} has no members: its weight is undefined")
        per_member = Fraction(deputies, members)
        result[category] = CategoryRepresentation(
            category=category,
            constituencies=count,
            members=members,
            deputies=deputies,
            members_per_deputy=Fraction(members, deputies) if deputies else None,
            deputies_per_member=per_member,
            weight=per_member / average,
            member_share=Fraction(members, all_members),
            deputy_share=Fraction(deputies, all_deputies),
        )
    return result


def representation_ratio(a: CategoryRepresentation, b: CategoryRepresentation) -> Fraction:
    """How many times a member of category *a* weighs a member of *b* (deputies per member)."""
    if b.deputies_per_member == 0:
        raise ValueError(f"category {b.category!r} has no deputies: the ratio is unbounded")
    return a.deputies_per_member / b.deputies_per_member


def category_indices(
    representation: dict[str, CategoryRepresentation],
) -> tuple[Fraction, Decimal]:
    """Loosemore–Hanby and Gallagher over the categories (members against deputies)."""
    members = [entry.members for entry in representation.values()]
    deputies = [entry.deputies for entry in representation.values()]
    return loosemore_hanby(members, deputies), gallagher(members, deputies)
