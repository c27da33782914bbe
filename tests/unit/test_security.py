"""What production mode asks of the environment, and the development secret file."""

from __future__ import annotations

import multiprocessing
import stat
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from smolny.security import development_secret, production_settings_errors

GOOD = {
    "SMOLNY_PRODUCTION": "1",
    "SMOLNY_SECRET_KEY": "k3Yq9-Zr_x" * 6,
    "SMOLNY_ALLOWED_HOSTS": "soviet.example.org",
}


def test_a_complete_production_environment_has_no_problem() -> None:
    assert production_settings_errors(GOOD) == []
    trusted = {**GOOD, "SMOLNY_CSRF_TRUSTED_ORIGINS": "https://soviet.example.org"}
    assert production_settings_errors(trusted) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"SMOLNY_SECRET_KEY": "  "}, "needs SMOLNY_SECRET_KEY"),
        ({"SMOLNY_SECRET_KEY": "x" * 60}, "too weak"),  # long, but one character
        ({"SMOLNY_SECRET_KEY": "abcdefghij" * 4}, "too weak"),  # 40 characters
        ({"SMOLNY_SECRET_KEY": "django-insecure-" + "k3Yq9Zrx" * 6}, "too weak"),
        ({"SMOLNY_ALLOWED_HOSTS": " , "}, "needs SMOLNY_ALLOWED_HOSTS"),
        ({"SMOLNY_DEBUG": "1"}, "SMOLNY_DEBUG must be off"),
        ({"SMOLNY_CSRF_TRUSTED_ORIGINS": "soviet.example.org"}, "needs its scheme"),
    ],
)
def test_each_problem_is_named_in_one_line(change: dict[str, str], expected: str) -> None:
    errors = production_settings_errors({**GOOD, **change})
    assert len(errors) == 1
    assert expected in errors[0]
    assert "\n" not in errors[0]


def _secret_in(directory: str) -> str:
    return development_secret(Path(directory))


def test_processes_starting_at_once_end_with_one_secret(tmp_path: Path) -> None:
    directory = tmp_path / "data" / "smolny"
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        secrets = pool.map(_secret_in, [str(directory)] * 8)
    assert len(set(secrets)) == 1
    path = directory / "secret_key"
    assert path.read_text().strip() == secrets[0]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    assert [p.name for p in directory.iterdir()] == ["secret_key"]  # no temporary left


def test_an_empty_secret_file_is_refused_not_used(tmp_path: Path) -> None:
    (tmp_path / "secret_key").write_text("\n")
    with pytest.raises(ImproperlyConfigured, match="is empty"):
        development_secret(tmp_path)


def test_an_unwritable_data_directory_says_to_set_the_secret(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(ImproperlyConfigured, match="set SMOLNY_SECRET_KEY instead"):
        development_secret(blocker / "smolny")
