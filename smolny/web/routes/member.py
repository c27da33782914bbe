"""Routes of the member pages (see :mod:`smolny.web.routes`)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
