"""Attack 4 of issue 17: a secret ballot linked to its voter from two looks at the tables.

Before the fix, reading the ballots table before and after a cast showed exactly one changed
row, and the journal entry in between named the voter: 2 of 2 linked. Now every box of the
vote is sealed under a key the database does not hold, and every cast deletes k of the vote's
boxes and writes them again with the new ballot's box, k+1 rows under new keys and fresh bytes
(smolny.councils.actions.ballot_box). Here: two snapshots of every table (all rows as tuples)
around each of several casts, for the session's secret ballot, the recall vote and the
members' election; k rows of the ballot table went and k+1 came, all of this vote; no ballot
cell carries anything the cast's journal entry says; opened with the key file (which the
attacker lacks), the new rows hold the old ones' contents and the new ballot, whose place
among them (by key, by the order the database returns them) varies from cast to cast; a cast
touches k+1 rows and reads k, whatever the vote's size; the count at the close is exact.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, models
from django.test import Client
from django.test.utils import CaptureQueriesContext

from smolny.councils import actions
from smolny.councils.actions import ballot, ballot_box, election_ballot, recall, vote
from smolny.councils.models import (
    Election,
    ElectionBallot,
    JournalEntry,
    RecallBallot,
    RecallVote,
    SecretBallot,
    Vote,
)
from smolny.journal.actions import action_transaction
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


K = 8
"""The bucket the tests set (smaller than the default, so a vote outgrows it quickly)."""


@pytest.fixture(autouse=True)
def small_bucket(settings: Any) -> None:
    settings.SMOLNY_BALLOT_BUCKET = K


def opened(box: ballot_box.Box, rows: Iterable[tuple[str, ...]]) -> list[Any]:
    """What the rows hold, opened with the key file (as the attacker cannot)."""
    aead = box._aead()
    column = [f.name for f in box.model._meta.concrete_fields].index("box")
    return [box.unseal(aead, row[column]) for row in rows]


def multiset(contents: Iterable[Any]) -> Counter[str]:
    return Counter(json.dumps(c) for c in contents)


def around(box: ballot_box.Box, cast: Any, expected: Callable[[Any], bool]) -> None:
    """Cast, with a snapshot before and after; check what a reader of both can see, and (with
    the key file) that the rows written hold the deleted rows' contents and one ballot that
    *expected* accepts."""
    model = box.model
    table = model._meta.db_table
    parent = [f.name for f in model._meta.concrete_fields].index(box.parent_field)
    before, old = snapshot(), ballot_rows(model)
    in_vote = sum(1 for row in old if row[parent] == str(box.parent.pk))
    cast()
    after, new = snapshot(), ballot_rows(model)
    assert len(before[table]) == len(old)
    assert len(after[table]) == len(new)
    entry = JournalEntry.objects.order_by("-seq").first()
    assert entry is not None
    assert entry.action.startswith("cast_")
    # k rows of this vote went (all of them while it had fewer) and k+1 came: never one row.
    gone, came = old - new, new - old
    assert len(came) == K + 1
    assert len(gone) == min(K, in_vote)
    assert {row[parent] for row in gone | came} == {str(box.parent.pk)}
    # Every box of the vote has one length, whatever it holds (a decoy, a choice, a ranking).
    column = [f.name for f in model._meta.concrete_fields].index("box")
    assert len({len(row[column]) for row in new if row[parent] == str(box.parent.pk)}) == 1
    # No ballot cell equals or contains anything derivable from the cast's journal entry,
    # and no other table holds any of the new keys or boxes.
    # (The vote's own column is the same in every row, and the entry names the vote; flags
    # are the same in every open row: both are left out.)
    known = derivable(entry)
    fields = model._meta.concrete_fields
    own = [
        i
        for i, f in enumerate(fields)
        if not f.is_relation and not isinstance(f, models.BooleanField)
    ]
    for row in came:
        for i in own:
            assert row[i] not in known, fields[i].name
        assert not any(k in row[column] for k in known if len(k) > 6)
    keys = {row[0] for row in came}
    for other, rows in after.items():
        if other != table:
            text = repr(rows)
            assert not any(k in text for k in keys), other
    # With the key file: the rows written hold what the deleted rows held, plus one ballot
    # (and, while the vote held fewer than k boxes, decoys to make up k).
    was, now = multiset(opened(box, gone)), multiset(opened(box, came))
    assert now - was + was == now  # every deleted content is among the written ones
    fresh = now - was
    assert fresh.pop("[]", 0) == K - len(gone)
    added = list(fresh.elements())
    assert len(added) == 1
    assert expected(json.loads(added[0])), added


def test_session_secret_ballot(world: World) -> None:
    v = open_vote(world, "secret ballot")
    assert not SecretBallot.objects.filter(vote=v).exists()  # no slots before the first cast
    box = ballot._box(v)
    plan = [(world.narva(0), "for"), (world.narva(1), "against"), (world.vyborg(0), "for")]
    receipts: list[str] = []
    for member, choice in plan:
        around(
            box,
            lambda m=member, c=choice: receipts.append(ballot.cast_secret_ballot(SYS, v, m, c)),
            # The box holds the choice, the ranking and the tracker (the voter's receipt).
            lambda content, c=choice: content == [c, [], receipts[-1]],
        )
        # Nothing in clear while the vote is open.
        assert not SecretBallot.objects.filter(vote=v).exclude(choice="").exists()
    assert SecretBallot.objects.filter(vote=v).count() == K + len(plan)
    closed = vote.close_vote(SYS, v)
    assert (closed.for_votes, closed.against, closed.abstain) == (2, 1, 0)
    clear = SecretBallot.objects.filter(vote=v)
    assert sorted(b.choice for b in clear) == ["against", "for", "for"]
    assert all(b.sealed and b.box == "" for b in clear)
    assert {b.receipt_hash for b in clear} == {""}  # no tracker beside an opened choice
    assert set(v.trackers.values_list("tracker", flat=True)) == set(receipts)


def test_recall_ballot(world: World) -> None:
    rv = recall_vote(world)
    assert not RecallBallot.objects.filter(vote=rv).exists()
    box = recall._box(rv)
    plan = {10: True, 11: False, 13: True, 14: True}
    receipts: list[str] = []
    for i, yes in plan.items():
        around(
            box,
            lambda i=i, r=yes: receipts.append(
                actions.cast_recall_vote(SYS, rv, world.narva(i), r)
            ),
            lambda content, r=yes: content == ["recall" if r else "keep"],
        )
        assert not RecallBallot.objects.filter(vote=rv).exclude(choice="").exists()
    # The receipts are the trackers on the board, one per cast, none in a ballot row.
    assert set(rv.trackers.values_list("tracker", flat=True)) == set(receipts)
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
    box = election_ballot._box(election)
    receipts: list[str] = []
    for i, ranking in plan.items():
        around(
            box,
            lambda i=i, r=ranking: receipts.append(
                actions.cast_election_ballot(SYS, election, world.narva(i), r, at=d(9, 11))
            ),
            lambda content, r=ranking: content == r,
        )
        assert not ElectionBallot.objects.filter(election=election, filled=True).exists()
    # k decoys (made by the first cast) and one box per ballot: the count the voters show.
    assert ElectionBallot.objects.filter(election=election).count() == K + len(plan)
    assert set(election.trackers.values_list("tracker", flat=True)) == set(receipts)
    actions.close_election_poll(SYS, election, at=d(9, 12))
    clear = ElectionBallot.objects.filter(election=election)
    assert sorted(map(tuple, clear.values_list("ranking", flat=True))) == sorted(
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


def filled_box(world: World, n: int) -> ballot_box.Box:
    """A recall vote's box holding *n* boxes: n - 3 decoys and 3 ballots (one cast each)."""
    rv = recall_vote(world)
    box = recall._box(rv)
    with action_transaction(None):
        box._write(box._aead(), ([] for _ in range(n - 3)))
    for _ in range(3):
        with action_transaction(None):
            ballot_box.cast(box, ["recall"])
    return box


