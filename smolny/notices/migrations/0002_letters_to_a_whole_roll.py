"""Letters to a whole roll: one row queued by the action, addressed by the postman."""

# ruff: noqa: RUF012

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("councils", "0017_session_place_end_and_election_poll"),
        ("notices", "0001_outbox"),
    ]

    operations = [
        migrations.CreateModel(
            name="OutboxLetter",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("kind", models.CharField(max_length=32)),
                ("about", models.CharField(max_length=64)),
                ("subject", models.CharField(max_length=300)),
                ("body", models.TextField()),
                ("roll_at", models.DateTimeField()),
                ("created_at", models.DateTimeField()),
                ("expanded_at", models.DateTimeField(blank=True, null=True)),
                ("recipients", models.PositiveIntegerField(default=0)),
                (
                    "constituency",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="councils.constituency",
                    ),
                ),
                (
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="outbox_letters",
                        to="councils.organisation",
                    ),
                ),
            ],
        ),
        migrations.AlterField(
            model_name="outboxmessage",
            name="body",
            field=models.TextField(blank=True, default=""),
        ),
        migrations.AddField(
            model_name="outboxmessage",
            name="letter",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="messages",
                to="notices.outboxletter",
            ),
        ),
    ]
