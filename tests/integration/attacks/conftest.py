"""Insider attacks (issue 17): each test tries one attack a hostile member, secretary or
holder of a database copy made before the fix, and checks that it now fails to succeed.

The world is the API tests' council (:func:`tests.integration.api.conftest.build_world`):
a secretary, a chair, a deputy, a member and an observer, each with an API token.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.apps import apps
from django.utils import timezone

from tests.integration.api.conftest import World, build_world, journal_length


@pytest.fixture
def world(db: None) -> World:
    return build_world()


def iso(when: datetime) -> str:
    return when.isoformat().replace("+00:00", "Z")


PAST = "1917-03-01T12:00:00Z"
"""A time well before anything in the world ended (the roles and mandates had begun)."""

FUTURE = "2100-01-01T00:00:00Z"


def an_hour_ago() -> str:
    return iso(timezone.now() - timedelta(hours=1))


def state() -> tuple[int, int]:
    """The journal's length and the number of rows in every table of Smolny's apps: a
    refused request changes neither."""
    rows = sum(
        model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in ("councils", "federation", "api")
    )
    return journal_length(), rows
