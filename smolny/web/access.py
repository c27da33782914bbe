"""Who the signed-in user is within an organisation, for the pages.

The actions decide what a user may *do* (they check permission themselves); the pages only need
to know what to *show*: the member records linked to the user (one per organisation at most, as
the rolls allow), and whether the user is a secretary. Both are read at the time of the request.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils import timezone

from smolny.councils.models import Member, Organisation, OrganisationRole
from smolny.councils.models.dated import valid_at


def current_member(user: Any, organisation: Organisation) -> Member | None:
    """The user's current member record in *organisation*, if they are on one of its rolls."""
    if not user.is_authenticated:
        return None
    members = Member.objects.filter(valid_at(timezone.now()), organisation=organisation, user=user)
    return members.select_related("constituency").first()


def is_secretary(user: Any, organisation: Organisation) -> bool:
    """Whether the user holds the secretary's role in *organisation* now (or is a superuser)."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    roles = OrganisationRole.objects.filter(
        valid_at(timezone.now()), organisation=organisation, user=user
    )
    return roles.filter(role=OrganisationRole.SECRETARY).exists()


def organisation_or_404(organisation_id: int) -> Organisation:
    """The organisation of a page's URL, or a 404 page."""
    try:
        return Organisation.objects.get(pk=organisation_id)
    except Organisation.DoesNotExist:
        raise Http404("no such organisation") from None
