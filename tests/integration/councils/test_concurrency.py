"""Concurrency with real threads, each on its own database connection.

On PostgreSQL the threads really run their transactions at the same time and the journal's
advisory lock and the unique constraints keep the data right; on SQLite writers are
serialised by ``BEGIN IMMEDIATE``, and the same assertions must hold there too.

The test database on SQLite is an in-memory database in shared-cache mode, where a
connection that finds a table locked fails at once ("database table is locked") instead of
waiting for the busy timeout as connections to a database file do. The threads therefore
retry a transaction that failed that way, as a client would; the transaction was rolled
back whole, so the retry is a fresh attempt and the assertions are unchanged.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import OperationalError, connection

from smolny.councils import actions
from smolny.councils.models import (
    JournalEntry,
    Mandate,
    Organ,
    OrganSeat,
    RecallBallot,
    RecallSignature,
    RecallVoter,
)
from smolny.journal.chain import verify_journal
from tests.integration.councils.conftest import Frame, d, make_frame

SYS = actions.SYSTEM


def locked(error: OperationalError) -> bool:
    return connection.vendor == "sqlite" and "locked" in str(error)


def with_retry(work: Callable[[], Any]) -> Any:
    """Run *work*; on SQLite's shared-cache lock error, try again (see the module)."""
    for attempt in itertools.count():
        try:
            return work()
        except OperationalError as error:
            if not locked(error) or attempt > 10_000:
                raise
            connection.close()
            time.sleep(0.001)


def run_together(n: int, work: Callable[[int], Any]) -> list[tuple[str, Any]]:
    """Run ``work(i)`` for i in range(n) in n threads released at once; collect outcomes."""
    barrier = threading.Barrier(n)
    outcomes: list[tuple[str, Any]] = [("not run", None)] * n

    def worker(i: int) -> None:
        try:
            barrier.wait(timeout=60)
            outcomes[i] = ("ok", with_retry(lambda: work(i)))
        except Exception as error:
            outcomes[i] = ("error", error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not any(t.is_alive() for t in threads)
    return outcomes


def seated_council(sizes: dict[str, int]) -> tuple[Frame, dict[str, Mandate]]:
    """A council with one deputy per constituency (first member on each roll), Bolsheviks."""
    frame = make_frame(sizes, at=d(3, 1), per=1000)
    actions.apportion_council(SYS, frame.council, at=d(3, 1, 18))
    fraction = actions.create_fraction(SYS, frame.council, "Bolsheviks", at=d(3, 2))
    mandates = {}
    for name, constituency in frame.constituencies.items():
        election = actions.open_election(SYS, constituency, at=d(3, 3))
        member = frame.members[name][0]
        actions.record_election_result(SYS, election, [member], at=d(3, 4))
        mandates[name] = actions.seat_deputy(SYS, election, member, fraction=fraction, at=d(3, 5))
    return frame, mandates


def assert_only_already_done(outcomes: list[tuple[str, Any]]) -> None:
    failures = [o for kind, o in outcomes if kind == "error"]
    unexpected = [f for f in failures if not isinstance(f, actions.AlreadyDone)]
    assert unexpected == []


@pytest.mark.django_db(transaction=True)
def test_200_simultaneous_signatures_by_one_member_count_once() -> None:
    frame, mandates = seated_council({"Putilov works": 100})
    members = frame.members["Putilov works"]
    petition = actions.open_recall_petition(SYS, mandates["Putilov works"], members[1], at=d(5, 1))
    assert petition.threshold == 25
    signer = members[2]
    entries = JournalEntry.objects.count()

    outcomes = run_together(200, lambda i: actions.sign_recall_petition(SYS, petition, signer))

    assert sum(1 for kind, _ in outcomes if kind == "ok") == 1
    assert_only_already_done(outcomes)
    assert RecallSignature.objects.filter(petition=petition, member=signer).count() == 1
    assert RecallSignature.objects.filter(petition=petition).count() == 2
    assert JournalEntry.objects.count() == entries + 1
    assert verify_journal()[1] is None


@pytest.mark.django_db(transaction=True)
def test_simultaneous_recall_votes_by_one_member_count_once() -> None:
    frame, mandates = seated_council({"Putilov works": 8})
    members = frame.members["Putilov works"]
    petition = actions.open_recall_petition(SYS, mandates["Putilov works"], members[1], at=d(5, 1))
    vote = actions.sign_recall_petition(SYS, petition, members[2], at=d(5, 2))  # 2 of 8
    assert vote is not None
    voters = members[3:8]
    entries = JournalEntry.objects.count()

    # Each of five members votes twice at the same moment (once each way).
    outcomes = run_together(
        10, lambda i: actions.cast_recall_vote(SYS, vote, voters[i // 2], i % 2 == 0)
    )

    assert sum(1 for kind, _ in outcomes if kind == "ok") == 5
    assert_only_already_done(outcomes)
    for member in voters:
        assert RecallVoter.objects.filter(vote=vote, member=member).count() == 1
    assert JournalEntry.objects.count() == entries + 5
    closed = actions.close_recall_vote(SYS, vote)
    assert closed.votes_recall + closed.votes_keep == 5
    assert RecallBallot.objects.filter(vote=vote).exclude(choice="").count() == 5


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(3))
def test_a_recall_completing_while_its_organ_seat_is_reassigned(round_: int) -> None:
    """One thread closes a carried recall vote; another gives the deputy's executive seat to
    a fellow fraction member at the same moment. Whatever the order, the data agree."""
    frame, mandates = seated_council({"Putilov works": 8, "Obukhov works": 5, "Narva": 5})
    recalled, successor = mandates["Putilov works"], mandates["Obukhov works"]
    executive = actions.form_organ(
        SYS,
        frame.council,
        "Executive Committee",
        kind=Organ.EXECUTIVE,
        seat_rule=Organ.PROPORTIONAL,
        seats=2,
        nominees={"Bolsheviks": [recalled, mandates["Narva"]]},
        at=d(4, 1),
    )
    seat = OrganSeat.objects.get(organ=executive, holder=recalled, end=None).number
    members = frame.members["Putilov works"]
    petition = actions.open_recall_petition(SYS, recalled, members[1], at=d(5, 1))
    vote = actions.sign_recall_petition(SYS, petition, members[2], at=d(5, 2))
    assert vote is not None
    for member in members[3:7]:
        actions.cast_recall_vote(SYS, vote, member, True, at=d(5, 3))
    entries = JournalEntry.objects.count()

    def work(i: int) -> object:
        if i == 0:
            return actions.close_recall_vote(SYS, vote)
        return actions.fill_organ_seat(SYS, executive, seat, successor)

    outcomes = run_together(2, work)

    assert [kind for kind, _ in outcomes] == ["ok", "ok"], outcomes
    recalled.refresh_from_db()
    assert recalled.end is not None
    assert recalled.end_reason == Mandate.RECALLED
    current = OrganSeat.objects.filter(organ=executive, end=None).order_by("number")
    assert [r.number for r in current] == [1, 2]
    assert not OrganSeat.objects.filter(holder=recalled, end=None).exists()
    assert not OrganSeat.objects.filter(end=None, holder__end__isnull=False).exists()
    assert current.get(number=seat).holder_id == successor.pk
    # The seat's history is a gapless sequence of periods.
    rows = list(OrganSeat.objects.filter(organ=executive, number=seat).order_by("start", "id"))
    for before, after in itertools.pairwise(rows):
        assert before.end == after.start
    assert rows[-1].end is None
    assert JournalEntry.objects.count() == entries + 2
    assert verify_journal()[1] is None
