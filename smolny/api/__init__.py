"""The HTTP API (django-ninja): schema at ``/api/openapi.json``, docs at ``/api/docs``.

Handlers only parse, call an action or a query, and render; they never write models.
"""

from __future__ import annotations

from django.db import connection
from ninja import NinjaAPI, Schema

import smolny

api = NinjaAPI(title="Smolny", version=smolny.__version__, urls_namespace="api")


class Health(Schema):
    """What a load balancer or a deploy check needs: the version and the database in use."""

    version: str
    database: str


@api.get("/health", response=Health, tags=["system"])
def health(request: object) -> Health:
    """Answer with the version and the database vendor, after a round trip to the database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return Health(version=smolny.__version__, database=connection.vendor)
