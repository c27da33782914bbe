"""Django app configuration for the accounts app."""

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "smolny.accounts"
    label = "accounts"
    verbose_name = "Accounts"
    default_auto_field = "django.db.models.BigAutoField"
