"""Small helpers the routers share: looking objects up by id, and the optional time field."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, TypeVar, get_args

from django.db import models
from ninja import Schema
from ninja.params.functions import Query
from pydantic import ConfigDict, Field, ValidationInfo, field_validator

from smolny.api.errors import BadRequestField, NotFound
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
        raise BadRequestField(field, f"{value!r} is not an ISO 8601 time") from None
    if when.tzinfo is None:
        raise BadRequestField(field, "give a timezone, e.g. 1917-09-09T18:00:00Z")
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


class In(Schema):
    """A request body, read strictly: a value of another JSON type than the schema's is refused
    rather than converted (``"5"`` is not a number, ``1`` not a boolean, ``0`` not a time),
    unknown fields are refused (a misspelt field is not silently dropped), and so are NUL
    characters anywhere (PostgreSQL cannot store them). Times are ISO 8601 strings."""

    model_config = ConfigDict(extra="forbid", strict=True)

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
    """A change may carry the moment it took effect (with a timezone); default: now."""

    at: datetime | None = Field(None, strict=False)


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
            raise BadRequestField(field, f"no member {pk}")
    return [found[pk] for pk in ids]
