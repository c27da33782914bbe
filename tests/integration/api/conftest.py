"""A small council world with one user in each role, and HTTP clients acting as them.

Roles (issue 5, point 7):

- ``admin``: a secretary of the organisation;
- ``chair``: a deputy who holds the presidium's first seat (chairs it);
- ``deputy``: a deputy with no organ seat;
- ``member``: on Narva's roll, holding no mandate;
- ``observer``: a user with no role and no place on a roll;
- ``clerk``: holds the organisation's clerk role (checks deputies in, keeps the speakers'
  list); ``chairperson``: holds its chair role (opens and conducts sittings). Neither is on a
  roll; the permission matrix checks them too (``MATRIX_ROLES``).

Every client authenticates with a personal API token (``Authorization: Bearer``), so the
token path is what most tests go through; the session path has its own tests.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client

from smolny.api.auth import create_token
from smolny.councils import actions
from smolny.councils.actions import agenda, session
from smolny.councils.models import (
    Election,
    Fraction,
    JournalEntry,
    Mandate,
    Member,
    Organ,
    RecallPetition,
)
from smolny.councils.models.sessions import AgendaItem, Session
from tests.integration.councils.conftest import Frame, d, make_frame

SYS = actions.SYSTEM
ROLES = ("admin", "chair", "deputy", "member", "observer")
OFFICERS = ("clerk", "chairperson")
"""Holders of the organisation's clerk and chair roles (issue 15, item 5), on no roll."""
MATRIX_ROLES = (*ROLES, *OFFICERS)
"""The roles the permission matrix checks every route for."""
PASSWORD = "correct horse battery staple"


@dataclass
class World:
    """The objects the route cases refer to, and a token per role."""

    frame: Frame
    users: dict[str, AbstractBaseUser]
    keys: dict[str, str]
    fractions: dict[str, Fraction]
    mandates: dict[str, Mandate]
    presidium: Organ
    open_election: Election
    declared_unseated: Election
    unseated: Member
    petition: RecallPetition
    plenum: Organ
    sitting: Session
    item: AgendaItem
    spare: dict[str, Any] = field(default_factory=dict)

    @property
    def organisation_id(self) -> int:
        return self.frame.organisation.pk

    @property
    def council_id(self) -> int:
        return self.frame.council.pk

    def narva(self, i: int) -> Member:
        return self.frame.members["Narva"][i]

    def vyborg(self, i: int) -> Member:
        return self.frame.members["Vyborg"][i]

    def client(self, role: str | None) -> Client:
        """A client acting as *role* (``None``: nobody)."""
        if role is None:
            return Client()
        return Client(headers={"authorization": f"Bearer {self.keys[role]}"})


def make_user(username: str) -> AbstractBaseUser:
    return get_user_model().objects.create_user(username=username, password=PASSWORD)


def build_world() -> World:
    """Narva and Vyborg (30 members each, 3 seats each), two fractions, four deputies, a
    presidium of 3 elected seats (seat 1: the chair), an open election in Vyborg, a declared
    one whose winner is not yet seated, and a recall petition against the chair."""
    frame = make_frame({"Narva": 30, "Vyborg": 30}, at=d(3, 1), per=10)
    users = {role: make_user(role) for role in MATRIX_ROLES}
    users["outsider"] = make_user("outsider")
    actions.appoint_secretary(SYS, frame.organisation, users["admin"], at=d(3, 1, 13))
    actions.appoint_clerk(SYS, frame.organisation, users["clerk"], at=d(3, 1, 13))
    actions.appoint_chair(SYS, frame.organisation, users["chairperson"], at=d(3, 1, 13))
    actions.apportion_council(SYS, frame.council, at=d(3, 1, 18))
    fractions = {
        name: actions.create_fraction(SYS, frame.council, name, at=d(3, 2))
        for name in ("Bolsheviks", "SRs")
    }
    narva, vyborg = frame.constituencies["Narva"], frame.constituencies["Vyborg"]
    n, v = frame.members["Narva"], frame.members["Vyborg"]

    election = actions.open_election(SYS, narva, at=d(3, 3))
    actions.record_election_result(SYS, election, [n[0], n[1], n[2]], at=d(3, 4))
    mandates = {
        "chair": actions.seat_deputy(
            SYS, election, n[0], fraction=fractions["Bolsheviks"], at=d(3, 5)
        ),
        "deputy": actions.seat_deputy(
            SYS, election, n[1], fraction=fractions["Bolsheviks"], at=d(3, 5)
        ),
    }
    first = actions.open_election(SYS, vyborg, seats=1, at=d(3, 3))
    actions.record_election_result(SYS, first, [v[0]], at=d(3, 4))
    mandates["vyborg"] = actions.seat_deputy(
        SYS, first, v[0], fraction=fractions["SRs"], at=d(3, 5)
    )
    second = actions.open_election(SYS, vyborg, seats=1, at=d(3, 6))

    for role, member in (("chair", n[0]), ("deputy", n[1]), ("member", n[10])):
        actions.link_member_user(SYS, member, users[role], at=d(3, 6))
    presidium = actions.form_organ(
        SYS,
        frame.council,
        "Presidium",
        kind="presidium",
        seat_rule="election",
        seats=3,
        elected=[mandates["chair"]],
        at=d(3, 7),
    )
    petition = actions.open_recall_petition(SYS, mandates["chair"], n[11], at=d(3, 8))
    plenum = actions.form_organ(
        SYS, frame.council, "Plenum", kind="plenum", seat_rule="election", seats=1, at=d(3, 7)
    )
    sitting = session.convene_session(SYS, plenum, "Sitting", starts_at=d(9, 9, 19), at=d(9, 7))
    session.check_in(SYS, sitting, [n[0], n[1], v[0]], at=d(9, 9, 18))
    session.open_session(SYS, sitting, chair=n[0], at=d(9, 9, 19))
    item = agenda.add_agenda_item(SYS, sitting, "Confidence in the presidium", at=d(9, 9, 19, 5))
    keys = {role: create_token(users[role], "tests")[1] for role in MATRIX_ROLES}
    return World(
        frame=frame,
        users=users,
        keys=keys,
        fractions=fractions,
        mandates=mandates,
        presidium=presidium,
        open_election=second,
        declared_unseated=election,
        unseated=n[2],
        petition=petition,
        plenum=plenum,
        sitting=sitting,
        item=item,
    )


@pytest.fixture
def world(db: None) -> World:
    return build_world()


def journal_length() -> int:
    return JournalEntry.objects.count()


def call(client: Client, method: str, path: str, body: Any = None, **extra: Any) -> Any:
    """Send *body* as JSON (or as is, when it is ``bytes``/``str`` with a content type)."""
    send: Callable[..., Any] = getattr(client, method.lower())
    if body is None:
        return send(path, **extra)
    if isinstance(body, (bytes, str)):
        return send(path, body, content_type=extra.pop("content_type", "text/csv"), **extra)
    return send(path, json.dumps(body), content_type="application/json", **extra)
