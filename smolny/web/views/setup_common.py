"""What the secretary's setup pages share: the secretary check, the objects of a URL looked up
within the organisation (404 otherwise), the status of a refusal, and finding members and
deputies by name.

A member is always chosen by name: the pages offer a search box (a plain GET form that
re-renders the page with the matches, or with htmx only the list of matches, as the secretary
types) and a button per match, never a field for a roll number.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from smolny.councils.actions import ActionError, PermissionDenied
from smolny.councils.models import Council, Mandate, Member, Organisation
from smolny.councils.models.dated import valid_at
from smolny.web.access import is_secretary, organisation_or_404
from smolny.web.natural import natural_key

FOUND_SHOWN = 12
"""Matches shown for one search: enough to pick from, few enough to read on a phone."""
QUERY_LIMIT = 100


def secretary_org(request: HttpRequest, organisation_id: int) -> Organisation | HttpResponse:
    """The organisation, or the page saying only its secretaries may come here (403)."""
    org = organisation_or_404(organisation_id)
    if not is_secretary(request.user, org):
        return render(request, "accounts/secretaries_only.html", {"organisation": org}, status=403)
    return org


def council_of(org: Organisation, council_id: int) -> Council:
    try:
        return Council.objects.get(pk=council_id, organisation=org)
    except Council.DoesNotExist:
        raise Http404("no such council") from None


def refusal_status(error: ActionError) -> int:
    """403 for a permission refused, 409 for any other refusal of the action (the state of
    the records forbids it), as the API answers."""
    return 403 if isinstance(error, PermissionDenied) else 409


def query_of(request: HttpRequest) -> str:
    return request.GET.get("q", "").strip()[:QUERY_LIMIT]


def find_members(
    org: Organisation, query: str, at: datetime, *, constituency_id: int | None = None
) -> list[Member]:
    """Members on a roll of *org* now whose name contains *query* (or whose roll number is
    *query*), in natural order of name; only of one constituency when one is given."""
    if not query:
        return []
    found = Member.objects.filter(valid_at(at), organisation=org).filter(
        Q(name__icontains=query) | Q(external_id__iexact=query)
    )
    if constituency_id is not None:
        found = found.filter(constituency_id=constituency_id)
    rows = found.select_related("constituency")[: FOUND_SHOWN * 4]
    return sorted(rows, key=lambda m: natural_key(m.name))[:FOUND_SHOWN]


def find_deputies(council: Council, query: str, at: datetime) -> list[Mandate]:
    """The council's current mandates whose holder's name contains *query* (all of them when
    *query* is empty), in natural order of name."""
    found = Mandate.objects.filter(valid_at(at), council=council).select_related(
        "member", "constituency"
    )
    if query:
        found = found.filter(Q(member__name__icontains=query) | Q(member__external_id=query))
    return sorted(found, key=lambda m: natural_key(m.member.name))


@dataclass(frozen=True)
class Step:
    """One step of setting up a council: its words, whether it is done, and where to do it."""

    title: str
    state: str
    done: bool
    url: str
    optional: bool = False


def council_steps(council: Council, at: datetime) -> list[Step]:
    """The steps of setting a council up, in the order they are taken, each with what is done
    (read from the records, so the list is right however the steps were taken)."""
    from smolny.councils.models import (
        Apportionment,
        Election,
        Fraction,
        OrganRules,
        RepresentationRule,
        Session,
    )
    from smolny.councils.queries import apportionment_at, constituency_rows, roll_counts

    org_id, pk = council.organisation_id, council.pk
    rows = constituency_rows(council, at)
    members = sum(roll_counts(council, at, only=rows).values()) if rows else 0
    rule = RepresentationRule.objects.filter(valid_at(at), council=council).exists()
    apportionment: Apportionment | None = apportionment_at(council, at)
    seats = sum(apportionment.entries.values_list("seats", flat=True)) if apportionment else 0
    declared = (
        Election.objects.filter(constituency__council=council, status=Election.DECLARED)
        .values("constituency")
        .distinct()
        .count()
    )
    seated = Mandate.objects.filter(valid_at(at), council=council).count()
    fractions = Fraction.objects.filter(valid_at(at), council=council).count()
    organs = council.organs.filter(end=None).count()
    ruled = OrganRules.objects.filter(organ__council=council, organ__end=None).count()
    accounts = Member.objects.filter(
        valid_at(at), organisation_id=org_id, user__isnull=False, constituency__council=council
    ).count()
    sittings = Session.objects.filter(organ__council=council).count()
    council_url = reverse("setup-council", args=[org_id, pk])
    elections_url = reverse("setup-elections", args=[org_id, pk])
    organs_url = reverse("setup-organs", args=[org_id, pk])
    return [
        Step(
            _("Constituencies"),
            ngettext("%(n)d constituency", "%(n)d constituencies", len(rows)) % {"n": len(rows)},
            bool(rows),
            council_url,
        ),
        Step(
            _("The roll"),
            ngettext("%(n)d member", "%(n)d members", members) % {"n": members},
            members > 0,
            reverse("setup-roll", args=[org_id, pk]),
        ),
        Step(
            _("The representation rule"),
            _("set") if rule else _("not set"),
            rule,
            council_url,
        ),
        Step(
            _("Seats apportioned"),
            ngettext("%(n)d seat", "%(n)d seats", seats) % {"n": seats}
            if apportionment
            else _("not yet"),
            apportionment is not None,
            council_url + "#apportion-heading",
        ),
        Step(
            _("Elections declared"),
            _("%(done)d of %(all)d constituencies") % {"done": declared, "all": len(rows)},
            bool(rows) and declared >= len(rows),
            elections_url,
        ),
        Step(
            _("Deputies seated"),
            _("%(done)d of %(all)d seats") % {"done": seated, "all": seats},
            seats > 0 and seated >= seats,
            elections_url,
        ),
        Step(
            _("Fractions"),
            ngettext("%(n)d fraction", "%(n)d fractions", fractions) % {"n": fractions},
            fractions > 0,
            reverse("setup-deputies", args=[org_id, pk]),
            optional=True,
        ),
        Step(
            _("Organs and their rules"),
            ngettext(
                "%(organs)d organ, %(ruled)d with rules saved",
                "%(organs)d organs, %(ruled)d with rules saved",
                organs,
            )
            % {"organs": organs, "ruled": ruled},
            organs > 0 and ruled >= organs,
            organs_url,
        ),
        Step(
            _("Members invited to make accounts"),
            ngettext("%(n)d member has an account", "%(n)d members have accounts", accounts)
            % {"n": accounts},
            accounts > 0,
            reverse("invitations", args=[org_id]),
        ),
        Step(
            _("A sitting convened"),
            ngettext("%(n)d sitting", "%(n)d sittings", sittings) % {"n": sittings},
            sittings > 0,
            organs_url,
        ),
    ]
