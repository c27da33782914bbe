"""Steps of another action (marked ``within_action``) refuse to run on their own.

Ending a mandate is a step of a recall, a resignation or a congress's new convocation: it
writes in that action's transaction and is journalled by that action's entry. Called
outside any action it would change the record with no journal entry, so it must refuse
before writing anything.
"""

from __future__ import annotations

import pytest

from smolny.councils import actions
from smolny.councils.actions.mandate import end_mandate
from smolny.councils.models import JournalEntry, Mandate
from smolny.journal.actions import action_transaction, in_action
from tests.integration.councils.conftest import d, make_frame

SYS = actions.SYSTEM


def seated_mandate() -> Mandate:
    frame = make_frame({"Narva": 10}, at=d(3, 1))
    actions.apportion_council(SYS, frame.council, at=d(3, 2))
    election = actions.open_election(SYS, frame.constituencies["Narva"], at=d(3, 3))
    member = frame.members["Narva"][0]
    actions.record_election_result(SYS, election, [member], at=d(3, 4))
    return actions.seat_deputy(SYS, election, member, at=d(3, 5))


@pytest.mark.django_db(transaction=True)
def test_a_step_outside_an_action_refuses_and_writes_nothing() -> None:
    mandate = seated_mandate()
    entries = JournalEntry.objects.count()
    assert not in_action()
    with pytest.raises(RuntimeError, match="only inside an action"):
        end_mandate(mandate, Mandate.RESIGNED, d(3, 6))
    mandate.refresh_from_db()
    assert mandate.end is None
    assert JournalEntry.objects.count() == entries


@pytest.mark.django_db(transaction=True)
def test_the_same_step_runs_inside_an_action_transaction() -> None:
    mandate = seated_mandate()
    with action_transaction(d(3, 6)) as at:
        assert in_action()
        changes = end_mandate(mandate, Mandate.RESIGNED, at)
    assert not in_action()
    mandate.refresh_from_db()
    assert mandate.end == d(3, 6)
    assert changes["mandate"] == mandate.pk