@pytest.mark.parametrize("size", [40, 500])
def test_a_cast_touches_k_plus_one_rows_whatever_the_votes_size(
    world: World, settings: Any, size: int
) -> None:
    """k = 16: a cast into a vote of 40 or of 500 boxes deletes 16 rows and writes 17, and
    every query it makes on the ballot table is bounded (a key range with a limit, or keys
    named): it does not read the vote."""
    settings.SMOLNY_BALLOT_BUCKET = 16
    box = filled_box(world, size)
    assert RecallBallot.objects.filter(vote=box.parent).count() == size
    before = snapshot()
    with CaptureQueriesContext(connection) as queries, action_transaction(None):
        ballot_box.cast(box, ["keep"])
    after = snapshot()
    changed = {t: (before[t] - after[t], after[t] - before[t]) for t in before}
    gone, came = changed.pop(RecallBallot._meta.db_table)
    assert (len(gone), len(came)) == (16, 17)
    assert not any(g or c for g, c in changed.values()), {t for t, gc in changed.items() if any(gc)}
    table = RecallBallot._meta.db_table
    on_ballots = [q["sql"] for q in queries.captured_queries if table in q["sql"]]
    selects = [q for q in on_ballots if q.lstrip().upper().startswith("SELECT")]
    assert 1 <= len(selects) <= 2
    assert all("LIMIT" in q.upper() and "RANDOM" not in q.upper() for q in selects), selects
    assert all(q.lstrip().upper().startswith(("SELECT", "DELETE", "INSERT")) for q in on_ballots)
    with action_transaction(None):
        contents = ballot_box.open_all(box)
    assert Counter(c[0] for c in contents) == {"recall": 3, "keep": 1}


