"""Routes of the organisation's roles page: granting and ending roles."""

from django.urls import URLPattern, path

from smolny.web.views import roles

urlpatterns: list[URLPattern] = [
    path("o/<int:organisation_id>/roles/", roles.roles, name="roles"),
    path("o/<int:organisation_id>/roles/grant", roles.grant, name="roles-grant"),
    path("o/<int:organisation_id>/roles/<int:role_id>/end", roles.end, name="roles-end"),
]
