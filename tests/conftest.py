"""Fixtures shared by the whole suite.

Integration tests run on the database chosen by ``SMOLNY_TEST_DB`` (see
``smolny.testing.settings``). For PostgreSQL the session starts a throwaway server (or uses
``SMOLNY_TEST_DATABASE_URL``) before pytest-django creates the test database, and stops it
when the session ends. ``scripts/test`` runs the suite once per database.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import settings as hypothesis_settings

from smolny.dburl import parse_database_url

# Locally every run explores new random examples (and replays failures from .hypothesis/);
# in CI the examples are derived from the test's name, so that a submission's verdict does not
# depend on the luck of the draw. Bugs are hunted locally, the gate stays reproducible.
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")


def pytest_report_header(config: pytest.Config) -> str:
    return f"smolny test database: {os.environ.get('SMOLNY_TEST_DB', 'sqlite')}"


@pytest.fixture(scope="session", autouse=True)
def sealing_key_file(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The federation's sealing key in a temporary file for the whole run (also for the
    servers tests start), so that no test writes a key into the user's data directory."""
    previous = os.environ.get("SMOLNY_KEY_FILE")
    os.environ["SMOLNY_KEY_FILE"] = str(tmp_path_factory.mktemp("keys") / "sealing_key")
    yield
    if previous is None:
        os.environ.pop("SMOLNY_KEY_FILE", None)
    else:
        os.environ["SMOLNY_KEY_FILE"] = previous


@pytest.fixture(scope="session", autouse=True)
def instance_key_file(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The journal checkpoints' instance key in a temporary file for the whole run (also for
    the servers tests start), so that no test writes a key into the user's data directory;
    and the server's checkpoints in a temporary directory."""
    previous = {
        name: os.environ.get(name) for name in ("SMOLNY_INSTANCE_KEY_FILE", "SMOLNY_CHECKPOINT_DIR")
    }
    os.environ["SMOLNY_INSTANCE_KEY_FILE"] = str(
        tmp_path_factory.mktemp("instance") / "instance_key"
    )
    os.environ["SMOLNY_CHECKPOINT_DIR"] = str(tmp_path_factory.mktemp("checkpoints"))
    yield
    for name, value in previous.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture(scope="session")
def postgres_server_url() -> Iterator[str]:
    """The URL of a real PostgreSQL server for this session."""
    from smolny.testing.postgres import postgres_url

    with postgres_url() as url:
        yield url


@pytest.fixture(scope="session")
def django_db_modify_db_settings(request: pytest.FixtureRequest) -> None:
    """Point the ``default`` connection at the session's PostgreSQL before the test DB is made.

    The settings dict is updated in place: Django's connection handler holds the same object.
    """
    from django.conf import settings

    if os.environ.get("SMOLNY_TEST_DB", "sqlite") != "postgres":
        return
    url = request.getfixturevalue("postgres_server_url")
    parsed: dict[str, Any] = parse_database_url(url)
    default = settings.DATABASES["default"]
    for key in ("NAME", "USER", "PASSWORD", "HOST", "PORT"):
        default[key] = parsed[key]
    default.setdefault("OPTIONS", {}).update(parsed.get("OPTIONS", {}))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Deselect the tests marked ``postgres_only`` unless this run is on PostgreSQL.

    They are deselected rather than skipped: pytest counts them as deselected, and the
    PostgreSQL run of ``scripts/test`` runs them.
    """
    if os.environ.get("SMOLNY_TEST_DB", "sqlite") == "postgres":
        return
    kept, dropped = [], []
    for item in items:
        (dropped if item.get_closest_marker("postgres_only") else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept
