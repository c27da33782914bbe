"""Routes of the timeline pages (see :mod:`smolny.web.routes`)."""

from django.urls import URLPattern, path

from smolny.web.views import timeline

urlpatterns: list[URLPattern] = [
    path("o/<int:organisation_id>/timeline/", timeline.timeline, name="timeline"),
]
