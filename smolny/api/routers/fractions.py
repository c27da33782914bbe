"""Fractions: reading one with its current strength."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema

from smolny.api.common import Message, lookup
from smolny.councils.models import Fraction, FractionMembership
from smolny.councils.models.dated import CURRENT

router = Router(tags=["fractions"])


class FractionDetail(Schema):
    id: int
    council: int
    name: str
    start: datetime
    end: datetime | None
    deputies: int


@router.get("/{fraction_id}", response={200: FractionDetail, 404: Message})
def get_fraction(request: HttpRequest, fraction_id: int) -> FractionDetail:
    fraction = lookup(Fraction, fraction_id, "fraction")
    return FractionDetail(
        id=fraction.pk,
        council=fraction.council_id,
        name=fraction.name,
        start=fraction.start,
        end=fraction.end,
        deputies=FractionMembership.objects.filter(CURRENT, fraction=fraction).count(),
    )
