"""Template context shared by every page: the languages offered by the switcher."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The language choices, so the switcher in the base template needs no view's help."""
    return {
        "language_choices": settings.LANGUAGES,
        # Whether the header offers "Sign up" (SMOLNY_SIGNUP, see smolny.accounts).
        "signup_open": getattr(settings, "SMOLNY_SIGNUP", "open") == "open",
    }
