"""The councils app: models, migrations, admin and actions of the council system."""
