"""The live app: only so that the PostgreSQL transport's tables come from a migration."""

from __future__ import annotations

from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "smolny.live"
    label = "live"
    verbose_name = "Live updates"
