"""Refusals read in Russian (issue 16, item 5): a dozen refusals from different action modules
(the sitting, the vote, the secret ballot, fractions, the organisation, the congress, the
journal's permission and time checks), raised with Russian active, say why in Russian.

What may stay Latin is what the user named: the council's, organ's and members' names, the
roll numbers, a sitting's title, an actor's journal label, a time; those are taken out of the
message before it is searched for Latin letters. The same refusals with English active read
as before, so the tests and clients that match the English words still match.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import translation

from smolny.councils.actions import (
    ActionError,
    agenda,
    ballot,
    create_fraction,
    create_organisation,
    motion,
    session,
    vote,
)
from smolny.councils.actions.fraction import change_fraction
from smolny.councils.models import Member
from smolny.federation.actions.congress import set_congress_settings
from smolny.journal.actions import now_or, require_secretary
from tests.integration.sessions.conftest import SYS, build_council, d, open_sitting, organ_of

pytestmark = pytest.mark.django_db

LATIN = re.compile(r"[A-Za-z]")


def _refusal(call: Callable[[], object]) -> str:
    with pytest.raises(ActionError) as refused:
        call()
    return str(refused.value)


def _sample() -> tuple[dict[str, Callable[[], object]], list[str]]:
    """The refusals, each a call that is refused, and the names they may quote."""
    c = build_council({"Bolsheviks": 2, "SRs": 2}, at=d(3, 1))
    council = c.frame.council
    organisation = c.frame.organisation
    plenum = organ_of(c, "Plenum", at=d(3, 2))
    here = list(c.everyone())
    chair = c.members("SRs")[0]
    sitting = open_sitting(plenum, here, chair=chair, at=d(10, 10), title="Sitting")
    item = agenda.add_agenda_item(SYS, sitting, "Bread", at=d(10, 10))
    motion.move_motion(SYS, item, "main", text="The flour stores pass.", at=d(10, 10))
    vote.open_vote(SYS, item, "M1", method="show of hands", at=d(10, 10, 13))
    outsider = c.outsiders[0]
    deputy = c.deputies["Bolsheviks"][0]
    names = [
        council.name,
        organisation.name,
        plenum.name,
        sitting.title,
        *c.fractions,
        *(m.name for m in Member.objects.filter(organisation=organisation)),
        *(m.external_id for m in Member.objects.filter(organisation=organisation)),
        "anonymous",
    ]
    calls: dict[str, Callable[[], object]] = {
        "fraction without a name": lambda: create_fraction(SYS, council, " ", at=d(10, 11)),
        "fraction twice": lambda: create_fraction(SYS, council, "Bolsheviks", at=d(10, 11)),
        "fraction unchanged": lambda: change_fraction(
            SYS, deputy, c.fractions["Bolsheviks"], at=d(10, 11)
        ),
        "organisation twice": lambda: create_organisation(SYS, organisation.name, at=d(10, 11)),
        "not a congress": lambda: set_congress_settings(
            SYS, council, demand_share="1/3", at=d(10, 11)
        ),
        "sitting without a title": lambda: session.convene_session(
            SYS, plenum, "", starts_at=d(10, 20), at=d(10, 11)
        ),
        "checked in twice": lambda: session.check_in(SYS, sitting, [chair], at=d(10, 10, 14)),
        "chair to the absent": lambda: session.hand_over_chair(
            SYS, sitting, outsider, at=d(10, 10, 14)
        ),
        "close with a vote open": lambda: session.close_session(SYS, sitting, at=d(10, 10, 14)),
        "second vote on the item": lambda: vote.open_vote(
            SYS, item, "M1", method="show of hands", at=d(10, 10, 14)
        ),
        "not a secret ballot": lambda: ballot.cast_secret_ballot(
            SYS, item.votes.get(), chair, "for", at=d(10, 10, 14)
        ),
        "not a secretary": lambda: require_secretary(AnonymousUser(), organisation, d(10, 11)),
        "time without a zone": lambda: now_or(datetime(1917, 10, 11, 12)),
    }
    return calls, names


def _without(text: str, names: list[str]) -> str:
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, "")
    return re.sub(r"\d{4}-\d\d-\d\dT[\d:.+]+", "", text)


def test_a_dozen_refusals_from_different_modules_read_wholly_in_russian() -> None:
    calls, names = _sample()
    assert len(calls) >= 12
    said = {}
    with translation.override("ru"):
        for what, call in calls.items():
            said[what] = _refusal(call)
    latin = {what: text for what, text in said.items() if LATIN.search(_without(text, names))}
    assert not latin, latin
    assert all(re.search("[а-яА-Я]{3}", text) for text in said.values()), said
    # the method, the status and the figures are carried into the Russian sentence
    assert "поднятием рук" in said["not a secret ballot"]
    assert "(1)" in said["close with a vote open"]
    assert "Bolsheviks" in said["fraction twice"]


def test_the_same_refusals_read_in_english_as_they_did() -> None:
    calls, _names = _sample()
    with translation.override("en"):
        said = {what: _refusal(call) for what, call in calls.items()}
    assert said["fraction twice"].endswith("has a fraction named 'Bolsheviks' already")
    assert said["close with a vote open"] == "Sitting has 1 vote(s) open; close them first"
    assert said["not a secret ballot"] == (
        "this vote is by counted show of hands, not a secret ballot"
    )
    assert said["not a secretary"].startswith("anonymous is not a secretary of ")
    assert said["time without a zone"] == "time 1917-10-11T12:00:00 has no timezone"
