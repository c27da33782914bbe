"""Properties of the order of votes over random motion trees and random outcomes.

The September 1917 muddle (amendments voted after the motion they amend) must be impossible:
in every sequence of votes the rules produce, whatever the outcomes, every amendment is
decided before its parent, and nothing is put while an amendment to it is pending.
"""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from smolny.rules.procedure import (
    PREFERENTIAL_VOTE,
    STATUS_QUO,
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
    check_motion,
    order_of_votes,
)

WORDS = [f"w{i}" for i in range(6)]
STOPPED = {ItemState.ADJOURNED, ItemState.TABLED, ItemState.POSTPONED}


@st.composite
def items(draw: st.DrawFn) -> tuple[list[Motion], MotionRules]:
    """A main motion, counter-motions, amendments to any depth allowed, procedural motions."""
    max_depth = draw(st.integers(1, 3))
    rules = MotionRules(
        max_depth=max_depth,
        alternatives=draw(st.sampled_from(AlternativeVoting)),
        order=draw(st.sampled_from(PutOrder)),
        status_quo_on_ballot=draw(st.booleans()),
    )
    reach = st.integers(0, 3)
    motions = [Motion.main("M", " ".join(WORDS), reach=draw(reach))]
    depth = {"M": 0}
    texts = {"M": motions[0].text}
    for i in range(draw(st.integers(0, 3))):
        words = draw(st.permutations(WORDS))[: draw(st.integers(1, 6))]
        motions.append(Motion.counter(f"C{i}", "M", " ".join(words), reach=draw(reach)))
        depth[f"C{i}"] = 0
        texts[f"C{i}"] = motions[-1].text
    for i in range(draw(st.integers(0, 7))):
        parent = draw(st.sampled_from([m for m, d in depth.items() if d < max_depth]))
        strike = draw(st.sampled_from(["", *texts[parent].split()]))
        insert = f"i{i}" if draw(st.booleans()) else f"i{i} {draw(st.sampled_from(WORDS))}"
        motions.append(
            Motion.amendment(f"A{i}", parent, strike=strike, insert=insert, reach=draw(reach))
        )
        depth[f"A{i}"] = depth[parent] + 1
        texts[f"A{i}"] = insert
    for i in range(draw(st.integers(0, 3))):
        position = draw(st.integers(0, len(motions)))
        motions.insert(position, Motion.procedure(f"P{i}", draw(st.sampled_from(Procedural))))
    return motions, rules


def put_on(call: VoteCall) -> set[str]:
    """The motions a call decides (whose amendments must all be settled first)."""
    if call.kind is CallKind.PREFERENTIAL:
        return set(call.options) - {STATUS_QUO}
    if call.kind is CallKind.PROCEDURAL:
        return set()
    return {call.motion}


def check_announced(docket: Docket, motions: list[Motion]) -> None:
    """In the announced order too, an amendment comes before the motion it amends."""
    position = {call.motion: i for i, call in enumerate(docket.votes)}
    preferential = position.get(PREFERENTIAL_VOTE)
    options = set(docket.votes[preferential].options) if preferential is not None else set()
    for m in motions:
        if m.kind is not MotionKind.AMENDMENT or m.id not in position:
            continue
        assert m.parent is not None
        if m.parent in position:
            assert position[m.id] < position[m.parent]
        if m.parent in options:
            assert preferential is not None
            assert position[m.id] < preferential


def depth_of(motions: list[Motion], motion_id: str) -> int:
    by_id = {m.id: m for m in motions}
    m = by_id[motion_id]
    if m.kind is not MotionKind.AMENDMENT:
        return 0
    assert m.parent is not None
    return 1 + depth_of(motions, m.parent)


def run(
    motions: list[Motion], rules: MotionRules, data: st.DataObject, *, late: bool
) -> tuple[list[Motion], list[Result]]:
    """Take the votes the rules offer, with random outcomes, until the item is settled."""
    results: list[Result] = []
    moved_late = 0
    for step in range(80):
        docket = order_of_votes(motions, results, rules)
        check_announced(docket, motions)
        if late and moved_late < 3 and data.draw(st.integers(0, 4)) == 0:
            moved_late += 1
            motions = move_late(motions, results, rules, docket, data, step)
            docket = order_of_votes(motions, results, rules)
        calls = docket.votes
        if docket.state in STOPPED:
            assert calls == ()
            if not data.draw(st.booleans()):
                break
            calls = docket.on_resumption
        if not calls:
            assert docket.state in (
                ItemState.ADOPTED,
                ItemState.REJECTED,
                ItemState.CONCLUDED,
                *STOPPED,
            )
            break
        call = calls[0]
        for m in motions:
            if m.kind is MotionKind.AMENDMENT and m.parent in put_on(call):
                assert m.id in docket.settled, f"{call.motion} put while {m.id} pending"
        if call.kind is CallKind.PREFERENTIAL:
            results.append(Result.preference(data.draw(st.sampled_from(call.options))))
        else:
            results.append(Result(call.motion, data.draw(st.sampled_from(Verdict))))
    else:
        raise AssertionError("the item never came to an end")
    return motions, results


