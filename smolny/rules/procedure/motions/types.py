"""The motions on an item, the votes put on them, their results and the docket.

Plain data for the rules of :mod:`smolny.rules.procedure.motions`: the kinds of motion
(main, amendment, counter-motion, procedural) and the procedural motions Smolny keeps, in
Robert's order of precedence (:data:`DEFAULT_PRECEDENCE`; Robert's Rules of Order, 1915
revision, "Order of Precedence of Motions"); an organ's rules for putting them
(:class:`MotionRules`); a vote to take (:class:`VoteCall`), its :class:`Result`, and the
:class:`Docket` the order of votes answers with. :func:`apply_amendment` is the one way an
amendment's "strike out ... and insert ..." changes a text.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field

from smolny.rules.ties import Tie

STATUS_QUO = "status quo"
"""The option on a preferential ballot for adopting none of the alternatives."""

PREFERENTIAL_VOTE = "preferential vote"
"""The key of the single preferential vote among the alternatives in :class:`Result`."""


class ProcedureError(ValueError):
    """A motion or a record of votes that the rules of procedure do not allow."""


class MotionKind(enum.StrEnum):
    MAIN = "main"
    AMENDMENT = "amendment"
    COUNTER = "counter"
    PROCEDURAL = "procedural"


class Procedural(enum.StrEnum):
    """The procedural motions Smolny knows (see the module docstring for their sources)."""

    ADJOURN = "adjourn"
    NO_CONFIDENCE = "no-confidence"
    TABLE = "table"
    CLOSE_DEBATE = "close-debate"
    POSTPONE = "postpone"


DEFAULT_PRECEDENCE: tuple[Procedural, ...] = (
    Procedural.ADJOURN,
    Procedural.NO_CONFIDENCE,
    Procedural.TABLE,
    Procedural.CLOSE_DEBATE,
    Procedural.POSTPONE,
)
"""Robert's ranking of the five, highest first."""


class Verdict(enum.StrEnum):
    """What a binary vote decided. An inquorate vote decides nothing and is not a result."""

    CARRIED = "carried"
    LOST = "lost"


class Settlement(enum.StrEnum):
    """How a motion left the floor."""

    CARRIED = "carried"
    LOST = "lost"
    FELL = "fell"
    """Never put: its parent fell, another alternative carried, or its words to strike went."""


class AlternativeVoting(enum.StrEnum):
    SUCCESSIVE = "successive"
    PREFERENTIAL = "preferential"


class PutOrder(enum.StrEnum):
    """The order of rival texts (counter-motions, and amendments to the same motion)."""

    AS_MOVED = "as-moved"
    """Robert: in the order moved."""
    FURTHEST_FIRST = "furthest-first"
    """German practice: the one going furthest (highest :attr:`Motion.reach`) first; equal
    reach is put in the order moved, and that tie is recorded."""


class ItemState(enum.StrEnum):
    VOTING = "voting"
    ADOPTED = "adopted"
    REJECTED = "rejected"
    CONCLUDED = "concluded"
    """No main motion: the procedural motions are disposed of and nothing else is pending."""
    ADJOURNED = "adjourned"
    TABLED = "tabled"
    POSTPONED = "postponed"


class Event(enum.StrEnum):
    DEBATE_CLOSED = "debate closed"
    PRESIDIUM_REFORMATION = "presidium's seats end; re-formation opens"
    ADJOURNED = "session adjourned"
    TABLED = "item tabled"
    POSTPONED = "item postponed"
    RESUMED = "item resumed"


STOPS: dict[Procedural, tuple[ItemState, Event]] = {
    Procedural.ADJOURN: (ItemState.ADJOURNED, Event.ADJOURNED),
    Procedural.TABLE: (ItemState.TABLED, Event.TABLED),
    Procedural.POSTPONE: (ItemState.POSTPONED, Event.POSTPONED),
}


@dataclass(frozen=True, slots=True)
class Motion:
    """One motion on an agenda item.

    ``parent``: for an amendment, the motion it amends (main, counter or amendment); for a
    counter-motion, the main motion it rivals; ``None`` otherwise. An amendment strikes
    ``strike`` from its parent's text and inserts ``text`` in its place (``strike`` empty: adds
    ``text`` at the end). ``reach``: how far it departs from the status quo, as the chair
    rules, for :attr:`PutOrder.FURTHEST_FIRST`. ``moved_after``: votes already taken on the item
    when it was moved.
    """

    id: str
    kind: MotionKind
    text: str = ""
    parent: str | None = None
    strike: str = ""
    procedural: Procedural | None = None
    reach: int | None = None
    moved_after: int = 0

    @classmethod
    def main(cls, id: str, text: str, *, reach: int | None = None) -> Motion:
        return cls(id, MotionKind.MAIN, text, reach=reach)

    @classmethod
    def counter(
        cls, id: str, rivals: str, text: str, *, reach: int | None = None, moved_after: int = 0
    ) -> Motion:
        return cls(id, MotionKind.COUNTER, text, rivals, reach=reach, moved_after=moved_after)

    @classmethod
    def amendment(
        cls,
        id: str,
        amends: str,
        *,
        strike: str = "",
        insert: str = "",
        reach: int | None = None,
        moved_after: int = 0,
    ) -> Motion:
        return cls(
            id,
            MotionKind.AMENDMENT,
            insert,
            amends,
            strike=strike,
            reach=reach,
            moved_after=moved_after,
        )

    @classmethod
    def procedure(
        cls, id: str, which: Procedural, text: str = "", *, moved_after: int = 0
    ) -> Motion:
        return cls(id, MotionKind.PROCEDURAL, text, procedural=which, moved_after=moved_after)


