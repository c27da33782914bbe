"""The journal: a hash chain that names the first entry edited or removed by hand."""

from __future__ import annotations

import hashlib
import itertools
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.db import connection

from smolny.cli import main
from smolny.councils import actions, journal
from smolny.councils.models import JournalEntry
from smolny.councils.models.journal import JournalImmutable
from tests.integration.councils.conftest import d, make_frame


def _write_entries(n: int) -> None:
    organisation = actions.create_organisation(actions.SYSTEM, "Kronstadt", at=d(3, 1))
    for i in range(n - 1):
        actions.create_council(actions.SYSTEM, organisation, f"Council {i}", at=d(3, 2 + i))


def test_hash_is_sha256_over_prev_hash_and_canonical_fields() -> None:
    """Recomputed by hand from the documented definition, not through the module."""
    time = datetime(1917, 3, 1, 12, 0, tzinfo=UTC)
    body = (
        '{"action":"create_council","actor":"system:system",'
        '"payload":"{\\"name\\":\\"Совет\\"}","seq":7,'
        '"time":"1917-03-01T12:00:00.000000+00:00"}'
    )
    expected = hashlib.sha256(("ab" * 32 + body).encode("utf-8")).hexdigest()
    got = journal.entry_hash(
        "ab" * 32, 7, time, "system:system", "create_council", '{"name":"Совет"}'
    )
    assert got == expected


def test_canonical_json_sorts_keys_without_whitespace_and_keeps_utf8() -> None:
    assert journal.canonical_json({"b": 1, "a": ["Совет", None]}) == '{"a":["Совет",null],"b":1}'


@pytest.mark.django_db
def test_every_action_appends_one_linked_entry() -> None:
    _write_entries(4)
    entries = list(JournalEntry.objects.order_by("seq"))
    assert [e.seq for e in entries] == [1, 2, 3, 4]
    assert entries[0].prev_hash == "0" * 64
    for before, after in itertools.pairwise(entries):
        assert after.prev_hash == before.hash
    assert [e.action for e in entries] == ["create_organisation"] + ["create_council"] * 3
    payload = json.loads(entries[1].payload)
    assert payload["name"] == "Council 0"
    assert payload["at"] == "1917-03-02T12:00:00.000000+00:00"
    assert entries[1].payload == journal.canonical_json(payload)
    assert journal.verify_journal() == (4, None)


@pytest.mark.django_db
def test_a_refused_action_writes_nothing() -> None:
    _write_entries(2)
    with pytest.raises(actions.NotAllowed):
        actions.create_organisation(actions.SYSTEM, "Kronstadt", at=d(3, 9))
    assert JournalEntry.objects.count() == 2
    assert journal.verify_journal() == (2, None)


@pytest.mark.django_db
def test_no_code_path_updates_or_deletes_entries() -> None:
    _write_entries(2)
    entry = JournalEntry.objects.get(seq=1)
    entry.action = "forged"
    with pytest.raises(JournalImmutable):
        entry.save()
    with pytest.raises(JournalImmutable):
        entry.delete()
    with pytest.raises(JournalImmutable):
        JournalEntry.objects.filter(seq=1).update(action="forged")
    with pytest.raises(JournalImmutable):
        JournalEntry.objects.all().delete()
    assert JournalEntry.objects.get(seq=1).action == "create_organisation"


MUTATIONS = {
    "seq": "seq = 1000",
    "time": "time = %(time)s",
    "actor": "actor = 'user:1:forger'",
    "action": "action = 'create_fraction'",
    "payload": 'payload = \'{"name":"forged"}\'',
    "prev_hash": "prev_hash = '" + "1" * 64 + "'",
    "hash": "hash = '" + "2" * 64 + "'",
}


@pytest.mark.django_db
@pytest.mark.parametrize("field", sorted(MUTATIONS))
@pytest.mark.parametrize("victim", [1, 3, 5])
def test_editing_any_field_by_hand_is_named(
    field: str, victim: int, capsys: pytest.CaptureFixture[str]
) -> None:
    _write_entries(5)
    assert journal.verify_journal() == (5, None)
    assert main(["audit", "verify"]) == 0
    table = JournalEntry._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {MUTATIONS[field]} WHERE seq = %(seq)s",
            {"seq": victim, "time": datetime(1917, 10, 25, tzinfo=UTC)},
        )
    checked, broken = journal.verify_journal()
    assert broken is not None
    assert broken.seq == victim
    assert checked == victim - 1
    capsys.readouterr()
    assert main(["audit", "verify"]) == 1
    assert f"journal entry {victim}:" in capsys.readouterr().out


