"""The journal with its verification, and a session's minutes.

The journal is one hash chain for the whole installation (every organisation's actions are
links of it); the page lists the entries recorded for the organisation in view, newest first,
and the verdict covers the whole chain. Verifying recomputes every hash from the first
entry, which takes a moment on a large journal: the page asks for the verdict separately
(htmx, on load), so the entries show at once and the verdict follows.
"""

from __future__ import annotations

import json

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from smolny.councils.minutes import minutes_blocks, minutes_markdown, minutes_pdf
from smolny.councils.models import JournalEntry, Organisation, Session
from smolny.journal.chain import verify_journal
from smolny.web.access import hide_signer, is_secretary, organisation_or_404, reader_page
from smolny.web.journal_words import actor, sentence

ENTRIES_PER_PAGE = 50


def _sentence(payload: str, action: str, secretary: bool) -> str:
    """The entry as a sentence (:mod:`smolny.web.journal_words`), a petition's signer left
    out unless the reader is a secretary."""
    try:
        body = json.loads(payload)
    except ValueError:
        body = {}
    if not secretary:
        body = hide_signer(action, body)
    return sentence(action, body if isinstance(body, dict) else {})


def entries_of(organisation: Organisation) -> QuerySet[JournalEntry]:
    """The entries recorded for *organisation*, newest first, by the journal's indexed
    organisation column (which the verification checks against each payload). Entries of
    other organisations stay out of the page: a public record must not show what a private
    one did."""
    return JournalEntry.objects.filter(organisation=organisation).order_by("-seq")


@reader_page
def journal(request: HttpRequest, organisation_id: int) -> HttpResponse:
    """A page of entries, newest first; the verdict on the chain loads by itself."""
    org = organisation_or_404(organisation_id)
    page = Paginator(entries_of(org), ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
    secretary = is_secretary(request.user, org)
    rows = [
        {
            "entry": entry,
            "sentence": _sentence(entry.payload, entry.action, secretary),
            "actor": actor(entry.actor),
        }
        for entry in page
    ]
    return render(
        request,
        "web/council/journal.html",
        {"organisation": org, "page": page, "rows": rows},
    )


@reader_page
def journal_verdict(request: HttpRequest, organisation_id: int) -> HttpResponse:
    """The verdict on the whole chain (an htmx fragment; also readable on its own)."""
    org = organisation_or_404(organisation_id)
    checked, broken = verify_journal()
    return render(
        request,
        "web/council/journal_verdict.html",
        {"organisation": org, "checked": checked, "broken": broken},
    )


@reader_page
def minutes(request: HttpRequest, session_id: int) -> HttpResponse:
    """The session's minutes as a page, with the Markdown and PDF downloads."""
    session = get_object_or_404(Session.objects.select_related("organ__council"), pk=session_id)
    return render(
        request,
        "web/council/minutes.html",
        {
            "session": session,
            "organisation": session.organ.council.organisation,
            "blocks": minutes_blocks(session),
        },
    )


@reader_page
def minutes_download(request: HttpRequest, session_id: int, format: str) -> HttpResponse:
    """The minutes as a Markdown or PDF file (the same text as the page)."""
    session = get_object_or_404(Session, pk=session_id)
    if format == "pdf":
        response = HttpResponse(minutes_pdf(session), content_type="application/pdf")
    else:
        response = HttpResponse(
            minutes_markdown(session), content_type="text/markdown; charset=utf-8"
        )
    response["Content-Disposition"] = f'inline; filename="minutes-{session.pk}.{format}"'
    return response
