"""Django app configuration for the councils app."""

from django.apps import AppConfig


class CouncilsConfig(AppConfig):
    name = "smolny.councils"
    label = "councils"
    verbose_name = "Councils"
    default_auto_field = "django.db.models.BigAutoField"
