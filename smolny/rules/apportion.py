"""Apportionment: the seats of a house divided among constituencies in proportion to their size.

Rule texts implemented here, in the order a count applies them:

1. **Threshold.** An entry with less than a given percentage of the total (of all entries) is
   dropped before anything is allocated and gets no seat (the usual electoral threshold; for
   populations it is rarely used, but the contract of ``smolny apportion`` offers it).
2. **Minimum.** Every remaining entry receives at least ``min_seats`` seats. The methods of
   Adams and of Huntington–Hill imply a minimum of one, because their first divisor is zero
   (2 U.S.C. § 2a(a): "by the method known as the method of equal proportions, no State to
   receive less than one Member").
3. **The method.** Balinski and Young, *Fair Representation* (1982; 2nd ed. 2001), chapters
   2–4 and appendix A, define them:

   - *Hamilton* (largest remainders, Hare quota): §1 each entry's quota is its population
     times the house size over the total; §2 each receives the whole part of its quota
     (its lower quota); §3 the seats left over go one each to the entries with the largest
     fractional remainders.
   - *Divisor methods*: an entry of population ``p`` holding ``k`` seats has priority
     ``p / d(k)`` for its next seat, and the house is filled by the ``H`` highest priorities.
     Jefferson = D'Hondt has ``d(k) = k + 1``; Webster = Sainte-Laguë ``d(k) = k + 1/2``;
     Adams ``d(k) = k``; Hill = Huntington–Hill (the method of equal proportions)
     ``d(k) = sqrt(k (k + 1))``. Equivalently (Balinski and Young, A.2): find a divisor
     ``λ`` such that rounding every ``p / λ`` down at the signposts ``d(k)`` gives ``H`` seats.

4. **The ratio rule** of councils, not a method over a fixed house: "one deputy per N members,
   at least K per constituency"; the size of the council follows from the membership. The
   Petrograd Soviet's rule of March 1917 was one delegate per 1,000 workers and one per
   company of soldiers (China Miéville, *October*, 2017): with ``per=1000, minimum=1``
   a company of a few hundred men gets its one delegate and a factory of 5,000 gets five.

Arithmetic is exact: integers throughout, Huntington–Hill priorities compared squared
(``p^2 / (k (k + 1))``) so that no square root is ever taken. A tie at the last seat(s) —
equal remainders or equal priorities on both sides of the boundary of the house — is never
broken silently: it is reported as a :class:`~smolny.rules.ties.Tie`; with a ``tie_seed`` it is
broken by :func:`~smolny.rules.ties.draw_lots` with the tie's ``at`` text as the context
(so anyone can redraw it from the record), and otherwise the tied seats are held back.

The divisor methods are computed quickly without giving up exactness: one pass gives every
seat whose priority is above the estimated divisor ``total / H``; a heap then adds (or takes
away) the few seats at the boundary in exact order. The heap is keyed by floats, but each
float is the correctly rounded value of an exact fraction (Python's ``int / int``), which
never inverts a strict order; entries whose floats are equal are compared exactly.
"""

from __future__ import annotations

import enum
import heapq
import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from math import isqrt
from typing import Literal

from smolny.rules.ties import Tie, draw_lots


class Method(enum.StrEnum):
    """The apportionment methods, named as on the command line."""

    HAMILTON = "hamilton"
    DHONDT = "dhondt"
    SAINTE_LAGUE = "sainte-lague"
    HUNTINGTON_HILL = "huntington-hill"
    ADAMS = "adams"

    @property
    def is_divisor(self) -> bool:
        """True for the divisor methods (all but Hamilton)."""
        return self is not Method.HAMILTON

    @property
    def implied_minimum(self) -> int:
        """Seats every entry gets whatever its size: 1 where the first divisor is zero."""
        return 1 if self in (Method.HUNTINGTON_HILL, Method.ADAMS) else 0


_ALIASES: dict[str, Method] = {
    "largest-remainder": Method.HAMILTON,
    "largest-remainders": Method.HAMILTON,
    "hare": Method.HAMILTON,
    "hare-niemeyer": Method.HAMILTON,
    "jefferson": Method.DHONDT,
    "d-hondt": Method.DHONDT,
    "webster": Method.SAINTE_LAGUE,
    "saint-lague": Method.SAINTE_LAGUE,
    "hill": Method.HUNTINGTON_HILL,
    "equal-proportions": Method.HUNTINGTON_HILL,
}

