"""A whole life of a council, on SQLite and PostgreSQL (the issue's "Done when").

A council with three constituencies is created, rolls imported, seats apportioned by the
ratio rule, deputies elected and seated, an executive formed proportionally between
fractions with one fraction refusing its seats, a deputy recalled by petition and vote,
the organ seat falls vacant, a by-election fills it — and the composition at each earlier
date is still answerable. Expected figures are worked out by hand in the comments.
"""

from __future__ import annotations

import pytest

from smolny import live
from smolny.councils import actions
from smolny.councils.models import (
    Election,
    JournalEntry,
    Mandate,
    Member,
    Organ,
    OrganSeat,
    RecallPetition,
)
from smolny.councils.queries import (
    CouncilComposition,
    OrganComposition,
    composition,
    seats_at,
)
from smolny.journal.chain import verify_journal
from tests.integration.councils.conftest import d, make_frame

SYS = actions.SYSTEM


def council_at(council: object, at: object) -> CouncilComposition:
    result = composition(council, at)  # type: ignore[arg-type]
    assert isinstance(result, CouncilComposition)
    return result


def organ_at(organ: Organ, at: object) -> OrganComposition:
    result = composition(organ, at)  # type: ignore[arg-type]
    assert isinstance(result, OrganComposition)
    return result


