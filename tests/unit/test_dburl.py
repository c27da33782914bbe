"""Database URLs as the command line and the environment give them."""

from __future__ import annotations

import pytest

from smolny.dburl import DatabaseURLError, default_database_url, parse_database_url


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("sqlite:///tmp/smolny.db", "/tmp/smolny.db"),
        ("sqlite:////tmp/smolny.db", "/tmp/smolny.db"),
        ("sqlite:///:memory:", ":memory:"),
        ("sqlite:///home/a%20b/x.sqlite3", "/home/a b/x.sqlite3"),
    ],
)
def test_sqlite_urls_name_the_file(url: str, name: str) -> None:
    settings = parse_database_url(url)
    assert settings["ENGINE"] == "django.db.backends.sqlite3"
    assert settings["NAME"] == name


@pytest.mark.parametrize("scheme", ["postgres", "postgresql", "pgsql"])
def test_postgres_url_parts(scheme: str) -> None:
    settings = parse_database_url(
        f"{scheme}://smolny:s%40cret@db.example:6543/council?sslmode=require"
    )
    assert settings["ENGINE"] == "django.db.backends.postgresql"
    assert (settings["USER"], settings["PASSWORD"]) == ("smolny", "s@cret")
    assert (settings["HOST"], settings["PORT"], settings["NAME"]) == (
        "db.example",
        "6543",
        "council",
    )
    assert settings["OPTIONS"] == {"sslmode": "require"}


def test_postgres_socket_directory_in_query() -> None:
    settings = parse_database_url("postgres:///council?host=/run/postgresql")
    assert settings["HOST"] == "/run/postgresql"
    assert settings["OPTIONS"] == {}


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://x/y", "unknown scheme"),
        ("postgres://host:5432/", "needs a database name"),
        ("sqlite://", "needs a file path"),
    ],
)
def test_bad_urls_say_why(url: str, message: str) -> None:
    with pytest.raises(DatabaseURLError, match=message):
        parse_database_url(url)


def test_environment_overrides_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SMOLNY_DATABASE_URL", raising=False)
    assert default_database_url().endswith("/.local/share/smolny/smolny.sqlite3")
    monkeypatch.setenv("SMOLNY_DATABASE_URL", "postgres://u@h/db")
    assert default_database_url() == "postgres://u@h/db"
