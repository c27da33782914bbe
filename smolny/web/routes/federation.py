"""Routes of the federation pages (see :mod:`smolny.web.routes`)."""

from django.urls import URLPattern, path

from smolny.web.views import federation

urlpatterns: list[URLPattern] = [
    path("o/<int:organisation_id>/congresses/", federation.congresses, name="congresses"),
    path(
        "o/<int:organisation_id>/congresses/<int:congress_id>/",
        federation.congress,
        name="congress",
    ),
    path("o/<int:organisation_id>/directives/", federation.directives, name="directives"),
    path(
        "o/<int:organisation_id>/directives/<int:directive_id>/",
        federation.directive,
        name="directive",
    ),
    path(
        "o/<int:organisation_id>/directives/<int:directive_id>/countersign",
        federation.countersign,
        name="directive-countersign",
    ),
    path(
        "o/<int:organisation_id>/directives/<int:directive_id>/signed",
        federation.directive_file,
        name="directive-file",
    ),
]
