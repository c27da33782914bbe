"""Attack 1 of issue 17, the general form: a caller chooses the time of a live act.

Every write route of the API and of the web pages acts at the server's clock; a request
naming ``at`` (in its body or its query, in the past or the future) is refused with 422
saying why, and nothing is written. The routes are read from the API itself and from the
URL map, so a route added later is covered without touching this test.
"""

from __future__ import annotations

import functools
import json
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver

from smolny.api import api
from smolny.web import pages
from tests.integration.api.conftest import World, call
from tests.integration.api.routes import CASES
from tests.integration.attacks.conftest import FUTURE, PAST, state

pytestmark = pytest.mark.django_db

WRITES = ("post", "put", "patch", "delete")


@functools.cache
def write_routes() -> list[tuple[str, str]]:
    paths = api.get_openapi_schema()["paths"]
    return sorted((m, p) for p, ops in paths.items() for m in ops if m in WRITES)


def test_the_schema_offers_no_time_to_any_write_route() -> None:
    """/api/openapi.json names ``at`` in no body and no query of a write route."""
    schema = api.get_openapi_schema()
    offered = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method not in WRITES:
                continue
            offered += [
                f"{method} {path} ?{p['name']}"
                for p in operation.get("parameters", [])
                if p["name"] == "at"
            ]
            content = operation.get("requestBody", {}).get("content", {})
            for media in content.values():
                ref = media.get("schema", {}).get("$ref", "")
                if ref:
                    body = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
                    if "at" in body.get("properties", {}):
                        offered.append(f"{method} {path} body")
    assert write_routes(), "no write routes found"
    assert offered == []


@pytest.mark.parametrize("when", [PAST, FUTURE], ids=["past", "future"])
def test_every_write_route_refuses_a_time_from_the_caller(world: World, when: str) -> None:
    """Each write route, with the request the permission table makes for the secretary (who
    may do the most), plus ``at``: in the body, then in the query. Both 422, naming why."""
    wrong: list[str] = []
    for method, path in write_routes():
        case = CASES[(method, path)]
        for where in ("body", "query"):
            with transaction.atomic():
                url, body = case.prepare(world, "admin")
                before = state()
                if where == "body":
                    if isinstance(body, (bytes, str)):
                        continue  # a CSV or BLT body has no field; its query is tried
                    body = {**(body or {}), "at": when}
                else:
                    url = f"{url}{'&' if '?' in url else '?'}at={when}"
                answer = call(world.client("admin"), method, url, body)
                detail = answer.content.decode()
                if answer.status_code != 422 or "server's clock" not in detail:
                    wrong.append(f"{method} {path} ({where}): {answer.status_code} {detail[:200]}")
                if state() != before:
                    wrong.append(f"{method} {path} ({where}): something was written")
                transaction.set_rollback(True)
    assert wrong == []


def web_routes() -> list[URLPattern]:
    """Every URL pattern of the web pages (the API, the admin and the live streams apart)."""
    found: list[URLPattern] = []

    def walk(patterns: list[Any]) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns)
            elif isinstance(pattern, URLPattern):
                found.append(pattern)

    walk(pages.urlpatterns)
    return found


def fill(pattern: URLPattern, world: World) -> str:
    """A path for *pattern*, each id the world's first of its kind (or 1)."""
    route = str(pattern.pattern)
    ids = {
        "organisation_id": world.organisation_id,
        "council_id": world.council_id,
        "session_id": world.sitting.pk,
        "petition_id": world.petition.pk,
        "election_id": world.open_election.pk,
    }
    for converter in ("int", "str", "slug", "path"):
        while f"<{converter}:" in route:
            start = route.index(f"<{converter}:")
            end = route.index(">", start)
            name = route[start + len(converter) + 2 : end]
            value = str(ids.get(name, 1)) if converter == "int" else "vote"
            route = route[:start] + value + route[end + 1 :]
    return "/" + route.lstrip("^").rstrip("$")


@pytest.mark.parametrize("when", [PAST, FUTURE], ids=["past", "future"])
def test_every_web_write_refuses_a_time_from_the_caller(world: World, when: str) -> None:
    """Every page that changes the record refuses ``at`` (as a form field, then in the
    query) with 422 before doing anything; no other page writes anything when posted to
    (a page that did would be a write route without the check). Signing in and out write
    nothing to the record and are left to Django."""
    client = Client()
    client.force_login(world.users["admin"])
    wrong: list[str] = []
    writes = 0
    for pattern in web_routes():
        if pattern.name in ("sign-in", "sign-out"):
            continue
        path = fill(pattern, world)
        marked = getattr(pattern.callback, "live_write", False)
        writes += marked
        for data, query in (
            ({"at": when, "choice": "for"}, ""),
            ({"choice": "for"}, f"?at={when}"),
        ):
            before = state()
            answer = client.post(path + query, data)
            if marked and (
                answer.status_code != 422 or "server's clock" not in answer.content.decode()
            ):
                wrong.append(f"{pattern.name} {path}: {answer.status_code}")
            if state() != before:
                wrong.append(f"{pattern.name} {path}: something was written")
    assert wrong == []
    assert writes >= 12  # the forms that change the record (as of issue 17)


def test_a_json_body_naming_at_is_refused_even_where_the_route_reads_no_body(
    world: World,
) -> None:
    """A route whose handler takes no body (revoking a token) would ignore a field; ``at`` is
    refused there too, before the handler runs."""
    url, _ = CASES[("delete", "/api/auth/tokens/{token_id}")].prepare(world, "admin")
    answer = world.client("admin").generic(
        "DELETE", url, json.dumps({"at": PAST}), content_type="application/json"
    )
    assert answer.status_code == 422
    assert "server's clock" in answer.json()["detail"]
