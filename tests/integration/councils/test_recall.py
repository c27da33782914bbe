"""Recall: thresholds, outcomes, permissions, and recall by a delegating council."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction

from smolny.councils import actions
from smolny.councils.models import (
    Election,
    JournalEntry,
    Mandate,
    Organ,
    OrganSeat,
    RecallPetition,
    RecallSignature,
)
from tests.integration.councils.conftest import Frame, d, make_frame

SYS = actions.SYSTEM


def seat_first_members(frame: Frame, fraction_name: str = "Bolsheviks") -> dict[str, Mandate]:
    """One deputy per constituency: the first member of each roll."""
    actions.apportion_council(SYS, frame.council, at=d(3, 1, 18))
    fraction = actions.create_fraction(SYS, frame.council, fraction_name, at=d(3, 2))
    mandates = {}
    for name, constituency in frame.constituencies.items():
        election = actions.open_election(SYS, constituency, seats=1, at=d(3, 3))
        member = frame.members[name][0]
        actions.record_election_result(SYS, election, [member], at=d(3, 4))
        mandates[name] = actions.seat_deputy(SYS, election, member, fraction=fraction, at=d(3, 5))
    return mandates


def vote_on(frame: Frame, mandate: Mandate, recall: int, keep: int) -> tuple[Mandate, str]:
    """Run a recall through petition and vote with the given numbers of ballots."""
    members = frame.members[mandate.constituency.name]
    petition = actions.open_recall_petition(SYS, mandate, members[1], at=d(5, 1))
    vote = None
    i = 2
    while vote is None:
        vote = actions.sign_recall_petition(SYS, petition, members[i], at=d(5, 2))
        i += 1
    voters = iter(members[1:])
    for _ in range(recall):
        actions.cast_recall_vote(SYS, vote, next(voters), True, at=d(5, 3))
    for _ in range(keep):
        actions.cast_recall_vote(SYS, vote, next(voters), False, at=d(5, 3))
    closed = actions.close_recall_vote(SYS, vote, at=d(5, 4))
    mandate.refresh_from_db()
    return mandate, closed.outcome


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("recall", "keep", "outcome"),
    [
        # Roll 30: quorum ceil(30/3) = 10 voting.
        (6, 3, "no quorum"),  # 9 voting
        (6, 4, "recalled"),  # 10 voting, 6 > 5
        (5, 5, "not recalled"),  # a tie: no majority
        (4, 7, "not recalled"),
        (10, 0, "recalled"),
    ],
)
def test_the_recall_vote_needs_quorum_and_a_majority_of_those_voting(
    recall: int, keep: int, outcome: str
) -> None:
    frame = make_frame({"Narva": 30}, at=d(3, 1))
    mandate = seat_first_members(frame)["Narva"]
    mandate, got = vote_on(frame, mandate, recall, keep)
    assert got == outcome
    by_elections = Election.objects.filter(kind=Election.BY_ELECTION, cause=mandate)
    if outcome == "recalled":
        assert mandate.end == d(5, 4)
        assert by_elections.count() == 1
    else:
        assert mandate.end is None
        assert not by_elections.exists()
    entry = JournalEntry.objects.order_by("-seq").first()
    assert entry is not None
    payload = json.loads(entry.payload)
    assert payload["outcome"] == outcome
    assert payload["quorum"] == 10
    if recall == keep:
        assert payload["tie"]["chosen"] == ["keep"]
    else:
        assert payload["tie"] is None


@pytest.mark.django_db
def test_petition_threshold_is_the_councils_setting() -> None:
    frame = make_frame({"Narva": 30}, at=d(3, 1), petition_threshold="1/2")
    mandate = seat_first_members(frame)["Narva"]
    petition = actions.open_recall_petition(SYS, mandate, frame.members["Narva"][1], at=d(5, 1))
    assert petition.threshold == 15
    members = frame.members["Narva"]
    votes = [actions.sign_recall_petition(SYS, petition, m, at=d(5, 2)) for m in members[2:16]]
    assert votes[:-1] == [None] * 13
    assert votes[-1] is not None  # the 15th signature


@pytest.mark.django_db
def test_only_the_constituencys_members_take_part() -> None:
    frame = make_frame({"Narva": 10, "Vyborg": 10}, at=d(3, 1))
    mandate = seat_first_members(frame)["Narva"]
    outsider = frame.members["Vyborg"][3]
    with pytest.raises(actions.NotAllowed, match="not on the roll of Narva"):
        actions.open_recall_petition(SYS, mandate, outsider, at=d(5, 1))
    petition = actions.open_recall_petition(SYS, mandate, frame.members["Narva"][1], at=d(5, 1))
    with pytest.raises(actions.NotAllowed, match="not on the roll of Narva"):
        actions.sign_recall_petition(SYS, petition, outsider, at=d(5, 2))
    with pytest.raises(actions.NotAllowed, match="under way already"):
        actions.open_recall_petition(SYS, mandate, frame.members["Narva"][2], at=d(5, 2))


@pytest.mark.django_db
def test_a_member_acts_for_themself_only() -> None:
    frame = make_frame({"Narva": 10}, at=d(3, 1))
    mandate = seat_first_members(frame)["Narva"]
    alice, bob = frame.members["Narva"][1], frame.members["Narva"][2]
    alice_user = User.objects.create_user("alice")
    actions.link_member_user(SYS, alice, alice_user, at=d(4, 1))
    with pytest.raises(actions.PermissionDenied):
        actions.open_recall_petition(alice_user, mandate, bob, at=d(5, 1))
    petition = actions.open_recall_petition(alice_user, mandate, alice, at=d(5, 1))
    assert petition.opened_by_id == alice.pk
    last = JournalEntry.objects.order_by("-seq").first()
    assert last is not None
    assert last.actor == f"user:{alice_user.pk}:alice"


@pytest.mark.django_db
def test_the_database_itself_refuses_a_second_live_signature() -> None:
    frame = make_frame({"Narva": 10}, at=d(3, 1))
    mandate = seat_first_members(frame)["Narva"]
    opener = frame.members["Narva"][1]
    petition = actions.open_recall_petition(SYS, mandate, opener, at=d(5, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        RecallSignature.objects.create(petition=petition, member=opener, signed_at=d(5, 2))
    # Withdrawn, a member may sign again: one live signature at a time.
    actions.withdraw_signature(SYS, petition, opener, at=d(5, 3))
    actions.sign_recall_petition(SYS, petition, opener, at=d(5, 4))
    assert RecallSignature.objects.filter(petition=petition, member=opener).count() == 2
    assert RecallSignature.objects.filter(petition=petition, withdrawn_at=None).count() == 1


@pytest.mark.django_db
def test_resignation_vacates_organ_seats_and_opens_a_by_election() -> None:
    frame = make_frame({"Narva": 10, "Vyborg": 10}, at=d(3, 1))
    mandates = seat_first_members(frame)
    presidium = actions.form_organ(
        SYS,
        frame.council,
        "Presidium",
        kind=Organ.PRESIDIUM,
        seat_rule=Organ.ELECTION,
        seats=3,
        elected=[mandates["Narva"], mandates["Vyborg"]],
        at=d(4, 1),
    )
    actions.resign_mandate(SYS, mandates["Narva"], at=d(4, 10))
    rows = OrganSeat.objects.filter(organ=presidium, end=None).order_by("number")
    assert [(r.status, r.holder_id) for r in rows] == [
        ("vacant", None),
        ("held", mandates["Vyborg"].pk),
        ("vacant", None),
    ]
    mandate = Mandate.objects.get(pk=mandates["Narva"].pk)
    assert mandate.end_reason == Mandate.RESIGNED
    assert Election.objects.filter(cause=mandate, kind=Election.BY_ELECTION).count() == 1
    with pytest.raises(actions.NotAllowed, match="ended already"):
        actions.resign_mandate(SYS, mandate, at=d(4, 11))


@pytest.mark.django_db
def test_a_congress_delegate_is_recalled_by_the_council_that_sent_them() -> None:
    frame = make_frame({"Narva": 12, "Vyborg": 12}, at=d(3, 1))
    mandates = seat_first_members(frame)
    congress = actions.create_council(
        SYS, frame.organisation, "First Congress", kind="congress", at=d(5, 1)
    )
    actions.set_representation_rule(SYS, congress, per=20, minimum=1, at=d(5, 1))
    delegation = actions.create_constituency(
        SYS, congress, "Petrograd Soviet", delegating_council=frame.council, at=d(5, 1)
    )
    apportionment = actions.apportion_council(SYS, congress, at=d(5, 2))
    # The Soviet represents 24 members: one per 20 -> 1 delegate.
    assert apportionment.house_size == 1
    election = actions.open_election(SYS, delegation, at=d(5, 3))
    not_a_deputy = frame.members["Narva"][5]
    with pytest.raises(actions.NotAllowed, match="holds no mandate"):
        actions.record_election_result(SYS, election, [not_a_deputy], at=d(5, 4))
    delegate = frame.members["Vyborg"][0]
    actions.record_election_result(SYS, election, [delegate], at=d(5, 4))
    mandate = actions.seat_deputy(SYS, election, delegate, at=d(5, 5))
    with pytest.raises(actions.NotAllowed, match="recalled by the delegating council"):
        actions.open_recall_petition(SYS, mandate, frame.members["Vyborg"][3], at=d(5, 6))
    with pytest.raises(actions.NotAllowed, match="not delegated by a council"):
        actions.recall_by_delegating_body(SYS, mandates["Narva"], at=d(5, 6))
    actions.recall_by_delegating_body(SYS, mandate, decision="resolution of 6 May", at=d(5, 6))
    mandate.refresh_from_db()
    assert mandate.end_reason == Mandate.RECALLED_BY_DELEGATING_BODY
    by_election = Election.objects.get(cause=mandate)
    assert by_election.constituency_id == delegation.pk
    # The deputy keeps the mandate in the Soviet itself.
    assert Mandate.objects.get(pk=mandates["Vyborg"].pk).end is None
    assert not RecallPetition.objects.filter(mandate=mandate).exists()


@pytest.mark.django_db
def test_a_recall_lapses_when_the_mandate_ends_otherwise() -> None:
    frame = make_frame({"Narva": 8}, at=d(3, 1))
    mandate = seat_first_members(frame)["Narva"]
    members = frame.members["Narva"]
    petition = actions.open_recall_petition(SYS, mandate, members[1], at=d(5, 1))
    vote = actions.sign_recall_petition(SYS, petition, members[2], at=d(5, 2))
    assert vote is not None
    actions.cast_recall_vote(SYS, vote, members[3], True, at=d(5, 3))
    actions.resign_mandate(SYS, mandate, at=d(5, 4))
    vote.refresh_from_db()
    assert (vote.outcome, vote.closed_at) == ("lapsed", d(5, 4))
    assert RecallPetition.objects.get(pk=petition.pk).status == RecallPetition.CLOSED
    with pytest.raises(actions.NotAllowed, match="closed"):
        actions.cast_recall_vote(SYS, vote, members[4], True, at=d(5, 5))
    with pytest.raises(actions.NotAllowed, match="closed"):
        actions.close_recall_vote(SYS, vote, at=d(5, 5))


@pytest.mark.django_db
def test_a_mandate_cannot_end_before_its_later_changes() -> None:
    frame = make_frame({"Narva": 8}, at=d(3, 1))
    mandate = seat_first_members(frame)["Narva"]
    other = actions.create_fraction(SYS, frame.council, "Left SRs", at=d(3, 2))
    actions.change_fraction(SYS, mandate, other, at=d(6, 1))
    with pytest.raises(actions.NotAllowed, match="changes recorded after"):
        actions.resign_mandate(SYS, mandate, at=d(5, 1))
    assert Mandate.objects.get(pk=mandate.pk).end is None
