"""A three-level federation on the database: 12 local councils -> 2 regional congresses ->
1 national congress, built and changed only through the actions.

Expected figures are computed in the comments from the rules' texts (ratio: one delegate per
N members represented, rounded down, at least one; Hamilton: whole quotas, then the largest
remainders), not copied from the code's output.
"""

from __future__ import annotations

import pytest

from smolny.councils import actions
from smolny.councils.actions import ActionError, NotAllowed, agenda, motion, session
from smolny.councils.actions import vote as votes
from smolny.councils.models import Council, Election, JournalEntry, Mandate, Organ, OrganSeat
from smolny.councils.models.dated import valid_at
from smolny.councils.queries import OrganComposition, composition, roll_counts
from smolny.federation import actions as fed
from smolny.federation.models import Convocation, Credential
from smolny.federation.queries import commissariat_at, current_central_executive, delegation_seats
from smolny.journal.chain import verify_journal
from smolny.rules.ballots import BallotSet
from smolny.rules.majority import Base, MajorityRule, Tally
from tests.integration.federation.conftest import (
    SYS,
    Local,
    d,
    delegation,
    elect_delegates,
    local_council,
    roll,
)

# Region A: ratio rule, one delegate per 25 members, at least one.
REGION_A = {"Narva": 30, "Vyborg": 40, "Kolpino": 50, "Obukhov": 60, "Putilov": 70, "Okhta": 80}
# Region B: a fixed house of 10 by Hamilton's method.
REGION_B = {"Tver": 35, "Klin": 45, "Rzhev": 55, "Kashin": 90, "Torzhok": 100, "Bezhetsk": 120}


def build_regions() -> tuple[dict[str, Local], Council, Council]:
    organisation = actions.create_organisation(SYS, "Soviets of the North", at=d(3, 1))
    locals_ = {
        name: local_council(organisation, name, n, at=d(3, 1))
        for name, n in {**REGION_A, **REGION_B}.items()
    }
    region_a = actions.create_council(
        SYS, organisation, "Congress of Region A", kind=Council.CONGRESS, at=d(3, 2)
    )
    region_b = actions.create_council(
        SYS, organisation, "Congress of Region B", kind=Council.CONGRESS, at=d(3, 2)
    )
    actions.set_representation_rule(SYS, region_a, per=25, minimum=1, at=d(3, 2))
    actions.set_representation_rule(SYS, region_b, house_size=10, method="hamilton", at=d(3, 2))
    for names, region in ((REGION_A, region_a), (REGION_B, region_b)):
        for name in names:
            actions.create_constituency(
                SYS, region, name, delegating_council=locals_[name].council, at=d(3, 2)
            )
        fed.set_congress_settings(SYS, region, demand_share="1/2", at=d(3, 2))
    return locals_, region_a, region_b