METHOD_HELP = (
    "hamilton (= largest-remainder, hare), dhondt (= jefferson), "
    "sainte-lague (= webster), huntington-hill, adams"
)
"""The accepted method names, for messages."""


def parse_method(name: str) -> Method:
    """The method called *name*, accepting the usual aliases and spellings.

    Case, spaces, underscores, apostrophes and the diaeresis do not matter:
    ``"D'Hondt"``, ``"Sainte-Laguë"`` and ``"Huntington_Hill"`` are all understood.
    """
    key = name.strip().lower().replace("ë", "e").replace("'", "").replace("’", "")
    key = key.replace("_", "-").replace(" ", "-")
    try:
        return Method(key)
    except ValueError:
        pass
    if key in _ALIASES:
        return _ALIASES[key]
    raise ValueError(f"unknown method {name!r}; choose one of: {METHOD_HELP}")


@dataclass(frozen=True, slots=True)
class Apportionment:
    """The seats of each entry, in input order, and how they were reached.

    ``house_size`` is the number of seats to fill (for the ratio rule, the number that
    follows from it). ``ties`` lists every tie met at the last seat(s), resolved or not;
    ``excluded`` the indices dropped by the threshold. When a tie is left unresolved the
    tied seats are held back: ``sum(seats) < house_size`` by :attr:`held_back`.
    """

    seats: tuple[int, ...]
    house_size: int
    method: Method | None
    ties: tuple[Tie, ...] = ()
    excluded: tuple[int, ...] = ()

    @property
    def unresolved(self) -> bool:
        """True when a tie was left for a human (or a seeded lot) to settle."""
        return any(not tie.resolved for tie in self.ties)

    @property
    def allocated(self) -> int:
        """Seats actually given."""
        return sum(self.seats)

    @property
    def held_back(self) -> int:
        """Seats not given because of an unresolved tie."""
        return self.house_size - self.allocated


Threshold = Fraction | Decimal | int


def _as_fraction(value: Threshold | float) -> Fraction:
    """A threshold as an exact fraction (a float is read by its shortest decimal form)."""
    if isinstance(value, float):
        return Fraction(repr(value))
    return Fraction(value)


def below_threshold(populations: Sequence[int], threshold: Threshold | None) -> tuple[int, ...]:
    """Step 1: the indices of entries with less than *threshold* percent of the total."""
    if threshold is None:
        return ()
    percent = _as_fraction(threshold)
    if not 0 <= percent <= 100:
        raise ValueError(f"threshold must be between 0 and 100 percent, not {threshold}")
    total = sum(populations)
    # p / total < percent / 100, cross-multiplied.
    return tuple(i for i, p in enumerate(populations) if p * 100 < percent * total)


def _check(populations: Sequence[int], seats: int, min_seats: int) -> list[int]:
    """Validate the plain inputs; return the populations as a list of ints."""
    pops = list(populations)
    for i, p in enumerate(pops):
        if isinstance(p, bool) or not isinstance(p, int):
            raise ValueError(f"population of entry {i} must be a whole number, not {p!r}")
        if p < 0:
            raise ValueError(f"population of entry {i} is negative ({p})")
    if seats < 0:
        raise ValueError(f"the number of seats must not be negative ({seats})")
    if min_seats < 0:
        raise ValueError(f"the minimum of seats must not be negative ({min_seats})")
    return pops


def _check_labels(labels: Sequence[str] | None, n: int) -> None:
    """Labels name the entries in ties: one per entry, all different."""
    if labels is None:
        return
    if len(labels) != n:
        raise ValueError(f"{len(labels)} labels for {n} entries")
    if len(set(labels)) != n:
        raise ValueError("labels must be distinct")


