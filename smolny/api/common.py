"""Small helpers the routers share: looking objects up by id, and the optional time field."""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar

from django.db import models
from ninja import Schema

from smolny.api.errors import NotFound

M = TypeVar("M", bound=models.Model)


def lookup(model: type[M], pk: int, what: str | None = None) -> M:
    """The object of *model* with primary key *pk*, or a 404 naming what was not found."""
    obj = model._default_manager.filter(pk=pk).first()
    if obj is None:
        raise NotFound(what or str(model._meta.verbose_name), pk)
    return obj


class Timed(Schema):
    """A change may carry the moment it took effect (with a timezone); default: now."""

    at: datetime | None = None


class Message(Schema):
    """A refusal: ``detail`` says why (403, 404, 409, 422)."""

    detail: str
