"""Small helpers the routers share: looking objects up by id, and the optional time field."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar, get_args

from django.core.exceptions import RequestDataTooBig
from django.db import models
from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext
from ninja import Schema
from ninja.params.functions import Query
from pydantic import ConfigDict, ValidationInfo, field_validator, model_validator

from smolny.api.bodies import loads_strict, oversize, too_large
from smolny.api.errors import BadRequestField, NotFound
from smolny.councils.actions import entering_past_events
from smolny.councils.models import Member

M = TypeVar("M", bound=models.Model)


MAX_ID = 2**63 - 1
"""The largest primary key a database column can hold; larger ids exist nowhere."""


def lookup(model: type[M], pk: int, what: str | None = None) -> M:
    """The object of *model* with primary key *pk*, or a 404 naming what was not found."""
    if not 0 < pk <= MAX_ID:
        raise NotFound(what or str(model._meta.verbose_name), pk)
    obj = model._default_manager.filter(pk=pk).first()
    if obj is None:
        raise NotFound(what or str(model._meta.verbose_name), pk)
    return obj


def _no_nul(value: object) -> bool:
    if isinstance(value, str):
        return "\x00" not in value
    if isinstance(value, dict):
        return all(_no_nul(k) and _no_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_no_nul(v) for v in value)
    return True


def _integral(value: object, kinds: tuple[object, ...]) -> object:
    """JSON Schema counts ``3.0`` as an integer, so the API does too (strict mode would not):
    an integral float becomes an int for an int field or a list of ints."""
    if isinstance(value, float) and value.is_integer() and int in kinds:
        return int(value)
    if isinstance(value, list) and list[int] in kinds:
        return [int(v) if isinstance(v, float) and v.is_integer() else v for v in value]
    return value


def parse_time(value: str | None, field: str = "at") -> datetime | None:
    """A time given as a query parameter: an ISO 8601 string with a timezone, or nothing.

    (Query parameters are parsed here rather than by pydantic, which would also take a
    number of seconds since 1970 for a time.)"""
    if value is None:
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise BadRequestField(
            field, gettext("%(value)s is not an ISO 8601 time") % {"value": repr(value)}
        ) from None
    if when.tzinfo is None:
        raise BadRequestField(field, gettext("give a timezone, e.g. 1917-09-09T18:00:00Z"))
    if not _in_range(when):
        raise BadRequestField(field, OUT_OF_RANGE)
    return when


OUT_OF_RANGE = "a value is out of range (times must fall within years 1-9999 in UTC)"


def _in_range(when: datetime) -> bool:
    """Whether *when* is a time every database can store: within years 1-9999 in UTC."""
    if when.tzinfo is None:
        return True
    try:
        when.astimezone(UTC)
    except OverflowError:
        return False
    return True


TIME_PATTERN = r"^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d{1,6})?)?(Z|[+-]\d\d:\d\d)$"
TIME_QUERY = Query(
    None,
    description="an ISO 8601 time with a timezone",
    pattern=TIME_PATTERN,
    example="1917-09-09T19:00:00Z",
)


SERVER_TIME = (
    "at: the time of a live act is the server's clock, and a request may not choose it "
    "(permissions are checked at that time); a past event is entered by a recorder of the "
    "organisation with the Smolny-Occurred-At header"
)
"""Why a caller-supplied ``at`` is refused (in a body or a query of a write route)."""


class In(Schema):
    """A request body, read strictly: a value of another JSON type than the schema's is refused
    rather than converted (``"5"`` is not a number, ``1`` not a boolean, ``0`` not a time),
    unknown fields are refused (a misspelt field is not silently dropped), and so are NUL
    characters anywhere (PostgreSQL cannot store them). Times are ISO 8601 strings.

    No body takes ``at``: a live act happens when the server receives it. One that names it
    is refused with :data:`SERVER_TIME`, not just as an unknown field, so the caller learns why
    (a time chosen by the caller let a resigned deputy vote "before" resigning)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    @model_validator(mode="before")
    @classmethod
    def refuse_caller_time(cls, data: object) -> object:
        if isinstance(data, dict) and "at" in data:
            raise ValueError(SERVER_TIME)
        return data

    @field_validator("*", mode="before")
    @classmethod
    def refuse_nul(cls, value: object, info: ValidationInfo) -> object:
        if not _no_nul(value):
            raise ValueError("text may not contain NUL characters")
        field = cls.model_fields.get(info.field_name or "")
        kinds = (field.annotation, *get_args(field.annotation)) if field is not None else ()
        if datetime in kinds and value is not None and not isinstance(value, str):
            raise ValueError("give a time as an ISO 8601 string, e.g. 1917-09-09T19:00:00Z")
        return _integral(value, kinds)

    @field_validator("*", mode="after")
    @classmethod
    def refuse_overflow(cls, value: object) -> object:
        if isinstance(value, datetime) and not _in_range(value):
            raise ValueError(OUT_OF_RANGE)
        return value


