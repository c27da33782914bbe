"""Routes of the session pages (see :mod:`smolny.web.routes`)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
