"""Ties and how they are broken: never silently.

Every rule in :mod:`smolny.rules` that meets a tie it cannot settle by its own text reports a
:class:`Tie`. Where a decision is still needed (the last seat must go to someone), the tie is
broken by lot, and the lot is drawn by :func:`draw_lots`: a deterministic, seeded draw that
anyone can repeat by hand from the recorded seed and context, independent of Python's
``random`` module and its version.

The draw orders the contenders by ``SHA-256("{seed}:{context}:{contender}")``; the first in
that order wins the lot. Recording the seed and the context in the result makes the draw
auditable, and changing the seed is the only way to get another outcome.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Tie:
    """A tie met by a rule.

    ``contenders`` are the tied parties (names or indices as strings); ``at`` says where it
    arose (for example ``"seat 435"`` or ``"stage 7: exclusion"``); ``resolved_by`` names the
    rule that settled it (``"lot"``, ``"earlier stage 3"``, ...) or is ``None`` when it is left
    unresolved for a human to decide; ``chosen`` lists, in order, the contenders the
    resolution favoured; ``seed`` is the lot's seed when a lot was drawn.
    """

    contenders: tuple[str, ...]
    at: str
    resolved_by: str | None = None
    chosen: tuple[str, ...] = ()
    seed: int | None = None

    @property
    def resolved(self) -> bool:
        return self.resolved_by is not None

    def as_dict(self) -> dict[str, object]:
        return {
            "contenders": list(self.contenders),
            "at": self.at,
            "resolved_by": self.resolved_by,
            "chosen": list(self.chosen),
            "seed": self.seed,
        }


def lot_key(seed: int, context: str, contender: str) -> str:
    """The hex digest that places *contender* in the draw for *context* under *seed*."""
    return hashlib.sha256(f"{seed}:{context}:{contender}".encode()).hexdigest()


def draw_lots(contenders: Iterable[str], seed: int, context: str) -> tuple[str, ...]:
    """Order *contenders* by a seeded lot; the first element wins.

    >>> draw_lots(["a", "b"], 1, "x") == draw_lots(["b", "a"], 1, "x")
    True
    """
    unique: Sequence[str] = sorted(set(contenders))
    return tuple(sorted(unique, key=lambda c: lot_key(seed, context, c)))


@dataclass(frozen=True, slots=True)
class Lot:
    """A tie settled by lot: the places it gave, in the order drawn, and the record of it."""

    chosen: tuple[int, ...]
    """The winners of the lot (indices into the names), first drawn first."""
    tie: Tie
    seed: int
    """The seed the lot was drawn under (0 when the count was given none)."""


def break_by_lot(
    among: Sequence[int],
    names: Sequence[str],
    *,
    seed: int | None,
    at: str,
    places: int = 1,
    contenders: Sequence[int] | None = None,
) -> Lot:
    """Settle a tie between the candidates *among* (indices into *names*) by lot.

    The one way every count in :mod:`smolny.rules` breaks a tie by lot: the lot is
    :func:`draw_lots` under *seed* (0 when none was given, since the count must still finish;
    the record says which seed was used, so anyone can redraw it) with *at* as its context,
    and the first *places* names drawn win. The :class:`Tie` lists *contenders* (by default
    *among*: a tie first narrowed by another rule lists everyone who was tied) and is marked
    as resolved by lot.
    """
    used = 0 if seed is None else seed
    drawn = draw_lots([names[c] for c in among], used, at)[:places]
    chosen = tuple(next(c for c in among if names[c] == name) for name in drawn)
    tied = among if contenders is None else contenders
    tie = Tie(
        contenders=tuple(names[c] for c in tied),
        at=at,
        resolved_by="lot",
        chosen=tuple(drawn),
        seed=used,
    )
    return Lot(chosen, tie, used)
