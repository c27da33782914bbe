"""Card votes and proxies through the actions (smolny.councils.actions.card), on both databases.

The council: Bolsheviks 2 deputies (a district of 23 members with the 3 outsiders: cards of
23/2 each, unless the rules give the district 300), SRs 3 (30 members: 10 each), Mensheviks 1
(10). The cards carry what the heads do not, and the minutes and journal say both.
"""

from __future__ import annotations

import json
from fractions import Fraction
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation

from smolny.councils import actions, wording
from smolny.councils.actions import (
    NotAllowed,
    PermissionDenied,
    agenda,
    card,
    motion,
    session,
    vote,
)
from smolny.councils.minutes import minutes_markdown, minutes_pdf
from smolny.councils.models import AgendaItem, CardBallot, JournalEntry, Member, Proxy, Session
from smolny.journal.state import check_state
from tests.integration.sessions.conftest import (
    SYS,
    Council,
    build_council,
    d,
    open_sitting,
    organ_of,
)

pytestmark = pytest.mark.django_db

STRENGTHS = {"Bolsheviks": 2, "SRs": 3, "Mensheviks": 1}


def sitting_with(
    c: Council, *, absent: tuple[Member, ...] = (), **rules: Any
) -> tuple[Session, AgendaItem]:
    at = d(10, 10)
    plenum = organ_of(c, "Plenum", at=d(3, 2))
    if rules:
        card.set_card_rules(SYS, plenum, at=d(3, 3), **rules)
    here = [m for m in c.everyone() if m not in absent]
    sitting = open_sitting(plenum, here, chair=c.members("SRs")[0], at=at)
    item = agenda.add_agenda_item(SYS, sitting, "Bread", at=at)
    motion.move_motion(SYS, item, "main", text="The flour stores pass to the Soviet.", at=at)
    return sitting, item


def test_the_cards_outweigh_the_heads_and_the_minutes_give_both() -> None:
    c = build_council(STRENGTHS, at=d(3, 1))
    district = c.frame.constituencies["Bolsheviks district"]
    sitting, item = sitting_with(c, proxies_allowed=False, card_weights={district.pk: 300})
    v = vote.open_vote(SYS, item, "M1", method="card vote", at=d(10, 10, 13))
    cards = card.cards_of(v)
    assert sorted(cards.values()) == [10, 10, 10, 10, 150, 150]
    for member in c.members("Bolsheviks"):
        card.cast_card_vote(SYS, v, member, "for", at=d(10, 10, 13, 5))
    for member in c.members("SRs"):
        card.cast_card_vote(SYS, v, member, "against", at=d(10, 10, 13, 5))
    card.cast_card_vote(SYS, v, c.members("Mensheviks")[0], "abstain", at=d(10, 10, 13, 5))
    with pytest.raises(NotAllowed, match="cast in this vote already"):
        card.cast_card_vote(SYS, v, c.members("SRs")[0], "for", at=d(10, 10, 13, 6))
    closed = vote.close_vote(SYS, v, at=d(10, 10, 14))
    assert closed.outcome == "carried", closed.reason
    assert (closed.for_votes, closed.against, closed.abstain) == (2, 3, 1)  # by head: lost
    assert "by weight 300 for, 30 against, 10 abstaining" in closed.reason
    assert "by head 2 for, 3 against, 1 abstaining" in closed.reason
    assert closed.rule.startswith("card vote by weight")
    with translation.override("ru"):  # the stored English reason, read in Russian
        said = wording.reason(closed.reason)
        assert said.startswith("принято голосованием мандатами: по весу 300 за, 30 против")
        assert wording.rule(closed.rule).startswith("голосование мандатами, по весу")
    entry = JournalEntry.objects.filter(action="close_vote").order_by("-seq").first()
    assert entry is not None
    assert json.loads(entry.payload)["by_weight"]["for"] == "300"
    text = minutes_markdown(sitting)
    assert "by weight" in text
    assert "300" in text


def test_the_default_card_is_the_membership_shared_among_the_deputies() -> None:
    c = build_council(STRENGTHS, at=d(3, 1))  # Bolsheviks district: 20 + 3 outsiders
    _, item = sitting_with(c)
    v = vote.open_vote(SYS, item, "M1", method="card vote", at=d(10, 10, 13))
    by_member = {
        m.member_id: w
        for m, w in ((mm, card.cards_of(v)[mm.pk]) for mm in c.deputies["Bolsheviks"])
    }
    assert set(by_member.values()) == {Fraction(23, 2)}
    assert sum(card.cards_of(v).values()) == 23 + 30 + 10


