"""Closing votes: quorum at the close, walkouts, the 1917 cases (smolny.rules.procedure.closing)."""

from __future__ import annotations

from datetime import datetime
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smolny.rules.majority import MajorityRule, Outcome, Quorum
from smolny.rules.procedure import (
    EmergencyRule,
    Motion,
    NoticeRule,
    Procedural,
    Verdict,
    close_vote,
    decide_convening,
    order_of_votes,
    present_after_walkout,
    quorate_after_walkout,
    result_of,
)

MAJORITY_OF_MEMBERS = Quorum.majority_of_seated()


def test_10_june_1917_rump_vote_is_inquorate_in_a_committee_of_21() -> None:
    """Five of the Central Committee at 2 a.m., 3–0–2. Assumption: 21 members (the committee
    elected in August 1917); more than half of 21 is 11, so five decide nothing."""
    closed = close_vote(
        MajorityRule.simple(quorum=MAJORITY_OF_MEMBERS),
        for_=3,
        against=0,
        abstain=2,
        present=5,
        seated=21,
    )
    assert closed.decision.outcome is Outcome.INQUORATE
    assert closed.decision.quorum_required == 11
    assert closed.verdict is None
    assert result_of("cancel-demonstration", closed) is None
    # an inquorate vote decides nothing: the same question is still due
    motions = [Motion.main("cancel-demonstration", "cancel the demonstration of 10 June")]
    docket = order_of_votes(motions, [])
    assert docket.next is not None
    assert docket.next.motion == "cancel-demonstration"


def test_10_june_1917_would_be_quorate_in_a_committee_of_9() -> None:
    """The Central Committee elected in April 1917 had 9 members: five are a quorum."""
    closed = close_vote(
        MajorityRule.simple(quorum=MAJORITY_OF_MEMBERS),
        for_=3,
        against=0,
        abstain=2,
        present=5,
        seated=9,
    )
    assert closed.decision.outcome is Outcome.CARRIED
    assert closed.verdict is Verdict.CARRIED
    result = result_of("cancel", closed)
    assert result is not None
    assert result.verdict is Verdict.CARRIED


def test_9_september_1917_no_confidence_carries_and_opens_reformation() -> None:
    motion = Motion.procedure("against-presidium", Procedural.NO_CONFIDENCE)
    closed = close_vote(
        MajorityRule.simple(quorum=MAJORITY_OF_MEMBERS),
        for_=519,
        against=414,
        abstain=67,
        present=1000,
        seated=1000,
    )
    result = result_of(motion.id, closed)
    assert result is not None
    docket = order_of_votes([motion], [result])
    assert docket.presidium_reformation


def test_29_april_1917_tie_rule_and_loss_by_one() -> None:
    closed = close_vote(MajorityRule.simple(), for_=22, against=23, present=45, seated=45)
    assert closed.verdict is Verdict.LOST
    tied = close_vote(MajorityRule.simple(), for_=22, against=22, present=44, seated=45)
    assert tied.decision.outcome is Outcome.TIED_LOST
    assert tied.verdict is Verdict.LOST


def test_organ_quorum_replaces_the_rule_quorum() -> None:
    rule = MajorityRule.simple()
    assert close_vote(rule, for_=3, against=0, present=5, seated=21).verdict is Verdict.CARRIED
    closed = close_vote(
        rule, for_=3, against=0, present=5, seated=21, quorum=Quorum(Fraction(1, 3))
    )
    assert closed.decision.outcome is Outcome.INQUORATE  # at least 7 of 21


def test_irregular_sitting_marks_the_decision() -> None:
    """3 July 1917: the workers' section called at no notice passes its motion, irregularly."""
    moment = datetime(1917, 7, 3, 17, 0)
    convening = decide_convening(NoticeRule.days(1, emergency=EmergencyRule()), moment, moment)
    closed = close_vote(
        MajorityRule.simple(quorum=MAJORITY_OF_MEMBERS),
        for_=200,
        against=50,
        present=260,
        seated=400,
        irregular=convening.irregular,
    )
    assert closed.verdict is Verdict.CARRIED
    assert closed.irregular
    assert "irregular" in closed.reason


def test_walkout_breaks_the_quorum() -> None:
    """400 of 670 seated present (quorum 336); 80 walk out: 320 remain, inquorate."""
    present = [f"d{i}" for i in range(400)]
    leaving = present[:80]
    check = quorate_after_walkout(MAJORITY_OF_MEMBERS, 670, present, leaving)
    assert not check.quorate
    assert (check.present, check.required, check.seated) == (320, 336, 670)
    # 64 leaving keeps 336: still quorate
    assert quorate_after_walkout(MAJORITY_OF_MEMBERS, 670, present, present[:64]).quorate


def test_walkout_changes_who_is_present_and_is_checked() -> None:
    assert present_after_walkout(["a", "b", "c"], ["b"]) == frozenset({"a", "c"})
    with pytest.raises(ValueError, match="not present: x"):
        present_after_walkout(["a", "b"], ["b", "x"])


def test_a_vote_after_a_walkout_is_decided_on_those_left() -> None:
    """The figures are taken at the close: the walkout's members are not among the present."""
    seated = 21
    present = present_after_walkout([f"m{i}" for i in range(12)], ["m0", "m1"])
    closed = close_vote(
        MajorityRule.simple(quorum=MAJORITY_OF_MEMBERS),
        for_=6,
        against=4,
        present=len(present),
        seated=seated,
    )
    assert closed.decision.outcome is Outcome.INQUORATE


def test_impossible_figures_are_refused() -> None:
    with pytest.raises(ValueError, match="present"):
        close_vote(MajorityRule.simple(), for_=5, against=5, present=9, seated=20)
    with pytest.raises(ValueError, match="seated"):
        close_vote(MajorityRule.simple(), for_=5, against=5, present=30, seated=20)


@settings(max_examples=200, deadline=None)
@given(seated=st.integers(1, 300), data=st.data())
def test_a_walkout_never_restores_a_quorum(seated: int, data: st.DataObject) -> None:
    present = data.draw(st.integers(0, seated))
    leaving = data.draw(st.integers(0, present))
    members = list(range(present))
    before = quorate_after_walkout(MAJORITY_OF_MEMBERS, seated, members, [])
    after = quorate_after_walkout(MAJORITY_OF_MEMBERS, seated, members, members[:leaving])
    assert after.present == present - leaving
    assert after.seated == seated
    assert after.quorate <= before.quorate
    assert after.quorate == (2 * (present - leaving) > seated)
