"""Importing a member roll: all or nothing, every bad line reported."""

from __future__ import annotations

import hashlib

import pytest

from smolny.councils import actions
from smolny.councils.actions.roll import RollImportError
from smolny.councils.models import JournalEntry, Member
from smolny.councils.queries import roll_counts
from tests.integration.councils.conftest import d, make_frame, roll_lines


@pytest.mark.django_db
def test_a_good_roll_is_imported_with_one_journal_entry_carrying_its_digest() -> None:
    frame = make_frame({"Putilov works": 3, "Obukhov works": 2}, at=d(3, 1))
    lines = roll_lines(
        [("P-100", "Ivanov", "Putilov works"), ("O-100", "Petrova", "Obukhov works")]
    )
    before = JournalEntry.objects.count()
    result = actions.import_roll(
        actions.SYSTEM, frame.council, lines, source="more.csv", at=d(3, 2)
    )
    assert result.members == 2
    assert result.constituencies == 2
    assert result.digest == hashlib.sha256("".join(lines).encode()).hexdigest()
    assert JournalEntry.objects.count() == before + 1
    entry = JournalEntry.objects.order_by("-seq").first()
    assert entry is not None
    assert entry.action == "import_roll"
    assert result.digest in entry.payload
    counts = roll_counts(frame.council, d(3, 3))
    assert counts[frame.constituencies["Putilov works"].pk] == 4
    assert counts[frame.constituencies["Obukhov works"].pk] == 3
    # Before the second import, the rolls were as first imported.
    earlier = roll_counts(frame.council, d(3, 1, 18))
    assert earlier[frame.constituencies["Putilov works"].pk] == 3


@pytest.mark.django_db
def test_every_bad_line_is_reported_and_nothing_imported() -> None:
    frame = make_frame({"Putilov works": 2}, at=d(3, 1))
    members_before = Member.objects.count()
    entries_before = JournalEntry.objects.count()
    lines = [
        "member_id,name,constituency\n",
        "N-1,Smirnov,Putilov works\n",  # line 2: good
        "N-2,,Putilov works\n",  # line 3: empty name
        "N-1,Smirnova,Putilov works\n",  # line 4: duplicate of line 2
        "N-3,Kuznetsov,Nevsky works\n",  # line 5: unknown constituency
        "PW-0001,Again,Putilov works\n",  # line 6: already on a roll
        ",Nobody,Putilov works\n",  # line 7: empty member id
        "N-4,Popov\n",  # line 8: missing field
        "N-5,Vasiliev,Putilov works\n",  # line 9: good
        f"N-6,{'x' * 201},Putilov works\n",  # line 10: name too long
    ]
    with pytest.raises(RollImportError) as caught:
        actions.import_roll(actions.SYSTEM, frame.council, lines, source="bad.csv", at=d(3, 2))
    found = {(e.line, e.field) for e in caught.value.errors}
    assert found == {
        (3, "name"),
        (4, "member_id"),
        (5, "constituency"),
        (6, "member_id"),
        (7, "member_id"),
        (8, "line"),
        (10, "name"),
    }
    message = str(caught.value)
    assert "bad.csv:4: member_id: duplicate member id 'N-1' (first on line 2)" in message
    assert "bad.csv:5: constituency: unknown constituency 'Nevsky works'" in message
    assert "bad.csv:3: name: empty name" in message
    assert Member.objects.count() == members_before
    assert JournalEntry.objects.count() == entries_before


@pytest.mark.django_db
def test_a_header_without_the_columns_is_refused() -> None:
    frame = make_frame({"Putilov works": 1}, at=d(3, 1))
    with pytest.raises(RollImportError) as caught:
        actions.import_roll(
            actions.SYSTEM, frame.council, ["id,name\n", "1,x\n"], source="h.csv", at=d(3, 2)
        )
    assert caught.value.errors[0].line == 1
    assert "member_id" in caught.value.errors[0].message


@pytest.mark.django_db
def test_quoted_fields_and_line_numbers_follow_the_csv_text() -> None:
    """A quoted name spanning two physical lines: the error after it names the right line."""
    frame = make_frame({"Putilov works": 1}, at=d(3, 1))
    lines = [
        "member_id,name,constituency\n",
        'Q-1,"Ivanov, Ivan\n',
        'the younger",Putilov works\n',
        "Q-2,,Putilov works\n",
    ]
    with pytest.raises(RollImportError) as caught:
        actions.import_roll(actions.SYSTEM, frame.council, lines, at=d(3, 2))
    assert [(e.line, e.field) for e in caught.value.errors] == [(4, "name")]


@pytest.mark.django_db
def test_only_a_secretary_imports() -> None:
    from django.contrib.auth.models import User

    frame = make_frame({"Putilov works": 1}, at=d(3, 1))
    stranger = User.objects.create_user("stranger")
    with pytest.raises(actions.PermissionDenied):
        actions.import_roll(
            stranger, frame.council, roll_lines([("X", "X", "Putilov works")]), at=d(3, 2)
        )
    secretary = User.objects.create_user("secretary")
    actions.appoint_secretary(actions.SYSTEM, frame.organisation, secretary, at=d(3, 2))
    result = actions.import_roll(
        secretary, frame.council, roll_lines([("X", "X", "Putilov works")]), at=d(3, 3)
    )
    assert result.members == 1
    last = JournalEntry.objects.order_by("-seq").first()
    assert last is not None
    assert last.actor == f"user:{secretary.pk}:secretary"