def test_the_ballots_place_among_the_rows_written_varies(world: World) -> None:
    """Opened with the key file over 30 casts (k = 8): the new ballot's rank among the 9 rows
    written, by key and in the order the database returns them, is not fixed (an
    implementation writing it first, last, or with the lowest key would give one rank)."""
    rv = recall_vote(world)
    box = recall._box(rv)
    aead = box._aead()
    table = connection.ops.quote_name(RecallBallot._meta.db_table)
    by_key, by_order = set(), set()
    for i in range(30):
        old = set(RecallBallot.objects.filter(vote=rv).values_list("key", flat=True))
        with action_transaction(None):
            ballot_box.cast(box, ["keep", i])
        with connection.cursor() as cursor:  # the database's own order, no ORDER BY
            cursor.execute(f"SELECT key, box FROM {table} WHERE vote_id = %s", [rv.pk])
            came = [(k, b) for k, b in cursor.fetchall() if k not in old]
        assert len(came) == K + 1
        mine = [box.unseal(aead, b) == ["keep", i] for _, b in came]
        assert mine.count(True) == 1
        by_order.add(mine.index(True))
        by_key.add(sorted(came).index(came[mine.index(True)]))
    assert len(by_key) >= 3, by_key
    assert len(by_order) >= 3, by_order


def admin_rows(client: Client, name: str, parent: str, pk: int) -> dict[str, str]:
    """The rows of one vote's ballots in the admin's list (every page of it), by key: each
    row's HTML with its key taken out (what tells one row from another apart from the key)."""
    rows: dict[str, str] = {}
    page = 0
    while True:
        html = client.get(f"/admin/councils/{name}/?{parent}__id__exact={pk}&p={page}")
        assert html.status_code == 200
        found = re.findall(r"<tr>(.*?)</tr>", html.content.decode(), re.S)
        body = [r for r in found if "<th" in r and "field-key" in r]
        for row in body:
            key = re.search(r">([0-9a-f]{32})<", row)
            assert key is not None, row
            rows[key.group(1)] = row.replace(key.group(1), "KEY")
        if f"p={page + 1}" not in html.content.decode():
            return rows
        page += 1


@pytest.mark.parametrize("kind", ["session", "recall", "election"])
def test_two_looks_at_the_admin_around_a_cast_show_k_plus_one_alike_rows(
    world: World, kind: str
) -> None:
    """A superuser's two looks at the admin's list of a vote's ballots, around each of three
    casts: k rows gone and k+1 new ones, each new row the same as the others but for its
    random key, and no choice on any page (the detail page of each new row included)."""
    superuser = get_user_model().objects.create_superuser("root", "root@example.org", "pw")
    client = Client()
    client.force_login(superuser)
    if kind == "session":
        v = open_vote(world, "secret ballot")
        name, parent, pk = "secretballot", "vote", v.pk
        casts = [
            lambda m=m, c=c: ballot.cast_secret_ballot(SYS, v, m, c)
            for m, c in (
                (world.narva(0), "for"),
                (world.narva(1), "against"),
                (world.vyborg(0), "for"),
            )
        ]
        secrets_ = (">for<", ">against<")
    elif kind == "recall":
        rv = recall_vote(world)
        name, parent, pk = "recallballot", "vote", rv.pk
        casts = [
            lambda i=i, r=r: actions.cast_recall_vote(SYS, rv, world.narva(i), r)
            for i, r in ((10, True), (11, False), (13, True))
        ]
        secrets_ = (">recall<", ">keep<")
    else:
        election = Election.objects.get(pk=narva_poll(world))
        a, b = world.narva(3).external_id, world.narva(4).external_id
        name, parent, pk = "electionballot", "election", election.pk
        casts = [
            lambda i=i, r=r: actions.cast_election_ballot(
                SYS, election, world.narva(i), r, at=d(9, 11)
            )
            for i, r in ((12, [b]), (13, [a, b]), (14, [b, a]))
        ]
        secrets_ = (f">{a}<", f">{b}<", f">{a}, {b}<", f">{b}, {a}<")
    for cast in casts:
        before = admin_rows(client, name, parent, pk)
        cast()
        after = admin_rows(client, name, parent, pk)
        gone, came = set(before) - set(after), set(after) - set(before)
        assert len(came) == K + 1
        assert len(gone) == min(K, len(before))
        assert len({after[key] for key in came}) == 1  # alike but for the key
        for key in came:
            detail = client.get(f"/admin/councils/{name}/{key}/change/").content.decode()
            assert "(secret until the close)" in detail
            assert not any(s in detail for s in secrets_)
        page = "".join(after.values())
        assert not any(s in page for s in secrets_)
