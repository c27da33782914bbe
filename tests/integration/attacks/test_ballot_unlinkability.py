"""Attack 4 of issue 17: a secret ballot linked to its voter from two looks at the tables.

Before the fix, reading the ballots table before and after a cast showed exactly one changed
row, and the journal entry in between named the voter: 2 of 2 linked. Now every slot of the
vote is a sealed box under a key the database does not hold, and every cast rewrites every
slot under new keys and fresh bytes (smolny.councils.actions.ballot_box). Here: two snapshots
of every table (all rows as tuples) around each of several casts, for the session's secret
ballot, the recall vote and the members' election; the rows of the ballot table that changed
are all of them, no ballot cell carries anything the cast's journal entry says, and the count
at the close is still exact.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from typing import Any

import pytest
from django.db import connection, models

from smolny.councils import actions
from smolny.councils.actions import ballot, ballot_box, vote
from smolny.councils.models import (
    Election,
    ElectionBallot,
    JournalEntry,
    RecallBallot,
    RecallVote,
    SecretBallot,
    Vote,
)
from tests.integration.api.conftest import SYS, World, d
from tests.integration.api.routes import narva_poll, open_vote, recall_vote

pytestmark = pytest.mark.django_db


def cell(value: Any) -> str:
    if isinstance(value, memoryview):
        value = bytes(value)
    return str(value)


def snapshot() -> dict[str, set[tuple[str, ...]]]:
    """Every row of every table, by raw SQL, as tuples of strings."""
    with connection.cursor() as cursor:
        out = {}
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            out[table] = {tuple(cell(v) for v in row) for row in cursor.fetchall()}
    return out


def ballot_rows(model: type[models.Model]) -> set[tuple[str, ...]]:
    """The ballot table's rows, by raw SQL, columns in the model's field order."""
    columns = ", ".join(connection.ops.quote_name(f.column) for f in model._meta.concrete_fields)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {connection.ops.quote_name(model._meta.db_table)}")
        return {tuple(cell(v) for v in row) for row in cursor.fetchall()}


def derivable(entry: JournalEntry) -> set[str]:
    """Values one can read or compute from a journal entry: its fields, its payload's values,
    and their common hashes."""
    payload = json.loads(entry.payload)
    values = {cell(v) for v in payload.values()} | {
        cell(getattr(entry, f.attname)) for f in JournalEntry._meta.concrete_fields
    }
    hashed = set()
    for v in values:
        for algorithm in ("sha256", "sha1", "md5"):
            digest = hashlib.new(algorithm, v.encode()).hexdigest()
            hashed |= {digest, digest[:32]}
    return {v for v in values | hashed if v not in ("", "None", "True", "False")}


def around(
    model: type[models.Model], cast: Any, *, expected_slots: int | None = None
) -> set[tuple[str, ...]]:
    """Cast, with a snapshot before and after; check what a reader of both can see. Returns
    the ballot table's rows after."""
    table = model._meta.db_table
    before, old = snapshot(), ballot_rows(model)
    cast()
    after, new = snapshot(), ballot_rows(model)
    assert len(before[table]) == len(old)
    assert len(after[table]) == len(new)
    entry = JournalEntry.objects.order_by("-seq").first()
    assert entry is not None
    assert entry.action.startswith("cast_")
    # Every slot was rewritten: no row survives the cast, and more than one row is new.
    assert not old & new
    assert len(new) > 1
    assert len(new) == (expected_slots if expected_slots is not None else len(new))
    # Every box has one length, whatever it holds (an empty slot, a choice, a ranking).
    box = [f.name for f in model._meta.concrete_fields].index("box")
    assert len({len(row[box]) for row in new}) == 1
    # No ballot cell equals or contains anything derivable from the cast's journal entry,
    # and no other table holds any slot key or box.
    # (The vote's own column is the same in every slot, and the entry names the vote; flags
    # are the same in every open slot: both are left out.)
    known = derivable(entry)
    fields = model._meta.concrete_fields
    own = [
        i
        for i, f in enumerate(fields)
        if not f.is_relation and not isinstance(f, models.BooleanField)
    ]
    for row in new:
        for i in own:
            assert row[i] not in known, fields[i].name
        assert not any(k in row[box] for k in known if len(k) > 6)
    keys = {row[0] for row in new}
    for other, rows in after.items():
        if other != table:
            text = repr(rows)
            assert not any(k in text for k in keys), other
    return new


