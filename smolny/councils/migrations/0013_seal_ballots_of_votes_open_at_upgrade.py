"""Seal the ballot slots of votes that were open when the ballot box (0012) arrived.

Before 0012 an open vote's slots held their choice (or ranking, or receipt's hash) in clear.
The ballot box reads only sealed boxes while a vote is open, so each such slot is sealed here,
under the installation's key file, with the content it held (an empty slot: nothing), and
its clear columns emptied; it gets a fresh random key. Closed votes' ballots (``sealed``, or
an election no longer open) are left as they are: they are public results.

Reversing puts the content back in the clear columns (it needs the same key file).
"""

from django.db import migrations


def _boxes(apps):
    """(historical ballot model, its vote field, the open slots' filter, width of a vote, content
    of a slot) for each ballot table."""
    from smolny.councils.actions import ballot_box

    Candidate = apps.get_model("councils", "Candidate")

    def election_width(election):
        numbers = list(
            Candidate.objects.filter(election=election, withdrawn_at=None)
            .order_by("pk")
            .values_list("member__external_id", flat=True)
        )
        return ballot_box.election_width(numbers)

    return (
        (
            apps.get_model("councils", "SecretBallot"),
            "vote",
            {"sealed": False},
            lambda vote: ballot_box.secret_width(vote.options),
            lambda row: [row.choice, row.ranking, row.receipt_hash] if row.choice else [],
            {"choice": "", "ranking": [], "receipt_hash": ""},
        ),
        (
            apps.get_model("councils", "RecallBallot"),
            "vote",
            {"sealed": False},
            lambda vote: ballot_box.RECALL_WIDTH,
            lambda row: [row.choice] if row.choice else [],
            {"choice": ""},
        ),
        (
            apps.get_model("councils", "ElectionBallot"),
            "election",
            {"election__status": "open"},
            election_width,
            lambda row: list(row.ranking) if row.filled else [],
            {"ranking": [], "filled": False},
        ),
    )


def seal_open_slots(apps, schema_editor):
    from smolny.councils.actions import ballot_box

    for model, field, open_filter, width, content, cleared in _boxes(apps):
        legacy = model.objects.filter(box="", **open_filter)
        for parent_id in set(legacy.values_list(f"{field}_id", flat=True)):
            rows = list(legacy.filter(**{f"{field}_id": parent_id}))
            parent = rows[0]._meta.get_field(field).related_model.objects.get(pk=parent_id)
            box = ballot_box.Box(model, field, parent, width=width(parent))
            aead = box._aead()
            contents = [content(row) for row in rows]
            model.objects.filter(pk__in=[row.pk for row in rows]).delete()
            model.objects.bulk_create(
                model(
                    key=ballot_box.slot_key(),
                    box=box.seal(aead, c),
                    **{field: parent},
                    **cleared,
                )
                for c in contents
            )


def open_sealed_slots(apps, schema_editor):
    from smolny.councils.actions import ballot_box

    for model, field, open_filter, width, _content, _cleared in _boxes(apps):
        sealed = model.objects.exclude(box="").filter(**open_filter)
        for parent_id in set(sealed.values_list(f"{field}_id", flat=True)):
            rows = list(sealed.filter(**{f"{field}_id": parent_id}))
            parent = rows[0]._meta.get_field(field).related_model.objects.get(pk=parent_id)
            box = ballot_box.Box(model, field, parent, width=width(parent))
            aead = box._aead()
            for row in rows:
                held = box.unseal(aead, row.box)
                if model.__name__ == "SecretBallot" and held:
                    row.choice, row.ranking, row.receipt_hash = held
                elif model.__name__ == "RecallBallot" and held:
                    row.choice = held[0]
                elif held:
                    row.ranking, row.filled = held, True
                row.box = ""
                row.save()


class Migration(migrations.Migration):
    dependencies = [
        ("councils", "0012_ballot_boxes_sealed_rewritten_per_cast"),
    ]

    operations = [migrations.RunPython(seal_open_slots, open_sealed_slots)]
