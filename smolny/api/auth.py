"""Who is calling: a Django session (browser) or a personal API token (scripts).

Session callers must send Django's CSRF token with every unsafe request (django-ninja's
``SessionAuth`` checks it); token callers do not, since a browser never adds a bearer token
by itself. Both give the handler the same thing: the user, who is the actor of the actions.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from smolny.api.common import MAX_ID
from smolny.api.errors import NotFound
from smolny.api.models import ApiToken

TOKEN_PREFIX = "smolny_"


def digest(key: str) -> str:
    """The stored form of a token: its SHA-256 in hex."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def create_token(user: AbstractBaseUser, name: str) -> tuple[ApiToken, str]:
    """Make a token for *user*; return the row and the key, which is shown only this once."""
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user_id=user.pk,
        name=name,
        prefix=key[: len(TOKEN_PREFIX) + 5],
        digest=digest(key),
        created_at=timezone.now(),
    )
    return token, key


def revoke_token(user: AbstractBaseUser, token_id: int) -> ApiToken:
    """Revoke one of *user*'s own tokens (someone else's token is as good as unknown: 404)."""
    token = None
    if 0 < token_id <= MAX_ID:
        token = ApiToken.objects.filter(pk=token_id, user_id=user.pk).first()
    if token is None:
        raise NotFound("token", token_id)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


class TokenAuth(HttpBearer):
    """``Authorization: Bearer smolny_...``: the token's active user, or nobody."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        if not token.startswith(TOKEN_PREFIX):
            return None
        row = (
            ApiToken.objects.select_related("user")
            .filter(digest=digest(token), revoked_at=None)
            .first()
        )
        if row is None or not row.user.is_active:
            return None
        request.user = row.user
        return row.user


class CsrfSessionAuth(SessionAuth):
    """Django's session, with its CSRF check; a request without a logged-in session is simply
    unauthenticated (401), not a CSRF failure (ninja checks CSRF before looking)."""

    def _get_key(self, request: HttpRequest) -> str | None:
        if not request.user.is_authenticated:
            return None
        key: str | None = super()._get_key(request)
        return key


token_auth = TokenAuth()
session_auth = CsrfSessionAuth(csrf=True)
AUTH = [token_auth, session_auth]


def caller(request: HttpRequest) -> AbstractBaseUser:
    """The authenticated user behind *request* (the auth classes have put it there)."""
    user = getattr(request, "auth", None)
    if not isinstance(user, AbstractBaseUser):
        raise TypeError("caller() on an unauthenticated request")
    return user
