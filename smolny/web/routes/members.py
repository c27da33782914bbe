"""Routes of a secretary's roll pages: the rolls on a date with members found by name, and a
member's page with their history and the leave, move and rejoin buttons."""

from django.urls import URLPattern, path

from smolny.web.views import members

urlpatterns: list[URLPattern] = [
    path("o/<int:organisation_id>/members/", members.roll, name="members"),
    path("o/<int:organisation_id>/members/<int:member_id>/", members.member, name="member"),
    path(
        "o/<int:organisation_id>/members/<int:member_id>/<str:step>",
        members.change,
        name="member-change",
    ),
]
