"""The outbox of notices by email."""

# ruff: noqa: RUF012

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("councils", "0015_secret_ballot_trackers_for_bulletin_boards"),
    ]

    operations = [
        migrations.CreateModel(
            name="OutboxMessage",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("session notice", "notice of a sitting"),
                            ("recall vote", "a recall vote opens"),
                            ("election poll", "an election poll opens"),
                        ],
                        max_length=32,
                    ),
                ),
                ("about", models.CharField(max_length=64)),
                ("to", models.EmailField(max_length=254)),
                ("subject", models.CharField(max_length=300)),
                ("body", models.TextField()),
                ("calendar", models.TextField(blank=True, default="")),
                ("calendar_name", models.CharField(blank=True, default="", max_length=100)),
                ("created_at", models.DateTimeField()),
                (
                    "state",
                    models.CharField(
                        choices=[("queued", "queued"), ("sent", "sent"), ("failed", "failed")],
                        default="queued",
                        max_length=16,
                    ),
                ),
                ("attempts", models.PositiveIntegerField(default=0)),
                ("last_attempt_at", models.DateTimeField(blank=True, null=True)),
                ("next_attempt_at", models.DateTimeField(blank=True, null=True)),
                ("claimed_until", models.DateTimeField(blank=True, null=True)),
                ("sent_at", models.DateTimeField(blank=True, null=True)),
                ("error", models.TextField(blank=True, default="")),
                (
                    "member",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="councils.member",
                    ),
                ),
                (
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="outbox",
                        to="councils.organisation",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(fields=["state", "next_attempt_at"], name="outbox_due"),
                    models.Index(
                        fields=["organisation", "created_at"], name="outbox_of_organisation"
                    ),
                ],
            },
        ),
    ]
