"""Routes of a secretary's setup pages: councils, rules, constituencies, rolls."""

from django.urls import URLPattern, path

from smolny.web.views import setup

S = "o/<int:organisation_id>/setup/councils/"

urlpatterns: list[URLPattern] = [
    path(S, setup.councils, name="setup-councils"),
    path(S + "create", setup.create_council, name="setup-create-council"),
    path(S + "<int:council_id>/", setup.council, name="setup-council"),
    path(S + "<int:council_id>/rule", setup.set_rule, name="setup-rule"),
    path(
        S + "<int:council_id>/constituencies",
        setup.create_constituency,
        name="setup-constituency",
    ),
    path(S + "<int:council_id>/roll/", setup.roll, name="setup-roll"),
    path(S + "<int:council_id>/roll/preview", setup.preview_roll, name="setup-roll-preview"),
    path(S + "<int:council_id>/roll/import", setup.import_roll, name="setup-roll-import"),
]
