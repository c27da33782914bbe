"""Turn a database URL into a Django ``DATABASES`` entry.

Smolny takes ``--db URL`` and ``SMOLNY_DATABASE_URL`` in the two forms the design names:
``sqlite:///absolute/path`` (or ``sqlite:///:memory:``) and ``postgres://user:pass@host:port/name``
(``postgresql://`` too). The parser is small enough that a dependency would cost more than it
saves, and it must give a clear message for a malformed URL rather than a traceback.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

DEFAULT_SQLITE_PATH = Path.home() / ".local" / "share" / "smolny" / "smolny.sqlite3"


class DatabaseURLError(ValueError):
    """A database URL that Smolny cannot use; the message says why."""


def default_database_url() -> str:
    """The URL in force without ``--db``: the environment, else the per-user SQLite file."""
    return os.environ.get("SMOLNY_DATABASE_URL") or f"sqlite:///{DEFAULT_SQLITE_PATH}"


def parse_database_url(url: str) -> dict[str, Any]:
    """Return the Django ``DATABASES['default']`` dict for *url*."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "sqlite":
        # ``sqlite:///tmp/x.db`` and ``sqlite:////tmp/x.db`` both name /tmp/x.db: the design
        # writes ``sqlite:///PATH`` with an absolute path, and a doubled slash is a common slip.
        rest = unquote(url.split("://", 1)[1]) if "://" in url else ""
        if rest in ("/:memory:", ":memory:"):
            name = ":memory:"
        else:
            name = "/" + rest.lstrip("/") if rest.startswith("/") else rest
        if name in ("", "/"):
            raise DatabaseURLError(f"database URL {url!r}: a SQLite URL needs a file path")
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": name,
            "OPTIONS": {"timeout": 30, "transaction_mode": "IMMEDIATE"},
        }
    if scheme in ("postgres", "postgresql", "pgsql"):
        name = unquote(parts.path.lstrip("/"))
        if not name:
            raise DatabaseURLError(f"database URL {url!r}: a PostgreSQL URL needs a database name")
        options = dict(parse_qsl(parts.query))
        host = unquote(parts.hostname or "") if parts.hostname else options.pop("host", "")
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": host,
            "PORT": str(parts.port or ""),
            "OPTIONS": options,
            "CONN_MAX_AGE": 0,
        }
    raise DatabaseURLError(
        f"database URL {url!r}: unknown scheme {scheme!r} (use sqlite:///PATH or postgres://...)"
    )