@pytest.mark.django_db(transaction=True)
def test_a_whole_life() -> None:
    # 1 March: the frame, three constituencies and their rolls.
    frame = make_frame(
        {"Putilov works": 45, "Obukhov works": 25, "1st company Volynsky": 8}, at=d(3, 1)
    )
    council = frame.council
    putilov, obukhov, volynsky = (
        frame.constituencies[n] for n in ("Putilov works", "Obukhov works", "1st company Volynsky")
    )
    pw, ow, vc = (frame.members[c.name] for c in (putilov, obukhov, volynsky))
    subscription = live.subscribe(f"organisation:{frame.organisation.pk}")
    journal_before = JournalEntry.objects.count()

    # Apportionment by the ratio rule, one per 10 at least one:
    # 45 -> 4, 25 -> 2, 8 -> max(1, 0) = 1.
    apportionment = actions.apportion_council(SYS, council, at=d(3, 1, 18))
    assert apportionment.house_size == 7
    assert [seats_at(c, d(3, 2)) for c in (putilov, obukhov, volynsky)] == [4, 2, 1]
    assert seats_at(putilov, d(3, 1, 17)) == 0  # before the apportionment

    bolsheviks = actions.create_fraction(SYS, council, "Bolsheviks", at=d(3, 2))
    srs = actions.create_fraction(SYS, council, "SRs", at=d(3, 2))
    mensheviks = actions.create_fraction(SYS, council, "Mensheviks", at=d(3, 2))

    # Elections and seating: Bolsheviks 3, SRs 3, Mensheviks 1.
    plan = {
        putilov: [(pw[0], bolsheviks), (pw[1], bolsheviks), (pw[2], srs), (pw[3], mensheviks)],
        obukhov: [(ow[0], bolsheviks), (ow[1], srs)],
        volynsky: [(vc[0], srs)],
    }
    mandates: dict[str, Mandate] = {}
    for constituency, seated in plan.items():
        election = actions.open_election(SYS, constituency, at=d(3, 3))
        assert election.seats == len(seated)
        actions.record_election_result(
            SYS,
            election,
            [m for m, _ in seated],
            votes={m.name: 100 for m, _ in seated},
            at=d(3, 4),
        )
        for member, fraction in seated:
            mandates[member.external_id] = actions.seat_deputy(
                SYS, election, member, fraction=fraction, at=d(3, 5)
            )
    # A member not elected cannot be seated; nor one elected twice.
    putilov_election = Election.objects.get(constituency=putilov, kind=Election.REGULAR)
    with pytest.raises(actions.NotAllowed, match="not declared elected"):
        actions.seat_deputy(SYS, putilov_election, pw[5], at=d(3, 5))
    with pytest.raises(actions.NotAllowed, match="seated from this election already"):
        actions.seat_deputy(SYS, putilov_election, pw[0], at=d(3, 5))

    seated_council = council_at(council, d(3, 6))
    assert len(seated_council.deputies) == 7
    assert seated_council.by_fraction() == {"Bolsheviks": 3, "SRs": 3, "Mensheviks": 1}

    # The executive, 5 seats by Sainte-Laguë over 3/3/1: quotients 3, 3, 1, 1, 1 (B, S, B, S,
    # M) -> B 2, S 2, M 1; the Mensheviks refuse their seat, which stays vacant.
    executive = actions.form_organ(
        SYS,
        council,
        "Executive Committee",
        kind=Organ.EXECUTIVE,
        seat_rule=Organ.PROPORTIONAL,
        seats=5,
        refusing=["Mensheviks"],
        nominees={
            "Bolsheviks": [mandates[pw[0].external_id], mandates[pw[1].external_id]],
            "SRs": [mandates[pw[2].external_id], mandates[ow[1].external_id]],
        },
        at=d(3, 10),
    )
    formed = organ_at(executive, d(3, 11))
    assert [(s.number, s.status, s.fraction) for s in formed.seats] == [
        (1, "held", "Bolsheviks"),
        (2, "held", "Bolsheviks"),
        (3, "held", "SRs"),
        (4, "held", "SRs"),
        (5, "refused", "Mensheviks"),
    ]
    assert formed.seats[0].holder == pw[0].name
    assert executive.allotment["entitled"] == {"Bolsheviks": 2, "SRs": 2, "Mensheviks": 1}

    # Recall of the first Putilov deputy. Roll 45: threshold ceil(45/4) = 12 signatures.
    target = mandates[pw[0].external_id]
    petition = actions.open_recall_petition(SYS, target, pw[9], at=d(6, 1))
    assert (petition.roll_size, petition.threshold) == (45, 12)
    for member in pw[10:15]:  # 6 signatures
        assert actions.sign_recall_petition(SYS, petition, member, at=d(6, 2)) is None
    actions.withdraw_signature(SYS, petition, pw[10], at=d(6, 3))  # 5 left
    for member in pw[15:21]:  # 11
        assert actions.sign_recall_petition(SYS, petition, member, at=d(6, 4)) is None
    with pytest.raises(actions.AlreadyDone):
        actions.sign_recall_petition(SYS, petition, pw[12], at=d(6, 4))
    vote = actions.sign_recall_petition(SYS, petition, pw[21], at=d(6, 4, 13))  # 12
    assert vote is not None
    assert RecallPetition.objects.get(pk=petition.pk).status == RecallPetition.VOTE
    with pytest.raises(actions.NotAllowed, match="can no longer be withdrawn"):
        actions.withdraw_signature(SYS, petition, pw[15], at=d(6, 4, 14))

    # The recall vote: quorum ceil(45/3) = 15; 12 recall, 5 keep: 17 voting, 12 > 8.5.
    for member in pw[9:21]:
        actions.cast_recall_vote(SYS, vote, member, True, at=d(6, 5))
    for member in pw[30:35]:
        actions.cast_recall_vote(SYS, vote, member, False, at=d(6, 5))
    with pytest.raises(actions.AlreadyDone):
        actions.cast_recall_vote(SYS, vote, pw[30], True, at=d(6, 5))
    with pytest.raises(actions.NotAllowed, match="not on the roll"):
        actions.cast_recall_vote(SYS, vote, ow[5], True, at=d(6, 5))
    closed = actions.close_recall_vote(SYS, vote, at=d(6, 7))
    assert (closed.outcome, closed.votes_recall, closed.votes_keep) == ("recalled", 12, 5)

    target.refresh_from_db()
    assert target.end == d(6, 7)
    assert target.end_reason == Mandate.RECALLED
    after_recall = organ_at(executive, d(6, 8))
    assert after_recall.seats[0].status == OrganSeat.VACANT
    assert after_recall.seats[0].fraction == "Bolsheviks"
    assert after_recall.seats[0].holder is None
    assert council_at(council, d(6, 8)).by_fraction() == {
        "Bolsheviks": 2,
        "SRs": 3,
        "Mensheviks": 1,
    }
    by_election = Election.objects.get(kind=Election.BY_ELECTION, cause=target)
    assert by_election.constituency_id == putilov.pk
    assert by_election.seats == 1

    # The by-election fills the seat; the Bolsheviks name the new deputy to the executive.
    newcomer = Member.objects.get(external_id=pw[29].external_id)
    actions.record_election_result(SYS, by_election, [newcomer], at=d(6, 20))
    new_mandate = actions.seat_deputy(SYS, by_election, newcomer, fraction=bolsheviks, at=d(6, 21))
    actions.fill_organ_seat(SYS, executive, 1, new_mandate, at=d(6, 22))

    # Every date answers with its own composition.
    assert len(council_at(council, d(3, 1, 13)).deputies) == 0
    assert organ_at(executive, d(3, 9)).seats == ()
    assert organ_at(executive, d(4, 1)).seats[0].holder == pw[0].name
    assert organ_at(executive, d(6, 8)).seats[0].holder is None
    assert organ_at(executive, d(6, 23)).seats[0].holder == newcomer.name
    assert organ_at(executive, d(6, 23)).count(OrganSeat.REFUSED) == 1
    final = council_at(council, d(6, 23))
    assert final.by_fraction() == {"Bolsheviks": 3, "SRs": 3, "Mensheviks": 1}
    assert pw[0].name not in {x.name for x in final.deputies}
    assert pw[0].name in {x.name for x in council_at(council, d(6, 6)).deputies}

    # The journal holds, and every committed action was published live, in order.
    entries = list(JournalEntry.objects.filter(seq__gt=journal_before).order_by("seq"))
    assert verify_journal()[1] is None
    events = list(subscription)
    subscription.close()
    assert [e["seq"] for e in events] == [e.seq for e in entries]
    assert events[-1]["action"] == "fill_organ_seat"
    recall_event = next(e for e in events if e["action"] == "close_recall_vote")
    assert recall_event["payload"]["ended"]["vacated_seats"] == [{"organ": executive.pk, "seat": 1}]
