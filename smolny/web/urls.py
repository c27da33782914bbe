"""URLs of the live stream, included under ``/live/`` by :mod:`smolny.urls`."""

from django.urls import path

from smolny.web import live, probe

urlpatterns = [
    path("probe/<str:name>/publish", probe.publish, name="live-probe-publish"),
    path("probe/<str:name>/stats", probe.stats, name="live-probe-stats"),
    path("probe/<str:name>", probe.page, name="live-probe"),
    path("<str:channel>", live.stream, name="live-stream"),
]
