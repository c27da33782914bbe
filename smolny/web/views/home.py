"""The front page: the organisations this installation holds."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from smolny.councils.models import Organisation


def home(request: HttpRequest) -> HttpResponse:
    """List the organisations; each links to its overview."""
    organisations = Organisation.objects.order_by("name")
    return render(request, "web/home.html", {"organisations": organisations})