def test_a_three_level_federation(db: None) -> None:
    locals_, region_a, region_b = build_regions()

    # -- Convocation on demand: councils representing half the membership are needed.
    # Region A: 30+40+50+60+70+80 = 330 members; Narva, Vyborg and Kolpino represent 120.
    for name in ("Narva", "Vyborg", "Kolpino"):
        fed.demand_convocation(SYS, region_a, locals_[name].council, at=d(3, 3))
    with pytest.raises(NotAllowed, match="represent 120 of 330 members; 1/2 is needed"):
        fed.convene_congress(SYS, region_a, at=d(3, 4))
    # Narva's roll grows by 25 before the convocation: 145 + Obukhov's 60 = 205 of 355.
    narva = locals_["Narva"]
    actions.import_roll(
        SYS,
        narva.council,
        roll("Narva", "Narva works", 31, 25),
        at=d(3, 5),
    )
    fed.demand_convocation(SYS, region_a, locals_["Obukhov"].council, at=d(3, 5))
    convocation_a = fed.convene_congress(SYS, region_a, at=d(3, 6))
    assert convocation_a.convened_by == Convocation.ON_DEMAND
    assert convocation_a.demand["membership"] == 205
    assert convocation_a.demand["total"] == 355
    # Recomputed from the rolls at convocation: Narva now has 55 members -> 2 delegates.
    expected_a = {n: max(1, m // 25) for n, m in {**REGION_A, "Narva": 55}.items()}
    assert expected_a == {
        "Narva": 2,
        "Vyborg": 1,
        "Kolpino": 2,
        "Obukhov": 2,
        "Putilov": 2,
        "Okhta": 3,
    }
    seats_a = {s.council: s.seats for s in delegation_seats(convocation_a)}
    assert seats_a == expected_a

    for name in REGION_B:
        fed.demand_convocation(SYS, region_b, locals_[name].council, at=d(3, 3))
    convocation_b = fed.convene_congress(SYS, region_b, at=d(3, 6))
    # Hamilton, 10 seats over 445: quotas 0.787, 1.011, 1.236, 2.022, 2.247, 2.697; whole
    # parts 0+1+1+2+2+2 = 8; the two largest remainders (0.787 Tver, 0.697 Bezhetsk) get one.
    seats_b = {s.council: s.seats for s in delegation_seats(convocation_b)}
    assert seats_b == {
        "Tver": 1,
        "Klin": 1,
        "Rzhev": 1,
        "Kashin": 2,
        "Torzhok": 2,
        "Bezhetsk": 3,
    }

    # -- Each local council elects its delegates from its deputies.
    regional: dict[str, list[Mandate]] = {}
    for names, region in ((REGION_A, region_a), (REGION_B, region_b)):
        for name in names:
            local = locals_[name]
            regional[name] = elect_delegates(
                delegation(region, local.council),
                [m.member for m in local.deputies],
                at=d(3, 8),
            )
    # A roll member who is not a deputy cannot be sent: the councils' eligibility rule.
    okhta = locals_["Okhta"]
    outsider = okhta.deputies[0].member.constituency.members.order_by("-external_id")[0]
    by_election = actions.open_election(
        SYS, delegation(region_a, okhta.council), seats=1, at=d(3, 8)
    )
    with pytest.raises(NotAllowed, match="holds no mandate in the delegating council"):
        actions.record_election_result(SYS, by_election, [outsider], at=d(3, 8))

    # -- Credentials: one Putilov delegate has resigned the Putilov mandate before the check.
    putilov = locals_["Putilov"]
    resigning = regional["Putilov"][0]
    local_mandate = Mandate.objects.get(council=putilov.council, member=resigning.member)
    actions.resign_mandate(SYS, local_mandate, at=d(3, 9))
    found = fed.check_credentials(SYS, convocation_a, at=d(3, 10))
    refused = [c for c in found if not c.accepted]
    assert [c.mandate_id for c in refused] == [resigning.pk]
    assert "holds no mandate in the delegating council" in refused[0].reason
    assert len(found) == sum(expected_a.values())
    fed.check_credentials(SYS, convocation_b, at=d(3, 10))

    # The congress cannot elect its executive with an uncredentialed delegate in it ...
    with pytest.raises(NotAllowed, match="without accepted credentials"):
        fed.elect_central_executive(
            SYS, convocation_a, "Executive of Region A", seats=3, at=d(3, 11)
        )
    # ... so Putilov recalls its delegate and elects a replacement from its current deputies.
    actions.recall_by_delegating_body(SYS, resigning, decision="mandate resigned", at=d(3, 11))
    resigning.refresh_from_db()
    assert resigning.end_reason == Mandate.RECALLED_BY_DELEGATING_BODY
    by_election = delegation(region_a, putilov.council).elections.get(cause=resigning)
    sitting = {m.member_id for m in regional["Putilov"]}
    replacement = next(
        m.member
        for m in Mandate.objects.filter(valid_at(d(3, 12)), council=putilov.council)
        if m.member_id not in sitting
    )
    actions.record_election_result(SYS, by_election, [replacement], at=d(3, 12))
    new_mandate = actions.seat_deputy(SYS, by_election, replacement, at=d(3, 12))
    (finding,) = fed.check_credentials(SYS, convocation_a, at=d(3, 13))
    assert finding.mandate_id == new_mandate.pk
    assert finding.accepted

    # -- The national congress: its constituencies are the regional congresses, and each
    # represents the sum of its member councils' rolls (355 and 445).
    organisation = region_a.organisation
    national = actions.create_council(
        SYS, organisation, "National Congress", kind=Council.CONGRESS, at=d(4, 1)
    )
    actions.set_representation_rule(SYS, national, per=50, minimum=1, at=d(4, 1))
    for region in (region_a, region_b):
        actions.create_constituency(
            SYS, national, region.name, delegating_council=region, at=d(4, 1)
        )
    counts = roll_counts(national, d(4, 2))
    assert sorted(counts.values()) == [355, 445]
    fed.set_congress_settings(SYS, national, demand_share="1/2", at=d(4, 1))
    fed.demand_convocation(SYS, national, region_b, at=d(4, 2))
    first = fed.convene_congress(SYS, national, at=d(4, 3))
    # 355 // 50 = 7 and 445 // 50 = 8.
    assert {s.council: s.seats for s in delegation_seats(first)} == {
        region_a.name: 7,
        region_b.name: 8,
    }
    fractions = {
        name: actions.create_fraction(SYS, national, name, at=d(4, 3))
        for name in ("Bolsheviks", "SRs", "Mensheviks")
    }
    # 15 delegates: 8 Bolsheviks, 4 SRs, 3 Mensheviks.
    plan_a = ["Bolsheviks"] * 4 + ["SRs"] * 2 + ["Mensheviks"]
    plan_b = ["Bolsheviks"] * 4 + ["SRs"] * 2 + ["Mensheviks"] * 2
    national_delegates = []
    for region, plan in ((region_a, plan_a), (region_b, plan_b)):
        candidates = [
            m.member
            for m in Mandate.objects.filter(valid_at(d(4, 4)), council=region).order_by("pk")
        ]
        national_delegates += elect_delegates(
            delegation(national, region),
            candidates,
            at=d(4, 4),
            fractions=[fractions[f] for f in plan],
        )
    credentials = fed.check_credentials(SYS, first, at=d(4, 5))
    assert len(credentials) == 15
    assert all(c.accepted for c in credentials)

    # -- The central executive, proportional by Sainte-Laguë over 8/4/3 for 5 seats:
    # quotients 8 B, 4 S, 3 M, 2.67 B, 1.6 B (next: 1.33 S, 1.14 B, 1 M) -> B 3, S 1, M 1.
    by_fraction: dict[str, list[Mandate]] = {}
    for mandate, name in zip(national_delegates, plan_a + plan_b, strict=True):
        by_fraction.setdefault(name, []).append(mandate)
    nominees = {
        "Bolsheviks": by_fraction["Bolsheviks"][:3],
        "SRs": by_fraction["SRs"][:1],
        "Mensheviks": by_fraction["Mensheviks"][:1],
    }
    executive = fed.elect_central_executive(
        SYS, first, "Central Executive Committee", seats=5, nominees=nominees, at=d(4, 6)
    )
    organ = executive.organ
    assert organ.kind == Organ.EXECUTIVE
    assert organ.allotment["entitled"] == {"Bolsheviks": 3, "SRs": 1, "Mensheviks": 1}
    seats = composition(organ, d(4, 6))
    assert isinstance(seats, OrganComposition)
    assert seats.count(OrganSeat.HELD) == 5

    # -- The commissariat, appointed by the central executive (5 seated).
    sovnarkom = fed.create_commissariat(
        SYS, "Council of People's Commissars", appointed_by=organ, at=d(4, 7)
    )
    members = [m.member for m in national_delegates[:3]]
    posts = {}
    for member, portfolio in zip(members, ("Foreign Affairs", "Labour", "Food"), strict=True):
        decision, appointment = fed.appoint_commissar(
            SYS, sovnarkom, member, portfolio, tally=Tally(4, 1), at=d(4, 7)
        )
        assert decision.outcome == "carried"
        assert decision.seated == 5
        assert appointment is not None
        posts[portfolio] = appointment
    # A motion that fails appoints nobody but is recorded.
    lost, nobody = fed.appoint_commissar(
        SYS, sovnarkom, national_delegates[3].member, "War", tally=Tally(2, 2), at=d(4, 7)
    )
    assert nobody is None
    assert lost.outcome == "tied — lost"
    # Removal needs an absolute majority of the members seated here: 3 of 5 carries it,
    # 2 of 5 (with 3 absent) does not.
    absolute = MajorityRule.absolute(Base.SEATED)
    kept = fed.remove_commissar(
        SYS, posts["Food"], tally=Tally(2, 0, present=2), rule=absolute, at=d(5, 1)
    )
    assert kept.outcome == "lost"
    removed = fed.remove_commissar(SYS, posts["Food"], tally=Tally(3, 2), rule=absolute, at=d(5, 2))
    assert removed.outcome == "carried"
    before = {p.portfolio for p in commissariat_at(sovnarkom, d(5, 1, 18))}
    assert before == {"Foreign Affairs", "Labour", "Food"}
    assert {p.portfolio for p in commissariat_at(sovnarkom, d(5, 2))} == {
        "Foreign Affairs",
        "Labour",
    }
    with pytest.raises(NotAllowed, match="no longer holds"):
        fed.remove_commissar(SYS, posts["Food"], tally=Tally(5, 0), at=d(5, 3))

    # -- Region A recalls a national delegate who sits on the executive: the executive seat
    # falls vacant, a by-election opens, and the replacement passes the credentials step.
    recalled = nominees["Bolsheviks"][0]
    assert recalled.constituency.delegating_council_id == region_a.pk
    actions.recall_by_delegating_body(SYS, recalled, decision="recalled by Region A", at=d(5, 4))
    held = {s.mandate for s in composition(organ, d(5, 4)).seats}  # type: ignore[union-attr]
    assert recalled.pk not in held
    by_election = delegation(national, region_a).elections.get(cause=recalled)
    sent = set(Mandate.objects.filter(council=national).values_list("member_id", flat=True))
    substitute = next(
        m.member
        for m in Mandate.objects.filter(valid_at(d(5, 5)), council=region_a).order_by("pk")
        if m.member_id not in sent
    )
    actions.record_election_result(SYS, by_election, [substitute], at=d(5, 5))
    actions.seat_deputy(SYS, by_election, substitute, fraction=fractions["Bolsheviks"], at=d(5, 5))
    (finding,) = fed.check_credentials(SYS, first, at=d(5, 6))
    assert finding.accepted

    # -- Between congresses the central executive convenes the next one. Bezhetsk has grown by
    # 100 members: Region B now represents 545 -> 545 // 50 = 10 delegates; Region A still 7.
    actions.import_roll(
        SYS,
        locals_["Bezhetsk"].council,
        roll("Bezhetsk", "Bezhetsk works", 121, 100),
        at=d(5, 20),
    )
    stranger = actions.form_organ(
        SYS,
        national,
        "Credentials Commission",
        kind=Organ.COMMISSION,
        seat_rule=Organ.ELECTION,
        seats=1,
        at=d(5, 21),
    )
    with pytest.raises(NotAllowed, match="is not the central executive"):
        fed.convene_congress(SYS, national, by=stranger, at=d(6, 1))
    sitting_before = Mandate.objects.filter(council=national, end=None).count()
    assert sitting_before == 15
    second = fed.convene_congress(SYS, national, by=organ, at=d(6, 1))
    assert second.number == 2
    assert second.convened_by == Convocation.BY_CENTRAL_EXECUTIVE
    assert {s.council: (s.membership, s.seats) for s in delegation_seats(second)} == {
        region_a.name: (355, 7),
        region_b.name: (545, 10),
    }
    # The first convocation's mandates have expired; no by-election was opened for them; the
    # outgoing executive is still in office, its seats vacant until the congress replaces it.
    assert not Mandate.objects.filter(council=national, end=None).exists()
    assert Mandate.objects.filter(council=national, end_reason=Mandate.EXPIRED).count() == 15
    assert not Election.objects.filter(cause__council=national, cause__end=d(6, 1)).exists()
    outgoing = composition(organ, d(6, 1))
    assert isinstance(outgoing, OrganComposition)
    assert outgoing.count(OrganSeat.HELD) == 0
    assert current_central_executive(national, d(6, 1)) == executive
    with pytest.raises(NotAllowed, match="no delegate is waiting"):
        fed.check_credentials(SYS, second, at=d(6, 2))
    new_delegates = []
    for region in (region_a, region_b):
        candidates = [
            m.member
            for m in Mandate.objects.filter(valid_at(d(6, 3)), council=region).order_by("pk")
        ]
        new_delegates += elect_delegates(
            delegation(national, region),
            candidates,
            at=d(6, 3),
            fractions=[fractions["Bolsheviks"]] * 10,
        )
    assert len(new_delegates) == 17
    assert all(c.accepted for c in fed.check_credentials(SYS, second, at=d(6, 4)))
    with pytest.raises(NotAllowed, match="has been succeeded"):
        fed.elect_central_executive(SYS, first, "Old", seats=3, at=d(6, 5))
    successor = fed.elect_central_executive(
        SYS,
        second,
        "Second Central Executive Committee",
        seats=3,
        nominees={"Bolsheviks": new_delegates[:3]},
        at=d(6, 5),
    )
    executive.refresh_from_db()
    assert executive.end == d(6, 5)
    assert current_central_executive(national, d(6, 5)) == successor
    assert current_central_executive(national, d(6, 4)) == executive
    # The commissariat answers to the central executive in office: the successor removes.
    decision = fed.remove_commissar(SYS, posts["Labour"], tally=Tally(2, 1), at=d(6, 6))
    assert decision.body == f"organ:{successor.organ_id}"
    assert decision.seated == 3
    assert {p.portfolio for p in commissariat_at(sovnarkom, d(6, 6))} == {"Foreign Affairs"}

    # A removal decided by a vote in a session of the central executive (issue 5's procedure).
    ce = successor.organ
    holders = [m.member for m in new_delegates[:3]]
    session.set_organ_rules(SYS, ce, at=d(6, 6))
    sitting = session.convene_session(SYS, ce, "Sitting", starts_at=d(6, 10), at=d(6, 7))
    session.check_in(SYS, sitting, holders, at=d(6, 10))
    session.open_session(SYS, sitting, chair=holders[0], at=d(6, 10))
    item = agenda.add_agenda_item(SYS, sitting, "The Commissar for Foreign Affairs", at=d(6, 10))
    motion.move_motion(SYS, item, "main", text="Remove the commissar.", at=d(6, 10, 12, 5))
    taken = votes.open_vote(SYS, item, "M1", method="show of hands", at=d(6, 10, 13))
    votes.enter_counts(SYS, taken, for_votes=2, against=1, at=d(6, 10, 13))
    taken = votes.close_vote(SYS, taken, at=d(6, 10, 13, 1))
    with pytest.raises(ActionError, match="not both"):
        fed.remove_commissar(
            SYS, posts["Foreign Affairs"], vote=taken, tally=Tally(2, 1), at=d(6, 10, 14)
        )
    by_vote = fed.remove_commissar(SYS, posts["Foreign Affairs"], vote=taken, at=d(6, 10, 14))
    assert (by_vote.vote_id, by_vote.outcome, by_vote.votes_for, by_vote.seated) == (
        taken.pk,
        "carried",
        2,
        3,
    )
    assert commissariat_at(sovnarkom, d(6, 10, 14)) == []
    with pytest.raises(NotAllowed, match="decided another question already"):
        fed.appoint_commissar(SYS, sovnarkom, holders[1], "Labour", vote=taken, at=d(6, 10, 15))

    # -- Every step is in the journal, and the chain holds.
    done = set(JournalEntry.objects.values_list("action", flat=True))
    assert {
        "demand_convocation",
        "convene_congress",
        "apportion_council",
        "record_election_result",
        "seat_deputy",
        "check_credentials",
        "elect_central_executive",
        "form_organ",
        "create_commissariat",
        "appoint_commissar",
        "remove_commissar",
        "recall_by_delegating_body",
    } <= done
    checked, broken = verify_journal()
    assert broken is None
    assert checked == JournalEntry.objects.count()
    assert Credential.objects.filter(accepted=False).count() == 1


def test_stv_central_executive_and_bad_calls(db: None) -> None:
    """Delegates elected by a count; a congress electing its executive by STV; refusals."""
    organisation = actions.create_organisation(SYS, "Small federation", at=d(3, 1))
    one = local_council(organisation, "Alpha", 60, at=d(3, 1))
    two = local_council(organisation, "Beta", 40, at=d(3, 1))
    congress = actions.create_council(
        SYS, organisation, "Congress", kind=Council.CONGRESS, at=d(3, 2)
    )
    actions.set_representation_rule(SYS, congress, per=20, minimum=1, at=d(3, 2))
    for local in (one, two):
        actions.create_constituency(
            SYS, congress, local.council.name, delegating_council=local.council, at=d(3, 2)
        )
    with pytest.raises(NotAllowed, match="represent 0 of 100 members"):
        fed.convene_congress(SYS, congress, at=d(3, 3))
    with pytest.raises(NotAllowed, match="not a member council"):
        fed.demand_convocation(SYS, congress, congress, at=d(3, 3))
    fed.demand_convocation(SYS, congress, one.council, at=d(3, 3))  # 60 of 100 >= 1/3
    with pytest.raises(NotAllowed, match="outstanding already"):
        fed.demand_convocation(SYS, congress, one.council, at=d(3, 3))
    convocation = fed.convene_congress(SYS, congress, at=d(3, 4))
    # Alpha counts its deputies' ballots for its 3 delegates (60 // 20) by Scottish STV:
    # 6 deputies vote, quota floor(6/4)+1 = 2; deputies 5, 4 and 3 have two first
    # preferences each and are elected at the first stage.
    alpha = delegation(congress, one.council)
    election = actions.open_election(SYS, alpha, at=d(3, 5))
    names = tuple(m.member.external_id for m in one.deputies)
    counted = BallotSet(names, ((5, 0), (4, 1), (3, 2)), (2, 2, 2), seats=3)
    actions.count_election(SYS, election, counted, at=d(3, 5))
    winners = [w.member for w in election.winners.order_by("position")]
    assert {m.external_id for m in winners} == {names[3], names[4], names[5]}
    delegates = [actions.seat_deputy(SYS, election, m, at=d(3, 5)) for m in winners]
    delegates += elect_delegates(
        delegation(congress, two.council), [m.member for m in two.deputies], at=d(3, 5)
    )
    assert len(delegates) == 3 + 2  # 40 // 20 for Beta
    ids = [m.member.external_id for m in delegates]
    ballots_needed = "stv"
    with pytest.raises(NotAllowed, match="credentials"):
        fed.elect_central_executive(
            SYS,
            convocation,
            "Presidium",
            seats=2,
            seat_rule=ballots_needed,
            ballots=BallotSet(tuple(ids), ((0,),), (1,)),
            at=d(3, 6),
        )
    fed.check_credentials(SYS, convocation, at=d(3, 6))
    # 5 ballots: 3 rank delegate 0 first, 2 rank delegate 4 first; quota for 2 seats is
    # floor(5/3)+1 = 2: both reach it at the first stage.
    ballots = BallotSet(tuple(ids), ((0, 1), (4, 3)), (3, 2), seats=2)
    executive = fed.elect_central_executive(
        SYS, convocation, "Presidium", seats=2, seat_rule="stv", ballots=ballots, at=d(3, 7)
    )
    result = composition(executive.organ, d(3, 7))
    assert isinstance(result, OrganComposition)
    assert result.holders() == {delegates[0].member.name, delegates[4].member.name}
    strangers = BallotSet((*ids, "Alpha-0060"), ((5,),), (1,), seats=1)
    with pytest.raises(NotAllowed, match="not delegates: Alpha-0060"):
        fed.elect_central_executive(
            SYS, convocation, "Other", seats=1, seat_rule="stv", ballots=strangers, at=d(3, 8)
        )
