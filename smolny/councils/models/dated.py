"""Dated rows: the ``start``/``end`` pair shared by everything that has a history."""

from __future__ import annotations

from datetime import datetime

from django.db import models
from django.db.models import Q


class Dated(models.Model):
    """A row valid from ``start`` (inclusive) until ``end`` (exclusive; ``None`` = current)."""

    start = models.DateTimeField()
    end = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    def current_at(self, at: datetime) -> bool:
        return self.start <= at and (self.end is None or self.end > at)


def valid_at(at: datetime, prefix: str = "") -> Q:
    """The filter selecting the rows valid at *at* (through the relation *prefix*, if given)."""
    p = f"{prefix}__" if prefix else ""
    return Q(**{f"{p}start__lte": at}) & (Q(**{f"{p}end__isnull": True}) | Q(**{f"{p}end__gt": at}))


CURRENT = Q(end__isnull=True)
"""Condition of the partial unique constraints that apply to current rows only."""