class Timed(In):
    """The body of a live change: it takes effect at the server's clock, never at a time the
    caller gives (see :class:`In`); the past is entered through :func:`server_time`."""


class Message(Schema):
    """A refusal: ``detail`` says why (401, 403, 404, 409, 422). A request the schema refuses
    gets the list of its faults, each with ``loc`` (where) and ``msg`` (what); a refusal of one
    field names it in ``field``; a refused file lists its bad lines in ``errors``."""

    detail: str | list[dict[str, Any]]
    field: str | None = None
    errors: list[dict[str, Any]] | None = None


def members_by_id(ids: list[int], field: str) -> list[Member]:
    """The members named by *ids*, in order; an unknown id is refused naming *field*."""
    found = Member.objects.in_bulk([pk for pk in ids if 0 < pk <= MAX_ID])
    for pk in ids:
        if pk not in found:
            raise BadRequestField(field, gettext("no member %(pk)s") % {"pk": pk})
    return [found[pk] for pk in ids]


WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
OCCURRED_AT = "Smolny-Occurred-At"
"""The request header with which a recorder enters a past event (its time, ISO 8601)."""


def _refusal(detail: str, field: str = "at") -> JsonResponse:
    return JsonResponse({"detail": detail, "field": field}, status=422)


def _body_names_at(request: HttpRequest) -> bool:
    """Whether a JSON body names ``at`` (a route without a body schema would ignore it)."""
    if request.content_type != "application/json":
        return False
    try:
        data = loads_strict(request.body)  # a key twice: BadRequestField, answered 422
    except (ValueError, UnicodeDecodeError):
        return False  # the route refuses what is not JSON
    return isinstance(data, dict) and "at" in data


def server_time(run: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Wrap every operation of the API (a ninja "view" decorator, run before validation).

    A write route acts at the server's clock: ``?at=`` on it is refused with 422 (the bodies
    refuse ``at`` themselves, see :class:`In`). With the :data:`OCCURRED_AT` header the
    request enters a past event instead: its actions take that time and are journalled as
    entered later, and only a recorder of the organisation may (checked at the server's
    clock by :func:`smolny.councils.actions.entering_past_events`); a time in the future is
    no past event and is refused."""

    @functools.wraps(run)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        too_big = oversize(request)  # 413 in JSON, before the body is read
        if too_big is not None:
            return too_big
        if request.method not in WRITES:
            return run(request, *args, **kwargs)
        try:
            names_at = _body_names_at(request)
        except RequestDataTooBig:  # a body of no declared length, read past the limit
            return too_large()
        except BadRequestField as twice:
            return _refusal(str(twice), twice.field)
        if "at" in request.GET or names_at:
            return _refusal(SERVER_TIME)
        occurred = request.headers.get(OCCURRED_AT)
        if occurred is None:
            return run(request, *args, **kwargs)
        try:
            when = parse_time(occurred.strip(), OCCURRED_AT)
        except BadRequestField as refused:
            return _refusal(str(refused), OCCURRED_AT)
        assert when is not None
        if when > timezone.now():
            return _refusal(f"{OCCURRED_AT}: a past event cannot happen in the future", OCCURRED_AT)
        with entering_past_events(when):
            return run(request, *args, **kwargs)

    return wrapped
