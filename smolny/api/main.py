"""The :class:`ninja.NinjaAPI` of Smolny and the routers that make it up.

Every route needs a caller (a session or an API token) except ``/health`` and the login
pair; each router file holds one area of the council system.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.http import HttpRequest
from ninja import NinjaAPI, Schema

import smolny
from smolny.api import errors
from smolny.api.auth import AUTH
from smolny.api.bodies import StrictJSONParser
from smolny.api.common import server_time
from smolny.api.routers.account import router as account
from smolny.api.routers.agenda import router as agenda
from smolny.api.routers.cards import organs as card_organs
from smolny.api.routers.cards import sessions as card_sessions
from smolny.api.routers.cards import votes as card_votes
from smolny.api.routers.constituencies import router as constituencies
from smolny.api.routers.councils import router as councils
from smolny.api.routers.elections import router as elections
from smolny.api.routers.federation_authority import router as authority
from smolny.api.routers.federation_commissariats import router as commissariats
from smolny.api.routers.federation_congresses import convocations
from smolny.api.routers.federation_congresses import router as congresses
from smolny.api.routers.federation_directives import organ_keys
from smolny.api.routers.federation_directives import router as directives
from smolny.api.routers.fractions import router as fractions
from smolny.api.routers.journal import router as journal
from smolny.api.routers.mandates import router as mandates
from smolny.api.routers.organisations import roles
from smolny.api.routers.organisations import router as organisations
from smolny.api.routers.organs import router as organs
from smolny.api.routers.recall import router as recall
from smolny.api.routers.rolls import router as rolls
from smolny.api.routers.sessions import organs as organ_sessions
from smolny.api.routers.sessions import router as sessions
from smolny.api.routers.votes import reformations
from smolny.api.routers.votes import router as votes
from smolny.web.access import api_reader

REFUSED = {
    "400": "the body is not JSON",
    "401": "no caller: log in, or send Authorization: Bearer <token>",
    "404": "an id in the path names nothing",
    "422": "a field cannot be used (the answer says which)",
}


class SmolnyAPI(NinjaAPI):
    """The API, whose schema also documents the refusals every route may give.

    django-ninja documents only the answers a handler declares; the 400, 401 and 422 it gives
    itself, and the 404 of an unknown id, are added here so that a client (or a schema
    fuzzer) can rely on the schema for every answer it gets.
    """

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        refusal = {"application/json": {"schema": {"$ref": "#/components/schemas/Message"}}}
        for path, operations in schema["paths"].items():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                codes = ["400", "422"]
                codes += ["401"] if operation.get("security") else []
                codes += ["404"] if "{" in path else []
                for code in codes:
                    if code not in responses and int(code) not in responses:
                        responses[code] = {"description": REFUSED[code], "content": refusal}
        return schema


api = SmolnyAPI(
    title="Smolny",
    version=smolny.__version__,
    urls_namespace="api",
    auth=AUTH,
    parser=StrictJSONParser(),
)
errors.install(api)
api.add_decorator(server_time, mode="view")
api.add_decorator(api_reader, mode="operation")  # reads only of readable organisations


class Health(Schema):
    """What a load balancer or a deploy check needs: the version and the database in use."""

    version: str
    database: str


@api.get("/health", response=Health, tags=["system"], auth=None)
def health(request: HttpRequest) -> Health:
    """Answer with the version and the database vendor, after a round trip to the database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return Health(version=smolny.__version__, database=connection.vendor)


api.add_router("/auth", account)
api.add_router("/organisations", organisations)
api.add_router("/roles", roles)
api.add_router("/councils", councils)
api.add_router("/constituencies", constituencies)
api.add_router("/members", rolls)
api.add_router("/elections", elections)
api.add_router("/mandates", mandates)
api.add_router("/fractions", fractions)
api.add_router("/organs", organs)
api.add_router("/recall", recall)
api.add_router("/organs", organ_sessions)
api.add_router("/sessions", sessions)
api.add_router("/agenda", agenda)
api.add_router("/votes", votes)
api.add_router("/organs", card_organs)
api.add_router("/sessions", card_sessions)
api.add_router("/votes", card_votes)
api.add_router("/presidium-reformations", reformations)
api.add_router("/journal", journal)
api.add_router("/congresses", congresses)
api.add_router("/convocations", convocations)
api.add_router("/commissariats", commissariats)
api.add_router("/authority", authority)
api.add_router("/directives", directives)
api.add_router("/organs", organ_keys)