@dataclass(frozen=True, slots=True)
class MotionRules:
    """An organ's rules for ordering votes (defaults: Robert, two degrees of amendment)."""

    max_depth: int = 2
    precedence: tuple[Procedural, ...] = DEFAULT_PRECEDENCE
    alternatives: AlternativeVoting = AlternativeVoting.SUCCESSIVE
    order: PutOrder = PutOrder.AS_MOVED
    status_quo_on_ballot: bool = True

    def __post_init__(self) -> None:
        if self.max_depth < 0:
            raise ValueError(f"max_depth must not be negative, got {self.max_depth}")
        if sorted(self.precedence) != sorted(Procedural):
            raise ValueError("precedence must list every procedural motion exactly once")


class CallKind(enum.StrEnum):
    PROCEDURAL = "procedural"
    AMENDMENT = "amendment"
    WHOLE = "motion as a whole"
    PREFERENTIAL = "preferential"


@dataclass(frozen=True, slots=True)
class VoteCall:
    """A vote the chair is to put.

    For a binary vote, ``motion`` is put with ``text`` (as amended so far); for an amendment,
    ``would_read`` is its parent's text if it carries. For the preferential vote, ``motion`` is
    :data:`PREFERENTIAL_VOTE` and ``options`` are the alternatives (and :data:`STATUS_QUO`).
    """

    kind: CallKind
    motion: str
    text: str = ""
    parent: str | None = None
    would_read: str | None = None
    options: tuple[str, ...] = ()
    amended: bool = False
    """For the vote on a motion as a whole: whether a carried amendment changed its text
    (the question says "as amended" only then)."""

    @property
    def question(self) -> str:
        if self.kind is CallKind.PREFERENTIAL:
            return "rank the alternatives: " + ", ".join(self.options)
        if self.kind is CallKind.AMENDMENT:
            return f"shall amendment {self.motion} to {self.parent} be adopted?"
        if self.kind is CallKind.WHOLE:
            if self.amended:
                return f"shall motion {self.motion}, as amended, be adopted?"
            return f"shall motion {self.motion} be adopted?"
        return f"shall the procedural motion {self.motion} be adopted?"


@dataclass(frozen=True, slots=True)
class Result:
    """One vote taken: a binary verdict on a motion, or the winner of the preferential vote."""

    motion: str
    verdict: Verdict | None = None
    preferred: str | None = None
    ties: tuple[Tie, ...] = ()

    def __post_init__(self) -> None:
        if self.motion == PREFERENTIAL_VOTE:
            if self.preferred is None or self.verdict is not None:
                raise ValueError("the preferential vote's result names the preferred option")
        elif self.verdict is None or self.preferred is not None:
            raise ValueError(f"the result on {self.motion} must be carried or lost")

    @classmethod
    def carried(cls, motion: str) -> Result:
        return cls(motion, Verdict.CARRIED)

    @classmethod
    def lost(cls, motion: str) -> Result:
        return cls(motion, Verdict.LOST)

    @classmethod
    def preference(cls, winner: str, ties: Iterable[Tie] = ()) -> Result:
        return cls(PREFERENTIAL_VOTE, preferred=winner, ties=tuple(ties))


@dataclass(frozen=True, slots=True)
class Docket:
    """Where an item stands: the votes to take now, texts, outcomes, events."""

    state: ItemState
    votes: tuple[VoteCall, ...]
    texts: dict[str, str]
    settled: dict[str, Settlement]
    adopted: str | None = None
    fallen: dict[str, str] = field(default_factory=dict)
    events: tuple[Event, ...] = ()
    ties: tuple[Tie, ...] = ()
    on_resumption: tuple[VoteCall, ...] = ()

    @property
    def next(self) -> VoteCall | None:
        """The vote to take now, if any."""
        return self.votes[0] if self.votes else None

    @property
    def adopted_text(self) -> str | None:
        return None if self.adopted is None else self.texts[self.adopted]

    @property
    def presidium_reformation(self) -> bool:
        """A no-confidence motion in the presidium carried: its seats end, re-formation opens."""
        return Event.PRESIDIUM_REFORMATION in self.events


def apply_amendment(text: str, strike: str, insert: str) -> str | None:
    """*text* with *strike* replaced by *insert*; ``None`` when *strike* does not occur once.

    An empty *strike* adds *insert* at the end, separated by one space.
    """
    if not strike:
        return f"{text} {insert}" if text and insert else text + insert
    if text.count(strike) != 1:
        return None
    return text.replace(strike, insert, 1)
