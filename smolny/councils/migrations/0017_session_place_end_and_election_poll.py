"""A sitting's place and end (given with its notice), and when an election's poll opened."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("councils", "0016_card_votes_and_proxies"),
    ]

    operations = [
        migrations.AddField(
            model_name="session",
            name="place",
            field=models.CharField(blank=True, default="", max_length=300),
        ),
        migrations.AddField(
            model_name="session",
            name="ends_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="election",
            name="poll_opened_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
