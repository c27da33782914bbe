"""Procedure through the actions: notice, quorum, amendments first, inquorate votes, walkouts,
credentials at the moment of the vote, the speakers' list."""

from __future__ import annotations

from datetime import timedelta
from fractions import Fraction

import pytest

from smolny.councils.actions import ActionError, NotAllowed, agenda, motion, session, vote
from smolny.councils.minutes import minutes_markdown
from smolny.councils.models import Motion, Session, Vote
from smolny.rules.majority import Base, MajorityRule, Quorum
from tests.integration.sessions.conftest import (
    SYS,
    Council,
    build_council,
    d,
    journal_length,
    open_sitting,
    organ_of,
    recall,
)

SMALL = {"Bolsheviks": 12, "SRs": 6, "Mensheviks": 3}


def small() -> Council:
    return build_council(SMALL, at=d(3, 1))


@pytest.mark.django_db
def test_a_session_called_without_notice_is_irregular_and_so_are_its_decisions() -> None:
    c = small()
    plenum = organ_of(c, "Workers' section", at=d(3, 2), emergency=timedelta(0))
    # 3 July 1917: called at no notice, the Bolsheviks came en bloc
    sitting = session.convene_session(
        SYS, plenum, "Workers' section, 3 July", starts_at=d(7, 3, 20), at=d(7, 3, 20)
    )
    assert sitting.regularity == "irregular"
    assert "emergency rule" in sitting.convening
    session.check_in(SYS, sitting, c.members("Bolsheviks"), at=d(7, 3, 20))
    session.open_session(SYS, sitting, chair=c.members("Bolsheviks")[0], at=d(7, 3, 20))
    item = agenda.add_agenda_item(SYS, sitting, "All power to the soviets", at=d(7, 3, 20))
    motion.move_motion(SYS, item, "main", text="All power to the soviets.", at=d(7, 3, 20, 5))
    v = vote.open_vote(SYS, item, "M1", method="show of hands", at=d(7, 3, 21))
    vote.enter_counts(SYS, v, for_votes=12, against=0, at=d(7, 3, 21))
    v = vote.close_vote(SYS, v, at=d(7, 3, 21, 1))
    assert v.outcome == "carried"
    assert v.irregular
    assert "irregular" in v.reason
    text = minutes_markdown(sitting)
    assert "IRREGULAR SITTING" in text
    assert "vote on M1 (taken at an irregular sitting)" in text


@pytest.mark.django_db
def test_short_notice_without_an_emergency_rule_is_refused_and_writes_nothing() -> None:
    c = small()
    plenum = organ_of(c, "Plenum", at=d(3, 2), notice=timedelta(days=1))
    before = journal_length()
    with pytest.raises(NotAllowed, match="no emergency rule"):
        session.convene_session(SYS, plenum, "Snap", starts_at=d(7, 3, 20), at=d(7, 3, 8))
    assert journal_length() == before
    assert not Session.objects.exists()
    regular = session.convene_session(SYS, plenum, "Due", starts_at=d(7, 4, 20), at=d(7, 3, 8))
    assert regular.regularity == "regular"


@pytest.mark.django_db
def test_a_session_opens_only_on_a_quorum_of_seated_members_observers_not_counted() -> None:
    c = small()  # 21 deputies: more than half is 11
    plenum = organ_of(c, "Plenum", at=d(3, 2))
    sitting = session.convene_session(SYS, plenum, "S", starts_at=d(4, 1), at=d(3, 20))
    session.check_in(SYS, sitting, c.members("SRs") + c.members("Mensheviks"), at=d(4, 1))
    session.check_in(SYS, sitting, c.outsiders, at=d(4, 1))  # 9 deputies and 3 observers
    with pytest.raises(NotAllowed, match="inquorate: 9 of 21 seated members present, 11"):
        session.open_session(SYS, sitting, chair=c.members("SRs")[0], at=d(4, 1))
    session.check_in(SYS, sitting, c.members("Bolsheviks")[:2], at=d(4, 1, 12, 5))
    opened = session.open_session(SYS, sitting, chair=c.members("SRs")[0], at=d(4, 1, 12, 5))
    assert opened.status == "open"
    assert "11 of 21" in opened.opening_quorum


