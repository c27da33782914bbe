"""Logging in and out (Django sessions) and the caller's own API tokens.

A browser first GETs ``/api/auth/csrf`` for the CSRF cookie, then POSTs ``/api/auth/login``
with the cookie's value in the ``X-CSRFToken`` header; every later unsafe request does the
same. Scripts make a token once (``POST /api/auth/tokens``) and send
``Authorization: Bearer <token>``.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth import authenticate, login, logout
from django.http import HttpRequest
from django.middleware.csrf import get_token
from ninja import Field, Router, Schema, Status
from ninja.utils import check_csrf

from smolny.api.auth import caller, create_token, revoke_token
from smolny.api.common import In, Message
from smolny.api.models import ApiToken

router = Router(tags=["auth"])


class Csrf(Schema):
    csrf_token: str


class Credentials(In):
    username: str = Field(min_length=1, max_length=150)
    password: str = Field(min_length=1, max_length=4096)


class WhoAmI(Schema):
    id: int
    username: str


class TokenIn(In):
    name: str = Field(min_length=1, max_length=100)


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    revoked_at: datetime | None


class NewToken(TokenOut):
    token: str = Field(description="the key itself: shown this once, stored only as a digest")


@router.get("/csrf", response=Csrf, auth=None)
def csrf(request: HttpRequest) -> Csrf:
    """Set the CSRF cookie and return its value, for the ``X-CSRFToken`` header."""
    return Csrf(csrf_token=get_token(request))


@router.post("/login", response={200: WhoAmI, 401: Message, 403: Message, 429: Message}, auth=None)
def login_(request: HttpRequest, body: Credentials) -> Status[WhoAmI | Message]:
    """Start a session (CSRF-checked like any form post)."""
    refused = check_csrf(request)
    if refused is not None:
        detail = "CSRF check failed: GET /api/auth/csrf and send X-CSRFToken"
        return Status(403, Message(detail=detail))
    user = authenticate(request, username=body.username, password=body.password)
    refused_for = getattr(request, "smolny_throttled", None)
    if refused_for is not None:
        return Status(429, Message(detail=str(refused_for)))
    if user is None:
        return Status(401, Message(detail="unknown username or wrong password"))
    login(request, user)
    return Status(200, WhoAmI(id=user.pk, username=user.get_username()))


@router.post("/logout", response={204: None})
def logout_(request: HttpRequest) -> Status[None]:
    """End the session (a token caller has no session; this is then a no-op)."""
    logout(request)
    return Status(204, None)


@router.get("/whoami", response=WhoAmI)
def whoami(request: HttpRequest) -> WhoAmI:
    user = caller(request)
    return WhoAmI(id=user.pk, username=user.get_username())


@router.get("/tokens", response=list[TokenOut])
def list_tokens(request: HttpRequest) -> list[ApiToken]:
    """The caller's own tokens, revoked ones included; never the keys."""
    return list(ApiToken.objects.filter(user_id=caller(request).pk).order_by("id"))


@router.post("/tokens", response={201: NewToken})
def new_token(request: HttpRequest, body: TokenIn) -> Status[NewToken]:
    token, key = create_token(caller(request), body.name)
    return Status(
        201,
        NewToken(
            id=token.pk,
            name=token.name,
            prefix=token.prefix,
            created_at=token.created_at,
            revoked_at=None,
            token=key,
        ),
    )


@router.delete("/tokens/{token_id}", response={200: TokenOut, 404: Message})
def revoke(request: HttpRequest, token_id: int) -> ApiToken:
    """Revoke one of the caller's tokens; another user's token is not found (404)."""
    return revoke_token(caller(request), token_id)
