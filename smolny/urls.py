"""URL map: the web pages, the admin, the HTTP API, the live streams and the language switch."""

from django.contrib import admin
from django.urls import include, path

from smolny.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("live/", include("smolny.web.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("smolny.web.pages")),
]
