"""How the API reads a request's body: strict JSON, and an answer in JSON when it is too big.

* **Duplicate keys.** JSON leaves an object with a key twice undefined, and Python's reader
  keeps the last: ``{"member": 1, "member": 2}`` would act for member 2 while a proxy, a log
  or a reviewer that reads the first sees member 1. The API's parser refuses such a body
  (422, naming the key), at any depth.
* **Size.** Django refuses a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` by raising
  :class:`~django.core.exceptions.RequestDataTooBig`, which becomes a bare HTML 400. The API
  answers 413 in JSON instead, naming the limit, before reading the body.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext
from ninja.parser import Parser

from smolny.api.errors import BadRequestField


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise BadRequestField(
                key,
                gettext("the key %(key)s appears more than once in one object of the body")
                % {"key": repr(key)},
            )
        seen[key] = value
    return seen


def loads_strict(body: bytes | str) -> Any:
    """The JSON in *body*, refusing an object that names a key twice."""
    return json.loads(body, object_pairs_hook=_no_duplicates)


class StrictJSONParser(Parser):
    """django-ninja's parser, refusing duplicate keys."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data: dict[str, Any] = loads_strict(request.body)
        return data


def limit() -> int | None:
    """The largest body the server reads, in bytes (``None``: no limit)."""
    value = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return None if value is None else int(value)


def too_large(size: int | None = None) -> JsonResponse:
    """The 413 answer, naming the limit (and the size, when known)."""
    most = limit()
    told = f"{size:,} bytes" if size is not None else "too large"
    return JsonResponse(
        {
            "detail": f"the body is {told}: the limit is {most:,} bytes",
            "field": "body",
            "limit": most,
        },
        status=413,
    )


def oversize(request: HttpRequest) -> JsonResponse | None:
    """The 413 answer if the request declares a body over the limit, else ``None``."""
    most = limit()
    if most is None:
        return None
    try:
        size = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    return too_large(size) if size > most else None
