"""URL map: the admin and the HTTP API; the web pages join here in later work."""

from django.contrib import admin
from django.urls import include, path

from smolny.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("live/", include("smolny.web.urls")),
]
