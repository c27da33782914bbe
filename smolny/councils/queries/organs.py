"""Read-side questions about a council's organs and fractions."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count

from smolny.councils.models import Council, Fraction, FractionMembership
from smolny.councils.models.dated import valid_at


def fraction_strengths(council: Council, at: datetime) -> list[tuple[Fraction, int]]:
    """The council's fractions with the deputies sitting with each at *at*, strongest first."""
    counts = dict(
        FractionMembership.objects.filter(valid_at(at), fraction__council=council)
        .filter(valid_at(at, "mandate"))
        .values("fraction_id")
        .annotate(n=Count("id"))
        .values_list("fraction_id", "n")
    )
    fractions = Fraction.objects.filter(valid_at(at), council=council)
    standing = [(f, counts.get(f.pk, 0)) for f in fractions]
    return sorted(standing, key=lambda fs: (-fs[1], fs[0].name))
