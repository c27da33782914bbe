"""Motions and the order of votes (smolny.rules.procedure.motions): worked cases."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from smolny.rules.ballots import BallotSet
from smolny.rules.procedure import (
    PREFERENTIAL_VOTE,
    STATUS_QUO,
    AlternativeVoting,
    CallKind,
    Event,
    ItemState,
    Motion,
    MotionRules,
    Procedural,
    ProcedureError,
    PutOrder,
    Result,
    Settlement,
    VoteCall,
    apply_amendment,
    check_motion,
    count_preference,
    order_of_votes,
)
from smolny.rules.ranked import schulze

# The Democratic Conference, 19 September 1917: the coalition motion and two amendments.
COALITION = [
    Motion.main("M", "coalition with the bourgeoisie"),
    Motion.amendment("A1", "M", insert="excluding the Kadets"),
    Motion.amendment("A2", "M", strike="coalition", insert="no coalition"),
]


def order(calls: Sequence[VoteCall]) -> list[str]:
    return [call.motion for call in calls]


def test_amendments_are_put_before_the_motion() -> None:
    docket = order_of_votes(COALITION)
    assert order(docket.votes) == ["A1", "A2", "M"]
    assert docket.state is ItemState.VOTING
    assert docket.next is not None
    assert docket.next.kind is CallKind.AMENDMENT
    assert docket.next.would_read == "coalition with the bourgeoisie excluding the Kadets"


def test_september_1917_muddle_is_refused() -> None:
    """The Conference voted the motion first (766–688–38) and the amendments after: refused."""
    with pytest.raises(ProcedureError, match=r"amendment A1, A2 to it is still pending"):
        order_of_votes(COALITION, [Result.carried("M")])


def test_carried_amendments_change_the_text_and_the_whole_is_put_last() -> None:
    results = [Result.carried("A1"), Result.carried("A2")]
    docket = order_of_votes(COALITION, results)
    assert order(docket.votes) == ["M"]
    assert docket.votes[0].kind is CallKind.WHOLE
    assert docket.texts["M"] == "no coalition with the bourgeoisie excluding the Kadets"
    # the doubly amended motion is then rejected, as on 19 September
    final = order_of_votes(COALITION, [*results, Result.lost("M")])
    assert final.state is ItemState.REJECTED
    assert final.votes == ()
    assert final.adopted is None
    assert final.settled == {
        "A1": Settlement.CARRIED,
        "A2": Settlement.CARRIED,
        "M": Settlement.LOST,
    }


def test_lost_amendment_leaves_the_text() -> None:
    docket = order_of_votes(COALITION, [Result.lost("A1"), Result.carried("A2")])
    assert docket.texts["M"] == "no coalition with the bourgeoisie"
    adopted = order_of_votes(COALITION, [Result.lost("A1"), Result.lost("A2"), Result.carried("M")])
    assert adopted.state is ItemState.ADOPTED
    assert adopted.adopted_text == "coalition with the bourgeoisie"


def test_amendment_to_an_amendment_is_put_first_and_changes_the_amendment() -> None:
    motions = [
        Motion.main("M", "all power to the soviets"),
        Motion.amendment("A", "M", insert="at once"),
        Motion.amendment("B", "M", insert="by the congress"),
        Motion.amendment("A.1", "A", strike="at once", insert="within a week"),
    ]
    docket = order_of_votes(motions)
    assert order(docket.votes) == ["A.1", "A", "B", "M"]
    docket = order_of_votes(motions, [Result.carried("A.1")])
    assert docket.texts["A"] == "within a week"
    assert docket.votes[0].would_read == "all power to the soviets within a week"
    docket = order_of_votes(motions, [Result.carried("A.1"), Result.carried("A")])
    assert docket.texts["M"] == "all power to the soviets within a week"


def test_depth_is_limited_by_the_organ_rules() -> None:
    motions = [
        Motion.main("M", "a b c"),
        Motion.amendment("A", "M", strike="a", insert="x y"),
        Motion.amendment("A.1", "A", strike="x", insert="p q"),
        Motion.amendment("A.1.1", "A.1", strike="p", insert="r"),
    ]
    with pytest.raises(ProcedureError, match="degree 3"):
        order_of_votes(motions)
    docket = order_of_votes(motions, rules=MotionRules(max_depth=3))
    assert order(docket.votes) == ["A.1.1", "A.1", "A", "M"]
    with pytest.raises(ProcedureError, match="degree 1"):
        order_of_votes(motions[:2], rules=MotionRules(max_depth=0))


def test_amendment_falls_when_its_words_are_gone() -> None:
    motions = [
        Motion.main("M", "support the government in so far as it keeps its word"),
        Motion.amendment("A1", "M", strike="in so far as it keeps its word", insert="fully"),
        Motion.amendment("A2", "M", strike="keeps its word", insert="ends the war"),
    ]
    docket = order_of_votes(motions, [Result.carried("A1")])
    assert order(docket.votes) == ["M"]
    assert docket.settled["A2"] is Settlement.FELL
    assert "no longer occur" in docket.fallen["A2"]
    # had A1 been lost, A2 is put
    docket = order_of_votes(motions, [Result.lost("A1")])
    assert order(docket.votes) == ["A2", "M"]
    # a vote on the fallen A2 is out of order
    with pytest.raises(ProcedureError, match="out of order"):
        order_of_votes(motions, [Result.carried("A1"), Result.carried("A2")])


def test_amendments_of_a_fallen_amendment_fall_with_it() -> None:
    motions = [
        Motion.main("M", "a b c"),
        Motion.amendment("A1", "M", strike="b", insert="x"),
        Motion.amendment("A2", "M", strike="b", insert="y"),
        Motion.amendment("A2.1", "A2", strike="y", insert="z"),
    ]
    docket = order_of_votes(motions, [Result.carried("A1")])
    assert docket.settled["A2"] is Settlement.FELL
    assert docket.settled["A2.1"] is Settlement.FELL
    assert order(docket.votes) == ["M"]


def test_procedural_motions_come_first_by_precedence() -> None:
    motions = [
        Motion.main("M", "text"),
        Motion.amendment("A", "M", insert="more"),
        Motion.procedure("P-postpone", Procedural.POSTPONE, "to 25 September"),
        Motion.procedure("P-close", Procedural.CLOSE_DEBATE),
        Motion.procedure("P-table", Procedural.TABLE),
        Motion.procedure("P-noconf", Procedural.NO_CONFIDENCE),
        Motion.procedure("P-adjourn", Procedural.ADJOURN),
    ]
    docket = order_of_votes(motions)
    assert order(docket.votes) == [
        "P-adjourn",
        "P-noconf",
        "P-table",
        "P-close",
        "P-postpone",
        "A",
        "M",
    ]
    custom = MotionRules(
        precedence=(
            Procedural.CLOSE_DEBATE,
            Procedural.ADJOURN,
            Procedural.NO_CONFIDENCE,
            Procedural.TABLE,
            Procedural.POSTPONE,
        )
    )
    assert order(order_of_votes(motions, rules=custom).votes)[:2] == ["P-close", "P-adjourn"]


def test_precedence_must_name_every_motion_once() -> None:
    with pytest.raises(ValueError, match="exactly once"):
        MotionRules(precedence=(Procedural.ADJOURN,))


def test_adjournment_stops_the_item_and_it_resumes_later() -> None:
    motions = [
        Motion.main("M", "text"),
        Motion.amendment("A", "M", insert="more"),
        Motion.procedure("P", Procedural.ADJOURN),
    ]
    docket = order_of_votes(motions, [Result.carried("P")])
    assert docket.state is ItemState.ADJOURNED
    assert docket.votes == ()
    assert order(docket.on_resumption) == ["A", "M"]
    assert Event.ADJOURNED in docket.events
    resumed = order_of_votes(motions, [Result.carried("P"), Result.lost("A")])
    assert resumed.state is ItemState.VOTING
    assert Event.RESUMED in resumed.events
    assert order(resumed.votes) == ["M"]
    # an adjournment lost changes nothing
    assert order(order_of_votes(motions, [Result.lost("P")]).votes) == ["A", "M"]


@pytest.mark.parametrize(
    ("which", "state"),
    [(Procedural.TABLE, ItemState.TABLED), (Procedural.POSTPONE, ItemState.POSTPONED)],
)
def test_table_and_postpone_stop_the_item(which: Procedural, state: ItemState) -> None:
    motions = [Motion.main("M", "text"), Motion.procedure("P", which)]
    assert order_of_votes(motions, [Result.carried("P")]).state is state


def test_close_debate_carried_is_an_event_and_voting_goes_on() -> None:
    motions = [Motion.main("M", "text"), Motion.procedure("P", Procedural.CLOSE_DEBATE)]
    docket = order_of_votes(motions, [Result.carried("P")])
    assert Event.DEBATE_CLOSED in docket.events
    assert order(docket.votes) == ["M"]


def test_9_september_1917_no_confidence_opens_reformation() -> None:
    """The vote against the presidium carried: its seats end, re-formation opens."""
    motions = [Motion.procedure("against-presidium", Procedural.NO_CONFIDENCE)]
    pending = order_of_votes(motions)
    assert order(pending.votes) == ["against-presidium"]
    assert not pending.presidium_reformation
    docket = order_of_votes(motions, [Result.carried("against-presidium")])
    assert docket.presidium_reformation
    assert docket.state is ItemState.CONCLUDED
    lost = order_of_votes(motions, [Result.lost("against-presidium")])
    assert not lost.presidium_reformation


def test_successive_alternatives_in_order_moved_first_carried_wins() -> None:
    """Early April 1917: Kamenev's resolution against Tsereteli's (57 to 325)."""
    motions = [
        Motion.main("tsereteli", "support the government under conditions"),
        Motion.counter("kamenev", "tsereteli", "no support for the government"),
        Motion.counter("third", "tsereteli", "a third text"),
    ]
    assert order(order_of_votes(motions).votes) == ["tsereteli", "kamenev", "third"]
    docket = order_of_votes(motions, [Result.carried("tsereteli")])
    assert docket.state is ItemState.ADOPTED
    assert docket.adopted == "tsereteli"
    assert docket.settled["kamenev"] is Settlement.FELL
    assert docket.settled["third"] is Settlement.FELL
    assert docket.votes == ()
    docket = order_of_votes(motions, [Result.lost("tsereteli"), Result.carried("kamenev")])
    assert docket.adopted == "kamenev"
    assert docket.settled["third"] is Settlement.FELL
    all_lost = [Result.lost("tsereteli"), Result.lost("kamenev"), Result.lost("third")]
    assert order_of_votes(motions, all_lost).state is ItemState.REJECTED


def test_furthest_first_and_the_tie_in_reach_is_recorded() -> None:
    motions = [
        Motion.main("M", "negotiate", reach=1),
        Motion.counter("C1", "M", "all power to the soviets", reach=3),
        Motion.counter("C2", "M", "a coalition", reach=1),
    ]
    rules = MotionRules(order=PutOrder.FURTHEST_FIRST)
    docket = order_of_votes(motions, rules=rules)
    assert order(docket.votes) == ["C1", "M", "C2"]
    (tie,) = docket.ties
    assert tie.contenders == ("M", "C2")
    assert tie.resolved_by == "order moved"
    with pytest.raises(ProcedureError, match="has not ruled how far"):
        order_of_votes([*motions[:2], Motion.counter("C3", "M", "x")], rules=rules)


def test_amendments_to_each_alternative_precede_it() -> None:
    motions = [
        Motion.main("M", "a b"),
        Motion.counter("C", "M", "c d"),
        Motion.amendment("AM", "M", strike="a", insert="x"),
        Motion.amendment("AC", "C", strike="c", insert="y"),
    ]
    assert order(order_of_votes(motions).votes) == ["AM", "M", "AC", "C"]
    docket = order_of_votes(motions, [Result.lost("AM"), Result.carried("M")])
    assert docket.settled["AC"] is Settlement.FELL
    assert docket.settled["C"] is Settlement.FELL


def _preferential_motions() -> list[Motion]:
    # 4-5 July 1917: three rival positions (Gots, Martov, Lunacharsky)
    return [
        Motion.main("gots", "the Ispolkom keeps faith with the government"),
        Motion.counter("martov", "gots", "power to the democracy"),
        Motion.counter("lunacharsky", "gots", "all power to the soviets"),
        Motion.amendment("AM", "martov", insert="at once"),
    ]


def test_preferential_vote_comes_after_all_amendments() -> None:
    rules = MotionRules(alternatives=AlternativeVoting.PREFERENTIAL)
    docket = order_of_votes(_preferential_motions(), rules=rules)
    assert order(docket.votes) == ["AM", PREFERENTIAL_VOTE]
    ballot = docket.votes[1]
    assert ballot.kind is CallKind.PREFERENTIAL
    assert ballot.options == ("gots", "martov", "lunacharsky", STATUS_QUO)
    without = MotionRules(alternatives=AlternativeVoting.PREFERENTIAL, status_quo_on_ballot=False)
    assert order_of_votes(_preferential_motions(), rules=without).votes[1].options == (
        "gots",
        "martov",
        "lunacharsky",
    )


def test_preferential_vote_counted_by_schulze() -> None:
    """Martov is the Condorcet winner on these ballots: any Condorcet method elects him."""
    rules = MotionRules(alternatives=AlternativeVoting.PREFERENTIAL)
    motions = _preferential_motions()
    results = [Result.carried("AM")]
    call = order_of_votes(motions, results, rules).votes[0]
    names = call.options  # gots, martov, lunacharsky, status quo
    g, m, lu, sq = range(4)
    ballots = BallotSet.merge(
        names,
        [((g, m, sq, lu), 40), ((lu, m, g, sq), 35), ((m, g, lu, sq), 25)],
    )
    # pairwise: martov beats gots 60-40, lunacharsky 65-35, status quo 100-0
    result = count_preference(call, ballots, schulze)
    assert result.preferred == "martov"
    docket = order_of_votes(motions, [*results, result], rules)
    assert docket.state is ItemState.ADOPTED
    assert docket.adopted == "martov"
    assert docket.adopted_text == "power to the democracy at once"
    assert docket.settled["gots"] is Settlement.LOST


def test_status_quo_preferred_adopts_nothing() -> None:
    rules = MotionRules(alternatives=AlternativeVoting.PREFERENTIAL)
    results = [Result.lost("AM"), Result.preference(STATUS_QUO)]
    docket = order_of_votes(_preferential_motions(), results, rules)
    assert docket.state is ItemState.REJECTED
    assert docket.adopted is None


def test_preferential_winner_must_be_on_the_ballot() -> None:
    rules = MotionRules(alternatives=AlternativeVoting.PREFERENTIAL)
    with pytest.raises(ProcedureError, match="not on the ballot"):
        order_of_votes(
            _preferential_motions(), [Result.lost("AM"), Result.preference("kerensky")], rules
        )


def test_preferential_ballot_must_match_the_options() -> None:
    rules = MotionRules(alternatives=AlternativeVoting.PREFERENTIAL)
    call = order_of_votes(_preferential_motions(), [Result.lost("AM")], rules).votes[0]
    ballots = BallotSet.merge(["gots", "martov"], [((0, 1), 1)])
    with pytest.raises(ProcedureError, match="the vote is on"):
        count_preference(call, ballots, schulze)


def test_single_alternative_under_preferential_rules_is_a_plain_vote() -> None:
    rules = MotionRules(alternatives=AlternativeVoting.PREFERENTIAL)
    docket = order_of_votes([Motion.main("M", "x")], rules=rules)
    assert docket.votes[0].kind is CallKind.WHOLE


def test_out_of_turn_votes_are_refused() -> None:
    motions = [Motion.main("M", "x"), Motion.procedure("P", Procedural.ADJOURN)]
    with pytest.raises(ProcedureError, match="the vote due was on P"):
        order_of_votes(motions, [Result.lost("M")])
    with pytest.raises(ProcedureError, match="nothing was pending"):
        order_of_votes(motions, [Result.lost("P"), Result.lost("M"), Result.lost("M")])


def test_late_motions_are_replayed_at_their_moment() -> None:
    """A procedural motion moved after the first vote does not invalidate that vote."""
    motions = [
        Motion.main("M", "a b"),
        Motion.amendment("A1", "M", strike="a", insert="x"),
        Motion.amendment("A2", "M", strike="b", insert="y"),
        Motion.procedure("P", Procedural.CLOSE_DEBATE, moved_after=1),
    ]
    docket = order_of_votes(motions, [Result.carried("A1")])
    assert order(docket.votes) == ["P", "A2", "M"]
    with pytest.raises(ProcedureError, match="only 0 votes"):
        order_of_votes(motions)


def test_check_motion_refuses_amending_a_decided_motion() -> None:
    motions = [Motion.main("M", "a b"), Motion.counter("C", "M", "c")]
    results = [Result.lost("M")]
    with pytest.raises(ProcedureError, match="already lost"):
        check_motion(Motion.amendment("late", "M", insert="z"), motions, results)
    check_motion(Motion.amendment("ok", "C", insert="z"), motions, results)
    decided = [Result.lost("M"), Result.carried("C")]
    with pytest.raises(ProcedureError, match="question was decided"):
        check_motion(Motion.counter("C2", "M", "w"), motions, decided)
    with pytest.raises(ProcedureError, match="procedural motions are not amended"):
        check_motion(
            Motion.amendment("x", "P", insert="y"),
            [*motions, Motion.procedure("P", Procedural.ADJOURN)],
        )


@pytest.mark.parametrize(
    ("motions", "message"),
    [
        ([Motion.main("M", "x"), Motion.main("M2", "y")], "one main motion"),
        ([Motion.main("M", "x"), Motion.main("M", "y")], "moved twice"),
        ([Motion.amendment("A", "M", insert="y")], "must be moved before it"),
        ([Motion.main("M", "x"), Motion.amendment("A", "M")], "neither strikes nor inserts"),
        (
            [Motion.main("M", "x"), Motion.counter("C", "M", "y"), Motion.counter("D", "C", "z")],
            "must rival the main motion",
        ),
        ([Motion.main(STATUS_QUO, "x")], "reserved"),
    ],
)
def test_malformed_items_are_refused(motions: list[Motion], message: str) -> None:
    with pytest.raises(ProcedureError, match=message):
        order_of_votes(motions)


def test_result_records_are_checked() -> None:
    with pytest.raises(ValueError, match="carried or lost"):
        Result("M")
    with pytest.raises(ValueError, match="preferred option"):
        Result(PREFERENTIAL_VOTE)


@pytest.mark.parametrize(
    ("text", "strike", "insert", "expected"),
    [
        ("a b c", "b", "x", "a x c"),
        ("a b c", "", "d", "a b c d"),
        ("", "", "d", "d"),
        ("a b c", "b ", "", "a c"),
        ("a b b", "b", "x", None),
        ("a b c", "z", "x", None),
    ],
)
def test_apply_amendment(text: str, strike: str, insert: str, expected: str | None) -> None:
    assert apply_amendment(text, strike, insert) == expected


def test_preferential_tie_at_the_top_is_drawn_by_seeded_lot_and_recorded() -> None:
    """Two alternatives exactly level: Schulze reports the tie; the lot's seed is kept."""
    rules = MotionRules(alternatives=AlternativeVoting.PREFERENTIAL)
    motions = [Motion.main("M", "x"), Motion.counter("C", "M", "y")]
    call = order_of_votes(motions, rules=rules).votes[0]
    assert call.options == ("M", "C", STATUS_QUO)
    ballots = BallotSet.merge(call.options, [((0, 1, 2), 10), ((1, 0, 2), 10)])
    result = count_preference(call, ballots, tie_seed=1917)
    assert result.preferred in ("M", "C")
    assert result.ties
    assert result.ties[0].seed == 1917
    assert set(result.ties[0].contenders) == {"M", "C"}
    docket = order_of_votes(motions, [result], rules)
    assert docket.adopted == result.preferred
    assert result.ties[0] in docket.ties
    # the same seed gives the same winner
    assert count_preference(call, ballots, tie_seed=1917).preferred == result.preferred


