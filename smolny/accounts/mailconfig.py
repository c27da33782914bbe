"""Mail settings from the environment (read by :mod:`smolny.settings`; no Django here).

Without settings, mail goes to the console backend: printed on the server's standard output,
which is what a developer wants. A server sends through SMTP, given either one URL or the
separate variables:

- ``SMOLNY_EMAIL_URL``: ``smtp://USER:PASSWORD@HOST:PORT`` (plain, or STARTTLS with
  ``smtp+tls://``; implicit TLS with ``smtps://``); ``console:`` forces the console backend.
  User and password are percent-encoded in the URL.
- ``SMOLNY_SMTP_HOST``, ``SMOLNY_SMTP_PORT`` (default 587 with TLS, else 25),
  ``SMOLNY_SMTP_USER``, ``SMOLNY_SMTP_PASSWORD``, ``SMOLNY_SMTP_TLS`` (``1`` for STARTTLS,
  ``ssl`` for implicit TLS; default off).
- ``SMOLNY_FROM_EMAIL``: the sender of every message (default ``smolny@localhost``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote, urlsplit

CONSOLE = "django.core.mail.backends.console.EmailBackend"
SMTP = "django.core.mail.backends.smtp.EmailBackend"
TRUE = ("1", "true", "yes", "on")


class MailSettingsError(ValueError):
    """The mail settings in the environment cannot be used; the message names the variable."""


def mail_settings(environ: Mapping[str, str]) -> dict[str, Any]:
    """Django's ``EMAIL_*`` settings (and ``DEFAULT_FROM_EMAIL``) for *environ*."""
    sender = environ.get("SMOLNY_FROM_EMAIL", "").strip() or "smolny@localhost"
    found: dict[str, Any] = {
        "DEFAULT_FROM_EMAIL": sender,
        "SERVER_EMAIL": sender,
        "EMAIL_TIMEOUT": 30,
    }
    url = environ.get("SMOLNY_EMAIL_URL", "").strip()
    host = environ.get("SMOLNY_SMTP_HOST", "").strip()
    if url:
        found.update(_from_url(url))
    elif host:
        found.update(_from_variables(host, environ))
    else:
        found["EMAIL_BACKEND"] = CONSOLE
    return found


def _from_url(url: str) -> dict[str, Any]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "console":
        return {"EMAIL_BACKEND": CONSOLE}
    if scheme not in ("smtp", "smtp+tls", "smtps"):
        raise MailSettingsError(
            f"SMOLNY_EMAIL_URL: scheme {parts.scheme!r}: use smtp, smtp+tls, smtps or console"
        )
    if not parts.hostname:
        raise MailSettingsError("SMOLNY_EMAIL_URL: no host (smtp://USER:PASSWORD@HOST:PORT)")
    try:
        port = parts.port
    except ValueError:
        raise MailSettingsError("SMOLNY_EMAIL_URL: the port is not a number") from None
    tls = scheme == "smtp+tls"
    ssl = scheme == "smtps"
    return {
        "EMAIL_BACKEND": SMTP,
        "EMAIL_HOST": parts.hostname,
        "EMAIL_PORT": port or (465 if ssl else 587 if tls else 25),
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": tls,
        "EMAIL_USE_SSL": ssl,
    }


def _from_variables(host: str, environ: Mapping[str, str]) -> dict[str, Any]:
    tls_text = environ.get("SMOLNY_SMTP_TLS", "").strip().lower()
    ssl = tls_text == "ssl"
    tls = tls_text in TRUE
    port_text = environ.get("SMOLNY_SMTP_PORT", "").strip()
    try:
        port = int(port_text) if port_text else (465 if ssl else 587 if tls else 25)
    except ValueError:
        raise MailSettingsError(f"SMOLNY_SMTP_PORT: {port_text!r} is not a number") from None
    return {
        "EMAIL_BACKEND": SMTP,
        "EMAIL_HOST": host,
        "EMAIL_PORT": port,
        "EMAIL_HOST_USER": environ.get("SMOLNY_SMTP_USER", ""),
        "EMAIL_HOST_PASSWORD": environ.get("SMOLNY_SMTP_PASSWORD", ""),
        "EMAIL_USE_TLS": tls,
        "EMAIL_USE_SSL": ssl,
    }


def signup_mode(environ: Mapping[str, str]) -> str:
    """``SMOLNY_SIGNUP``: ``open`` (anyone may sign up; the default) or ``invitation``
    (accounts come only from invitations and operators)."""
    mode = environ.get("SMOLNY_SIGNUP", "").strip().lower() or "open"
    if mode not in ("open", "invitation"):
        raise MailSettingsError(f"SMOLNY_SIGNUP: {mode!r}: use open or invitation")
    return mode
