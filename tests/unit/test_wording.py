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
from smolny.rules.card import CardBallot, decide_card
from smolny.rules.majority import Base, MajorityRule, Outcome, Quorum, Tally, decide
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


@given(st.integers(0, 6), st.integers(0, 3), quorums.filter(lambda q: q is not None))
def test_an_inquorate_card_vote_reads_back_wholly_in_russian(
    answering: int, by_proxy: int, quorum: Quorum | None
) -> None:
    """The card vote counts its quorum by head and says so in a reason of its own."""
    ballots = [
        CardBallot(n, Fraction(1000 + n), ("for", "against", "abstain")[n % 3], "holder")
        if n < by_proxy
        else CardBallot(n, Fraction(1000 + n), ("for", "against", "abstain")[n % 3])
        for n in range(answering)
    ]
    decision = decide_card(
        ballots,
        MajorityRule.simple(quorum=quorum),
        present=answering,
        seated=60,
        present_weight=Fraction(sum(1000 + n for n in range(answering))),
        seated_weight=Fraction(90000),
    )
    if decision.outcome is not Outcome.INQUORATE:
        return
    with translation.override("en"):
        assert wording.reason(decision.reason) == decision.reason
    with translation.override("ru"):
        said = wording.reason(decision.reason)
        assert not LATIN.search(said), said
        assert said.startswith("нет кворума")


def test_a_preferential_votes_lot_says_its_place_in_russian() -> None:
    ties = [
        {"resolved_by": "lot", "at": at, "contenders": ["A", "B"], "chosen": ["B"], "seed": 7}
        for at in (
            "place 2",
            "round 3: elimination",
            "stage 4: exclusion",
            "stage 5: order of surpluses",
            "stage 6: choice of the candidate to defeat",
        )
    ]
    with translation.override("en"):
        assert [s.split(" decided")[0] for s in wording.lot_sentences(ties)] == [
            "Place 2",
            "Round 3: elimination",
            "Stage 4: exclusion",
            "Stage 5: order of surpluses",
            "Stage 6: choice of the candidate to defeat",
        ]
    with translation.override("ru"):
        said = wording.lot_sentences(ties)
    for sentence in said:
        assert not LATIN.search(sentence.replace("A", "").replace("B", "")), sentence
    assert said[1].startswith("Тур 3: выбывание"), said
    assert said[3].startswith("Этап 5: порядок передачи излишков"), said
