"""A secretary's pages for the rolls over time: the roll (each constituency's size on a chosen
date, and members found by name) and a member's page (their roll history, and the buttons
that make them leave, move to another constituency, or rejoin).

Every button calls the action the API calls (:mod:`smolny.councils.actions.membership`); a
refusal is answered 403 or 409 with the action's words and nothing written. Members are found
by name, never by number; a member who left is found too, so that they can rejoin.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from smolny.councils.actions import ActionError, membership
from smolny.councils.models import Constituency, Member, Organisation
from smolny.councils.models.dated import valid_at
from smolny.councils.queries import roll_counts
from smolny.councils.queries.rolls import entry_at, history
from smolny.web.natural import natural_key
from smolny.web.views.server_time import require_live_post
from smolny.web.views.setup_common import (
    FOUND_SHOWN,
    query_of,
    refusal_status,
    secretary_org,
)


def _zone(org: Organisation) -> ZoneInfo:
    try:
        return ZoneInfo(org.time_zone)
    except (ValueError, KeyError):
        return ZoneInfo("UTC")


def _as_of(request: HttpRequest, org: Organisation) -> tuple[datetime, str, str]:
    """The moment the roll page counts at: the end of the day asked for (``on``, in the
    organisation's time zone), or now; the day as text; and a complaint about a bad date."""
    text = request.GET.get("on", "").strip()
    now = timezone.now()
    if not text:
        return now, now.astimezone(_zone(org)).date().isoformat(), ""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return now, text[:10], _("%(text)s is not a date (YYYY-MM-DD).") % {"text": text[:10]}
    end_of_day = datetime.combine(day, time(23, 59, 59), tzinfo=_zone(org))
    return min(end_of_day, now), day.isoformat(), ""


def _rolls(org: Organisation, at: datetime) -> list[Constituency]:
    return list(
        Constituency.objects.filter(valid_at(at), council__organisation=org, kind=Constituency.ROLL)
        .select_related("council")
        .order_by("council__name", "name")
    )


def _sizes(org: Organisation, at: datetime) -> list[tuple[Constituency, int]]:
    rolls = _rolls(org, at)
    counts: dict[int, int] = {}
    for council in {c.council for c in rolls}:
        counts.update(roll_counts(council, at, only=[c for c in rolls if c.council == council]))
    return [(c, counts.get(c.pk, 0)) for c in rolls]


def _find(org: Organisation, query: str, at: datetime) -> list[tuple[Member, Member | None]]:
    """People whose name contains *query* (or whose member number is *query*), on a roll at
    *at* or not: (their latest entry, their entry at *at*), in natural order of name."""
    if not query:
        return []
    rows = (
        Member.objects.filter(organisation=org)
        .filter(Q(name__icontains=query) | Q(external_id__iexact=query))
        .select_related("constituency")
        .order_by("external_id", "-start", "-pk")
    )
    latest: dict[str, Member] = {}
    for row in rows[: FOUND_SHOWN * 8]:
        latest.setdefault(row.external_id, row)
    found = sorted(latest.values(), key=lambda m: natural_key(m.name))[:FOUND_SHOWN]
    return [(m, entry_at(m, at)) for m in found]


@login_required
def roll(request: HttpRequest, organisation_id: int) -> HttpResponse:
    """The rolls on a date, and the members found by name."""
    org = secretary_org(request, organisation_id)
    if isinstance(org, HttpResponse):
        return org
    at, day, bad_date = _as_of(request, org)
    query = query_of(request)
    sizes = _sizes(org, at)
    return render(
        request,
        "web/members/roll.html",
        {
            "organisation": org,
            "sizes": sizes,
            "total": sum(n for _, n in sizes),
            "day": day,
            "bad_date": bad_date,
            "query": query,
            "found": _find(org, query, at),
        },
        status=400 if bad_date else 200,
    )


def _person(org: Organisation, member_id: int) -> Member:
    try:
        return Member.objects.select_related("constituency").get(pk=member_id, organisation=org)
    except Member.DoesNotExist:
        raise Http404("no such member") from None


def _member_page(
    request: HttpRequest,
    org: Organisation,
    person: Member,
    *,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    now = timezone.now()
    rows = history(person)
    current = next((r for r in rows if r.current_at(now)), None)
    last = rows[-1]
    rolls = _rolls(org, now)
    return render(
        request,
        "web/members/member.html",
        {
            "organisation": org,
            "person": last,
            "rows": rows,
            "current": current,
            "elsewhere": [c for c in rolls if current is None or c.pk != current.constituency_id],
            "rolls": rolls,
            "last_roll": last.constituency_id,
            "error": error,
        },
        status=status,
    )


@login_required
def member(request: HttpRequest, organisation_id: int, member_id: int) -> HttpResponse:
    """A member's roll history and, for a secretary, the buttons that change it."""
    org = secretary_org(request, organisation_id)
    if isinstance(org, HttpResponse):
        return org
    return _member_page(request, org, _person(org, member_id))


def _constituency(org: Organisation, text: str) -> Constituency | None:
    if not text.isdigit():
        return None
    return Constituency.objects.filter(pk=int(text), council__organisation=org).first()


@login_required
@require_live_post
def change(request: HttpRequest, organisation_id: int, member_id: int, step: str) -> HttpResponse:
    """One of the secretary's buttons: ``leave``, ``move`` or ``rejoin``."""
    org = secretary_org(request, organisation_id)
    if isinstance(org, HttpResponse):
        return org
    person = _person(org, member_id)
    target = _constituency(org, request.POST.get("constituency", "").strip())
    try:
        if step == "leave":
            reason = request.POST.get("reason", "")[:300]
            done = membership.leave_roll(request.user, person, reason=reason)
            note = _("%(name)s has left the roll of %(roll)s.")
        elif step == "move":
            if target is None:
                return _member_page(
                    request, org, person, error=_("Choose the constituency to move to."), status=400
                )
            done = membership.move_member(request.user, person, target)
            note = _("%(name)s is on the roll of %(roll)s now.")
        elif step == "rejoin":
            done = membership.rejoin_roll(request.user, person, target)
            note = _("%(name)s has rejoined, on the roll of %(roll)s.")
        else:
            raise Http404("no such step")
    except ActionError as error:
        return _member_page(request, org, person, error=str(error), status=refusal_status(error))
    messages.success(request, note % {"name": done.name, "roll": done.constituency.name})
    return redirect("member", organisation_id=org.pk, member_id=done.pk)
