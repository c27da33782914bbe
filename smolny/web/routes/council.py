"""Routes of the council pages (see :mod:`smolny.web.routes`)."""

from django.urls import URLPattern, path

from smolny.web.views import council, journal

urlpatterns: list[URLPattern] = [
    path("o/<int:organisation_id>/", council.organisation, name="organisation"),
    path(
        "o/<int:organisation_id>/councils/<int:council_id>/",
        council.council,
        name="council",
    ),
    path(
        "o/<int:organisation_id>/councils/<int:council_id>/hemicycle.svg",
        council.council_hemicycle,
        name="council-hemicycle",
    ),
    path(
        "o/<int:organisation_id>/councils/<int:council_id>/organs/<int:organ_id>/seats",
        council.organ_seats,
        name="organ-seats",
    ),
    path("o/<int:organisation_id>/journal/", journal.journal, name="journal"),
    path(
        "o/<int:organisation_id>/journal/verdict",
        journal.journal_verdict,
        name="journal-verdict",
    ),
    path("sessions/<int:session_id>/minutes", journal.minutes, name="session-minutes"),
    path(
        "sessions/<int:session_id>/minutes.md",
        journal.minutes_download,
        {"format": "md"},
        name="session-minutes-markdown",
    ),
    path(
        "sessions/<int:session_id>/minutes.pdf",
        journal.minutes_download,
        {"format": "pdf"},
        name="session-minutes-pdf",
    ),
]
