"""Motions on an agenda item and the order in which they are put to the vote.

Rule texts followed
-------------------
* **Precedence of procedural motions**: Robert's Rules of Order (1915 revision, "Order of
  Precedence of Motions"; RONR 12th ed. keeps the same ranking in its chart of motions): fix the
  time to adjourn, adjourn, recess, question of privilege, orders of the day, lay on the table,
  previous question (close debate), limit debate, postpone to a certain time, commit, amend,
  postpone indefinitely, main motion. The higher-ranking pending motion is disposed of first.
  Smolny keeps five of them, in this default order (:data:`DEFAULT_PRECEDENCE`):

  1. ``adjourn`` (Robert: adjourn; GO-BT § 26 Vertagung der Sitzung);
  2. ``no-confidence`` in the presidium (Robert: a question of privilege affecting the assembly,
     which ranks just below adjourn and recess; it asks who shall preside);
  3. ``table`` (Robert: lay on the table);
  4. ``close-debate`` (Robert: the previous question; GO-BT § 25 Schluss der Aussprache);
     when carried, no amendment or counter-motion may be moved any more (Robert: the previous
     question closes debate and stops amendment);
  5. ``postpone`` (Robert: postpone to a certain time; GO-BT § 25 Vertagung der Beratung).

  An organ may state another order (:attr:`MotionRules.precedence`).
* **Amendments before the motion they amend** (Robert: "amend" ranks above the main motion, and
  an amendment to an amendment above the amendment; the amendment is disposed of first). Smolny
  puts amendments deepest first, then the motion *as amended* as a whole. A carried amendment
  changes the text of the motion it amends ("strike out ... and insert ..."); an amendment whose
  words to strike no longer occur exactly once in that text when its turn comes *falls*
  (Robert: an amendment that conflicts with one already adopted is out of order).
  Depth: Robert allows two degrees (primary and secondary amendment); so does the default here
  (:attr:`MotionRules.max_depth`).
* **Counter-motions** (alternatives to the same question, Robert has none: it treats a rival text
  as a "substitute" amendment; German assemblies treat it as a "Gegenantrag" or
  "Alternativantrag"). Either by **successive votes** in an order the organ's rules state —
  as moved, or the German practice of putting the *weitestgehende Antrag* first (the
  alternative furthest from the status quo; the chair's ruling of how far each goes is
  data, :attr:`Motion.reach`) — the first alternative carried wins and the others fall; or by a
  single **preferential vote** (Schulze method, :mod:`smolny.rules.ranked`) among the
  alternatives as amended, with the status quo on the ballot unless the organ's rules say not.
  Where Robert and the German practice differ: Robert puts amendments to the motion one at a
  time in the order moved; the German practice orders them (and rival texts) by how far they go.
  Both are offered: :class:`PutOrder`.
* **No confidence in the presidium**: when carried, the presidium's seats end and its
  re-formation opens; the result carries :attr:`Event.PRESIDIUM_REFORMATION` for the database
  action to act on (9 September 1917: the vote against the presidium carried 519–414–67, the
  presidium resigned and was re-formed on proportional lines). The item's other votes go on;
  who chairs meanwhile is for the organ's rules and the database action.

The 1917 muddle this module makes impossible: at the Democratic Conference (19 September 1917)
the coalition motion passed 766–688–38, *then* two amendments passed, then the doubly amended
motion was put again and rejected (history/petrograd-1917.md). Here the record of votes is
replayed against the rules: a vote on a motion while an amendment to it is pending is refused
(:class:`ProcedureError`), and :func:`order_of_votes` never offers such a vote.

How to call it
--------------
``motions`` are all motions on the item *in the order moved*; ``results`` the votes taken so far
*in the order taken*. :attr:`Motion.moved_after` says how many of those votes had been taken when
the motion was moved (0: before any vote), so that a motion moved in the middle of voting is
replayed exactly. The answer, a :class:`Docket`, lists the votes to take now in order (the first
is to be taken next; the rest is the announced order, which the next result may change), the
current texts, what was adopted and what fell, and the events.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from smolny.rules.ties import Tie

if TYPE_CHECKING:  # the ballot types pull in numpy; only the preferential count needs them
    from smolny.rules.ballots import BallotSet
    from smolny.rules.count import CountResult

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


_STOPS: dict[Procedural, tuple[ItemState, Event]] = {
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

    @property
    def question(self) -> str:
        if self.kind is CallKind.PREFERENTIAL:
            return "rank the alternatives: " + ", ".join(self.options)
        if self.kind is CallKind.AMENDMENT:
            return f"shall amendment {self.motion} to {self.parent} be adopted?"
        if self.kind is CallKind.WHOLE:
            return f"shall motion {self.motion}, as amended, be adopted?"
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


# --- validation --------------------------------------------------------------------------------


def _validate(motions: Sequence[Motion], rules: MotionRules) -> dict[str, int]:
    """Check the motions' shape; return each motion's depth (main and counters 0)."""
    depth: dict[str, int] = {}
    kinds: dict[str, MotionKind] = {}
    mains = 0
    for m in motions:
        if not m.id or m.id in (STATUS_QUO, PREFERENTIAL_VOTE):
            raise ProcedureError(f"motion id {m.id!r} is empty or reserved")
        if m.id in depth:
            raise ProcedureError(f"motion {m.id} moved twice")
        if m.moved_after < 0:
            raise ProcedureError(f"motion {m.id}: moved_after must not be negative")
        if (m.kind is MotionKind.PROCEDURAL) != (m.procedural is not None):
            raise ProcedureError(f"motion {m.id}: only a procedural motion names a procedure")
        if m.kind is not MotionKind.AMENDMENT and m.strike:
            raise ProcedureError(f"motion {m.id}: only an amendment strikes words")
        if m.kind in (MotionKind.MAIN, MotionKind.PROCEDURAL):
            if m.parent is not None:
                raise ProcedureError(f"{m.kind} motion {m.id} cannot have a parent")
            if m.kind is MotionKind.MAIN:
                mains += 1
                if mains > 1:
                    raise ProcedureError(f"motion {m.id}: an item has one main motion")
            depth[m.id] = 0
        else:
            if m.parent is None or m.parent not in depth:
                raise ProcedureError(
                    f"motion {m.id}: its parent {m.parent!r} must be moved before it"
                )
            parent_kind = kinds[m.parent]
            if m.kind is MotionKind.COUNTER:
                if parent_kind is not MotionKind.MAIN:
                    raise ProcedureError(f"counter-motion {m.id} must rival the main motion")
                depth[m.id] = 0
            else:
                if parent_kind is MotionKind.PROCEDURAL:
                    raise ProcedureError(f"amendment {m.id}: procedural motions are not amended")
                if not m.strike and not m.text:
                    raise ProcedureError(f"amendment {m.id} neither strikes nor inserts words")
                depth[m.id] = depth[m.parent] + 1
                if depth[m.id] > rules.max_depth:
                    raise ProcedureError(
                        f"amendment {m.id} is of degree {depth[m.id]}; the organ's rules allow "
                        f"{rules.max_depth}"
                    )
        kinds[m.id] = m.kind
    return depth


# --- the walk ----------------------------------------------------------------------------------


@dataclass
class _State:
    """The item as the replay leaves it (mutable, private to this module)."""

    texts: dict[str, str]
    settled: dict[str, Settlement] = field(default_factory=dict)
    fallen: dict[str, str] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)
    ties: list[Tie] = field(default_factory=list)
    adopted: str | None = None
    preferred: str | None = None
    decided_at: int | None = None
    debate_closed_at: int | None = None
    stopped: ItemState | None = None


class _FirstCall(Exception):
    """Ends a replay step's walk at the vote due: nothing after it can change the state."""


