"""The HTTP API (django-ninja): schema at ``/api/openapi.json``, docs at ``/api/docs``.

The package is also a small Django app (label ``smolny_api``) holding the API tokens, so
importing it must not load Django models: the :class:`ninja.NinjaAPI` lives in
:mod:`smolny.api.main` and ``smolny.api.api`` is resolved on first use.
Handlers only parse, call an action or a query, and render; they never write council models.
"""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    if name == "api":
        from smolny.api.main import api

        return api
    raise AttributeError(f"module 'smolny.api' has no attribute {name!r}")
