"""Django app configuration for the notices app (the outbox)."""

from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "smolny.notices"
    label = "notices"
    verbose_name = "Notices"
    default_auto_field = "django.db.models.BigAutoField"