class _Walk:
    """One pass over the available motions in the order the rules put them.

    While nothing undecided has been met (``blocked`` false) the pass is *live*: motions that
    fall at this point fall for good. After the first undecided vote the pass only announces
    (a replay step, ``first_only``, stops there).
    """

    def __init__(
        self,
        motions: Sequence[Motion],
        rules: MotionRules,
        state: _State,
        *,
        first_only: bool = False,
    ) -> None:
        self.first_only = first_only
        self.rules = rules
        self.state = state
        self.position = {m.id: i for i, m in enumerate(motions)}
        self.children: dict[str, list[Motion]] = {}
        for m in motions:
            if m.kind is MotionKind.AMENDMENT:
                assert m.parent is not None
                self.children.setdefault(m.parent, []).append(m)
        self.motions = motions
        self.calls: list[VoteCall] = []
        self.blocked = False

    def run(self) -> list[VoteCall]:
        try:
            self._procedural()
            self._substantive()
        except _FirstCall:
            pass
        return self.calls

    def _call(self, call: VoteCall) -> None:
        self.calls.append(call)
        self.blocked = True
        if self.first_only:
            raise _FirstCall

    def _fall(self, motion_id: str, reason: str) -> None:
        """Settle *motion_id* and its unsettled amendments as fallen (live pass only)."""
        if motion_id not in self.state.settled:
            self.state.settled[motion_id] = Settlement.FELL
            self.state.fallen[motion_id] = reason
        for child in self.children.get(motion_id, []):
            if child.id not in self.state.settled:
                self._fall(child.id, f"the motion it amends ({motion_id}) fell")

    def _ordered(self, rivals: list[Motion], at: str) -> list[Motion]:
        """Rival texts in the order the organ puts them, recording ties in reach."""
        if self.rules.order is PutOrder.AS_MOVED or len(rivals) < 2:
            return sorted(rivals, key=lambda m: self.position[m.id])
        missing = [m.id for m in rivals if m.reach is None]
        if missing:
            raise ProcedureError(
                f"{at}: the organ puts the furthest-reaching first, but the chair has not "
                f"ruled how far {', '.join(missing)} reach"
            )
        ordered = sorted(rivals, key=lambda m: (-(m.reach or 0), self.position[m.id]))
        for reach in sorted({m.reach for m in ordered if m.reach is not None}, reverse=True):
            equal = tuple(m.id for m in ordered if m.reach == reach)
            if len(equal) > 1:
                tie = Tie(
                    contenders=equal,
                    at=f"{at}: equal reach {reach}",
                    resolved_by="order moved",
                    chosen=equal,
                )
                if tie not in self.state.ties:
                    self.state.ties.append(tie)
        return ordered

    def _procedural(self) -> None:
        rank = {p: i for i, p in enumerate(self.rules.precedence)}
        pending = [
            m
            for m in self.motions
            if m.kind is MotionKind.PROCEDURAL and m.id not in self.state.settled
        ]
        pending.sort(key=lambda m: (rank[m.procedural] if m.procedural else 0, self.position[m.id]))
        for m in pending:
            self._call(VoteCall(CallKind.PROCEDURAL, m.id, m.text))

    def _amendments_of(self, parent: str) -> None:
        """Put the amendments to *parent*, each after its own amendments (deepest first)."""
        siblings = self._ordered(self.children.get(parent, []), f"amendments to {parent}")
        for amendment in siblings:
            if amendment.id in self.state.settled:
                continue
            applied = apply_amendment(
                self.state.texts[parent], amendment.strike, self.state.texts[amendment.id]
            )
            if applied is None and not self.blocked:
                self._fall(
                    amendment.id,
                    f"the words it strikes ({amendment.strike!r}) no longer occur exactly once "
                    f"in {parent} as amended",
                )
                continue
            self._amendments_of(amendment.id)
            self._call(
                VoteCall(
                    CallKind.AMENDMENT,
                    amendment.id,
                    self.state.texts[amendment.id],
                    parent=parent,
                    would_read=apply_amendment(
                        self.state.texts[parent],
                        amendment.strike,
                        self.state.texts[amendment.id],
                    ),
                )
            )

    def _whole(self, motion: Motion) -> None:
        self._call(VoteCall(CallKind.WHOLE, motion.id, self.state.texts[motion.id]))

    def _substantive(self) -> None:
        alternatives = [m for m in self.motions if m.kind in (MotionKind.MAIN, MotionKind.COUNTER)]
        if not alternatives or self.state.decided_at is not None:
            return
        ordered = self._ordered(alternatives, "alternatives")
        preferential = (
            self.rules.alternatives is AlternativeVoting.PREFERENTIAL and len(ordered) > 1
        )
        if preferential:
            for alternative in ordered:
                self._amendments_of(alternative.id)
            options = tuple(m.id for m in ordered)
            if self.rules.status_quo_on_ballot:
                options += (STATUS_QUO,)
            self._call(VoteCall(CallKind.PREFERENTIAL, PREFERENTIAL_VOTE, options=options))
            return
        for alternative in ordered:
            if alternative.id in self.state.settled:
                continue
            self._amendments_of(alternative.id)
            self._whole(alternative)


