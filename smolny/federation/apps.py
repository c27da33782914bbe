"""Django app configuration for the federation app."""

from django.apps import AppConfig


class FederationConfig(AppConfig):
    name = "smolny.federation"
    label = "federation"
    verbose_name = "Federation"
    default_auto_field = "django.db.models.BigAutoField"
