"""The API's own Django app: it holds only the personal API tokens (label ``smolny_api``)."""

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "smolny.api"
    label = "smolny_api"
    verbose_name = "HTTP API"
    default_auto_field = "django.db.models.BigAutoField"