def move_late(
    motions: list[Motion],
    results: list[Result],
    rules: MotionRules,
    docket: Docket,
    data: st.DataObject,
    step: int,
) -> list[Motion]:
    """Move a procedural motion or an amendment in the middle of voting, if the rules allow."""
    if data.draw(st.booleans()):
        which = data.draw(st.sampled_from(Procedural))
        return [*motions, Motion.procedure(f"LP{step}", which, moved_after=len(results))]
    parents = [m.id for m in motions if m.kind is not MotionKind.PROCEDURAL]
    parent = data.draw(st.sampled_from(parents))
    new = Motion.amendment(f"L{step}", parent, insert=f"l{step}", reach=0)
    try:
        check_motion(new, motions, results, rules)
    except ProcedureError:
        # refused only for a reason the rules give
        assert (
            parent in docket.settled
            or depth_of(motions, parent) + 1 > rules.max_depth
            or docket.state in (ItemState.ADOPTED, ItemState.REJECTED)
            or Event.DEBATE_CLOSED in docket.events
        )
        return motions
    assert parent not in docket.settled
    return [*motions, replace(new, moved_after=len(results))]


@settings(max_examples=300, deadline=None)
@given(item=items(), data=st.data())
def test_every_amendment_is_decided_before_its_parent(
    item: tuple[list[Motion], MotionRules], data: st.DataObject
) -> None:
    motions, rules = item
    motions, results = run(motions, rules, data, late=True)
    index: dict[str, int] = {}
    for i, result in enumerate(results):
        assert result.motion not in index, f"{result.motion} voted twice"
        index[result.motion] = i
    final = order_of_votes(motions, results, rules)
    for m in motions:
        if m.kind is not MotionKind.AMENDMENT or m.id not in index:
            continue
        assert m.parent is not None
        if m.parent in index:
            assert index[m.id] < index[m.parent]
        if PREFERENTIAL_VOTE in index and final.settled.get(m.parent) is not None:
            assert index[m.id] < index[PREFERENTIAL_VOTE]
    # an amendment never stays pending under a decided motion
    for m in motions:
        if m.kind is MotionKind.AMENDMENT and m.parent in final.settled:
            assert m.id in final.settled
    # at most one alternative is adopted, and it is one that was carried
    carried = [
        m.id
        for m in motions
        if m.kind in (MotionKind.MAIN, MotionKind.COUNTER)
        and final.settled.get(m.id) is Settlement.CARRIED
    ]
    assert len(carried) <= 1
    assert final.adopted == (carried[0] if carried else None)


@settings(max_examples=200, deadline=None)
@given(item=items(), data=st.data())
def test_the_order_is_unique_any_swap_is_refused(
    item: tuple[list[Motion], MotionRules], data: st.DataObject
) -> None:
    """The rules fix the order: a record with two votes swapped is always refused."""
    motions, rules = item
    motions, results = run(motions, rules, data, late=False)
    if len(results) < 2:
        return
    i = data.draw(st.integers(0, len(results) - 2))
    j = data.draw(st.integers(i + 1, len(results) - 1))
    swapped = list(results)
    swapped[i], swapped[j] = swapped[j], swapped[i]
    try:
        order_of_votes(motions, swapped, rules)
    except ProcedureError:
        return
    raise AssertionError(f"swapping votes {i} and {j} was accepted")


@settings(max_examples=200, deadline=None)
@given(item=items(), data=st.data())
def test_texts_are_the_carried_amendments_applied_in_the_order_voted(
    item: tuple[list[Motion], MotionRules], data: st.DataObject
) -> None:
    """Replaying the record by hand (strike once, insert) gives the docket's texts."""
    motions, rules = item
    motions, results = run(motions, rules, data, late=False)
    final = order_of_votes(motions, results, rules)
    by_id = {m.id: m for m in motions}
    texts = {m.id: m.text for m in motions}
    for result in results:
        m = by_id.get(result.motion)
        if m is None or m.kind is not MotionKind.AMENDMENT or result.verdict is not Verdict.CARRIED:
            continue
        assert m.parent is not None
        parent_text = texts[m.parent]
        if m.strike:
            assert parent_text.count(m.strike) == 1
            texts[m.parent] = parent_text.replace(m.strike, texts[m.id])
        else:
            texts[m.parent] = f"{parent_text} {texts[m.id]}".strip()
    assert final.texts == texts