# --- replay ------------------------------------------------------------------------------------


def _check_late_motions(motions: Sequence[Motion], state: _State, taken: int) -> None:
    """Refuse motions moved after the question they belong to was settled."""
    for m in motions:
        if m.id in state.settled:
            continue
        if m.kind is MotionKind.AMENDMENT:
            assert m.parent is not None
            if m.parent in state.settled:
                raise ProcedureError(
                    f"amendment {m.id} to {m.parent} is out of order: {m.parent} was already "
                    f"{state.settled[m.parent].value} (an amendment is decided before its motion)"
                )
        closed = state.debate_closed_at
        if (
            m.kind in (MotionKind.AMENDMENT, MotionKind.COUNTER)
            and closed is not None
            and m.moved_after >= closed
        ):
            raise ProcedureError(
                f"{m.kind} {m.id} is out of order: debate was closed by vote {closed}, and "
                "closing debate also closes amendment"
            )
        if m.kind is MotionKind.COUNTER and state.decided_at is not None:
            raise ProcedureError(
                f"counter-motion {m.id} is out of order: the question was decided after "
                f"vote {state.decided_at}"
            )
        if m.moved_after > taken:
            raise ProcedureError(
                f"motion {m.id} is said to be moved after vote {m.moved_after}, but only "
                f"{taken} votes have been taken"
            )


