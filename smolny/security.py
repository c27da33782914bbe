"""What production mode demands, the development secret, and the Content-Security-Policy.

:mod:`smolny.settings` calls :func:`production_settings_errors` when ``SMOLNY_PRODUCTION=1``
and refuses to load (``ImproperlyConfigured``) while it names a problem, so neither
``smolny serve`` nor ``python -m django ...`` can run a production installation with a
guessable secret or without a list of the host names it answers to.

Outside production the secret is made up once, at random, and kept in a file readable by its
owner alone (:func:`development_secret`): sessions and password-reset links survive a restart,
every process of one installation signs with the same secret, and no secret is written in the
code. (The federation's private keys are sealed under a key file of their own, see
:mod:`smolny.federation.keys`, not under this secret.)

Django 5.2, the version Smolny runs on, has no Content-Security-Policy support of its own
(it arrives in Django 6), hence :class:`ContentSecurityPolicyMiddleware`.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponseBase
from django.utils.deprecation import MiddlewareMixin

from smolny.secretfile import create_once

SECRET_FILE_NAME = "secret_key"
MIN_SECRET_LENGTH = 50
"""Django's own deployment check (security.W009) asks for 50 characters, 5 of them distinct."""

GENERATE_HINT = "python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"


def flag(environ: Mapping[str, str], name: str) -> bool:
    """Whether the environment turns *name* on (anything but empty, 0, false, no)."""
    return environ.get(name, "").strip().lower() not in ("", "0", "false", "no", "off")


def split_list(value: str) -> list[str]:
    """A comma-separated environment value as a list, blanks dropped."""
    return [item.strip() for item in value.split(",") if item.strip()]


def production_settings_errors(environ: Mapping[str, str]) -> list[str]:
    """Why this environment cannot run in production mode; empty when it can.

    Each problem is one line that names the variable and says what to do.
    """
    errors = []
    secret = environ.get("SMOLNY_SECRET_KEY", "").strip()
    if not secret:
        errors.append(
            "production mode (SMOLNY_PRODUCTION=1) needs SMOLNY_SECRET_KEY: "
            f"set it to a long random string, made e.g. with {GENERATE_HINT}"
        )
    elif (
        len(secret) < MIN_SECRET_LENGTH
        or len(set(secret)) < 5
        or secret.startswith("django-insecure")
    ):
        errors.append(
            f"SMOLNY_SECRET_KEY is too weak for production mode: use at least "
            f"{MIN_SECRET_LENGTH} random characters, made e.g. with {GENERATE_HINT}"
        )
    if not split_list(environ.get("SMOLNY_ALLOWED_HOSTS", "")):
        errors.append(
            "production mode (SMOLNY_PRODUCTION=1) needs SMOLNY_ALLOWED_HOSTS: "
            "the host names the site is reached by, comma-separated (e.g. soviet.example.org)"
        )
    if flag(environ, "SMOLNY_DEBUG"):
        errors.append(
            "SMOLNY_DEBUG must be off in production mode: "
            "its error pages show settings and source code"
        )
    for origin in split_list(environ.get("SMOLNY_CSRF_TRUSTED_ORIGINS", "")):
        if not origin.startswith(("https://", "http://")):
            errors.append(
                f"SMOLNY_CSRF_TRUSTED_ORIGINS: {origin!r} needs its scheme (e.g. https://{origin})"
            )
    return errors


def development_secret(directory: Path) -> str:
    """The secret kept in *directory*, made at random on the first call.

    The file is created with mode 0600 under a temporary name, then linked into place: when
    two processes start at once (two workers, or a command beside the server) one link wins
    and the other process reads the winner's secret, so every process ends with the same one.
    """
    path = directory / SECRET_FILE_NAME
    try:
        try:
            return _read_secret(path)
        except FileNotFoundError:
            pass
        secret = secrets.token_urlsafe(MIN_SECRET_LENGTH)
        if not create_once(path, f"{secret}\n"):
            secret = _read_secret(path)
        return secret
    except OSError as error:
        raise ImproperlyConfigured(
            f"cannot keep the development secret in {path}: {error.strerror or error}; "
            "set SMOLNY_SECRET_KEY instead"
        ) from error


def _read_secret(path: Path) -> str:
    secret = path.read_text(encoding="ascii").strip()
    if not secret:
        raise ImproperlyConfigured(
            f"{path} is empty: delete it to have a new secret made, or set SMOLNY_SECRET_KEY"
        )
    return secret


CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        # Scripts only from Smolny's own static files: no inline script, no other origin.
        # 'unsafe-eval' is there for one htmx trigger filter (the member portal's
        # hx-trigger="live[...]"), which htmx compiles with Function(); nothing else needs it.
        "script-src 'self' 'unsafe-eval'",
        "style-src 'self'",
        # data: for the images Swagger UI (/api/docs) and the admin embed in their CSS.
        "img-src 'self' data:",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
"""The policy every response carries, in development as in production.

It is sent in both modes so that the browser tests, which run in development mode, would
catch a page that needs more than it allows.
"""


class ContentSecurityPolicyMiddleware(MiddlewareMixin):
    """Adds ``Content-Security-Policy`` (from ``settings.SMOLNY_CONTENT_SECURITY_POLICY``) to
    every response that does not set its own.

    Built on ``MiddlewareMixin`` so that it works in an async request stack too: a sync-only
    middleware would make Django run the async event-stream view in a thread of its own for
    as long as each stream lasts.
    """

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        from django.conf import settings

        policy: str = settings.SMOLNY_CONTENT_SECURITY_POLICY
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        return response
