"""Organisation overview and council page.

Like the API, the pages answer signed-in users only; anyone signed in may read an
organisation's councils, sessions and journal (the record of a council system is public to
its people). Nothing here writes: the pages read the dated rows at a moment.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from smolny.councils.models import Council, Organ, Session
from smolny.web.access import current_member, is_secretary, organisation_or_404, reader_page
from smolny.web.freshness import memo, memo_key, revalidated, shared_page
from smolny.web.views import composition, lots, timeline_data

DEPUTIES_PER_PAGE = 100
CONSTITUENCIES_PER_PAGE = 100
SESSIONS_SHOWN = 20
HEMICYCLE_INLINE_SEATS = 400
"""Up to this many seats the hemicycle is drawn in the page (a disc per seat, each with its
title). Beyond, the page shows it as an image loaded from :func:`council_hemicycle`: the
Petrograd Soviet's 3,000 discs made 660 KB of the page's 860 KB (issue 20: no page over
150 KB), and a browser that does not need the picture (a screen reader reads the table, a
script reads the API) does not fetch it."""
ORGAN_SEATS_INLINE = 100
"""An organ with more seats lists its holders on a page of their own (:func:`organ_seats`)."""
ORGAN_SEATS_PER_PAGE = 200


class BadDate(ValueError):
    """The ``at`` parameter is not a date the page can show."""


def moment(request: HttpRequest) -> tuple[datetime, date | None]:
    """The moment a page shows: the end of ``?at=YYYY-MM-DD`` (UTC), or now.

    The end of the day, so that the changes made on that day are in.
    """
    text = request.GET.get("at", "").strip()
    if not text:
        return timezone.now(), None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise BadDate(
            _("“%(text)s” is not a date: write it as YYYY-MM-DD, e.g. 1917-10-25.") % {"text": text}
        ) from None
    return datetime.combine(day, time.max, tzinfo=UTC), day


def page_links(request: HttpRequest, param: str, page: Page[Any]) -> dict[str, str]:
    """Links to the previous and next page of *page*, keeping the other query parameters."""

    def link(number: int) -> str:
        query = request.GET.copy()
        query[param] = str(number)
        return "?" + query.urlencode()

    links = {}
    if page.has_previous():
        links["previous"] = link(page.previous_page_number())
    if page.has_next():
        links["next"] = link(page.next_page_number())
    return links


def bad_request(request: HttpRequest, message: str) -> HttpResponse:
    """A page that says what was wrong with the request (status 400)."""
    return render(request, "web/council/bad_request.html", {"message": message}, status=400)


@reader_page
@revalidated
def organisation(request: HttpRequest, organisation_id: int) -> HttpResponse:
    """The organisation's overview: councils, their organs, sessions, and where to go next."""
    org = organisation_or_404(organisation_id)
    now = timezone.now()
    councils = list(Council.objects.filter(organisation=org).order_by("name"))
    organs = Organ.objects.filter(council__organisation=org).order_by("council__name", "name")
    by_council: dict[int, list[tuple[Organ, str]]] = {}
    for organ in organs:
        by_council.setdefault(organ.council_id, []).append(
            (organ, composition.organ_kind(organ.kind))
        )
    sessions = Session.objects.filter(organ__council__organisation=org).select_related(
        "organ__council"
    )
    upcoming = list(
        sessions.filter(status__in=[Session.CONVENED, Session.OPEN, Session.ADJOURNED]).order_by(
            "starts_at", "pk"
        )[:SESSIONS_SHOWN]
    )
    recent = list(
        sessions.filter(status=Session.CLOSED).order_by("-starts_at", "-pk")[:SESSIONS_SHOWN]
    )
    template = "web/organisation.html"
    context = {
        "organisation": org,
        "councils": [(c, by_council.get(c.pk, [])) for c in councils],
        "upcoming": upcoming,
        "recent": recent,
        "member": current_member(request.user, org),
        "secretary": is_secretary(request.user, org),
        "now": now,
    }
    return shared_page(request, template, context) or render(request, template, context)


def _council_at(
    request: HttpRequest, organisation_id: int, council_id: int
) -> tuple[Any, Council, datetime, date | None]:
    org = organisation_or_404(organisation_id)
    body = get_object_or_404(Council, pk=council_id, organisation=org)
    at, day = moment(request)
    return org, body, at, day


def _at_query(day: date | None) -> str:
    return f"?at={day.isoformat()}" if day else ""


