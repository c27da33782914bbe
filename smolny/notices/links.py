"""Absolute links for mail, which is written inside actions that know no request.

``SMOLNY_BASE_URL`` (a setting from the environment, e.g. ``https://council.example.org``)
is the address people reach the server at. Without it, the address of the request being
answered is used (kept by :class:`RequestBaseMiddleware` for the request's duration), and
outside any request (a command) ``http://localhost:8000``, where ``smolny serve`` listens by
default.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

_request_base: ContextVar[str | None] = ContextVar("request_base", default=None)

FALLBACK = "http://localhost:8000"


def base_url() -> str:
    """The scheme and host that mailed links start with (no trailing slash)."""
    configured = str(getattr(settings, "SMOLNY_BASE_URL", "") or "").strip()
    found = configured or _request_base.get() or FALLBACK
    return found.rstrip("/")


def absolute(path: str) -> str:
    """*path* (from ``reverse``) as a link a mail reader can follow."""
    return base_url() + path


class RequestBaseMiddleware:
    """Keep the answered request's scheme and host for the links of the mail it causes."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        try:
            base = request.build_absolute_uri("/")
        except Exception:  # a host Django refuses: the view answers 400 anyway
            base = None
        token = _request_base.set(base)
        try:
            return self.get_response(request)
        finally:
            _request_base.reset(token)