def test_session_secret_ballot(world: World) -> None:
    v = open_vote(world, "secret ballot")
    slots = SecretBallot.objects.filter(vote=v).count()
    assert slots >= 3
    plan = [(world.narva(0), "for"), (world.narva(1), "against"), (world.vyborg(0), "for")]
    for member, choice in plan:
        around(
            SecretBallot,
            lambda m=member, c=choice: ballot.cast_secret_ballot(SYS, v, m, c),
            expected_slots=slots,
        )
        # Nothing in clear while the vote is open.
        assert not SecretBallot.objects.filter(vote=v).exclude(choice="").exists()
    closed = vote.close_vote(SYS, v)
    assert (closed.for_votes, closed.against, closed.abstain) == (2, 1, 0)
    opened = SecretBallot.objects.filter(vote=v)
    assert sorted(b.choice for b in opened) == ["against", "for", "for"]
    assert all(b.sealed and b.box == "" for b in opened)


def test_recall_ballot(world: World) -> None:
    rv = recall_vote(world)
    slots = RecallBallot.objects.filter(vote=rv).count()
    assert slots == rv.roll_size
    plan = {10: True, 11: False, 13: True, 14: True}
    for i, recall in plan.items():
        around(
            RecallBallot,
            lambda i=i, r=recall: actions.cast_recall_vote(SYS, rv, world.narva(i), r),
            expected_slots=slots,
        )
        assert not RecallBallot.objects.filter(vote=rv).exclude(choice="").exists()
    closed = actions.close_recall_vote(SYS, RecallVote.objects.get(pk=rv.pk))
    assert (closed.votes_recall, closed.votes_keep) == (3, 1)
    assert Counter(RecallBallot.objects.filter(vote=rv).values_list("choice", flat=True)) == {
        "recall": 3,
        "keep": 1,
    }


def test_election_ballot(world: World) -> None:
    election = Election.objects.get(pk=narva_poll(world))
    a, b = world.narva(3).external_id, world.narva(4).external_id
    plan = {12: [b], 13: [a, b], 14: [b, a], 15: [b]}
    first = True
    for i, ranking in plan.items():
        rows = around(
            ElectionBallot,
            lambda i=i, r=ranking: actions.cast_election_ballot(
                SYS, election, world.narva(i), r, at=d(9, 11)
            ),
        )
        if first:  # the slots are made at the first cast, one per member on the roll
            assert len(rows) == 30
            first = False
        assert not ElectionBallot.objects.filter(election=election, filled=True).exists()
    actions.close_election_poll(SYS, election, at=d(9, 12))
    opened = ElectionBallot.objects.filter(election=election)
    assert sorted(map(tuple, opened.values_list("ranking", flat=True))) == sorted(
        map(tuple, plan.values())
    )
    assert Election.objects.get(pk=election.pk).result["elected"] == [b]


def test_a_database_copy_without_the_key_file_opens_no_box(
    world: World, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The boxes are sealed under the key file, not anything in the database: with another
    key file the close refuses (and writes nothing) rather than count what it cannot open."""
    v = open_vote(world, "secret ballot")
    ballot.cast_secret_ballot(SYS, v, world.narva(0), "for")
    rows = snapshot()[SecretBallot._meta.db_table]
    monkeypatch.setenv("SMOLNY_KEY_FILE", str(tmp_path / "another_key"))
    with pytest.raises(ballot_box.BallotBoxError, match="does not open"):
        vote.close_vote(SYS, v)
    assert snapshot()[SecretBallot._meta.db_table] == rows
    assert Vote.objects.get(pk=v.pk).status == Vote.OPEN


def test_a_bucket_hides_the_ballot_above_the_full_rewrite_size(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past FULL_REWRITE slots a cast rewrites a bucket of that many, not one row."""
    monkeypatch.setattr(ballot_box, "FULL_REWRITE", 5)
    rv = recall_vote(world)
    before = set(RecallBallot.objects.filter(vote=rv).values_list("key", flat=True))
    actions.cast_recall_vote(SYS, rv, world.narva(10), True)
    after = set(RecallBallot.objects.filter(vote=rv).values_list("key", flat=True))
    assert len(after) == len(before) == rv.roll_size
    assert len(after - before) == 5
    closed = actions.close_recall_vote(SYS, RecallVote.objects.get(pk=rv.pk))
    assert (closed.votes_recall, closed.votes_keep) == (1, 0)
