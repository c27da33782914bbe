"""The seats of an organ allotted proportionally between the fractions of its council.

The rule follows how the councils of 1917 filled their presidiums and executives
(China Miéville, *October*, 2017): the Second All-Russian Congress of Soviets allotted its
presidium of 25 "proportionally" — 14 Bolsheviks, 7 Left SRs, 3 Mensheviks, 1
Menshevik-Internationalist — and the Mensheviks refused their three seats while the
Menshevik-Internationalist declined for the moment but reserved the right to take his seat
later. The Petrograd executive committee of 27 February had members ex officio (the
presidium and the secretariat) beside those elected. In order:

1. **Ex officio seats** are taken off the top: they are filled by office, not by fraction.
2. **Entitlement.** The remaining seats are divided between the fractions by their strength
   (deputies, or votes) with an apportionment method of :mod:`smolny.rules.apportion`
   (Sainte-Laguë by default; a threshold may drop small fractions).
3. **Reserved seats.** A fraction that declines for now but reserves its right keeps its
   entitlement in reserve: the seats stay empty and are its to take later.
4. **Refused seats** are, by the organ's setting, either held vacant (``"vacant"``), or
   redistributed (``"redistribute"``): under a divisor method they go to the next highest
   priorities of the fractions that take their seats (what a fresh allotment among them would
   give, without re-drawing an earlier lot); under Hamilton's the seats not reserved are
   allotted afresh among those fractions. (With a divisor method no such fraction
   ends with less than its entitlement; with Hamilton's the population paradox can, rarely,
   cost one a seat — ``entitled`` keeps the first figures for comparison.) When no fraction
   (over the threshold) takes its seats, refused seats stay vacant whatever the setting.

Every seat is accounted for: ``ex_officio + sum(taken) + sum(reserved) + vacant`` is the size
of the organ. A tie at the last seat is reported; when it is left unresolved (no seed) the
held-back seats are counted as vacant until it is settled.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from smolny.rules.apportion import Method, Threshold, add_seats, apportion, parse_method
from smolny.rules.ties import Tie


@dataclass(frozen=True, slots=True)
class FractionStanding:
    """A fraction's strength and its answer to the seats it is offered."""

    name: str
    strength: int
    refuses: bool = False
    reserves: bool = False


@dataclass(frozen=True, slots=True)
class SeatAllotment:
    """How an organ's seats were filled; every dict names every fraction."""

    entitled: dict[str, int]
    taken: dict[str, int]
    reserved: dict[str, int]
    vacant: int
    ex_officio: int
    ties: tuple[Tie, ...]

    @property
    def unresolved(self) -> bool:
        """True when a tie left seats held back (counted in ``vacant``)."""
        return any(not tie.resolved for tie in self.ties)

    @property
    def size(self) -> int:
        """The organ's seats, all accounted for."""
        return (
            self.ex_officio + sum(self.taken.values()) + sum(self.reserved.values()) + self.vacant
        )


def allot_seats(
    fractions: Sequence[FractionStanding],
    seats: int,
    method: Method | str = "sainte-lague",
    *,
    ex_officio: int = 0,
    refused: Literal["vacant", "redistribute"] = "vacant",
    threshold: Threshold | None = None,
    tie_seed: int | None = None,
) -> SeatAllotment:
    """Fill an organ of *seats* seats (*ex_officio* of them by office) from *fractions*.

    Raises ValueError for duplicate or empty names, a fraction that both refuses and
    reserves, more ex officio seats than the organ has, or an unknown *refused* setting.
    """
    chosen = method if isinstance(method, Method) else parse_method(method)
    names = [f.name for f in fractions]
    _check(fractions, seats, ex_officio, refused)
    # 1. Ex officio seats come off the top.
    proportional = seats - ex_officio
    # 2. Entitlement.
    first = apportion(
        [f.strength for f in fractions],
        proportional,
        chosen,
        threshold=threshold,
        tie_seed=tie_seed,
        labels=names,
    )
    entitled = dict(zip(names, first.seats, strict=True))
    ties = list(first.ties)
    vacant = first.held_back
    # 3. Reserved seats stay with their fraction.
    reserved = {f.name: entitled[f.name] if f.reserves else 0 for f in fractions}
    # 4. Refused seats: vacant, or redistributed among the fractions that take theirs.
    taking = [f for f in fractions if not (f.refuses or f.reserves)]
    refused_seats = sum(entitled[f.name] for f in fractions if f.refuses)
    taken = {f.name: 0 for f in fractions}
    excluded = {names[i] for i in first.excluded}
    eligible = [f for f in taking if f.name not in excluded]
    if refused == "redistribute" and refused_seats and eligible and chosen.is_divisor:
        # The refused seats go to the next highest priorities: the same as a fresh allotment
        # among those who take their seats, except that an earlier lot cannot be undone.
        again = add_seats(
            [f.strength for f in eligible],
            [entitled[f.name] for f in eligible],
            refused_seats,
            chosen,
            tie_seed=tie_seed,
            labels=[f.name for f in eligible],
            context="redistribution",
        )
        taken.update(zip((f.name for f in eligible), again.seats, strict=True))
        ties.extend(again.ties)
        vacant += again.held_back
    elif refused == "redistribute" and refused_seats and eligible:
        again = apportion(
            [f.strength for f in eligible],
            proportional - sum(reserved.values()),
            chosen,
            tie_seed=tie_seed,
            labels=[f.name for f in eligible],
            context="redistribution",
        )
        taken.update(zip((f.name for f in eligible), again.seats, strict=True))
        ties.extend(again.ties)
        vacant = again.held_back
    else:
        for f in taking:
            taken[f.name] = entitled[f.name]
        vacant += refused_seats
    return SeatAllotment(
        entitled=entitled,
        taken=taken,
        reserved=reserved,
        vacant=vacant,
        ex_officio=ex_officio,
        ties=tuple(ties),
    )


def _check(
    fractions: Sequence[FractionStanding], seats: int, ex_officio: int, refused: str
) -> None:
    if refused not in ("vacant", "redistribute"):
        raise ValueError(f"refused seats are 'vacant' or 'redistribute', not {refused!r}")
    if not 0 <= ex_officio <= seats:
        raise ValueError(f"{ex_officio} ex officio seats in an organ of {seats}")
    seen: set[str] = set()
    for f in fractions:
        if not f.name:
            raise ValueError("a fraction needs a name")
        if f.name in seen:
            raise ValueError(f"fraction {f.name!r} is listed twice")
        seen.add(f.name)
        if f.refuses and f.reserves:
            raise ValueError(f"fraction {f.name!r} cannot both refuse and reserve its seats")