@pytest.mark.django_db
def test_amendments_are_put_before_their_motion_deepest_first() -> None:
    c = small()
    plenum = organ_of(c, "Plenum", at=d(3, 2))
    sitting = open_sitting(plenum, list(c.everyone()), chair=c.members("SRs")[0], at=d(9, 19))
    item = agenda.add_agenda_item(SYS, sitting, "Coalition", at=d(9, 19))
    motion.move_motion(SYS, item, "main", text="Support a coalition government.", at=d(9, 19))
    motion.move_motion(
        SYS,
        item,
        "amendment",
        parent="M1",
        strike="a coalition",
        text="a coalition without Kadets",
        at=d(9, 19, 12, 1),
    )
    motion.move_motion(
        SYS,
        item,
        "amendment",
        parent="A1",
        strike="without Kadets",
        text="without the Kadets",
        at=d(9, 19, 12, 2),
    )
    # the Democratic Conference's muddle: the motion first, the amendments after
    with pytest.raises(NotAllowed, match="the vote due is on A2"):
        vote.open_vote(SYS, item, "M1", method="show of hands", at=d(9, 19, 13))
    with pytest.raises(NotAllowed, match="the vote due is on A2"):
        vote.open_vote(SYS, item, "A1", method="show of hands", at=d(9, 19, 13))
    order = []
    for key in ("A2", "A1", "M1"):
        v = vote.open_vote(SYS, item, key, method="show of hands", at=d(9, 19, 13))
        vote.enter_counts(SYS, v, for_votes=15, against=6, at=d(9, 19, 13))
        v = vote.close_vote(SYS, v, at=d(9, 19, 13, 1))
        order.append((v.motion.key if v.motion else "", v.outcome))
    assert order == [("A2", "carried"), ("A1", "carried"), ("M1", "carried")]
    last = Vote.objects.get(motion__key="M1")
    assert last.text == "Support a coalition without the Kadets government."
    assert dict(Motion.objects.values_list("key", "settlement")) == {
        "M1": "carried",
        "A1": "carried",
        "A2": "carried",
    }
    # an amendment to a motion already decided is out of order
    with pytest.raises(NotAllowed, match="out of order"):
        motion.move_motion(SYS, item, "amendment", parent="M1", text="late", at=d(9, 19, 14))


def rump(committee: int) -> tuple[Vote, Council]:
    """The 10 June 1917 rump: 5 members of a committee of *committee* vote 3-0-2 at 2 a.m."""
    c = small()
    members = [m for ms in c.deputies.values() for m in ms][:committee]
    cc = organ_of(
        c,
        "Central Committee",
        kind="executive committee",
        elected=members,
        at=d(4, 1),
        quorum=Quorum(Fraction(1, 2), more_than=True),
    )
    people = [m.member for m in members]
    sitting = open_sitting(cc, people, chair=people[0], at=d(6, 9, 22))
    for member in people[5:]:
        session.check_out(SYS, sitting, member, at=d(6, 10, 1))
    item = agenda.add_agenda_item(SYS, sitting, "The demonstration", at=d(6, 10, 2))
    motion.move_motion(SYS, item, "main", text="Cancel the demonstration.", at=d(6, 10, 2))
    v = vote.open_vote(SYS, item, "M1", method="show of hands", at=d(6, 10, 2))
    vote.enter_counts(SYS, v, for_votes=3, against=0, abstain=2, at=d(6, 10, 2))
    return vote.close_vote(SYS, v, at=d(6, 10, 2, 5)), c


@pytest.mark.django_db
def test_the_10_june_rump_vote_is_inquorate_in_a_committee_of_21() -> None:
    v, _ = rump(21)
    assert (v.for_votes, v.against, v.abstain, v.present, v.seated) == (3, 0, 2, 5, 21)
    assert v.outcome == "inquorate"
    assert v.verdict == ""
    assert "quorum 11" in v.reason
    # it decided nothing: the motion is still pending and the same question is due again
    m1 = Motion.objects.get(key="M1")
    assert m1.settlement == ""
    again = vote.open_vote(SYS, v.item, "M1", method="show of hands", at=d(6, 10, 3))
    assert again.status == "open"
    assert "INQUORATE: this vote decided nothing" in minutes_markdown(v.item.session)


@pytest.mark.django_db
def test_the_same_rump_is_a_quorum_in_a_committee_of_9() -> None:
    v, _ = rump(9)
    assert v.outcome == "carried"
    assert Motion.objects.get(key="M1").settlement == "carried"