def apportion(
    populations: Sequence[int],
    seats: int,
    method: Method | str,
    *,
    min_seats: int = 0,
    threshold: Threshold | None = None,
    tie_seed: int | None = None,
    labels: Sequence[str] | None = None,
    context: str = "",
) -> Apportionment:
    """Divide *seats* among the entries in proportion to *populations* by *method*.

    *threshold* is a percentage of the total (step 1); *min_seats* a minimum per remaining
    entry (step 2; Adams and Huntington–Hill imply 1). A tie at the last seat(s) is reported;
    with *tie_seed* it is broken by a seeded lot, otherwise the tied seats are held back.
    *labels* name the entries in ties (default: their indices as strings); *context*
    prefixes the ties' ``at`` (and so the lot's context), to tell apart several counts.

    Raises ValueError for negative populations or seats, more entries than the minimum
    leaves room for, or seats to give when every remaining population is zero.
    """
    chosen = method if isinstance(method, Method) else parse_method(method)
    pops = _check(populations, seats, min_seats)
    _check_labels(labels, len(pops))
    excluded = below_threshold(pops, threshold)
    dropped = set(excluded)
    included = [i for i in range(len(pops)) if i not in dropped]
    minimum = max(min_seats, chosen.implied_minimum)
    if len(included) * minimum > seats:
        raise ValueError(
            f"{len(included)} entries with at least {minimum} seat(s) each need "
            f"{len(included) * minimum} seats, more than the {seats} to apportion"
        )
    free = seats - len(included) * minimum
    if free > 0 and not included:
        raise ValueError("no entry reaches the threshold: there is no one to give seats to")
    if free > 0 and sum(pops[i] for i in included) == 0:
        raise ValueError("the total population is zero: there is nothing to apportion by")
    tie_rule = _TieRule(labels, tie_seed, context, seats)
    if free == 0:
        result = [minimum if i not in dropped else 0 for i in range(len(pops))]
    elif chosen is Method.HAMILTON:
        result = _hamilton_with_minimum(pops, included, seats, minimum, tie_rule)
    else:
        result = _divisor(pops, included, seats, minimum, chosen, tie_rule)
    return Apportionment(
        seats=tuple(result),
        house_size=seats,
        method=chosen,
        ties=tuple(tie_rule.ties),
        excluded=excluded,
    )


def add_seats(
    populations: Sequence[int],
    held: Sequence[int],
    extra: int,
    method: Method | str,
    *,
    tie_seed: int | None = None,
    labels: Sequence[str] | None = None,
    context: str = "",
) -> Apportionment:
    """Give *extra* more seats, by a divisor method, to entries already holding *held*.

    Each further seat goes to the highest next priority, exactly as the method would give
    the seats of a larger house: divisor methods are house-monotone, so nobody loses a seat
    held. A council uses this to redistribute seats refused by a fraction without letting a
    fresh lot undo an earlier one. A tie for the last of the extra seats is reported (and
    broken by lot with *tie_seed*), the tied seats held back otherwise.
    """
    chosen = method if isinstance(method, Method) else parse_method(method)
    if not chosen.is_divisor:
        raise ValueError(
            f"adding seats keeps every seat held only under a divisor method, not {chosen}"
        )
    pops = _check(populations, extra, 0)
    _check_labels(labels, len(pops))
    if len(held) != len(pops) or any(k < 0 for k in held):
        raise ValueError("held seats must be given, non-negative, for every entry")
    seats = list(held)
    house = sum(seats) + extra
    included = [i for i in range(len(pops)) if pops[i] > 0 and seats[i] >= chosen.implied_minimum]
    tie_rule = _TieRule(labels, tie_seed, context, house)
    if extra > 0:
        if not included:
            raise ValueError("no entry can take the extra seats")
        _add_seats(pops, included, seats, extra, chosen, tie_rule)
    return Apportionment(
        seats=tuple(seats),
        house_size=house,
        method=chosen,
        ties=tuple(tie_rule.ties),
        excluded=(),
    )


class _TieRule:
    """Settles (or records as unsettled) a tie for the last seats of a house."""

    def __init__(
        self, labels: Sequence[str] | None, seed: int | None, context: str, house: int
    ) -> None:
        self.labels = labels
        self.seed = seed
        self.context = context
        self.house = house
        self.ties: list[Tie] = []

    def name(self, i: int) -> str:
        """Entry *i* as named in a tie (its index as a string when there are no labels)."""
        return str(i) if self.labels is None else self.labels[i]

    def settle(self, contenders: list[int], available: int) -> list[int]:
        """*contenders* tie for the house's last *available* seats; return who gets them.

        Without a seed nobody does (the seats are held back) and the tie is unresolved.
        """
        first = self.house - available + 1
        at = f"seat {first}" if available == 1 else f"seats {first}-{self.house}"
        if self.context:
            at = f"{self.context}: {at}"
        ordered = sorted(contenders)
        labels = tuple(self.name(i) for i in ordered)
        if self.seed is None:
            self.ties.append(Tie(contenders=labels, at=at))
            return []
        drawn = draw_lots(labels, self.seed, at)[:available]
        self.ties.append(
            Tie(contenders=labels, at=at, resolved_by="lot", chosen=drawn, seed=self.seed)
        )
        index = {self.name(i): i for i in ordered}
        return [index[name] for name in drawn]


