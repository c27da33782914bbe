"""Convening with notice and the quorum to open (smolny.rules.procedure.notice)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smolny.rules.majority import Quorum
from smolny.rules.procedure import (
    EmergencyRule,
    NoticeRule,
    Regularity,
    check_quorum,
    decide_convening,
    quorum_to_open,
)

# 3 July 1917 (Julian), the afternoon the workers' section was called: the exact hour is not
# in the source; what matters is that the summons and the sitting were the same moment.
JULY_3 = datetime(1917, 7, 3, 17, 0)


def test_enough_notice_is_regular() -> None:
    decision = decide_convening(NoticeRule.days(2), JULY_3 - timedelta(days=3), JULY_3)
    assert decision.regularity is Regularity.REGULAR
    assert decision.allowed
    assert not decision.irregular
    assert decision.notice_given == timedelta(days=3)


def test_notice_exactly_the_period_is_regular() -> None:
    decision = decide_convening(NoticeRule.days(2), JULY_3 - timedelta(days=2), JULY_3)
    assert decision.regularity is Regularity.REGULAR


def test_one_second_short_is_not_regular() -> None:
    rule = NoticeRule.days(2)
    convened = JULY_3 - timedelta(days=2) + timedelta(seconds=1)
    assert decide_convening(rule, convened, JULY_3).regularity is Regularity.REFUSED


def test_3_july_1917_with_an_emergency_rule_is_irregular() -> None:
    """The workers' section convened at no notice: it sits, marked irregular."""
    rule = NoticeRule.days(1, emergency=EmergencyRule(timedelta(0)))
    decision = decide_convening(rule, JULY_3, JULY_3)
    assert decision.regularity is Regularity.IRREGULAR
    assert decision.allowed
    assert decision.irregular
    assert decision.notice_given == timedelta(0)
    assert "no notice" in decision.reason
    assert "irregular" in decision.reason


def test_3_july_1917_without_an_emergency_rule_is_refused() -> None:
    decision = decide_convening(NoticeRule.days(1), JULY_3, JULY_3)
    assert decision.regularity is Regularity.REFUSED
    assert not decision.allowed
    assert "no emergency rule" in decision.reason


def test_emergency_rule_with_a_minimum_refuses_less() -> None:
    rule = NoticeRule.days(1, emergency=EmergencyRule(timedelta(hours=2)))
    assert decide_convening(rule, JULY_3, JULY_3).regularity is Regularity.REFUSED
    two_hours = decide_convening(rule, JULY_3 - timedelta(hours=2), JULY_3)
    assert two_hours.regularity is Regularity.IRREGULAR


def test_aware_datetimes_across_zones() -> None:
    rule = NoticeRule(timedelta(hours=24))
    convened = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    starts = datetime(2026, 3, 2, 13, 30, tzinfo=UTC)
    assert decide_convening(rule, convened, starts).regularity is Regularity.REGULAR


@pytest.mark.parametrize(
    ("convened", "starts", "message"),
    [
        (JULY_3, JULY_3 - timedelta(minutes=1), "before it was called"),
        (JULY_3.replace(tzinfo=UTC), JULY_3, "time zone"),
    ],
)
def test_bad_times_are_refused(convened: datetime, starts: datetime, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        decide_convening(NoticeRule.days(1), convened, starts)


def test_bad_rules_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        NoticeRule(timedelta(days=-1))
    with pytest.raises(ValueError, match="longer than"):
        NoticeRule.days(1, emergency=EmergencyRule(timedelta(days=2)))
    with pytest.raises(ValueError, match="negative"):
        EmergencyRule(timedelta(seconds=-1))


@settings(max_examples=200, deadline=None)
@given(
    period=st.integers(0, 10_000),
    given_seconds=st.integers(0, 20_000),
    minimum=st.none() | st.integers(0, 10_000),
)
def test_convening_classification(period: int, given_seconds: int, minimum: int | None) -> None:
    """Regular iff notice >= period; otherwise irregular iff an emergency minimum is met."""
    emergency = None
    if minimum is not None:
        emergency = EmergencyRule(timedelta(seconds=min(minimum, period)))
    rule = NoticeRule(timedelta(seconds=period), emergency)
    decision = decide_convening(rule, JULY_3, JULY_3 + timedelta(seconds=given_seconds))
    if given_seconds >= period:
        assert decision.regularity is Regularity.REGULAR
    elif emergency is not None and given_seconds >= emergency.minimum.total_seconds():
        assert decision.regularity is Regularity.IRREGULAR
    else:
        assert decision.regularity is Regularity.REFUSED


# --- quorum to open ----------------------------------------------------------------------------


def test_observers_do_not_make_a_quorum() -> None:
    """21 seated; 10 of them and 5 observers checked in: more than half needs 11."""
    seated = [f"member{i}" for i in range(21)]
    observers = [f"guest{i}" for i in range(5)]
    check = quorum_to_open(Quorum.majority_of_seated(), seated, seated[:10] + observers)
    assert not check.quorate
    assert (check.present, check.required, check.seated) == (10, 11, 21)
    assert "inquorate" in check.reason
    check = quorum_to_open(Quorum.majority_of_seated(), seated, seated[:11] + observers)
    assert check.quorate


def test_more_than_half_and_at_least_half_differ_at_exactly_half() -> None:
    more_than = Quorum(Fraction(1, 2), more_than=True)
    at_least = Quorum(Fraction(1, 2), more_than=False)
    assert not check_quorum(more_than, 20, 10).quorate
    assert check_quorum(at_least, 20, 10).quorate
    assert check_quorum(more_than, 20, 11).quorate
    # with an odd house they agree: half of 21 is 10.5
    assert check_quorum(more_than, 21, 11).quorate == check_quorum(at_least, 21, 11).quorate


def test_a_fixed_number_quorum() -> None:
    assert not check_quorum(Quorum(50), 3000, 49).quorate
    assert check_quorum(Quorum(50), 3000, 50).quorate


def test_checking_in_twice_counts_once() -> None:
    seated = ["a", "b", "c"]
    assert quorum_to_open(Quorum.majority_of_seated(), seated, ["a", "a", "a"]).present == 1


def test_impossible_presence_is_refused() -> None:
    with pytest.raises(ValueError, match="more than the"):
        check_quorum(Quorum.majority_of_seated(), 10, 11)
    with pytest.raises(ValueError, match="negative"):
        check_quorum(Quorum.majority_of_seated(), 10, -1)


@settings(max_examples=200, deadline=None)
@given(
    seated=st.integers(0, 500),
    data=st.data(),
    num=st.integers(1, 12),
    den=st.integers(1, 12),
    more_than=st.booleans(),
)
def test_fractional_quorum_matches_its_words(
    seated: int, data: st.DataObject, num: int, den: int, more_than: bool
) -> None:
    """Quorate exactly when present > f*seated (more than) or present >= f*seated (at least)."""
    share = Fraction(min(num, den), den)
    present = data.draw(st.integers(0, seated))
    check = check_quorum(Quorum(share, more_than=more_than), seated, present)
    expected = present > share * seated if more_than else present >= share * seated
    assert check.quorate == expected