def test_a_proxy_is_cast_by_its_holder_within_the_limit_and_ends_at_check_in() -> None:
    c = build_council(STRENGTHS, at=d(3, 1))
    b1, b2 = c.members("Bolsheviks")
    s1, _, s3 = c.members("SRs")
    sitting, item = sitting_with(
        c, absent=(b2, s3), proxies_allowed=True, proxy_limit=1, proxy_substitutes=False
    )
    with pytest.raises(NotAllowed, match="in the hall"):
        card.give_proxy(SYS, sitting, b1, s1, at=d(10, 10, 12))  # b1 is present
    with pytest.raises(NotAllowed, match="no substitutes"):
        card.give_proxy(SYS, sitting, b2, c.outsiders[0], at=d(10, 10, 12))
    card.give_proxy(SYS, sitting, b2, b1, at=d(10, 10, 12))
    with pytest.raises(NotAllowed, match="limit is 1"):
        card.give_proxy(SYS, sitting, s3, b1, at=d(10, 10, 12))
    card.give_proxy(SYS, sitting, s3, s1, at=d(10, 10, 12))
    assert Proxy.objects.filter(session=sitting, end__isnull=True).count() == 2

    v = vote.open_vote(SYS, item, "M1", method="card vote", at=d(10, 10, 13))
    with pytest.raises(PermissionDenied, match="holds no proxy"):
        card.cast_card_vote(SYS, v, b2, "for", holder=s1, at=d(10, 10, 13, 1))
    with pytest.raises(NotAllowed, match="not in the hall"):
        card.cast_card_vote(SYS, v, b2, "for", at=d(10, 10, 13, 1))  # in person, absent
    row = card.cast_card_vote(SYS, v, b2, "for", holder=b1, at=d(10, 10, 13, 1))
    assert row.proxy == b1
    card.cast_card_vote(SYS, v, b1, "for", at=d(10, 10, 13, 2))
    # s3 comes in: the proxy ends, s3 casts in person, s1 no longer may.
    session.check_in(SYS, sitting, [s3], at=d(10, 10, 13, 3))
    ended = Proxy.objects.get(session=sitting, giver__member=s3)
    assert ended.ended_by == "giver checked in"
    entry = JournalEntry.objects.filter(action="check_in").order_by("-seq").first()
    assert entry is not None
    assert json.loads(entry.payload)["proxies_ended"] == [s3.external_id]
    with pytest.raises(PermissionDenied):
        card.cast_card_vote(SYS, v, s3, "against", holder=s1, at=d(10, 10, 13, 4))
    card.cast_card_vote(SYS, v, s3, "against", at=d(10, 10, 13, 4))
    closed = vote.close_vote(SYS, v, at=d(10, 10, 14))
    assert "(1 by proxy)" in closed.reason
    text = minutes_markdown(sitting)
    assert "Card vote, by weight and by head" in text
    assert f"| {b2.name} | Bolsheviks | 11.50 | for | {b1.name} |" in text
    minutes_pdf(sitting)  # the same blocks drawn
    assert CardBallot.objects.filter(vote=v, proxy__isnull=False).count() == 1
    # revoking: b2's proxy is still in force, then revoked.
    revoked = card.revoke_proxy(SYS, sitting, b2, at=d(10, 10, 15))
    assert revoked.ended_by == "revoked"
    with pytest.raises(NotAllowed, match="no proxy in force"):
        card.revoke_proxy(SYS, sitting, b2, at=d(10, 10, 15, 1))
    assert {e.action for e in JournalEntry.objects.all()} >= {
        "give_proxy",
        "revoke_proxy",
        "cast_card_vote",
    }


def test_a_substitute_holds_a_proxy_where_the_rules_allow_and_only_the_caster_casts() -> None:
    c = build_council(STRENGTHS, at=d(3, 1))
    (m1,) = c.members("Mensheviks")
    substitute = c.outsiders[0]
    sitting, item = sitting_with(
        c, absent=(m1,), proxies_allowed=True, proxy_limit=2, proxy_substitutes=True
    )
    users = get_user_model().objects
    sub_user = users.create_user("substitute", password="x")
    giver_user = users.create_user("giver", password="x")
    other_user = users.create_user("other", password="x")
    actions.link_member_user(SYS, substitute, sub_user, at=d(10, 10))
    actions.link_member_user(SYS, m1, giver_user, at=d(10, 10))
    with pytest.raises(PermissionDenied):
        card.give_proxy(other_user, sitting, m1, substitute, at=d(10, 10, 12))
    row = card.give_proxy(giver_user, sitting, m1, substitute, at=d(10, 10, 12))
    assert row.substitute
    v = vote.open_vote(SYS, item, "M1", method="card vote", at=d(10, 10, 13))
    with pytest.raises(NotAllowed, match="not in the hall"):
        card.cast_card_vote(sub_user, v, m1, "for", holder=substitute, at=d(10, 10, 13, 1))
    session.check_in(SYS, sitting, [substitute], at=d(10, 10, 13, 1))
    with pytest.raises(PermissionDenied):  # nobody casts as the holder but the holder
        card.cast_card_vote(other_user, v, m1, "for", holder=substitute, at=d(10, 10, 13, 2))
    with pytest.raises(PermissionDenied):  # nor as the voter in person
        card.cast_card_vote(sub_user, v, m1, "for", at=d(10, 10, 13, 2))
    ballot = card.cast_card_vote(sub_user, v, m1, "for", holder=substitute, at=d(10, 10, 13, 2))
    assert ballot.weight == "10"


def test_proxies_refused_where_the_rules_allow_none() -> None:
    c = build_council(STRENGTHS, at=d(3, 1))
    (m1,) = c.members("Mensheviks")
    sitting, _ = sitting_with(c, absent=(m1,))
    before = JournalEntry.objects.count()
    with pytest.raises(NotAllowed, match="allow no proxies"):
        card.give_proxy(SYS, sitting, m1, c.members("SRs")[0], at=d(10, 10, 12))
    assert JournalEntry.objects.count() == before


def test_a_card_weighed_again_in_the_table_is_found_by_the_audit() -> None:
    """The journal holds each card's weight and holder: a row changed beside it disagrees."""
    c = build_council(STRENGTHS, at=d(3, 1))
    _, item = sitting_with(c)
    v = vote.open_vote(SYS, item, "M1", method="card vote", at=d(10, 10, 13))
    member = c.members("Bolsheviks")[0]
    row = card.cast_card_vote(SYS, v, member, "for", at=d(10, 10, 13, 1))
    assert [p for p in check_state() if "card" in p] == []
    CardBallot.objects.filter(pk=row.pk).update(weight="5000")
    problems = [p for p in check_state() if "card" in p]
    assert len(problems) == 2  # the journal's card not in the table, the table's not journalled
    assert any("'23/2'" in p for p in problems)