def _settle_question(
    state: _State, motions: Sequence[Motion], taken: int, winner: str | None
) -> None:
    """The question is decided: *winner* adopted (or none); every other alternative falls."""
    state.adopted = winner
    state.decided_at = taken
    for m in motions:
        if m.kind in (MotionKind.MAIN, MotionKind.COUNTER, MotionKind.AMENDMENT):
            if m.id in state.settled:
                continue
            reason = (
                f"{winner} was adopted" if winner is not None else "the status quo was preferred"
            )
            state.settled[m.id] = Settlement.FELL
            state.fallen[m.id] = reason


def _apply(
    result: Result, call: VoteCall, motions: Sequence[Motion], state: _State, taken: int
) -> None:
    """Record the vote *call* decided by *result* (the *taken*-th vote, counted from 1)."""
    by_id = {m.id: m for m in motions}
    if call.kind is CallKind.PREFERENTIAL:
        if result.preferred not in call.options:
            raise ProcedureError(
                f"the preferential vote's winner {result.preferred!r} is not on the ballot "
                f"({', '.join(call.options)})"
            )
        state.preferred = result.preferred
        state.ties.extend(t for t in result.ties if t not in state.ties)
        for option in call.options:
            if option != STATUS_QUO:
                state.settled[option] = (
                    Settlement.CARRIED if option == result.preferred else Settlement.LOST
                )
        _settle_question(
            state, motions, taken, None if result.preferred == STATUS_QUO else result.preferred
        )
        return
    assert result.verdict is not None
    carried = result.verdict is Verdict.CARRIED
    motion = by_id[call.motion]
    state.settled[motion.id] = Settlement.CARRIED if carried else Settlement.LOST
    if call.kind is CallKind.PROCEDURAL:
        if not carried:
            return
        assert motion.procedural is not None
        if motion.procedural is Procedural.NO_CONFIDENCE:
            state.events.append(Event.PRESIDIUM_REFORMATION)
        elif motion.procedural is Procedural.CLOSE_DEBATE:
            state.events.append(Event.DEBATE_CLOSED)
            if state.debate_closed_at is None:
                state.debate_closed_at = taken
        else:
            stop, event = _STOPS[motion.procedural]
            state.stopped = stop
            state.events.append(event)
        return
    if call.kind is CallKind.AMENDMENT:
        if carried:
            assert call.parent is not None
            assert call.would_read is not None
            state.texts[call.parent] = call.would_read
        return
    # the motion as a whole (successive alternatives, or a main motion standing alone)
    if carried:
        _settle_question(state, motions, taken, motion.id)
    elif all(
        state.settled.get(m.id) is not None
        for m in motions
        if m.kind in (MotionKind.MAIN, MotionKind.COUNTER)
    ):
        state.decided_at = taken


