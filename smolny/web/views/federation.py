"""Congresses (member councils, delegates, credentials, central executive, commissariat) and
directives (text, issuer, signer key, each addressee's standing, the signed file).

The pages show what the rules make of the record at the moment they are asked; the one change
they offer is a countersignature (to the organisation's secretary), made through the action.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from smolny.councils.actions import ActionError, NotAllowed, PermissionDenied
from smolny.councils.models import Constituency, Council, Organ, Organisation
from smolny.councils.models.dated import valid_at
from smolny.councils.queries import seats_at
from smolny.federation import actions as fed
from smolny.federation.models import Directive, DirectiveAct
from smolny.federation.queries import export_text
from smolny.web.access import is_secretary, organisation_or_404, reader_page
from smolny.web.views import federation_data as data
from smolny.web.views import timeline_data
from smolny.web.views.server_time import require_live_post


@reader_page
def congresses(request: HttpRequest, organisation_id: int) -> HttpResponse:
    """The organisation's congresses, newest first, with their size and convocations."""
    organisation = organisation_or_404(organisation_id)
    now = timezone.now()
    rows = []
    for congress in Council.objects.filter(
        organisation=organisation, kind=Council.CONGRESS
    ).order_by("-start", "-pk"):
        counts = timeline_data.council_counts(congress, now)
        rows.append(
            {
                "congress": congress,
                "delegates": sum(counts.values()),
                "members": Constituency.objects.filter(
                    valid_at(now), council=congress, kind=Constituency.COUNCIL
                ).count(),
                "convocations": congress.convocations.count(),
            }
        )
    return render(
        request, "web/federation/congresses.html", {"organisation": organisation, "rows": rows}
    )


@reader_page
def congress(request: HttpRequest, organisation_id: int, congress_id: int) -> HttpResponse:
    """One congress: composition, member councils and their delegates, convocations with the
    credentials step, the central executive, and the commissariat it answers for."""
    organisation = organisation_or_404(organisation_id)
    found = Council.objects.filter(
        pk=congress_id, organisation=organisation, kind=Council.CONGRESS
    ).first()
    if found is None:
        raise Http404("no such congress")
    now = timezone.now()
    body = timeline_data.body_on(found, now)
    members = [
        {"constituency": c, "seats": seats_at(c, now)}
        for c in Constituency.objects.filter(valid_at(now), council=found)
        .select_related("delegating_council")
        .order_by("name")
    ]
    executive = data.central_executive_at(found, now)
    executive_chart = None
    if executive is not None:
        executive_chart = timeline_data.chart(
            f"organ:{executive.organ.pk}",
            executive.organ.name,
            executive.organ.kind,
            timeline_data.organ_counts(executive.organ, now),
            _("%(organ)s: seats by fraction") % {"organ": executive.organ.name},
        )
    context = {
        "organisation": organisation,
        "congress": found,
        "body": body,
        "members": members,
        "convocations": data.convocations(found),
        "executive": executive,
        "executive_chart": executive_chart,
        "commissariats": data.commissariats_of(found, now),
    }
    return render(request, "web/federation/congress.html", context)


def default_moment(organisation: Organisation) -> datetime:
    """Now; for the 1917 world, whose "now" means nothing, the end of its record's last day."""
    if not timeline_data.world_1917(organisation):
        return timezone.now()
    calendar = timeline_data.calendar_of(organisation)
    days = timeline_data.record_days(organisation, calendar)
    return calendar.day(days[-1]).end if days else timezone.now()


def moment_asked(request: HttpRequest, organisation: Organisation) -> datetime:
    """The moment a page is asked about: ``?at=YYYY-MM-DDTHH:MM`` (UTC unless it says) or
    ``?at=YYYY-MM-DD`` (the end of that day, UTC); without it, :func:`default_moment`.
    :class:`ValueError` with a message for people when it is neither."""
    text = request.GET.get("at", "").strip()
    if not text:
        return default_moment(organisation)
    try:
        if "T" in text:
            moment = datetime.fromisoformat(text)
            return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        day = date.fromisoformat(text)
    except ValueError:
        raise ValueError(
            _("“%(text)s” is not a moment: use YYYY-MM-DD or YYYY-MM-DDTHH:MM.") % {"text": text}
        ) from None
    return datetime.combine(day, time.max, tzinfo=UTC)


def bad_moment(request: HttpRequest, organisation: Organisation, message: str) -> HttpResponse:
    return render(
        request,
        "web/federation/bad_request.html",
        {"organisation": organisation, "message": message},
        status=400,
    )


