"""Routes of the council pages (see :mod:`smolny.web.routes`)."""

from django.urls import URLPattern, path

from smolny.web.views import council

urlpatterns: list[URLPattern] = [
    path("o/<int:organisation_id>/", council.organisation, name="organisation"),
]