@pytest.mark.django_db
@pytest.mark.parametrize("victim", [1, 3, 5])
def test_deleting_a_row_by_hand_is_named(victim: int, capsys: pytest.CaptureFixture[str]) -> None:
    """Also the last row: the head record still counts it."""
    _write_entries(5)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {JournalEntry._meta.db_table} WHERE seq = %s", [victim])
    checked, broken = journal.verify_journal()
    assert broken is not None
    assert broken.seq == victim
    assert "missing" in broken.reason
    assert checked == victim - 1
    assert main(["audit", "verify"]) == 1
    assert f"journal entry {victim}: missing" in capsys.readouterr().out


@pytest.mark.django_db
def test_an_entry_inserted_behind_the_journals_back_is_named() -> None:
    _write_entries(3)
    last = JournalEntry.objects.get(seq=3)
    time = datetime(1917, 10, 25, tzinfo=UTC)
    forged_hash = journal.entry_hash(last.hash, 4, time, "user:9:forger", "forged", "{}")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {JournalEntry._meta.db_table} "
            "(seq, time, actor, action, payload, prev_hash, hash) "
            "VALUES (4, %s, 'user:9:forger', 'forged', '{}', %s, %s)",
            [time, last.hash, forged_hash],
        )
    _, broken = journal.verify_journal()
    assert broken is not None
    assert broken.seq == 4


@pytest.mark.django_db(transaction=True)
def test_audit_verify_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`smolny audit verify` exit status and message on the test database."""
    make_frame({"Putilov works": 5}, at=d(3, 1))
    assert main(["audit", "verify"]) == 0
    out = capsys.readouterr().out
    assert "OK" in out
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {JournalEntry._meta.db_table} SET actor = 'x' WHERE seq = 2")
    assert main(["audit", "verify"]) == 1
    out = capsys.readouterr().out
    assert "journal entry 2" in out


@pytest.mark.django_db
def test_each_entry_carries_the_organisation_its_payload_names() -> None:
    _write_entries(3)
    other = actions.create_organisation(actions.SYSTEM, "Helsingfors", at=d(3, 9))
    owners = list(JournalEntry.objects.order_by("seq").values_list("organisation_id", flat=True))
    kronstadt = JournalEntry.objects.get(seq=1).organisation_id
    assert kronstadt is not None
    assert owners == [kronstadt, kronstadt, kronstadt, other.pk]
    assert [journal.payload_organisation(e.payload) for e in JournalEntry.objects.all()] == owners


@pytest.mark.django_db
@pytest.mark.parametrize("moved_to", ["other", "nobody"])
def test_moving_an_entry_out_of_its_organisations_record_is_named(moved_to: str) -> None:
    """The column is outside the hash: the verification compares it with the payload, so an
    entry hidden from one organisation's journal page (or shown on another's) is a break."""
    _write_entries(4)
    other = actions.create_organisation(actions.SYSTEM, "Helsingfors", at=d(3, 9))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {JournalEntry._meta.db_table} SET organisation_id = %s WHERE seq = 3",
            [other.pk if moved_to == "other" else None],
        )
    checked, broken = journal.verify_journal()
    assert broken is not None
    assert broken.seq == 3
    assert "organisation" in broken.reason
    assert checked == 2


@pytest.mark.django_db
def test_the_migration_gives_an_older_journal_its_organisations() -> None:
    import importlib

    from django.db.migrations.loader import MigrationLoader

    name = "0008_journal_organisation"
    migration = importlib.import_module(f"smolny.councils.migrations.{name}")
    # The models as the migration sees them (a plain manager, as in a real migration run).
    apps = MigrationLoader(connection).project_state(("councils", name)).apps
    _write_entries(3)
    actions.create_organisation(actions.SYSTEM, "Helsingfors", at=d(3, 9))
    expected = list(JournalEntry.objects.order_by("seq").values_list("organisation_id", flat=True))
    with connection.cursor() as cursor:  # as written before the column existed
        cursor.execute(f"UPDATE {JournalEntry._meta.db_table} SET organisation_id = NULL")
    assert journal.verify_journal()[1] is not None
    migration.fill(apps, None)
    assert (
        list(JournalEntry.objects.order_by("seq").values_list("organisation_id", flat=True))
        == expected
    )
    assert journal.verify_journal() == (4, None)