def _directive(organisation_id: int, directive_id: int) -> Directive:
    organisation = organisation_or_404(organisation_id)
    found = (
        Directive.objects.filter(pk=directive_id, organisation=organisation)
        .select_related("issuer__council", "organisation")
        .first()
    )
    if found is None:
        raise Http404("no such directive")
    return found


@reader_page
def directives(request: HttpRequest, organisation_id: int) -> HttpResponse:
    """Every directive of the organisation with each addressee's standing now (or at
    ``?at=``)."""
    organisation = organisation_or_404(organisation_id)
    try:
        now = moment_asked(request, organisation)
    except ValueError as error:
        return bad_moment(request, organisation, str(error))
    names = data.body_names(organisation)
    rows = [
        data.directive_row(d, now, names)
        for d in Directive.objects.filter(organisation=organisation)
        .select_related("issuer__council")
        .order_by("issued_at", "pk")
    ]
    return render(
        request,
        "web/federation/directives.html",
        {"organisation": organisation, "rows": rows, "now": now},
    )


@reader_page
def directive(request: HttpRequest, organisation_id: int, directive_id: int) -> HttpResponse:
    """One directive: its text, issuer and signer key, the signature's check, the acts on it,
    and each addressee's standing now (or at ``?at=``) with the reason."""
    found = _directive(organisation_id, directive_id)
    try:
        now = moment_asked(request, found.organisation)
    except ValueError as error:
        return bad_moment(request, found.organisation, str(error))
    return _directive_page(request, found, now)


def countersigning_organs(directive: Directive) -> list[Organ]:
    """Organs that could countersign *directive* now: of its organisation, with a key in
    force, not its issuer, not having countersigned it already (the action checks again)."""
    done = set(
        directive.acts.filter(kind=DirectiveAct.COUNTERSIGNATURE).values_list("body", flat=True)
    )
    organs = (
        Organ.objects.filter(
            council__organisation=directive.organisation_id, keys__end__isnull=True
        )
        .exclude(pk=directive.issuer_id)
        .select_related("council")
        .order_by("council__name", "name")
        .distinct()
    )
    return [o for o in organs if f"organ:{o.pk}" not in done]


def _directive_page(
    request: HttpRequest, found: Directive, now: datetime, *, error: str = "", status: int = 200
) -> HttpResponse:
    secretary = is_secretary(request.user, found.organisation)
    context = {
        "organisation": found.organisation,
        "detail": data.directive_detail(found, now),
        "now": now,
        "countersigners": countersigning_organs(found) if secretary else [],
        "error": error,
    }
    return render(request, "web/federation/directive.html", context, status=status)


def refusal_status(error: ActionError) -> int:
    """403 when the person may not, 409 when the record's state forbids it, else 400."""
    if isinstance(error, PermissionDenied):
        return 403
    if isinstance(error, NotAllowed):
        return 409
    return 400


@require_live_post
@login_required
def countersign(request: HttpRequest, organisation_id: int, directive_id: int) -> HttpResponse:
    """An organ countersigns the directive now, through the action (which checks that the
    person is the organisation's secretary and signs with the organ's key in force)."""
    found = _directive(organisation_id, directive_id)
    raw = request.POST.get("organ", "").strip()
    organ = None
    if raw.isdigit() and len(raw) < 12:
        organ = Organ.objects.filter(
            pk=int(raw), council__organisation=found.organisation_id
        ).first()
    if organ is None:
        message = _("Choose the organ that countersigns.")
        return _directive_page(request, found, timezone.now(), error=message, status=400)
    try:
        act = fed.countersign_directive(request.user, found, organ)
    except ActionError as error:
        return _directive_page(
            request, found, timezone.now(), error=str(error), status=refusal_status(error)
        )
    messages.success(
        request, _("%(organ)s has countersigned the directive.") % {"organ": organ.name}
    )
    # Shown as the rules stand from the countersignature on (in the 1917 world the page
    # would otherwise read the record's end, before it).
    page = reverse("directive", args=[found.organisation_id, found.pk])
    return redirect(f"{page}?{urlencode({'at': act.at.astimezone(UTC).isoformat()})}")


@reader_page
def directive_file(request: HttpRequest, organisation_id: int, directive_id: int) -> HttpResponse:
    """The self-contained signed file (the bytes ``smolny directive export`` writes), which
    ``smolny directive verify`` checks offline."""
    found = _directive(organisation_id, directive_id)
    response = HttpResponse(export_text(found), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="directive-{found.pk}.json"'
    return response
