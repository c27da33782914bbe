"""A recall petition's signature keeps the reason its signer gave (optional)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("councils", "0018_trackers_for_recall_and_election_bulletin_boards"),
    ]

    operations = [
        migrations.AddField(
            model_name="recallsignature",
            name="reason",
            field=models.TextField(blank=True, default=""),
        ),
    ]
