"""Personal API tokens.

A token is shown to its owner once, when it is made; only its SHA-256 digest is stored, so a
copy of the database does not hand out working tokens. A revoked token keeps its row (with
``revoked_at``) so that its owner can see when it stopped working.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ApiToken(models.Model):
    """A bearer token standing for its user in ``Authorization: Bearer ...``."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, help_text="the token's first characters, to tell it")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}...)"
