"""The journal's organisation column: an index for reading one organisation's record.

Existing entries get the organisation their payload names (every action's record names it at
the top level), so that the verification, which compares the column with the payload, holds
for a journal written before this column existed.
"""

import json
from collections import defaultdict
from typing import Any

import django.db.models.deletion
from django.db import migrations, models

CHUNK = 5000


def fill(apps: Any, schema_editor: Any) -> None:
    entries = apps.get_model("councils", "JournalEntry")
    organisations = set(
        apps.get_model("councils", "Organisation").objects.values_list("pk", flat=True)
    )
    by_owner: dict[int, list[int]] = defaultdict(list)
    for seq, payload in entries.objects.values_list("seq", "payload").iterator(chunk_size=CHUNK):
        try:
            value = json.loads(payload)
        except ValueError:
            continue
        owner = value.get("organisation") if isinstance(value, dict) else None
        if isinstance(owner, int) and not isinstance(owner, bool) and owner in organisations:
            by_owner[owner].append(seq)
    for owner, seqs in by_owner.items():
        for start in range(0, len(seqs), CHUNK):
            entries.objects.filter(seq__in=seqs[start : start + CHUNK]).update(
                organisation_id=owner
            )


class Migration(migrations.Migration):
    dependencies = [
        ("councils", "0007_election_ballots"),
    ]

    operations = [
        migrations.AddField(
            model_name="journalentry",
            name="organisation",
            field=models.ForeignKey(
                blank=True,
                help_text="the organisation the payload names (an index for reading one "
                "organisation's record; outside the hash, and checked against the payload by "
                "the verification)",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="journal_entries",
                to="councils.organisation",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
