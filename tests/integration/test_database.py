"""The integration layer reaches the database the run was asked for, over a real connection."""

from __future__ import annotations

import os

import pytest
from django.db import connection
from django.test import Client


@pytest.mark.django_db
def test_connection_is_the_requested_vendor() -> None:
    wanted = os.environ.get("SMOLNY_TEST_DB", "sqlite")
    expected = {"sqlite": "sqlite", "postgres": "postgresql"}[wanted]
    assert connection.vendor == expected
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version_num")
            (version,) = cursor.fetchone()
            assert int(version) >= 130000
        else:
            cursor.execute("SELECT sqlite_version()")
            (version,) = cursor.fetchone()
            assert tuple(int(p) for p in version.split(".")[:2]) >= (3, 31)


@pytest.mark.django_db
def test_health_endpoint_reports_the_database() -> None:
    response = Client().get("/api/health")
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == connection.vendor
    assert body["version"]


@pytest.mark.django_db
def test_openapi_schema_is_served() -> None:
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    assert "/api/health" in response.json()["paths"]


@pytest.mark.django_db
def test_api_docs_need_no_internet() -> None:
    """The Swagger UI comes from ninja's bundled static files, not from a CDN."""
    response = Client().get("/api/docs")
    assert response.status_code == 200
    page = response.content.decode()
    assert "cdn.jsdelivr.net" not in page
    assert "/static/ninja/" in page