def test_closing_debate_also_closes_amendment() -> None:
    motions = [Motion.main("M", "a b"), Motion.procedure("P", Procedural.CLOSE_DEBATE)]
    with pytest.raises(ProcedureError, match="debate was closed by vote 1"):
        check_motion(Motion.amendment("late", "M", insert="c"), motions, [Result.carried("P")])
    with pytest.raises(ProcedureError, match="debate was closed"):
        check_motion(Motion.counter("C", "M", "d"), motions, [Result.carried("P")])
    # lost, it closes nothing
    check_motion(Motion.amendment("late", "M", insert="c"), motions, [Result.lost("P")])


def test_the_question_says_as_amended_only_when_an_amendment_carried() -> None:
    """The motion as a whole is put "as amended" only after an amendment to it carried: with
    none moved, or every amendment lost, the question names the motion plainly."""
    plain = order_of_votes([Motion.main("M", "peace now")], [], MotionRules())
    assert plain.next is not None
    assert plain.next.question == "shall motion M be adopted?"
    motions = [Motion.main("M", "peace now"), Motion.amendment("A1", "M", insert="and bread")]
    lost = order_of_votes(motions, [Result.lost("A1")], MotionRules())
    assert lost.next is not None
    assert lost.next.kind is CallKind.WHOLE
    assert lost.next.question == "shall motion M be adopted?"
    carried = order_of_votes(motions, [Result.carried("A1")], MotionRules())
    assert carried.next is not None
    assert carried.next.question == "shall motion M, as amended, be adopted?"
    assert carried.next.text == "peace now and bread"
