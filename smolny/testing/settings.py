"""Settings for the test suite.

``SMOLNY_TEST_DB`` picks the database the integration tests run on: ``sqlite`` (default) or
``postgres``. For PostgreSQL the connection details are filled in by the session fixture in
``tests/conftest.py`` once the server is up (a throwaway server, or the one named by
``SMOLNY_TEST_DATABASE_URL``); the engine must be chosen here, before Django starts.
"""

from __future__ import annotations

import os
import secrets

# A secret of the run's own, so that the tests never write one into the user's home (see
# smolny.security.development_secret); the processes the tests start inherit it.
os.environ.setdefault("SMOLNY_SECRET_KEY", secrets.token_urlsafe(50))

from smolny.settings import *  # noqa: F403

TEST_DATABASE = os.environ.get("SMOLNY_TEST_DB", "sqlite")

if TEST_DATABASE == "postgres":
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": "smolny",
            "HOST": "127.0.0.1",
            "PORT": "",
            "USER": "smolny",
            "PASSWORD": "",
            "CONN_MAX_AGE": 0,
            "TEST": {"NAME": "smolny_test"},
        }
    }
elif TEST_DATABASE == "sqlite":
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": ":memory:",
            "OPTIONS": {"timeout": 30, "transaction_mode": "IMMEDIATE"},
        }
    }
else:
    raise RuntimeError(f"SMOLNY_TEST_DB={TEST_DATABASE!r}: use 'sqlite' or 'postgres'")

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Mail queued by an action is sent by the committing thread right after the commit, not by a
# background thread that would outlive the test (smolny/notices/outbox.py).
SMOLNY_MAIL_DELIVERY = "inline"
