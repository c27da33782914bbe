"""Card votes and proxies (smolny.rules.card): worked cases and properties.

The properties say what a wrong count or a wrong proxy book would get wrong: the weight of an
answer is the sum of the cards that gave it; the order of the ballots changes nothing; a card
vote with every card 1 is the vote by head of smolny.rules.majority; scaling every card by the
same factor changes no outcome; no holder ever holds more proxies than the limit, whatever
sequence of gifts, revocations and check-ins.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smolny.rules.card import (
    CHOICES,
    CardBallot,
    CardError,
    Ended,
    ProxyBook,
    ProxyRefused,
    ProxyRules,
    card_weights,
    decide_card,
    show,
    totals,
)
from smolny.rules.majority import Base, MajorityRule, Outcome, Quorum, Tally, decide

# --- worked cases --------------------------------------------------------------------------


def test_a_constituency_card_is_divided_exactly_among_its_deputies() -> None:
    cards = card_weights(
        {"putilov": 1000, "baltic": 400},
        {"a": "putilov", "b": "putilov", "c": "putilov", "d": "baltic"},
    )
    assert cards == {
        "a": Fraction(1000, 3),
        "b": Fraction(1000, 3),
        "c": Fraction(1000, 3),
        "d": 400,
    }
    assert sum(cards.values()) == 1400
    assert show(cards["a"]) == "333.33"
    assert show(Fraction(1400)) == "1,400"


def test_the_rules_weight_replaces_the_membership() -> None:
    cards = card_weights(
        {"putilov": 1000, "baltic": 400}, {"a": "putilov", "d": "baltic"}, {"baltic": 50}
    )
    assert cards == {"a": 1000, "d": 50}
    with pytest.raises(CardError):
        card_weights({}, {"a": "nowhere"})


def test_the_cards_beat_the_heads() -> None:
    """Two small branches outvote one large branch by head, not by weight."""
    ballots = [
        CardBallot("big", Fraction(1000), "for"),
        CardBallot("small1", Fraction(100), "against"),
        CardBallot("small2", Fraction(100), "against"),
    ]
    decided = decide_card(
        ballots,
        MajorityRule.simple(),
        present=3,
        seated=3,
        present_weight=Fraction(1200),
        seated_weight=Fraction(1200),
    )
    assert decided.outcome is Outcome.CARRIED
    assert decided.totals.heads == {"for": 1, "against": 2, "abstain": 0}
    assert "by weight 1,000 for, 200 against" in decided.reason
    assert "by head 1 for, 2 against" in decided.reason


def test_a_tie_by_weight_loses_even_with_a_casting_vote_rule() -> None:
    ballots = [
        CardBallot("a", Fraction(500), "for"),
        CardBallot("b", Fraction(250), "against"),
        CardBallot("c", Fraction(250), "against"),
    ]
    decided = decide_card(
        ballots,
        MajorityRule.simple(casting_vote=True),
        present=3,
        seated=3,
        present_weight=Fraction(1000),
        seated_weight=Fraction(1000),
    )
    assert decided.outcome is Outcome.TIED_LOST


def test_the_quorum_is_by_head() -> None:
    """One deputy carrying almost every card is still one person: no quorum of 3 of 5."""
    ballots = [CardBallot("big", Fraction(10_000), "for")]
    decided = decide_card(
        ballots,
        MajorityRule.simple(quorum=Quorum.majority_of_seated()),
        present=1,
        seated=5,
        present_weight=Fraction(10_000),
        seated_weight=Fraction(10_040),
    )
    assert decided.outcome is Outcome.INQUORATE


def test_a_qualified_majority_of_the_weight_present() -> None:
    rule = MajorityRule.qualified(Fraction(2, 3), Base.PRESENT)
    ballots = [CardBallot("a", Fraction(600), "for"), CardBallot("b", Fraction(100), "abstain")]
    # 2/3 of 900 present = 600, reached.
    w = Fraction(900)
    carried = decide_card(ballots, rule, present=3, seated=3, present_weight=w, seated_weight=w)
    assert carried.outcome is Outcome.CARRIED
    rule = MajorityRule.qualified(Fraction(2, 3), Base.PRESENT, more_than=True)
    lost = decide_card(ballots, rule, present=3, seated=3, present_weight=w, seated_weight=w)
    assert lost.outcome is Outcome.LOST


def test_a_voter_answers_once() -> None:
    with pytest.raises(CardError):
        totals([CardBallot("a", Fraction(1), "for"), CardBallot("a", Fraction(1), "against")])


def test_proxies_follow_the_rules() -> None:
    closed: ProxyBook[str] = ProxyBook(ProxyRules())
    with pytest.raises(ProxyRefused, match="allow no proxies"):
        closed.give("a", "b", holder_seated=True, giver_present=False)
    book: ProxyBook[str] = ProxyBook(ProxyRules(allowed=True, limit=1))
    with pytest.raises(ProxyRefused, match="no substitutes"):
        book.give("a", "sub", holder_seated=False, giver_present=False)
    with pytest.raises(ProxyRefused, match="in the hall"):
        book.give("a", "b", holder_seated=True, giver_present=True)
    book = book.give("a", "b", holder_seated=True, giver_present=False)
    assert book.may_cast("b", "a")
    assert book.may_cast("a", "a")
    assert not book.may_cast("c", "a")
    with pytest.raises(ProxyRefused, match="limit is 1"):
        book.give("c", "b", holder_seated=True, giver_present=False)
    with pytest.raises(ProxyRefused, match="pass"):
        book.give("b", "c", holder_seated=True, giver_present=False)
    with pytest.raises(ProxyRefused, match="pass"):
        book.give("c", "a", holder_seated=True, giver_present=False)
    book = book.end("a", Ended.CHECKED_IN)
    assert not book.may_cast("b", "a")
    with pytest.raises(ProxyRefused):
        book.end("a", Ended.REVOKED)
    subs: ProxyBook[str] = ProxyBook(ProxyRules(allowed=True, limit=2, substitutes=True))
    subs = subs.give("a", "sub", holder_seated=False, giver_present=False)
    assert subs.proxies["a"].substitute


# --- properties ----------------------------------------------------------------------------

weights = st.fractions(min_value=0, max_value=100_000, max_denominator=12)
ballots_strategy = st.lists(
    st.tuples(weights, st.sampled_from(CHOICES), st.booleans()), max_size=25
).map(
    lambda rows: [CardBallot(i, w, c, "holder" if p else None) for i, (w, c, p) in enumerate(rows)]
)
rules = st.sampled_from(
    [
        MajorityRule.simple(),
        MajorityRule.absolute(Base.CAST),
        MajorityRule.absolute(Base.PRESENT),
        MajorityRule.absolute(Base.SEATED),
        MajorityRule.qualified(Fraction(2, 3), Base.CAST),
        MajorityRule.qualified(Fraction(2, 3), Base.PRESENT, more_than=True),
        MajorityRule.qualified(
            Fraction(3, 5), Base.SEATED, quorum=Quorum(Fraction(1, 2), more_than=True)
        ),
    ]
)


@given(ballots_strategy)
def test_the_weight_of_each_answer_is_the_sum_of_its_cards(ballots: list[CardBallot[int]]) -> None:
    figures = totals(ballots)
    for choice in CHOICES:
        assert figures.weight[choice] == sum(
            (b.weight for b in ballots if b.choice == choice), Fraction(0)
        )
        assert figures.heads[choice] == sum(1 for b in ballots if b.choice == choice)
    assert figures.weight_answering == sum((b.weight for b in ballots), Fraction(0))
    assert figures.by_proxy == sum(1 for b in ballots if b.proxy is not None)


@given(ballots_strategy, rules, st.integers(0, 5), weights, st.randoms(use_true_random=False))
def test_the_outcome_does_not_depend_on_the_order(
    ballots: list[CardBallot[int]],
    rule: MajorityRule,
    absent: int,
    absent_weight: Fraction,
    rng: object,
) -> None:
    present_weight = sum((b.weight for b in ballots), Fraction(0))
    kwargs = {
        "present": len(ballots),
        "seated": len(ballots) + absent,
        "present_weight": present_weight,
        "seated_weight": present_weight + absent_weight,
    }
    first = decide_card(ballots, rule, **kwargs)  # type: ignore[arg-type]
    shuffled = list(ballots)
    rng.shuffle(shuffled)  # type: ignore[attr-defined]
    again = decide_card(shuffled, rule, **kwargs)  # type: ignore[arg-type]
    assert (again.outcome, again.reason, again.totals) == (
        first.outcome,
        first.reason,
        first.totals,
    )


@given(st.lists(st.sampled_from(CHOICES), max_size=40), rules, st.integers(0, 10))
def test_with_every_card_1_a_card_vote_is_the_vote_by_head(
    choices: list[str], rule: MajorityRule, absent: int
) -> None:
    ballots = [CardBallot(i, Fraction(1), c) for i, c in enumerate(choices)]  # type: ignore[arg-type]
    present, seated = len(ballots), len(ballots) + absent
    card = decide_card(
        ballots,
        rule,
        present=present,
        seated=seated,
        present_weight=Fraction(present),
        seated_weight=Fraction(seated),
    )
    by_head = decide(
        Tally(
            choices.count("for"),
            choices.count("against"),
            choices.count("abstain"),
            present=present,
            seated=seated,
        ),
        rule,
    )
    assert card.outcome is by_head.outcome


@given(
    ballots_strategy, rules, st.fractions(min_value=Fraction(1, 7), max_value=50, max_denominator=9)
)
def test_scaling_every_card_alike_changes_no_outcome(
    ballots: list[CardBallot[int]], rule: MajorityRule, factor: Fraction
) -> None:
    weight = sum((b.weight for b in ballots), Fraction(0))
    n = len(ballots)
    first = decide_card(
        ballots, rule, present=n, seated=n + 1, present_weight=weight, seated_weight=weight + 10
    )
    scaled = [CardBallot(b.voter, b.weight * factor, b.choice, b.proxy) for b in ballots]
    second = decide_card(
        scaled,
        rule,
        present=n,
        seated=n + 1,
        present_weight=weight * factor,
        seated_weight=(weight + 10) * factor,
    )
    assert second.outcome is first.outcome


operations = st.lists(
    st.tuples(
        st.sampled_from(["give", "revoke", "check in"]),
        st.integers(0, 7),
        st.integers(0, 9),
        st.booleans(),
    ),
    max_size=60,
)


@given(operations, st.integers(1, 3), st.booleans())
def test_no_holder_ever_holds_more_than_the_limit(
    steps: list[tuple[str, int, int, bool]], limit: int, substitutes: bool
) -> None:
    """Deputies 0..7, substitutes 8..9; any sequence of gifts and ends, refused or not."""
    book: ProxyBook[int] = ProxyBook(ProxyRules(allowed=True, limit=limit, substitutes=substitutes))
    present: set[int] = set()
    for op, giver, holder, flag in steps:
        try:
            if op == "give":
                book = book.give(
                    giver, holder, holder_seated=holder < 8, giver_present=giver in present
                )
            elif op == "revoke":
                book = book.end(giver, Ended.REVOKED)
            else:
                present.add(giver)
                if giver in book.proxies:
                    book = book.end(giver, Ended.CHECKED_IN)
        except ProxyRefused:
            pass
        if flag and op == "check in":
            present.discard(giver)  # checked out again: may give a proxy later
        holders = [p.holder for p in book.proxies.values()]
        assert all(holders.count(h) <= limit for h in holders)
        assert not set(book.proxies) & set(holders)  # never passed on
        assert not set(book.proxies) & present  # nobody in the hall has a proxy out
        assert substitutes or all(isinstance(h, int) and h < 8 for h in holders)
