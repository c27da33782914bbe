"""Bad input to every route gets a 4xx with a clear message, and writes nothing.

The cases come from the route table: each valid request (as the secretary, who may do
everything) is spoiled in one way at a time: an unknown id, an id that is not a number, a
field of the wrong type, a body that is not JSON, a required field left out.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import transaction

from tests.integration.api.conftest import World, build_world, call, journal_length
from tests.integration.api.routes import CASES
from tests.integration.api.test_permissions import declared

pytestmark = pytest.mark.django_db

TEXT = ("/api/councils/{council_id}/roll", "/api/elections/{election_id}/count")
"""Routes whose body is a file's text, not JSON (see test_refusals)."""
ID = re.compile(r"^\{(\w+_id)\}$")
WITH_IDS = sorted(k for k in CASES if any(ID.match(p) for p in k[1].split("/")))
WITH_BODY = sorted(
    k for k in CASES if k[0] not in ("get", "delete") and k[1] not in ("/api/auth/logout", *TEXT)
)


def spoil_id(template: str, url: str, value: str) -> list[tuple[str, str]]:
    """The url with each id in turn replaced by *value*: (parameter name, url)."""
    parts, actual = template.split("/"), url.split("/")
    out = []
    for i, part in enumerate(parts):
        m = ID.match(part)
        if m:
            out.append((m.group(1), "/".join([*actual[:i], value, *actual[i + 1 :]])))
    return out


def refused(world: World, method: str, url: str, body: Any, path: str) -> tuple[int, Any]:
    """Send as the secretary; return the status and the answer, checking nothing was written
    and that the schema documents the status."""
    before = journal_length()
    response = call(world.client("admin"), method, url, body)
    assert journal_length() == before, f"{method} {url} wrote to the journal"
    assert response.status_code < 500
    assert response.status_code in declared(method, path), response.status_code
    return response.status_code, response.json() if response.content else None


@pytest.mark.parametrize(("method", "path"), WITH_IDS, ids=str)
def test_unknown_ids_are_not_found(method: str, path: str) -> None:
    world = build_world()
    for value, expected in (("987654321", 404), (str(2**80), 404), ("abc", 422)):
        with transaction.atomic():
            url, body = CASES[(method, path)].prepare(world, "admin")
            for name, spoilt in spoil_id(path, url, value):
                status, answer = refused(world, method, spoilt, body, path)
                assert status == expected, (name, spoilt, answer)
                text = str(answer)
                if expected == 404:
                    assert value in text, answer
                else:
                    assert name in text, answer
            transaction.set_rollback(True)


def wrong_type(value: Any) -> Any:
    """A value of another JSON type than *value*'s, which no field of ours accepts."""
    if isinstance(value, (bool, int, list)):
        return {"not": "this"}
    return [["not", "this"]]


@pytest.mark.parametrize(("method", "path"), WITH_BODY, ids=str)
def test_malformed_bodies_are_refused_naming_the_field(method: str, path: str) -> None:
    world = build_world()
    url, body = CASES[(method, path)].prepare(world, "admin")
    with transaction.atomic():
        status, answer = refused(world, method, url, b"{not json", path)
        assert status in (400, 422), answer
        transaction.set_rollback(True)
    for field in body or {}:
        with transaction.atomic():
            spoilt = {**body, field: wrong_type(body[field])}
            status, answer = refused(world, method, url, spoilt, path)
            assert status == 422, (field, answer)
            assert field in str(answer), answer
            transaction.set_rollback(True)
    with transaction.atomic():
        status, answer = refused(world, method, url, {**(body or {}), "at": "yesterday"}, path)
        assert status == 422
        assert "at" in str(answer)
        transaction.set_rollback(True)
    with transaction.atomic():
        status, answer = refused(
            world, method, url, {**(body or {}), "at": "1917-09-09T18:00"}, path
        )
        assert status == 422, answer  # a time without a timezone is ambiguous
        transaction.set_rollback(True)
