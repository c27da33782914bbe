"""Races on PostgreSQL: real threads, each on its own connection, running actions at once.

These tests carry the ``postgres_only`` marker: they run in the PostgreSQL run
(``SMOLNY_TEST_DB=postgres``, which ``scripts/test`` runs over ``tests/integration``) and are
deselected, and counted as such, in the SQLite run. On SQLite the question they ask does not
arise in the same way: the test database is one in-memory file whose writers are serialised
by ``BEGIN IMMEDIATE`` and which refuses a second writer at once instead of queueing it. Should
the directory be collected against another database anyway, the ``postgresql`` fixture fails
the tests rather than let them pass without racing.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection

from smolny.councils.actions import ActionError
from smolny.councils.models import JournalEntry


@pytest.fixture(autouse=True)
def postgresql(db: None) -> None:
    if connection.vendor != "postgresql":
        pytest.fail(f"the race tests need PostgreSQL, not {connection.vendor}")


@dataclass(frozen=True)
class Outcome:
    """What one task came to: ``ok`` (with its value), ``refused`` (an ActionError), or
    ``error`` (anything else: always a failure)."""

    kind: str
    value: Any = None


def run_concurrently(tasks: Sequence[Callable[[], Any]], *, workers: int) -> list[Outcome]:
    """Run *tasks* on *workers* threads released together; each thread takes the next task
    until none is left, on its own database connection, closed when the thread ends."""
    outcomes: list[Outcome | None] = [None] * len(tasks)
    barrier = threading.Barrier(workers)
    lock = threading.Lock()
    queue = iter(range(len(tasks)))

    def worker() -> None:
        try:
            barrier.wait(timeout=60)
            while True:
                with lock:
                    index = next(queue, None)
                if index is None:
                    return
                try:
                    outcomes[index] = Outcome("ok", tasks[index]())
                except ActionError as refusal:
                    outcomes[index] = Outcome("refused", refusal)
                except Exception as error:
                    outcomes[index] = Outcome("error", error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    assert not any(t.is_alive() for t in threads), "a worker hung"
    assert all(o is not None for o in outcomes)
    return [o for o in outcomes if o is not None]


def journal(action: str, **match: Any) -> list[tuple[int, dict[str, Any]]]:
    """(sequence number, payload) of each journal entry of *action* whose payload holds
    every item of *match*, in the journal's order."""
    found = []
    for seq, text in JournalEntry.objects.filter(action=action).values_list("seq", "payload"):
        payload = json.loads(text)
        if all(payload.get(k) == v for k, v in match.items()):
            found.append((seq, payload))
    return sorted(found, key=lambda e: e[0])
