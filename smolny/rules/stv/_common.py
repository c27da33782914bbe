"""Helpers shared by the counting rules: fixed-point figures and ties settled by earlier stages.

Counts that work in fixed point keep every figure as an integer number of units of
``10**-places`` (Scottish STV: five places, so ``1.00000`` is ``100000``); :func:`fixed` turns
such a figure into the :class:`~decimal.Decimal` the count record shows, with exactly
*places* decimals.

Several rule texts settle a tie between candidates by looking back: the Scottish Local
Government Elections Order 2007, schedule 1, rules 49(2) and 51(2), for instance, prefer "the
candidate who had the highest (lowest) number of votes at the end of the most recent preceding
stage at which they had unequal numbers of votes", and draw lots only when they were equal at
all stages. :func:`settle_by_history` implements that look-back; :func:`settle_tie` adds the
lot (through :func:`smolny.rules.ties.break_by_lot`) and the :class:`~smolny.rules.ties.Tie`
record, so that no tie is ever broken silently.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from smolny.rules.ties import Tie, break_by_lot


def fixed(units: int, places: int) -> Decimal:
    """*units* of ``10**-places`` as a Decimal with exactly *places* decimals.

    >>> str(fixed(300000, 5)), str(fixed(-1, 5)), str(fixed(7, 0))
    ('3.00000', '-0.00001', '7')
    """
    if places == 0:
        return Decimal(units)
    sign = "-" if units < 0 else ""
    whole, fraction = divmod(abs(units), 10**places)
    return Decimal(f"{sign}{whole}.{fraction:0{places}d}")


def settle_by_history(
    tied: Sequence[int], history: Sequence[Sequence[int]], *, highest: bool
) -> tuple[list[int], int | None]:
    """Narrow *tied* by the most recent earlier stage at which they had unequal votes.

    *history* holds every candidate's votes at the end of each stage, oldest first (the
    current stage, at which they are tied, may be included: equal figures are passed over).
    Going back stage by stage, the first stage at which the tied candidates' votes differ
    keeps only those with the highest (or lowest) votes there. If that still leaves several,
    the look-back goes on with them alone: a three-way tie in which two were lowest at an
    earlier stage is thus never settled in favour of the third by a stage further back.

    Returns the candidates left (one when settled) and the 0-based index of the last stage
    that narrowed them (None when no stage did).
    """
    remaining = list(tied)
    deciding: int | None = None
    for index in range(len(history) - 1, -1, -1):
        if len(remaining) == 1:
            break
        votes = history[index]
        figures = [votes[c] for c in remaining]
        extreme = max(figures) if highest else min(figures)
        if all(f == extreme for f in figures):
            continue
        remaining = [c for c, f in zip(remaining, figures, strict=True) if f == extreme]
        deciding = index
    return remaining, deciding


@dataclass(frozen=True, slots=True)
class Settlement:
    """The outcome of a tie: who was chosen, the record, and a sentence for the stage note."""

    chosen: int
    tie: Tie
    note: str


def settle_tie(
    tied: Sequence[int],
    history: Sequence[Sequence[int]],
    names: Sequence[str],
    *,
    highest: bool,
    at: str,
    purpose: str,
    seed: int | None,
    rule: str,
    lot_rule: str,
) -> Settlement:
    """Choose one of *tied* by the look-back of :func:`settle_by_history`, else by lot.

    *at* says where the tie arose (``"stage 4: exclusion"``), *purpose* what the choice is
    for (``"to be excluded"``), *rule* the rule text of the look-back and *lot_rule* that of
    the lot. The lot is drawn with :func:`~smolny.rules.ties.break_by_lot` under *seed* (0 when
    no seed was given: the count must still finish, and the record says which seed it used,
    so that anyone can redraw it) with the context *at*; the first name drawn is chosen.
    """
    contenders = tuple(names[c] for c in tied)
    remaining, deciding = settle_by_history(tied, history, highest=highest)
    listed = ", ".join(contenders)
    if len(remaining) == 1:
        chosen = remaining[0]
        stage = (deciding or 0) + 1
        tie = Tie(
            contenders=contenders,
            at=at,
            resolved_by=f"earlier stage {stage}",
            chosen=(names[chosen],),
        )
        word = "highest" if highest else "lowest"
        note = (
            f"{listed} were tied; {names[chosen]} is chosen {purpose} as the {word} "
            f"at stage {stage}, the most recent stage at which they differed ({rule})."
        )
        return Settlement(chosen, tie, note)
    lot = break_by_lot(remaining, names, seed=seed, at=at, contenders=tied)
    chosen = lot.chosen[0]
    seed_words = f"seed {lot.seed}" + ("" if seed is not None else ", the default")
    note = (
        f"{listed} were tied"
        + (
            f" (narrowed to {', '.join(names[c] for c in remaining)} by earlier stages)"
            if len(remaining) < len(tied)
            else " at every stage"
        )
        + f"; {names[chosen]} is chosen {purpose} by lot"
        + f" ({seed_words}, context {at!r}; {lot_rule})."
    )
    return Settlement(chosen, lot.tie, note)


def pick_extreme(
    votes: Sequence[int],
    among: Iterable[int],
    names: Sequence[str],
    history: Sequence[Sequence[int]],
    *,
    highest: bool,
    at: str,
    purpose: str,
    seed: int | None,
    rule: str,
    lot_rule: str,
) -> tuple[int, Settlement | None]:
    """The candidate of *among* with the most (or fewest) *votes*; a tie for that place is
    settled by :func:`settle_tie` and its :class:`Settlement` returned with the choice."""
    candidates = list(among)
    extreme = (max if highest else min)(votes[c] for c in candidates)
    tied = [c for c in candidates if votes[c] == extreme]
    if len(tied) == 1:
        return tied[0], None
    settled = settle_tie(
        tied,
        history,
        names,
        highest=highest,
        at=at,
        purpose=purpose,
        seed=seed,
        rule=rule,
        lot_rule=lot_rule,
    )
    return settled.chosen, settled