@pytest.mark.django_db
def test_a_walkout_changes_who_is_present_and_can_break_the_quorum() -> None:
    c = small()
    plenum = organ_of(c, "Congress", at=d(3, 2), majority=MajorityRule.absolute(Base.PRESENT))
    sitting = open_sitting(plenum, list(c.everyone()), chair=c.members("SRs")[0], at=d(10, 25))
    walkout = session.record_walkout(
        SYS, sitting, fraction=c.fractions["Bolsheviks"], statement="We leave.", at=d(10, 25, 13)
    )
    assert walkout.members == 12
    item = agenda.add_agenda_item(SYS, sitting, "Power", at=d(10, 25, 14))
    motion.move_motion(SYS, item, "main", text="Condemn the rising.", at=d(10, 25, 14))
    v = vote.open_vote(SYS, item, "M1", method="division", at=d(10, 25, 14))
    tellers = c.members("SRs")[:2]
    with pytest.raises(NotAllowed, match="only 9 voting members"):
        vote.enter_counts(SYS, v, for_votes=10, against=0, tellers=tellers, at=d(10, 25, 14))
    vote.enter_counts(SYS, v, for_votes=9, against=0, tellers=tellers, at=d(10, 25, 14))
    v = vote.close_vote(SYS, v, at=d(10, 25, 14, 1))
    assert (v.present, v.seated, v.outcome) == (9, 21, "inquorate")
    text = minutes_markdown(sitting)
    assert "| 1917-10-25 13:00 | Bolsheviks | 12 | We leave. |" in text


@pytest.mark.django_db
def test_a_deputy_recalled_during_the_session_loses_the_vote_at_that_moment() -> None:
    c = build_council({"Bolsheviks": 3, "Internationalists": 1}, at=d(3, 1))
    plenum = organ_of(c, "Plenum", at=d(3, 2))
    martov = c.members("Internationalists")[0]
    sitting = open_sitting(plenum, list(c.everyone()), chair=martov, at=d(5, 1))
    item = agenda.add_agenda_item(SYS, sitting, "War", at=d(5, 1))
    motion.move_motion(SYS, item, "main", text="Peace now.", at=d(5, 1))
    v = vote.open_vote(SYS, item, "M1", method="roll call", at=d(5, 1, 13))
    vote.cast_vote(SYS, v, c.members("Bolsheviks")[0], "for", at=d(5, 1, 13, 1))
    recall(c, c.deputies["Internationalists"][0], at=d(5, 1, 13, 2))
    before = journal_length()
    with pytest.raises(NotAllowed, match="no current mandate"):
        vote.cast_vote(SYS, v, martov, "against", at=d(5, 1, 13, 3))
    assert journal_length() == before
    # still in the hall, now as an observer; the quorum's base is the three remaining deputies
    v = vote.close_vote(SYS, v, at=d(5, 1, 13, 5))
    assert (v.for_votes, v.against, v.present, v.seated) == (1, 0, 3, 3)


@pytest.mark.django_db
def test_the_speakers_list_hears_points_of_order_first() -> None:
    c = small()
    plenum = organ_of(c, "Plenum", at=d(3, 2), time_limit=600)
    sitting = open_sitting(plenum, list(c.everyone()), chair=c.members("SRs")[0], at=d(9, 1))
    item = agenda.add_agenda_item(SYS, sitting, "Debate", at=d(9, 1))
    trotsky, dan, lenin = c.members("Bolsheviks")[0], c.members("Mensheviks")[0], c.outsiders[0]
    agenda.request_to_speak(SYS, item, trotsky, at=d(9, 1))
    agenda.request_to_speak(SYS, item, dan, point_of_order=True, at=d(9, 1))
    with pytest.raises(NotAllowed, match="already on the speakers' list"):
        agenda.request_to_speak(SYS, item, trotsky, at=d(9, 1))
    with pytest.raises(NotAllowed, match="not in the hall"):
        agenda.request_to_speak(SYS, item, lenin, at=d(9, 1))
    turn = agenda.next_speaker(item)
    assert turn is not None
    assert (turn.speaker, turn.point_of_order, turn.seconds) == (dan.external_id, True, 180)
    agenda.finish_turn(SYS, item, 200, at=d(9, 1, 12, 5))
    turn = agenda.next_speaker(item)
    assert turn is not None
    assert (turn.speaker, turn.fraction, turn.seconds) == (trotsky.external_id, "Bolsheviks", 600)
    listed = agenda.finish_turn(SYS, item, 500, at=d(9, 1, 12, 15))
    assert [(s.speaker, s.overran) for s in listed.spoken] == [
        (dan.external_id, True),
        (trotsky.external_id, False),
    ]
    assert agenda.next_speaker(item) is None
    with pytest.raises(NotAllowed, match="nobody has the floor"):
        agenda.finish_turn(SYS, item, 10, at=d(9, 1, 12, 16))
    assert f"| {dan.name} | Mensheviks | point of order | 200 (overran) |" in (
        minutes_markdown(sitting)
    )


