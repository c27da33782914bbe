"""The journal over the API: one organisation's record by its index, the whole chain by default."""

from __future__ import annotations

import json

import pytest

from smolny.councils import actions
from smolny.councils.models import JournalEntry, Organisation
from tests.integration.api.conftest import World

pytestmark = pytest.mark.django_db


def test_the_journal_of_one_organisation_is_read_by_its_id(world: World) -> None:
    other = actions.create_organisation(actions.SYSTEM, "Helsingfors")
    # A member of the world's organisation reads its journal and a public record's.
    Organisation.objects.filter(pk=other.pk).update(public_record=True)
    client = world.client("member")
    everything = client.get("/api/journal", {"limit": 1000}).json()
    assert len(everything) == JournalEntry.objects.count()
    mine = client.get("/api/journal", {"organisation": world.organisation_id, "limit": 1000})
    assert mine.status_code == 200
    rows = mine.json()
    assert rows
    assert len(rows) == len(everything) - 1
    assert {r["organisation"] for r in rows} == {world.organisation_id}
    assert all(r["payload"]["organisation"] == world.organisation_id for r in rows)
    [theirs] = client.get("/api/journal", {"organisation": other.pk}).json()
    assert theirs["action"] == "create_organisation"
    assert json.loads(JournalEntry.objects.get(seq=theirs["seq"]).payload)["name"] == "Helsingfors"
    assert client.get("/api/journal", {"organisation": 0}).status_code == 422
