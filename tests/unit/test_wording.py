"""The engine's words read back: every reason the majority rules write, every rule they
describe and every notice they give is parsed by :mod:`smolny.councils.wording`; in English
it reads exactly as the rules wrote it (the parse loses nothing), in Russian it holds no
English word (every part was translated, none passed through)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from fractions import Fraction

from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from smolny.councils import wording
from smolny.rules.majority import Base, MajorityRule, Quorum, Tally, decide
from smolny.rules.procedure.closing import close_vote
from smolny.rules.procedure.notice import EmergencyRule, NoticeRule, decide_convening

LATIN = re.compile(r"[A-Za-z]")

quorums = st.one_of(
    st.none(),
    st.builds(
        Quorum,
        st.sampled_from([Fraction(1, 2), Fraction(1, 3), Fraction(2, 3)]),
        more_than=st.booleans(),
    ),
    st.builds(Quorum, st.integers(0, 40), more_than=st.booleans()),
)


@st.composite
def rules(draw: st.DrawFn) -> MajorityRule:
    kind = draw(st.sampled_from(["simple", "absolute", "qualified"]))
    quorum = draw(quorums)
    casting = draw(st.booleans())
    if kind == "simple":
        return MajorityRule.simple(quorum=quorum, casting_vote=casting)
    base = draw(st.sampled_from(list(Base)))
    if kind == "absolute":
        return MajorityRule.absolute(base, quorum=quorum, casting_vote=casting)
    share = draw(st.sampled_from([Fraction(2, 3), Fraction(3, 5), Fraction(1, 2)]))
    return MajorityRule.qualified(
        share, base, more_than=draw(st.booleans()), quorum=quorum, casting_vote=casting
    )


@st.composite
def tallies(draw: st.DrawFn, rule: MajorityRule) -> Tally:
    for_, against, abstain = (draw(st.integers(0, 30)) for _ in range(3))
    present = for_ + against + abstain + draw(st.integers(0, 5))
    seated = present + draw(st.integers(0, 10))
    casting = None
    if rule.casting_vote and for_ == against and draw(st.booleans()):
        casting = draw(st.sampled_from(["for", "against"]))
    return Tally(for_, against, abstain, present=present, seated=seated, casting=casting)


@given(st.data())
def test_every_decision_reads_back_in_english_and_wholly_in_russian(data: st.DataObject) -> None:
    rule = data.draw(rules())
    tally = data.draw(tallies(rule))
    decision = decide(tally, rule)
    closed = close_vote(
        rule,
        for_=tally.for_,
        against=tally.against,
        abstain=tally.abstain,
        present=tally.present_count,
        seated=tally.seated or 0,
        irregular=data.draw(st.booleans()),
    )
    with translation.override("en"):
        assert wording.reason(decision.reason) == decision.reason
        assert wording.reason(closed.reason) == closed.reason
        assert wording.rule(rule.describe()) == rule.describe()
    with translation.override("ru"):
        for said in (wording.reason(decision.reason), wording.reason(closed.reason)):
            assert not LATIN.search(said), said
        assert not LATIN.search(wording.rule(rule.describe()))


@given(
    st.integers(0, 5 * 86400).map(lambda s: timedelta(seconds=60 * (s // 60))),
    st.integers(1, 4 * 86400).map(lambda s: timedelta(seconds=60 * (s // 60) + 60)),
    st.booleans(),
)
def test_every_regular_or_irregular_convening_reads_back(
    given_notice: timedelta, period: timedelta, emergency: bool
) -> None:
    rule = NoticeRule(period, EmergencyRule(timedelta(0)) if emergency else None)
    start = datetime(1917, 10, 25, 10, tzinfo=UTC)
    convening = decide_convening(rule, start - given_notice, start)
    if convening.reason.startswith("refused"):
        return
    with translation.override("en"):
        assert wording.convening(convening.reason) == convening.reason
    with translation.override("ru"):
        assert not LATIN.search(wording.convening(convening.reason))
