"""The live-stream tests run against a real server on the suite's database.

On SQLite (``SMOLNY_TEST_DB=sqlite``) that is ``smolny serve`` in one process; on PostgreSQL,
uvicorn with two worker processes, so that events must cross between processes.
"""

from __future__ import annotations

import os

import pytest

from tests.e2e.conftest import LiveServer, live_smolny, live_smolny_postgres

__all__ = ["live_smolny", "live_smolny_postgres"]


@pytest.fixture(scope="session")
def server(request: pytest.FixtureRequest) -> LiveServer:
    if os.environ.get("SMOLNY_TEST_DB", "sqlite") == "postgres":
        return request.getfixturevalue("live_smolny_postgres")  # type: ignore[no-any-return]
    return request.getfixturevalue("live_smolny")  # type: ignore[no-any-return]
