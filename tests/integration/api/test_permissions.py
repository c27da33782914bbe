"""The permission matrix: every route of the API × every role.

What a role may do succeeds (2xx); what it may not gets 403 and writes nothing (the
journal keeps its length). The table in :mod:`routes` must name exactly the routes of the
OpenAPI schema, so a route added without a rule fails :func:`test_the_table_covers_every_route`.
"""

from __future__ import annotations

import functools
from typing import Any

import pytest
from django.db import transaction

from smolny.api import api
from tests.integration.api.conftest import MATRIX_ROLES, build_world, call, journal_length
from tests.integration.api.routes import CASES, PUBLIC

pytestmark = pytest.mark.django_db


def schema_routes() -> set[tuple[str, str]]:
    paths = schema()["paths"]
    return {(method, path) for path, methods in paths.items() for method in methods}


@functools.cache
def schema() -> dict[str, Any]:
    built: dict[str, Any] = api.get_openapi_schema()
    return built


def declared(method: str, path: str) -> set[int]:
    """The statuses the schema documents for one route."""
    responses = schema()["paths"][path][method]["responses"]
    return {int(code) for code in responses}


def test_the_table_covers_every_route() -> None:
    routes = schema_routes()
    assert routes - set(CASES) == set(), "routes without a permission rule"
    assert set(CASES) - routes == set(), "rules for routes that do not exist"


@pytest.mark.parametrize(("method", "path"), sorted(CASES), ids=lambda v: str(v))
def test_each_role_gets_what_the_table_says(method: str, path: str) -> None:
    """One world per route; each role's request runs in a savepoint rolled back after it."""
    case = CASES[(method, path)]
    world = build_world()
    documented = declared(method, path)
    wrong: list[str] = []
    for role in MATRIX_ROLES:
        with transaction.atomic():
            url, body = case.prepare(world, role)
            before = journal_length()
            response = call(world.client(role), method, url, body)
            if response.status_code not in documented:
                wrong.append(f"{role}: {response.status_code} is not in the schema")
            if role in case.allowed:
                if response.status_code != case.status:
                    wrong.append(f"{role}: {response.status_code} {response.content[:300]!r}")
            else:
                refused = case.refused_by.get(role, 403)
                if response.status_code != refused:
                    wrong.append(f"{role}: expected {refused}, got {response.status_code}")
                elif not response.json().get("detail"):
                    wrong.append(f"{role}: {refused} without a reason")
                if journal_length() != before:
                    wrong.append(f"{role}: refused, yet the journal grew")
            transaction.set_rollback(True)
    assert wrong == []


def test_nobody_gets_401_everywhere_but_the_public_routes() -> None:
    """One world for all routes (each request in a savepoint rolled back after it)."""
    world = build_world()
    wrong: list[str] = []
    for method, path in sorted(set(CASES) - PUBLIC):
        with transaction.atomic():
            url, body = CASES[(method, path)].prepare(world, "admin")
            before = journal_length()
            response = call(world.client(None), method, url, body)
            if response.status_code != 401 or 401 not in declared(method, path):
                wrong.append(f"{method} {path}: {response.status_code}")
            if journal_length() != before:
                wrong.append(f"{method} {path}: the journal grew")
            transaction.set_rollback(True)
    assert wrong == []
