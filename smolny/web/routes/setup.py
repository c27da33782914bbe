"""Routes of a secretary's setup pages: councils, rules, constituencies, rolls, elections and
seating, fractions, organs with their rules and seats, and convening sittings."""

from django.urls import URLPattern, path

from smolny.web.views import setup, setup_elections, setup_organs

S = "o/<int:organisation_id>/setup/councils/"
E = "o/<int:organisation_id>/setup/elections/<int:election_id>/"
G = "o/<int:organisation_id>/setup/organs/<int:organ_id>/"

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
    path(S + "<int:council_id>/apportion", setup.apportion_seats, name="setup-apportion"),
    path(S + "<int:council_id>/elections/", setup_elections.elections, name="setup-elections"),
    path(
        S + "<int:council_id>/elections/open",
        setup_elections.open_election,
        name="setup-election-open",
    ),
    path(E, setup_elections.election, name="setup-election"),
    path(E + "candidates/<str:step>", setup_elections.candidate, name="setup-candidate"),
    path(E + "result", setup_elections.result, name="setup-election-result"),
    path(E + "poll", setup_elections.open_poll, name="setup-election-poll"),
    path(E + "close", setup_elections.close_poll, name="setup-election-close"),
    path(E + "seat", setup_elections.seat, name="setup-election-seat"),
    path(S + "<int:council_id>/deputies/", setup_organs.deputies, name="setup-deputies"),
    path(S + "<int:council_id>/fractions", setup_organs.create_fraction, name="setup-fraction"),
    path(
        S + "<int:council_id>/deputies/<int:mandate_id>/fraction",
        setup_organs.change_fraction,
        name="setup-deputy-fraction",
    ),
    path(S + "<int:council_id>/organs/", setup_organs.organs, name="setup-organs"),
    path(S + "<int:council_id>/organs/form", setup_organs.form_organ, name="setup-organ-form"),
    path(G, setup_organs.organ, name="setup-organ"),
    path(G + "rules", setup_organs.set_rules, name="setup-organ-rules"),
    path(G + "seats/<int:number>/<str:step>", setup_organs.seat, name="setup-organ-seat"),
    path(G + "convene", setup_organs.convene, name="setup-convene"),
    path(
        G + "sittings/<int:session_id>/notice",
        setup_organs.send_notice,
        name="setup-send-notice",
    ),
]
