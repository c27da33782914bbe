"""Recall ballots kept secret, as the session's secret ballot keeps them: who voted
(RecallVoter: vote, member) apart from what was voted (RecallBallot: random key, vote,
choice), no link between them. The old table held member, choice and time together and is
replaced, not converted: a ballot that was linked to its voter cannot be unlinked after the
fact, and the 1917 world is loaded fresh."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("councils", "0010_organisation_settings_member_email"),
    ]

    operations = [
        migrations.DeleteModel(name="RecallBallot"),
        migrations.CreateModel(
            name="RecallVoter",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "member",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="councils.member",
                    ),
                ),
                (
                    "vote",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="voters",
                        to="councils.recallvote",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("vote", "member"), name="one_recall_vote_per_member"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="RecallBallot",
            fields=[
                ("key", models.CharField(max_length=32, primary_key=True, serialize=False)),
                (
                    "choice",
                    models.CharField(
                        blank=True,
                        choices=[("recall", "recall"), ("keep", "keep")],
                        default="",
                        max_length=8,
                    ),
                ),
                ("sealed", models.BooleanField(default=False)),
                (
                    "vote",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="ballots",
                        to="councils.recallvote",
                    ),
                ),
            ],
            options={"ordering": ("key",)},
        ),
    ]