def order_of_votes(
    motions: Sequence[Motion],
    results: Sequence[Result] = (),
    rules: MotionRules | None = None,
) -> Docket:
    """The votes to take now on an item, after replaying the votes taken so far.

    Procedural motions first, by the organ's precedence; then, for each alternative in the
    organ's order, its amendments deepest first and the alternative as amended as a whole (or
    all amendments and then one preferential vote). Every result must be the vote the rules put
    at that point: a record that puts a motion while an amendment to it is pending, or any other
    vote out of turn, raises :class:`ProcedureError` naming the vote that was due.
    """
    rules = rules or MotionRules()
    _validate(motions, rules)
    state = _State(texts={m.id: m.text for m in motions})
    for taken, result in enumerate(results):
        available = [m for m in motions if m.moved_after <= taken]
        if state.stopped is not None:
            state.stopped = None
            state.events.append(Event.RESUMED)
        calls = _Walk(available, rules, state, first_only=True).run()
        if not calls:
            raise ProcedureError(
                f"vote {taken + 1} on {result.motion}: nothing was pending on the item"
            )
        due = calls[0]
        pending = [
            m.id
            for m in available
            if m.kind is MotionKind.AMENDMENT
            and m.parent == result.motion
            and m.id not in state.settled
        ]
        if result.motion != due.motion and pending:
            raise ProcedureError(
                f"vote {taken + 1} on {result.motion} is out of order: amendment "
                f"{', '.join(pending)} to it is still pending, and an amendment is decided "
                "before the motion it amends"
            )
        if result.motion != due.motion:
            raise ProcedureError(
                f"vote {taken + 1} on {result.motion} is out of order: the vote due was on "
                f"{due.motion} ({due.question})"
            )
        _apply(result, due, available, state, taken + 1)
    _check_late_motions(motions, state, len(results))
    calls = _Walk(motions, rules, state).run()
    votes: tuple[VoteCall, ...] = tuple(calls)
    resumption: tuple[VoteCall, ...] = ()
    if state.stopped is not None:
        item_state = state.stopped
        votes, resumption = (), tuple(calls)
    elif votes:
        item_state = ItemState.VOTING
    elif state.adopted is not None:
        item_state = ItemState.ADOPTED
    elif any(m.kind is MotionKind.MAIN for m in motions):
        item_state = ItemState.REJECTED
    else:
        item_state = ItemState.CONCLUDED
    return Docket(
        state=item_state,
        votes=votes,
        texts=dict(state.texts),
        settled=dict(state.settled),
        adopted=state.adopted,
        fallen=dict(state.fallen),
        events=tuple(state.events),
        ties=tuple(state.ties),
        on_resumption=resumption,
    )


def check_motion(
    new: Motion,
    motions: Sequence[Motion],
    results: Sequence[Result] = (),
    rules: MotionRules | None = None,
) -> None:
    """Raise :class:`ProcedureError` if *new* may not be moved now; return ``None`` if it may.

    The database action calls this before storing a motion: an amendment to a motion already
    decided, an amendment beyond the allowed degree, a counter-motion after the question was
    decided are refused with the reason.
    """
    if new.kind is MotionKind.AMENDMENT and new.parent is not None:
        # A motion may have fallen in the live pass (its words to strike went, a rival was
        # adopted) without a vote: amending it is then as out of order as amending a decided one.
        settled = order_of_votes(motions, results, rules).settled
        if new.parent in settled:
            raise ProcedureError(
                f"amendment {new.id} to {new.parent} is out of order: {new.parent} was "
                f"already {settled[new.parent].value} (an amendment is decided before its motion)"
            )
    moved = Motion(
        new.id,
        new.kind,
        new.text,
        new.parent,
        new.strike,
        new.procedural,
        new.reach,
        moved_after=len(results),
    )
    order_of_votes([*motions, moved], results, rules)


# --- the preferential vote ---------------------------------------------------------------------


def count_preference(
    call: VoteCall,
    ballots: BallotSet,
    count: Callable[[BallotSet], CountResult] | None = None,
    *,
    tie_seed: int | None = None,
) -> Result:
    """Count a preferential vote on the alternatives and return its :class:`Result`.

    *ballots* rank ``call.options``. *count* is the organ's preferential method, returning a
    :class:`CountResult` whose ``elected[0]`` is the winner; by default the Schulze method
    (:func:`smolny.rules.ranked.schulze`, with *tie_seed* for a lot at a tied first place). Any
    tie the count met, and how it was settled, is kept in the result; a count that leaves the
    first place undecided raises.
    """
    if call.kind is not CallKind.PREFERENTIAL:
        raise ProcedureError(f"{call.motion} is not a preferential vote")
    if sorted(ballots.candidates) != sorted(call.options):
        raise ProcedureError(
            f"the ballots rank {', '.join(ballots.candidates)}; the vote is on "
            f"{', '.join(call.options)}"
        )
    if count is None:
        from smolny.rules.ranked import schulze

        counted = schulze(ballots, 1, tie_seed=tie_seed)
    else:
        counted = count(ballots)
    if not counted.elected:
        raise ProcedureError(
            "the preferential count left the first place undecided: "
            + "; ".join(f"{tie.at}: {', '.join(tie.contenders)}" for tie in counted.ties)
        )
    return Result.preference(counted.elected[0], counted.ties)
