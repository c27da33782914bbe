"""Organisation overview, council page, journal and minutes."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from smolny.web.access import organisation_or_404


def organisation(request: HttpRequest, organisation_id: int) -> HttpResponse:
    """The organisation's overview: its councils and their organs."""
    org = organisation_or_404(organisation_id)
    return render(request, "web/organisation.html", {"organisation": org})
