"""Membership over time (issue 15, item 4): leaving, moving, rejoining, and everything counted
from the rolls following the date: roll sizes, petition thresholds, apportionment and the
right to sign and vote. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from smolny.councils import actions
from smolny.councils.actions import membership
from smolny.councils.actions.recall import AlreadyDone
from smolny.councils.models import JournalEntry, Member
from smolny.councils.queries import roll_size, seats_at
from smolny.councils.queries.rolls import entry_at, history
from tests.integration.councils.conftest import d, make_frame

pytestmark = pytest.mark.django_db

SYS = actions.SYSTEM


def entry(action: str) -> dict[str, object]:
    payload: dict[str, object] = json.loads(
        JournalEntry.objects.filter(action=action).latest("seq").payload
    )
    return payload


def test_leaving_ends_the_entry_and_the_roll_shrinks_from_that_moment() -> None:
    frame = make_frame({"Narva": 20, "Vyborg": 10}, at=d(3, 1))
    narva = frame.constituencies["Narva"]
    leaver = frame.members["Narva"][5]
    membership.leave_roll(SYS, leaver, reason="retired", at=d(4, 1))
    assert roll_size(narva, d(3, 31)) == 20
    assert roll_size(narva, d(4, 1)) == 19
    leaver.refresh_from_db()
    assert leaver.end == d(4, 1)
    assert entry("leave_roll") == {
        "at": "1917-04-01T12:00:00.000000+00:00",
        "organisation": frame.organisation.pk,
        "member": leaver.external_id,
        "constituency": narva.pk,
        "reason": "retired",
    }
    with pytest.raises(actions.NotAllowed, match="on no roll"):
        membership.leave_roll(SYS, leaver, at=d(4, 2))


def test_moving_changes_both_rolls_at_one_instant_and_apportionment_follows() -> None:
    frame = make_frame({"Narva": 20, "Vyborg": 10}, at=d(3, 1), per=10)
    narva, vyborg = frame.constituencies["Narva"], frame.constituencies["Vyborg"]
    actions.apportion_council(SYS, frame.council, at=d(3, 2))
    assert (seats_at(narva, d(3, 2)), seats_at(vyborg, d(3, 2))) == (2, 1)
    movers = frame.members["Narva"][:10]
    moved = [membership.move_member(SYS, m, vyborg, at=d(4, 1)) for m in movers]
    assert {m.constituency_id for m in moved} == {vyborg.pk}
    assert (roll_size(narva, d(4, 1)), roll_size(vyborg, d(4, 1))) == (10, 20)
    assert (roll_size(narva, d(3, 31)), roll_size(vyborg, d(3, 31))) == (20, 10)
    actions.apportion_council(SYS, frame.council, at=d(4, 2))
    assert (seats_at(narva, d(4, 2)), seats_at(vyborg, d(4, 2))) == (1, 2)
    # The apportionment in force in March is the March one still.
    assert (seats_at(narva, d(3, 15)), seats_at(vyborg, d(3, 15))) == (2, 1)
    rows = history(movers[0])
    assert [(r.constituency.name, r.start, r.end) for r in rows] == [
        ("Narva", d(3, 1), d(4, 1)),
        ("Vyborg", d(4, 1), None),
    ]
    assert entry_at(movers[0], d(3, 15)).constituency_id == narva.pk  # type: ignore[union-attr]
    with pytest.raises(actions.NotAllowed, match="already"):
        membership.move_member(SYS, moved[0], vyborg, at=d(4, 3))


def test_rejoining_brings_back_the_person_with_their_account_and_address() -> None:
    frame = make_frame({"Narva": 12, "Vyborg": 8}, at=d(3, 1))
    narva, vyborg = frame.constituencies["Narva"], frame.constituencies["Vyborg"]
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("ivan", email="ivan@narva.test")
    person = frame.members["Narva"][0]
    actions.link_member_user(SYS, person, user, at=d(3, 2))
    person.refresh_from_db()
    membership.leave_roll(SYS, person, at=d(4, 1))
    # On 20 March the person was on the roll still.
    with pytest.raises(actions.NotAllowed, match="on a roll already"):
        membership.rejoin_roll(SYS, person, at=d(3, 20))
    back = membership.rejoin_roll(SYS, person, at=d(6, 1))
    assert (back.constituency_id, back.user_id, back.external_id) == (
        narva.pk,
        user.pk,
        person.external_id,
    )
    assert [roll_size(narva, t) for t in (d(3, 15), d(5, 1), d(6, 1))] == [12, 11, 12]
    with pytest.raises(actions.NotAllowed, match="on a roll already"):
        membership.rejoin_roll(SYS, person, at=d(6, 2))
    # Rejoining elsewhere: named by any past entry.
    membership.leave_roll(SYS, back, at=d(7, 1))
    again = membership.rejoin_roll(SYS, person, vyborg, at=d(8, 1))
    assert again.constituency_id == vyborg.pk
    assert len(history(person)) == 3
    assert Member.objects.filter(external_id=person.external_id, end=None).count() == 1


def test_a_deputy_neither_leaves_nor_moves_while_the_mandate_lasts() -> None:
    frame = make_frame({"Narva": 20, "Vyborg": 10}, at=d(3, 1))
    narva, vyborg = frame.constituencies["Narva"], frame.constituencies["Vyborg"]
    actions.apportion_council(SYS, frame.council, at=d(3, 2))
    election = actions.open_election(SYS, narva, seats=1, at=d(3, 3))
    deputy = frame.members["Narva"][0]
    actions.record_election_result(SYS, election, [deputy], at=d(3, 4))
    mandate = actions.seat_deputy(SYS, election, deputy, at=d(3, 5))
    before = JournalEntry.objects.count()
    with pytest.raises(actions.NotAllowed, match="mandate ends first"):
        membership.leave_roll(SYS, deputy, at=d(4, 1))
    with pytest.raises(actions.NotAllowed, match="mandate ends first"):
        membership.move_member(SYS, deputy, vyborg, at=d(4, 1))
    assert JournalEntry.objects.count() == before
    actions.resign_mandate(SYS, mandate, at=d(4, 2))
    membership.move_member(SYS, deputy, vyborg, at=d(4, 3))


def test_only_a_secretary_changes_the_rolls() -> None:
    from django.contrib.auth import get_user_model

    frame = make_frame({"Narva": 10, "Vyborg": 10}, at=d(3, 1))
    stranger = get_user_model().objects.create_user("nobody")
    member = frame.members["Narva"][1]
    with pytest.raises(actions.PermissionDenied):
        membership.leave_roll(stranger, member, at=d(4, 1))
    with pytest.raises(actions.PermissionDenied):
        membership.move_member(stranger, member, frame.constituencies["Vyborg"], at=d(4, 1))
    other = make_frame({"Elsewhere": 5}, at=d(3, 1), name="Moscow")
    with pytest.raises(actions.NotAllowed, match="not a constituency of"):
        membership.move_member(SYS, member, other.constituencies["Elsewhere"], at=d(4, 1))
    assert Member.objects.get(pk=member.pk).end is None


def test_the_petition_threshold_is_the_share_of_the_roll_on_the_day_it_opens() -> None:
    frame = make_frame({"Narva": 40}, at=d(3, 1), per=10, petition_threshold="1/4")
    narva = frame.constituencies["Narva"]
    actions.apportion_council(SYS, frame.council, at=d(3, 2))
    election = actions.open_election(SYS, narva, seats=2, at=d(3, 3))
    roll = frame.members["Narva"]
    actions.record_election_result(SYS, election, [roll[0], roll[1]], at=d(3, 4))
    first = actions.seat_deputy(SYS, election, roll[0], at=d(3, 5))
    second = actions.seat_deputy(SYS, election, roll[1], at=d(3, 5))
    before = actions.open_recall_petition(SYS, first, roll[2], at=d(4, 1))
    assert (before.roll_size, before.threshold) == (40, 10)
    for m in roll[20:]:  # twenty members leave
        membership.leave_roll(SYS, m, at=d(5, 1))
    after = actions.open_recall_petition(SYS, second, roll[3], at=d(5, 2))
    assert (after.roll_size, after.threshold) == (20, 5)
    before.refresh_from_db()
    assert before.threshold == 10  # fixed when it opened
    # A member who left cannot sign.
    with pytest.raises(actions.NotAllowed, match="not on the roll"):
        actions.sign_recall_petition(SYS, after, roll[30], at=d(5, 3))


def test_signing_and_voting_follow_the_roll_and_count_once_per_person() -> None:
    frame = make_frame({"Narva": 20, "Vyborg": 20}, at=d(3, 1), per=10)
    narva, vyborg = frame.constituencies["Narva"], frame.constituencies["Vyborg"]
    actions.apportion_council(SYS, frame.council, at=d(3, 2))
    election = actions.open_election(SYS, narva, seats=1, at=d(3, 3))
    roll = frame.members["Narva"]
    actions.record_election_result(SYS, election, [roll[0]], at=d(3, 4))
    mandate = actions.seat_deputy(SYS, election, roll[0], at=d(3, 5))
    petition = actions.open_recall_petition(SYS, mandate, roll[1], at=d(4, 1))
    signer = roll[2]
    actions.sign_recall_petition(SYS, petition, signer, at=d(4, 2))
    # Moved to Vyborg: no longer on the deputy's roll, so no signature.
    in_vyborg = membership.move_member(SYS, roll[3], vyborg, at=d(4, 3))
    with pytest.raises(actions.NotAllowed, match="not on the roll of Narva"):
        actions.sign_recall_petition(SYS, petition, in_vyborg, at=d(4, 4))
    # The signer moves away and back: a new roll entry, the same person, one signature.
    away = membership.move_member(SYS, signer, vyborg, at=d(4, 5))
    back = membership.move_member(SYS, away, narva, at=d(4, 6))
    assert back.pk != signer.pk
    with pytest.raises(AlreadyDone):
        actions.sign_recall_petition(SYS, petition, back, at=d(4, 7))
    # Withdrawing works through the new entry too.
    actions.withdraw_signature(SYS, petition, back, at=d(4, 8))
    actions.sign_recall_petition(SYS, petition, back, at=d(4, 9))
    # Electors: a member who moved in votes in Vyborg's election, once per person.
    poll = actions.open_election(SYS, vyborg, seats=1, at=d(5, 1))
    vyborg_roll = frame.members["Vyborg"]
    actions.nominate_candidate(SYS, poll, vyborg_roll[0], at=d(5, 1))
    actions.cast_election_ballot(SYS, poll, in_vyborg, [vyborg_roll[0]], at=d(5, 2))
    there = membership.move_member(SYS, in_vyborg, narva, at=d(5, 3))
    again = membership.move_member(SYS, there, vyborg, at=d(5, 4))
    with pytest.raises(actions.NotAllowed, match="voted in this election already"):
        actions.cast_election_ballot(SYS, poll, again, [vyborg_roll[0]], at=d(5, 5))


def test_a_change_before_the_entry_began_is_refused() -> None:
    frame = make_frame({"Narva": 5, "Vyborg": 5}, at=d(3, 1))
    member = frame.members["Narva"][0]
    with pytest.raises(actions.NotAllowed):
        membership.leave_roll(SYS, member, at=d(3, 1) - timedelta(days=1))
    assert Member.objects.get(pk=member.pk).end is None


def test_the_api_moves_a_member_and_answers_roll_sizes_as_of_a_date() -> None:
    from django.contrib.auth import get_user_model
    from django.test import Client

    from smolny.api.auth import create_token

    frame = make_frame({"Narva": 6, "Vyborg": 4}, at=d(3, 1))
    narva, vyborg = frame.constituencies["Narva"], frame.constituencies["Vyborg"]
    secretary = get_user_model().objects.create_user("sec")
    actions.appoint_secretary(SYS, frame.organisation, secretary, at=d(3, 1))
    client = Client(headers={"authorization": f"Bearer {create_token(secretary, 't')[1]}"})
    member = frame.members["Narva"][0]
    answer = client.post(
        f"/api/members/{member.pk}/move",
        json.dumps({"constituency": vyborg.pk}),
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.content
    moved = answer.json()
    assert (moved["constituency"], moved["external_id"]) == (vyborg.pk, member.external_id)
    sizes = client.get(f"/api/councils/{frame.council.pk}/roll-sizes").json()
    assert {s["name"]: s["members"] for s in sizes} == {"Narva": 5, "Vyborg": 5}
    then = client.get(
        f"/api/councils/{frame.council.pk}/roll-sizes", {"at": "1917-03-02T00:00:00Z"}
    ).json()
    assert {s["name"]: s["members"] for s in then} == {"Narva": 6, "Vyborg": 4}
    rows = client.get(f"/api/members/{moved['id']}/history").json()
    assert [(r["constituency"], r["end"] is None) for r in rows] == [
        (narva.pk, False),
        (vyborg.pk, True),
    ]
    # Leaving a deputy-free member, then the refusal to leave twice (409, with the reason).
    left = client.post(f"/api/members/{moved['id']}/leave", "{}", content_type="application/json")
    assert left.status_code == 200
    again = client.post(f"/api/members/{moved['id']}/leave", "{}", content_type="application/json")
    assert again.status_code == 409
    assert "on no roll" in again.json()["detail"]
    back = client.post(f"/api/members/{member.pk}/rejoin", "{}", content_type="application/json")
    assert back.status_code == 201
    assert back.json()["constituency"] == vyborg.pk  # the roll last on


def test_an_invitation_sent_before_a_move_links_the_account_to_the_new_entry() -> None:
    from smolny.councils.actions import founding

    frame = make_frame({"Narva": 4, "Vyborg": 4}, at=d(3, 1))
    person = frame.members["Narva"][0]
    invitation = founding.invite_member(SYS, person, email="ivan@narva.test", at=d(3, 2))
    moved = membership.move_member(SYS, person, frame.constituencies["Vyborg"], at=d(3, 3))
    accepted = founding.accept_invitation(
        invitation.pk, username="ivan", password="a long enough password", at=d(3, 4)
    )
    assert accepted.member.pk == moved.pk
    moved.refresh_from_db()
    assert moved.user_id == accepted.user.pk
    assert Member.objects.get(pk=person.pk).user_id is None
