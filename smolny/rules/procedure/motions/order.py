"""The order of votes on an item: the walk over its motions and the replay of votes taken.

The rules (precedence of procedural motions, amendments before the motion they amend,
counter-motions by successive votes or one preferential vote, no confidence in the
presidium) are those stated in :mod:`smolny.rules.procedure.motions`. :func:`order_of_votes`
replays the votes taken so far against them, refusing a vote out of turn, and answers with
the votes due; :func:`check_motion` says whether a new motion may be moved now.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from smolny.rules.procedure.motions.types import (
    PREFERENTIAL_VOTE,
    STATUS_QUO,
    STOPS,
    AlternativeVoting,
    CallKind,
    Docket,
    Event,
    ItemState,
    Motion,
    MotionKind,
    MotionRules,
    Procedural,
    ProcedureError,
    PutOrder,
    Result,
    Settlement,
    Verdict,
    VoteCall,
    apply_amendment,
)
from smolny.rules.procedure.motions.validation import validate
from smolny.rules.ties import Tie

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
        text = self.state.texts[motion.id]
        amended = any(
            child.id in self.state.settled and self.state.settled[child.id] is Settlement.CARRIED
            for child in self.children.get(motion.id, [])
        )
        self._call(VoteCall(CallKind.WHOLE, motion.id, text, amended=amended))

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
            stop, event = STOPS[motion.procedural]
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
    validate(motions, rules)
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