@pytest.mark.django_db
def test_hand_over_chair_and_close() -> None:
    c = small()
    plenum = organ_of(c, "Plenum", at=d(3, 2))
    chkheidze, trotsky = c.members("Mensheviks")[0], c.members("Bolsheviks")[0]
    sitting = open_sitting(plenum, list(c.everyone()), chair=chkheidze, at=d(9, 25))
    term = session.hand_over_chair(SYS, sitting, trotsky, at=d(9, 25, 13))
    assert term.member == trotsky
    with pytest.raises(ActionError, match="not in the hall"):
        session.hand_over_chair(SYS, sitting, c.outsiders[0], at=d(9, 25, 14))
    session.adjourn_session(SYS, sitting, at=d(9, 25, 15))
    with pytest.raises(NotAllowed, match="adjourned"):
        agenda.request_to_speak(
            SYS,
            agenda.add_agenda_item(SYS, sitting, "x", at=d(9, 25, 15)),
            trotsky,
            at=d(9, 25, 15),
        )
    session.open_session(SYS, sitting, chair=trotsky, at=d(9, 26))
    closed = session.close_session(SYS, sitting, at=d(9, 26, 2))
    assert closed.status == "closed"
    text = minutes_markdown(sitting)
    assert f"| 1917-09-25 12:00 | 1917-09-25 13:00 | {chkheidze.name} |" in text


@pytest.mark.django_db
def test_a_fractions_speaking_share_follows_its_seats() -> None:
    # 3 turns by Sainte-Laguë over 12/6/3 seats: quotients 12 (B), 6 (SR), 4 (B), then 3 (M)
    # misses out: B 2 turns, SR 1, M none.
    c = small()
    plenum = organ_of(c, "Plenum", at=d(3, 2), share_turns=3)
    sitting = open_sitting(plenum, list(c.everyone()), chair=c.members("SRs")[0], at=d(9, 1))
    item = agenda.add_agenda_item(SYS, sitting, "Debate", at=d(9, 1))
    assert item.speakers["share"]["seats"] == {"Bolsheviks": 12, "SRs": 6, "Mensheviks": 3}
    b = c.members("Bolsheviks")
    agenda.request_to_speak(SYS, item, b[0], at=d(9, 1))
    agenda.request_to_speak(SYS, item, b[1], at=d(9, 1))
    with pytest.raises(NotAllowed, match="Bolsheviks fraction's turns are taken"):
        agenda.request_to_speak(SYS, item, b[2], at=d(9, 1))
    with pytest.raises(NotAllowed, match="Mensheviks fraction's turns are taken"):
        agenda.request_to_speak(SYS, item, c.members("Mensheviks")[0], at=d(9, 1))
    agenda.request_to_speak(SYS, item, c.members("SRs")[1], at=d(9, 1))
    # a point of order is outside the share
    agenda.request_to_speak(SYS, item, c.members("Mensheviks")[0], point_of_order=True, at=d(9, 1))
    turn = agenda.next_speaker(item)
    assert turn is not None
    assert turn.point_of_order


@pytest.mark.django_db
def test_in_a_committee_only_its_seat_holders_vote() -> None:
    c = small()
    members = c.deputies["Bolsheviks"][:5]
    cc = organ_of(c, "Bureau", kind="executive committee", elected=members, at=d(4, 1))
    people = [m.member for m in members]
    outsider_deputy = c.members("SRs")[0]
    sitting = open_sitting(cc, [*people, outsider_deputy], chair=people[0], at=d(6, 1))
    item = agenda.add_agenda_item(SYS, sitting, "Bureau business", at=d(6, 1))
    motion.move_motion(SYS, item, "main", text="Do it.", at=d(6, 1))
    v = vote.open_vote(SYS, item, "M1", method="roll call", at=d(6, 1, 13))
    with pytest.raises(NotAllowed, match="no current mandate with a seat in Bureau"):
        vote.cast_vote(SYS, v, outsider_deputy, "for", at=d(6, 1, 13))
    for person in people[:3]:
        vote.cast_vote(SYS, v, person, "for", at=d(6, 1, 13))
    session.record_walkout(SYS, sitting, members=people[3:], at=d(6, 1, 13, 30))
    v = vote.close_vote(SYS, v, at=d(6, 1, 14))
    # presence at the close: 3 seat holders (the 2 who walked out had not voted); quorum 3 of 5
    assert (v.present, v.seated, v.outcome) == (3, 5, "carried")
