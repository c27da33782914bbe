"""Bad input to every sessions action: a clear ActionError, and nothing written.

Each case is called on one prepared sitting (an open session, an item with a main motion, a
closed roll call, an open roll call and an open division); the test counts every row of every
model of the councils app and the journal before and after, and they must be equal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction

from smolny.councils.actions import (
    ActionError,
    NotAllowed,
    PermissionDenied,
    agenda,
    ballot,
    entering_past_events,
    motion,
    session,
    vote,
)
from smolny.councils.models import NamedVote, Vote
from tests.integration.sessions.conftest import (
    SYS,
    Council,
    build_council,
    d,
    open_sitting,
    organ_of,
    recall,
)


@dataclass
class Scene:
    c: Council
    sitting: Any
    item: Any
    closed: Vote
    roll: Vote
    other_item: Any
    division: Vote
    free_item: Any


def scene() -> Scene:
    c = build_council({"Bolsheviks": 3, "SRs": 2, "Internationalists": 1}, at=d(3, 1))
    plenum = organ_of(c, "Plenum", at=d(3, 2))
    sitting = open_sitting(
        plenum, list(c.everyone()) + c.outsiders, chair=c.members("SRs")[0], at=d(5, 1)
    )
    item = agenda.add_agenda_item(SYS, sitting, "War", at=d(5, 1))
    motion.move_motion(SYS, item, "procedural", procedural="close-debate", at=d(5, 1))
    motion.move_motion(SYS, item, "main", text="Peace now.", at=d(5, 1))
    closed = vote.open_vote(SYS, item, "P1", method="roll call", at=d(5, 1, 13))
    vote.cast_vote(SYS, closed, c.members("Bolsheviks")[0], "for", at=d(5, 1, 13))
    closed = vote.close_vote(SYS, closed, at=d(5, 1, 13, 1))
    roll = vote.open_vote(SYS, item, "M1", method="roll call", at=d(5, 1, 14))
    vote.cast_vote(SYS, roll, c.members("Bolsheviks")[0], "for", at=d(5, 1, 14))
    other = agenda.add_agenda_item(SYS, sitting, "Bread", at=d(5, 1, 14))
    motion.move_motion(SYS, other, "main", text="Bread.", at=d(5, 1, 14))
    division = vote.open_vote(SYS, other, "M1", method="division", at=d(5, 1, 14))
    free = agenda.add_agenda_item(SYS, sitting, "Land", at=d(5, 1, 14))
    recall(c, c.deputies["Internationalists"][0], at=d(5, 1, 14, 30))
    return Scene(c, sitting, item, closed, roll, other, division, free)


def counts() -> dict[str, int]:
    return {
        m.__name__: m._default_manager.count() for m in apps.get_app_config("councils").get_models()
    }


T = d(5, 1, 15)


def paper_sheet(v: Vote, sheet: dict[Any, str]) -> int:
    """A roll call sheet is entered only as a past event (the minutes of a paper meeting)."""
    with entering_past_events(T):
        return vote.record_roll_call(SYS, v, sheet, at=T)


NOT_AN_INT: Any = "3"
CASES: list[tuple[str, type[ActionError], str, Callable[[Scene], object]]] = [
    (
        "unknown session",
        ActionError,
        "no session with id 9999",
        lambda s: session.check_in(SYS, 9999, [s.c.outsiders[0]], at=T),
    ),
    (
        "unknown item",
        ActionError,
        "no agenda item with id 9999",
        lambda s: motion.move_motion(SYS, 9999, "main", text="x", at=T),
    ),
    (
        "unknown vote",
        ActionError,
        "no vote with id 9999",
        lambda s: vote.cast_vote(SYS, 9999, s.c.members("SRs")[0], "for", at=T),
    ),
    (
        "unknown vote to close",
        ActionError,
        "no vote with id 9999",
        lambda s: vote.close_vote(SYS, 9999, at=T),
    ),
    (
        "vote after close",
        NotAllowed,
        "is closed",
        lambda s: vote.cast_vote(SYS, s.closed, s.c.members("SRs")[0], "for", at=T),
    ),
    ("close twice", NotAllowed, "is closed", lambda s: vote.close_vote(SYS, s.closed, at=T)),
    (
        "counts after close",
        NotAllowed,
        "not entered|is closed",
        lambda s: vote.enter_counts(SYS, s.closed, for_votes=1, against=0, at=T),
    ),
    (
        "double vote",
        NotAllowed,
        "voted in this roll call already",
        lambda s: vote.cast_vote(SYS, s.roll, s.c.members("Bolsheviks")[0], "against", at=T),
    ),
    (
        "double vote on a sheet",
        NotAllowed,
        "voted in this roll call already",
        lambda s: paper_sheet(
            s.roll, {s.c.members("SRs")[0]: "for", s.c.members("Bolsheviks")[0]: "for"}
        ),
    ),
    (
        "observer",
        NotAllowed,
        "an observer does not vote",
        lambda s: vote.cast_vote(SYS, s.roll, s.c.outsiders[0], "for", at=T),
    ),
    (
        "observer on a sheet",
        NotAllowed,
        "an observer does not vote",
        lambda s: paper_sheet(s.roll, {s.c.outsiders[0]: "for"}),
    ),
    (
        "recalled deputy",
        NotAllowed,
        "no current mandate",
        lambda s: vote.cast_vote(SYS, s.roll, s.c.members("Internationalists")[0], "for", at=T),
    ),
    (
        "no such choice",
        ActionError,
        "use for, against or abstain",
        lambda s: vote.cast_vote(SYS, s.roll, s.c.members("SRs")[0], "maybe", at=T),
    ),
    (
        "wrong method for a named vote",
        NotAllowed,
        "not a named roll call",
        lambda s: vote.cast_vote(SYS, s.division, s.c.members("SRs")[0], "for", at=T),
    ),
    (
        "secret ballot in a roll call",
        NotAllowed,
        "not a secret ballot",
        lambda s: ballot.cast_secret_ballot(SYS, s.roll, s.c.members("SRs")[0], "for", at=T),
    ),
    (
        "negative count",
        ActionError,
        "count against",
        lambda s: vote.enter_counts(SYS, s.division, for_votes=1, against=-1, at=T),
    ),
    (
        "count of the wrong type",
        ActionError,
        "count for",
        lambda s: vote.enter_counts(SYS, s.division, for_votes=NOT_AN_INT, against=0, at=T),
    ),
    (
        "division without tellers",
        ActionError,
        "two tellers",
        lambda s: vote.enter_counts(SYS, s.division, for_votes=1, against=0, at=T),
    ),
    (
        "more counted than present",
        NotAllowed,
        "only 5 voting members",
        lambda s: vote.enter_counts(
            SYS, s.division, for_votes=6, against=0, tellers=s.c.members("SRs"), at=T
        ),
    ),
    (
        "division closed uncounted",
        NotAllowed,
        "have not been entered",
        lambda s: vote.close_vote(SYS, s.division, at=T),
    ),
    (
        "vote out of turn",
        NotAllowed,
        "no vote is due|a vote is open",
        lambda s: vote.open_vote(SYS, s.item, "M1", method="roll call", at=T),
    ),
    (
        "unknown method",
        ActionError,
        "vote method",
        lambda s: vote.open_vote(SYS, s.item, "M1", method="acclamation", at=T),
    ),
    (
        "motion while a vote is open",
        NotAllowed,
        "a vote is open",
        lambda s: motion.move_motion(SYS, s.item, "amendment", parent="M1", text="x", at=T),
    ),
    (
        "unknown motion kind",
        ActionError,
        "motion:",
        lambda s: motion.move_motion(SYS, s.item, "wish", text="x", at=T),
    ),
    (
        "amendment to an unknown motion",
        NotAllowed,
        "M9",
        lambda s: motion.move_motion(SYS, s.free_item, "amendment", parent="M9", text="x", at=T),
    ),
    (
        "check in twice",
        NotAllowed,
        "already checked in",
        lambda s: session.check_in(SYS, s.sitting, [s.c.outsiders[0]], at=T),
    ),
    (
        "check out of someone absent",
        NotAllowed,
        "not in the hall",
        lambda s: session.check_out(SYS, s.sitting, s.c.frame.members["SRs district"][-1], at=T),
    ),
    (
        "close a session with open votes",
        NotAllowed,
        "vote\\(s\\) open",
        lambda s: session.close_session(SYS, s.sitting, at=T),
    ),
    (
        "open an open session",
        NotAllowed,
        "is open",
        lambda s: session.open_session(SYS, s.sitting, chair=s.c.members("SRs")[0], at=T),
    ),
    (
        "walkout of nobody",
        ActionError,
        "not both or neither",
        lambda s: session.record_walkout(SYS, s.sitting, at=T),
    ),
    (
        "convene in the past",
        NotAllowed,
        "before it was called",
        lambda s: session.convene_session(SYS, s.sitting.organ, "x", starts_at=d(4, 1), at=T),
    ),
    (
        "bad rules",
        ActionError,
        "rules of procedure",
        lambda s: session.set_organ_rules(
            SYS, s.sitting.organ, notice=timedelta(hours=1), emergency=timedelta(hours=2), at=T
        ),
    ),
    (
        "point of order by someone absent",
        NotAllowed,
        "not in the hall",
        lambda s: agenda.request_to_speak(
            SYS, s.item, s.c.frame.members["SRs district"][-1], point_of_order=True, at=T
        ),
    ),
]


@pytest.mark.django_db
def test_bad_input_is_refused_and_writes_nothing() -> None:
    """One scene for all cases: each refusal must leave every table as it was, so the next
    case meets the same scene."""
    s = scene()
    before = counts()
    for name, error, match, call in CASES:
        try:
            with pytest.raises(error, match=match):
                call(s)
        except (AssertionError, pytest.fail.Exception) as failure:
            raise AssertionError(f"case {name!r}: {failure}") from None
        assert counts() == before, name


@pytest.mark.django_db
def test_someone_who_is_not_secretary_or_chair_is_refused() -> None:
    s = scene()
    user = User.objects.create_user("stranger")
    before = counts()
    with pytest.raises(PermissionDenied, match="neither chairs"):
        vote.close_vote(user, s.roll, at=T)
    with pytest.raises(PermissionDenied, match="may not answer the roll call for"):
        vote.cast_vote(user, s.roll, s.c.members("SRs")[0], "for", at=T)
    assert counts() == before


@pytest.mark.django_db
def test_the_database_itself_refuses_a_second_named_vote() -> None:
    s = scene()
    first = NamedVote.objects.get(vote=s.roll)
    with pytest.raises(IntegrityError), transaction.atomic():
        NamedVote.objects.create(vote=s.roll, mandate=first.mandate, choice="against")
    with pytest.raises(IntegrityError), transaction.atomic():
        NamedVote.objects.create(
            vote=s.roll, mandate=s.c.deputies["SRs"][0], fraction="SRs", choice="maybe"
        )
