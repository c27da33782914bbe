"""The organisation's roles page: who is secretary, chair, clerk or recorder, since when.

A secretary finds a person by name (a member on the roll with an account, or someone who
holds a role already) and grants them a role with one button, or ends a role; any holder
may give up their own. Each button calls the action the API calls (``grant_role``,
``end_role`` in :mod:`smolny.councils.actions.organisation`): the last secretary's role does
not end until another secretary is appointed, and the page says so (409, nothing written).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from smolny.councils.actions import ActionError, end_role, grant_role
from smolny.councils.models import Member, Organisation, OrganisationRole
from smolny.councils.models.dated import valid_at
from smolny.web.access import is_secretary, organisation_or_404
from smolny.web.natural import natural_key
from smolny.web.views.server_time import require_live_post
from smolny.web.views.setup_common import FOUND_SHOWN, query_of, refusal_status

GRANTED = (
    (OrganisationRole.SECRETARY, gettext_lazy("secretary")),
    (OrganisationRole.CHAIR, gettext_lazy("chair")),
    (OrganisationRole.CLERK, gettext_lazy("clerk")),
    (OrganisationRole.RECORDER, gettext_lazy("recorder of past events")),
)
"""The roles the page grants, in the order of its buttons, with their names in words."""


def _holders(org: Organisation) -> list[OrganisationRole]:
    return list(
        OrganisationRole.objects.filter(organisation=org, end=None)
        .select_related("user")
        .order_by("role", "start", "pk")
    )


def _names(org: Organisation, user_ids: set[int]) -> dict[int, str]:
    """The roll name of each user linked to a member now (else none)."""
    rows = Member.objects.filter(
        valid_at(timezone.now()), organisation=org, user_id__in=user_ids
    ).values_list("user_id", "name")
    return {u: n for u, n in rows if u is not None}


def _find(org: Organisation, query: str) -> list[tuple[Any, str]]:
    """People who can be given a role, by name: members on a roll now with an account, and
    role holders (by user name); (user, name shown), in natural order of name."""
    if not query:
        return []
    found: dict[int, tuple[Any, str]] = {}
    members = (
        Member.objects.filter(valid_at(timezone.now()), organisation=org, user__isnull=False)
        .filter(Q(name__icontains=query) | Q(user__username__iexact=query))
        .select_related("user")[: FOUND_SHOWN * 4]
    )
    for m in members:
        found.setdefault(m.user_id, (m.user, m.name))  # type: ignore[arg-type]
    holders = (
        get_user_model()
        .objects.filter(organisationrole__organisation=org, username__icontains=query)
        .distinct()[: FOUND_SHOWN * 4]
    )
    for user in holders:
        found.setdefault(user.pk, (user, user.get_username()))
    return sorted(found.values(), key=lambda pair: natural_key(pair[1]))[:FOUND_SHOWN]


def _page(
    request: HttpRequest, org: Organisation, *, error: str = "", status: int = 200
) -> HttpResponse:
    secretary = is_secretary(request.user, org)
    holders = _holders(org)
    names = _names(org, {r.user_id for r in holders})
    query = query_of(request) if secretary else ""
    found = _find(org, query)
    held = {(r.user_id, r.role) for r in holders}
    return render(
        request,
        "web/roles/roles.html",
        {
            "organisation": org,
            "secretary": secretary,
            "holders": [(r, names.get(r.user_id, "")) for r in holders],
            "query": query,
            "found": [
                (user, name, [(k, label) for k, label in GRANTED if (user.pk, k) not in held])
                for user, name in found
            ],
            "granted": GRANTED,
            "error": error,
        },
        status=status,
    )


def _allowed(request: HttpRequest, organisation_id: int) -> Organisation | HttpResponse:
    """The organisation, for a secretary or a holder of any role in it (else 403)."""
    org = organisation_or_404(organisation_id)
    if (
        is_secretary(request.user, org)
        or OrganisationRole.objects.filter(
            organisation=org, user_id=int(request.user.pk or 0), end=None
        ).exists()
    ):
        return org
    return render(request, "accounts/secretaries_only.html", {"organisation": org}, status=403)


@login_required
def roles(request: HttpRequest, organisation_id: int) -> HttpResponse:
    org = _allowed(request, organisation_id)
    if isinstance(org, HttpResponse):
        return org
    return _page(request, org)


@login_required
@require_live_post
def grant(request: HttpRequest, organisation_id: int) -> HttpResponse:
    """A secretary's button: give the chosen person the chosen role."""
    org = _allowed(request, organisation_id)
    if isinstance(org, HttpResponse):
        return org
    role = request.POST.get("role", "")
    text = request.POST.get("user", "")
    user = get_user_model().objects.filter(pk=int(text)).first() if text.isdigit() else None
    if user is None or role not in dict(GRANTED):
        return _page(request, org, error=_("Choose a person and a role."), status=400)
    try:
        grant_role(request.user, org, user, role)
    except ActionError as error:
        return _page(request, org, error=str(error), status=refusal_status(error))
    messages.success(
        request,
        _("%(name)s is a %(role)s now.")
        % {"name": user.get_username(), "role": dict(GRANTED)[role]},
    )
    return redirect("roles", organisation_id=org.pk)


@login_required
@require_live_post
def end(request: HttpRequest, organisation_id: int, role_id: int) -> HttpResponse:
    """End a role: a secretary's button, or the holder's own "give it up"."""
    org = _allowed(request, organisation_id)
    if isinstance(org, HttpResponse):
        return org
    role = OrganisationRole.objects.filter(pk=role_id, organisation=org).first()
    if role is None:
        raise Http404("no such role")
    try:
        end_role(request.user, role)
    except ActionError as error:
        return _page(request, org, error=str(error), status=refusal_status(error))
    messages.success(
        request,
        _("%(name)s is no longer a %(role)s.")
        % {"name": role.user.get_username(), "role": dict(GRANTED).get(role.role, role.role)},
    )
    return redirect("roles", organisation_id=org.pk)
