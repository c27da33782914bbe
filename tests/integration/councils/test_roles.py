"""Roles (issue 15, item 5): secretary, chair and clerk granted and ended as journalled
actions; what the chair and the clerk may do at a sitting and what they may not; the last
secretary's role does not end without another. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model

from smolny.councils import actions
from smolny.councils.actions import agenda, session
from smolny.councils.actions.organisation import GRANTS
from smolny.councils.models import JournalEntry, OrganisationRole
from smolny.journal.state import check_roles, load_journal
from smolny.web.journal_words import SENTENCES
from tests.integration.sessions.conftest import build_council, d, organ_of

pytestmark = pytest.mark.django_db

SYS = actions.SYSTEM
AT = d(9, 1)


def person(name: str) -> object:
    return get_user_model().objects.create_user(name)


def test_roles_are_granted_and_ended_as_journalled_actions() -> None:
    council = build_council({"Bolsheviks": 2}, at=AT)
    org = council.frame.organisation
    yana, ivan, olga = person("yana"), person("ivan"), person("olga")
    actions.appoint_secretary(SYS, org, yana, at=AT)
    chair = actions.grant_role(yana, org, ivan, "chair", at=AT)
    clerk = actions.grant_role(yana, org, olga, "clerk", at=AT)
    assert (chair.role, clerk.role) == ("chair", "clerk")
    entries = JournalEntry.objects.filter(action__in=("appoint_chair", "appoint_clerk"))
    assert [(e.action, json.loads(e.payload)["username"]) for e in entries.order_by("seq")] == [
        ("appoint_chair", "ivan"),
        ("appoint_clerk", "olga"),
    ]
    with pytest.raises(actions.NotAllowed, match="a clerk already"):
        actions.grant_role(yana, org, olga, "clerk", at=AT)
    with pytest.raises(actions.ActionError, match="use one of"):
        actions.grant_role(yana, org, olga, "treasurer", at=AT)
    # Only a secretary grants; a chair does not.
    with pytest.raises(actions.PermissionDenied):
        actions.grant_role(ivan, org, person("petr"), "clerk", at=AT)
    # The clerk gives the role up; a secretary ends the chair's.
    actions.end_role(olga, clerk)
    actions.end_role(yana, chair)
    assert not OrganisationRole.objects.filter(end=None, role__in=("chair", "clerk")).exists()
    # Someone else's role is ended by a secretary only.
    again = actions.grant_role(yana, org, olga, "chair", at=AT + timedelta(days=1))
    with pytest.raises(actions.PermissionDenied):
        actions.end_role(ivan, again)
    # The state audit accounts for every role row from the journal, and the journal page
    # says each grant in words (the action names are made from the role's name).
    assert check_roles(load_journal()) == []
    assert {f"appoint_{role}" for role in GRANTS} <= set(SENTENCES)


def test_the_last_secretary_stays_until_another_is_appointed() -> None:
    council = build_council({"Bolsheviks": 1}, at=AT)
    org = council.frame.organisation
    yana, ivan = person("yana"), person("ivan")
    mine = actions.appoint_secretary(SYS, org, yana, at=AT)
    before = JournalEntry.objects.count()
    with pytest.raises(actions.NotAllowed, match="last secretary"):
        actions.end_role(yana, mine)  # giving it up
    with pytest.raises(actions.NotAllowed, match="last secretary"):
        actions.end_role(SYS, mine)  # ended by anyone
    assert JournalEntry.objects.count() == before
    actions.appoint_secretary(yana, org, ivan)
    actions.end_role(yana, mine)
    mine.refresh_from_db()
    assert mine.end is not None
    his = OrganisationRole.objects.get(user=ivan, role="secretary")
    with pytest.raises(actions.NotAllowed, match="ivan is the last secretary"):
        actions.end_role(ivan, his)


def test_the_clerk_keeps_the_door_and_the_speakers_list_and_no_more() -> None:
    council = build_council({"Bolsheviks": 3, "SRs": 2}, at=AT)
    org = council.frame.organisation
    plenum = organ_of(council, "Plenum", at=AT)
    olga, nobody = person("olga"), person("nobody")
    actions.appoint_clerk(SYS, org, olga, at=AT)
    sitting = session.convene_session(
        SYS, plenum, "Sitting", starts_at=AT + timedelta(days=2), at=AT
    )
    deputies = list(council.everyone())
    with pytest.raises(actions.PermissionDenied):
        session.check_in(nobody, sitting, deputies[:3], at=AT + timedelta(days=2))
    rows = session.check_in(olga, sitting, deputies, at=AT + timedelta(days=2))
    assert len(rows) == len(deputies)
    # The clerk does not open the sitting: the chair or a secretary does.
    with pytest.raises(actions.PermissionDenied):
        session.open_session(olga, sitting, chair=deputies[0], at=AT + timedelta(days=2))
    session.open_session(SYS, sitting, chair=deputies[0], at=AT + timedelta(days=2, minutes=1))
    item = agenda.add_agenda_item(SYS, sitting, "Bread", at=AT + timedelta(days=2, minutes=2))
    agenda.request_to_speak(olga, item, deputies[1], at=AT + timedelta(days=2, minutes=3))
    agenda.request_to_speak(olga, item, deputies[2], at=AT + timedelta(days=2, minutes=3))
    listed = agenda.finish_turn(olga, item, 90, at=AT + timedelta(days=2, minutes=5))
    assert [s.speaker for s in listed.spoken] == [deputies[1].external_id]
    agenda.withdraw_from_list(olga, item, deputies[2], at=AT + timedelta(days=2, minutes=6))
    with pytest.raises(actions.PermissionDenied):
        agenda.request_to_speak(nobody, item, deputies[3], at=AT + timedelta(days=2, minutes=7))
    # Nor does the clerk adjourn.
    with pytest.raises(actions.PermissionDenied):
        session.adjourn_session(olga, sitting, at=AT + timedelta(days=2, minutes=8))


def test_the_chair_opens_and_conducts_but_does_not_convene() -> None:
    council = build_council({"Bolsheviks": 3}, at=AT)
    org = council.frame.organisation
    plenum = organ_of(council, "Plenum", at=AT)
    ivan = person("ivan")
    actions.appoint_chair(SYS, org, ivan, at=AT)
    with pytest.raises(actions.PermissionDenied):
        session.convene_session(ivan, plenum, "Sitting", starts_at=AT + timedelta(days=2))
    sitting = session.convene_session(
        SYS, plenum, "Sitting", starts_at=AT + timedelta(days=2), at=AT
    )
    deputies = list(council.everyone())
    session.check_in(SYS, sitting, deputies, at=AT + timedelta(days=2))
    session.open_session(ivan, sitting, chair=deputies[0], at=AT + timedelta(days=2, minutes=1))
    agenda.add_agenda_item(ivan, sitting, "Peace", at=AT + timedelta(days=2, minutes=2))
    session.adjourn_session(ivan, sitting, at=AT + timedelta(days=2, minutes=3))
    assert JournalEntry.objects.filter(action="open_session", actor__contains="ivan").exists()