@reader_page
@revalidated
def council(request: HttpRequest, organisation_id: int, council_id: int) -> HttpResponse:
    """A council at a moment: hemicycle, deputies, constituencies, malapportionment, organs."""
    try:
        org, body, at, day = _council_at(request, organisation_id, council_id)
    except BadDate as error:
        return bad_request(request, str(error))
    key = memo_key(request, "council", body.pk, day)
    found = memo(key, lambda: _composition(org, body, at, day))
    deputies, constituencies = found["deputies"], found["constituencies"]
    page = Paginator(deputies, DEPUTIES_PER_PAGE).get_page(request.GET.get("page"))
    rows = Paginator(constituencies, CONSTITUENCIES_PER_PAGE).get_page(request.GET.get("cpage"))
    context = {
        **found,
        "organisation": org,
        "council": body,
        "at": at,
        "day": day,
        "at_query": _at_query(day),
        "deputies": page,
        "deputy_links": page_links(request, "page", page),
        "constituencies": rows,
        "constituency_links": page_links(request, "cpage", rows),
        "organ_seats_inline": ORGAN_SEATS_INLINE,
    }
    template = "web/council/council.html"
    return shared_page(request, template, context) or render(request, template, context)


def _composition(org: Any, body: Council, at: datetime, day: date | None) -> dict[str, Any]:
    """What the council page computes from the dated rows: the same for every reader of
    one moment, so kept in :func:`~smolny.web.freshness.memo` (nothing here may change it)."""
    deputies = composition.deputies(body, at)
    constituencies = composition.constituencies(body, at, deputies)
    apportioned = [c.seats for c in constituencies if c.seats is not None]
    vacant = max(sum(apportioned) - len(deputies), 0) if apportioned else 0
    fractions = composition.fraction_seats(deputies)
    if len(deputies) + vacant > HEMICYCLE_INLINE_SEATS:
        hemicycle_svg = ""
        hemicycle_table = composition.hemicycle_table_only(body, deputies, vacant)
        hemicycle_url = reverse("council-hemicycle", args=[org.pk, body.pk]) + _at_query(day)
    else:
        hemicycle_svg, hemicycle_table = composition.hemicycle(body, deputies, vacant)
        hemicycle_url = ""
    mal_svg, mal_table = composition.malapportionment(body, constituencies)
    return {
        "deputies": deputies,
        "deputy_count": len(deputies),
        "vacant": vacant,
        "fractions": fractions,
        "constituencies": constituencies,
        "constituency_count": len(constituencies),
        "hemicycle_svg": hemicycle_svg,
        "hemicycle_url": hemicycle_url,
        "hemicycle_alt": composition.hemicycle_description(fractions, vacant),
        "hemicycle_table": hemicycle_table,
        "malapportionment_svg": mal_svg,
        "malapportionment_table": mal_table,
        "constituency_notes": timeline_data.constituency_notes(body),
        "organs": composition.organs(body, at),
        "lots": lots.council_lots(body, at),
    }


@reader_page
@revalidated
def council_hemicycle(request: HttpRequest, organisation_id: int, council_id: int) -> HttpResponse:
    """The council's hemicycle at a moment as an SVG image, for a council too large to draw
    it in its page (see :data:`HEMICYCLE_INLINE_SEATS`)."""
    try:
        _, body, at, day = _council_at(request, organisation_id, council_id)
    except BadDate as error:
        return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")

    def draw() -> str:
        deputies = composition.deputies(body, at)
        constituencies = composition.constituencies(body, at, deputies)
        apportioned = [c.seats for c in constituencies if c.seats is not None]
        vacant = max(sum(apportioned) - len(deputies), 0) if apportioned else 0
        return composition.hemicycle(body, deputies, vacant)[0]

    svg = memo(memo_key(request, "hemicycle", body.pk, day), draw)
    return HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")


@reader_page
@revalidated
def organ_seats(
    request: HttpRequest, organisation_id: int, council_id: int, organ_id: int
) -> HttpResponse:
    """Who holds each seat of a large organ at a moment, a page of seats at a time."""
    try:
        org, body, at, day = _council_at(request, organisation_id, council_id)
    except BadDate as error:
        return bad_request(request, str(error))
    organ = get_object_or_404(Organ, pk=organ_id, council=body)
    view = composition.organ_view(organ, at)
    page = Paginator(view.composition.seats, ORGAN_SEATS_PER_PAGE).get_page(request.GET.get("page"))
    template = "web/council/organ_seats.html"
    context = {
        "organisation": org,
        "council": body,
        "view": view,
        "seats": page,
        "links": page_links(request, "page", page),
        "at": at,
        "day": day,
        "at_query": _at_query(day),
    }
    return shared_page(request, template, context) or render(request, template, context)
