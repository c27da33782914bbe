"""The timeline: a date slider over the organisation's record (1917 in the world).

``/o/<id>/timeline/?date=YYYY-MM-DD`` shows one day (Old Style in the 1917 world, as its
sources date it; both dates are shown). The slider sends ``?day=<index>`` (its form works
without JavaScript through its button); with htmx it fetches only the day's part of the page,
which the server answers with ``HX-Push-Url`` set to the canonical ``?date=`` address, so the
address bar always names the day shown. A date that is not one, or lies outside the record's
years, gets a 400 page saying so.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from smolny.councils.models import Organisation
from smolny.web.access import organisation_or_404, reader_page
from smolny.web.views import timeline_data as data
from smolny.web.views.links import MINUTES, optional_url


def default_day(organisation: Organisation, calendar: data.Calendar) -> data.Day:
    """The last day with a record (the Second Congress's second day in the world), else
    today when it lies in the range, else the range's first day."""
    days = data.record_days(organisation, calendar)
    if days:
        return calendar.day(days[-1])
    today = datetime.now(UTC).astimezone(calendar.zone).date()
    return calendar.day(min(max(today, calendar.first), calendar.last))


def chosen_day(request: HttpRequest, calendar: data.Calendar) -> data.Day | None:
    """The day the request asks for (``date`` first, then the slider's ``day``), None when it
    asks for none; :class:`ValueError` with a message for people when it is not a day."""
    text = request.GET.get("date", "").strip()
    if text:
        return calendar.parse(text)
    index = request.GET.get("day", "").strip()
    if index:
        if not index.isdigit() or not 0 <= int(index) < calendar.days:
            raise ValueError(
                _("The slider's day must be a whole number from 0 to %(last)s.")
                % {"last": calendar.days - 1}
            )
        return calendar.at_index(int(index))
    return None


@reader_page
def timeline(request: HttpRequest, organisation_id: int) -> HttpResponse:
    """The page (or, for htmx, the day's part of it)."""
    organisation = organisation_or_404(organisation_id)
    calendar = data.calendar_of(organisation)
    error = ""
    try:
        day = chosen_day(request, calendar)
    except ValueError as problem:
        error, day = str(problem), None
    if day is None:
        day = default_day(organisation, calendar)
    shown = data.timeline(organisation, calendar, day)
    page = reverse("timeline", args=[organisation.pk])
    votes = [(v, optional_url(MINUTES, v.session_id)) for v in shown.votes]
    context = {
        "organisation": organisation,
        "timeline": shown,
        "votes": votes,
        "error": error,
        "page": page,
        "first_label": calendar.day(calendar.first).label,
        "last_label": calendar.day(calendar.last).label,
        "calendar_name": _("Old Style (Julian)") if calendar.old_style else _("Gregorian"),
    }
    status = 400 if error else 200
    if request.headers.get("HX-Request") == "true" and not error:
        response = render(request, "web/timeline/day.html", context, status=status)
        response["HX-Push-Url"] = f"{page}?date={day.param}"
        return response
    return render(request, "web/timeline/page.html", context, status=status)
