"""Subcommands of ``smolny``, one module each (see :mod:`smolny.cli`).

Shared helpers live here: reporting an input error the way every command does, and setting
up Django for the commands that need the database.
"""

from __future__ import annotations

import os
import sys


class InputError(Exception):
    """Bad input from the user: printed as ``smolny: FILE:LINE: message`` with exit status 2."""

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None):
        self.file = file
        self.line = line
        self.message = message
        where = ":".join(str(p) for p in (file, line) if p is not None)
        super().__init__(f"{where}: {message}" if where else message)


def fail(error: Exception, status: int = 2) -> int:
    """Print *error* on standard error in the common format and return *status*."""
    print(f"smolny: {error}", file=sys.stderr)
    return status


def setup_django(db_url: str | None = None) -> None:
    """Configure Django for a command that needs the database.

    ``--db`` wins over ``SMOLNY_DATABASE_URL``; both are read by :mod:`smolny.settings`.
    """
    if db_url:
        os.environ["SMOLNY_DATABASE_URL"] = db_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smolny.settings")
    import django

    django.setup()