# --- Hamilton ---------------------------------------------------------------------------


def _hamilton_with_minimum(
    pops: list[int], included: list[int], house: int, minimum: int, ties: _TieRule
) -> list[int]:
    """Hamilton's method with a minimum of seats per entry.

    An entry whose quota is below the minimum receives the minimum and leaves the count; the
    quotas of the others are computed again over the seats that are left, until every
    remaining quota reaches the minimum (then every lower quota does too). Without a
    minimum this is plain Hamilton.
    """
    seats = [0] * len(pops)
    active = list(included)
    left = house
    while minimum > 0:
        total = sum(pops[i] for i in active)
        low = [i for i in active if pops[i] * left < minimum * total]
        if not low:
            break
        for i in low:
            seats[i] = minimum
        left -= minimum * len(low)
        active = [i for i in active if seats[i] == 0]
    for i, s in _hamilton(pops, active, left, ties).items():
        seats[i] = s
    return seats


def _hamilton(pops: list[int], active: list[int], house: int, ties: _TieRule) -> dict[int, int]:
    """§1–§3 of Hamilton's method over the *active* entries and *house* seats."""
    if house == 0 or not active:
        return dict.fromkeys(active, 0)
    total = sum(pops[i] for i in active)
    # §1 quota = p * house / total; §2 its whole part; remainders kept as integers over total.
    seats = {i: pops[i] * house // total for i in active}
    remainder = {i: pops[i] * house % total for i in active}
    left = house - sum(seats.values())
    if left == 0:
        return seats
    # §3 the seats left go to the largest remainders.
    ranked = sorted(active, key=lambda i: remainder[i], reverse=True)
    boundary = remainder[ranked[left - 1]]
    above = [i for i in active if remainder[i] > boundary]
    level = [i for i in active if remainder[i] == boundary]
    for i in above:
        seats[i] += 1
    available = left - len(above)
    winners = level if len(level) == available else ties.settle(level, available)
    for i in winners:
        seats[i] += 1
    return seats


# --- Divisor methods ---------------------------------------------------------------------


def _seats_above(p: int, total: int, house: int, method: Method) -> int:
    """The number of seats whose priority ``p / d(k)`` exceeds ``total / house`` (exactly)."""
    if p == 0:
        return 0
    x = p * house
    if method is Method.DHONDT:  # k + 1 < x / total
        return (x - 1) // total
    if method is Method.SAINTE_LAGUE:  # 2k + 1 < 2x / total
        return ((2 * x - 1) // total + 1) // 2
    if method is Method.ADAMS:  # k < x / total, k = 0 included
        return (x - 1) // total + 1
    # Huntington-Hill: k (k + 1) < (x / total)^2, k = 0 included.
    y = (x * x - 1) // (total * total)
    return (isqrt(4 * y + 1) - 1) // 2 + 1


def _priority(p: int, k: int, method: Method) -> tuple[int, int]:
    """Priority of the seat after *k* held, as numerator and denominator (``k >= 1`` for
    Adams and Huntington–Hill, whose first seat is given by the minimum).

    Huntington–Hill's ``p / sqrt(k (k + 1))`` is returned squared: the order is the same.
    """
    if method is Method.DHONDT:
        return p, k + 1
    if method is Method.SAINTE_LAGUE:
        return 2 * p, 2 * k + 1
    if method is Method.ADAMS:
        return p, k
    return p * p, k * (k + 1)


def _divisor(
    pops: list[int],
    included: list[int],
    house: int,
    minimum: int,
    method: Method,
    ties: _TieRule,
) -> list[int]:
    """The *house* highest priorities over *included*, every entry holding *minimum* first."""
    seats = [0] * len(pops)
    for i in included:
        seats[i] = minimum
    if house == len(included) * minimum:
        return seats
    total = sum(pops[i] for i in included)
    for i in included:
        seats[i] = max(minimum, _seats_above(pops[i], total, house, method))
    given = sum(seats)
    if given < house:
        _add_seats(pops, included, seats, house - given, method, ties)
    elif given > house:
        _remove_seats(pops, included, seats, minimum, given - house, method, ties)
    return seats


def _float_key(num: int, den: int) -> float:
    """``num / den`` correctly rounded (never inverting a strict order), or infinity when too
    large for a float: equal keys are compared exactly anyway, so order is kept."""
    try:
        return num / den
    except OverflowError:
        return math.inf


def _pop_level(heap: list[tuple[float, int]]) -> list[int]:
    """Pop every entry sharing the top float key."""
    key, i = heapq.heappop(heap)
    level = [i]
    while heap and heap[0][0] == key:
        level.append(heapq.heappop(heap)[1])
    return level


def _add_seats(
    pops: list[int],
    included: list[int],
    seats: list[int],
    need: int,
    method: Method,
    ties: _TieRule,
) -> None:
    """Give *need* more seats to the highest next priorities, in exact order."""

    def key(i: int) -> tuple[float, int]:
        num, den = _priority(pops[i], seats[i], method)
        return -_float_key(num, den), i

    heap = [key(i) for i in included]
    heapq.heapify(heap)
    while need > 0:
        level = _pop_level(heap)
        exact = {i: _priority(pops[i], seats[i], method) for i in level}
        top = _extreme(exact, highest=True)
        for i in level:
            if i not in top:
                heapq.heappush(heap, key(i))
        winners = top if len(top) <= need else ties.settle(top, need)
        for i in winners:
            seats[i] += 1
            heapq.heappush(heap, key(i))
        if len(top) > need:
            return
        need -= len(top)


def _remove_seats(
    pops: list[int],
    included: list[int],
    seats: list[int],
    minimum: int,
    excess: int,
    method: Method,
    ties: _TieRule,
) -> None:
    """Take back *excess* seats from the lowest priorities held, in exact order."""

    def key(i: int) -> tuple[float, int]:
        num, den = _priority(pops[i], seats[i] - 1, method)
        return _float_key(num, den), i

    heap = [key(i) for i in included if seats[i] > minimum]
    heapq.heapify(heap)
    while excess > 0:
        level = _pop_level(heap)
        exact = {i: _priority(pops[i], seats[i] - 1, method) for i in level}
        bottom = _extreme(exact, highest=False)
        for i in level:
            if i not in bottom:
                heapq.heappush(heap, key(i))
        if len(bottom) <= excess:
            losers = bottom
        else:
            # The bottom entries hold seats of equal priority, but only some may keep them.
            keep = ties.settle(bottom, len(bottom) - excess)
            losers = [i for i in bottom if i not in keep]
        for i in losers:
            seats[i] -= 1
            if seats[i] > minimum:
                heapq.heappush(heap, key(i))
        if len(bottom) > excess:
            return
        excess -= len(bottom)


def _extreme(exact: dict[int, tuple[int, int]], *, highest: bool) -> list[int]:
    """The entries whose exact priority (numerator, denominator) is the highest (lowest)."""
    best: list[int] = []
    best_num, best_den = 0, 1
    for i, (num, den) in exact.items():
        if not best:
            best, best_num, best_den = [i], num, den
            continue
        diff = num * best_den - best_num * den
        if diff == 0:
            best.append(i)
        elif (diff > 0) == highest:
            best, best_num, best_den = [i], num, den
    return best


# --- The ratio rule ----------------------------------------------------------------------


def ratio_rule(
    populations: Sequence[int],
    per: int,
    minimum: int = 1,
    rounding: Literal["floor", "nearest", "ceil"] = "floor",
) -> Apportionment:
    """One deputy per *per* members, at least *minimum* per constituency.

    *rounding* says what a part of *per* earns: ``"floor"`` nothing (the 1917 rule, "one per
    1,000"), ``"ceil"`` a whole deputy, ``"nearest"`` a deputy from one half of *per* on
    (half rounds up: 1,500 members at one per 1,000 send two). The house size is the sum.
    The 1917 rule for companies ("one per company") is ``minimum=1`` with a *per* larger
    than any company.
    """
    if per < 1:
        raise ValueError(f"the ratio must be at least one member per deputy, not {per}")
    if minimum < 0:
        raise ValueError(f"the minimum of seats must not be negative ({minimum})")
    pops = _check(populations, 0, minimum)
    if rounding == "floor":
        raw = [p // per for p in pops]
    elif rounding == "ceil":
        raw = [-(-p // per) for p in pops]
    elif rounding == "nearest":
        raw = [(2 * p + per) // (2 * per) for p in pops]
    else:
        raise ValueError(f"rounding must be floor, nearest or ceil, not {rounding!r}")
    seats = tuple(max(minimum, s) for s in raw)
    return Apportionment(seats=seats, house_size=sum(seats), method=None)
