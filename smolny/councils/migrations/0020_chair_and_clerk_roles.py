"""The organisation's chair and clerk roles among the roles a user may hold."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("councils", "0019_recall_signature_reason"),
    ]

    operations = [
        migrations.AlterField(
            model_name="organisationrole",
            name="role",
            field=models.CharField(
                choices=[
                    ("secretary", "secretary"),
                    ("recorder", "recorder of past events"),
                    ("chair", "chair"),
                    ("clerk", "clerk"),
                ],
                max_length=32,
            ),
        ),
    ]
