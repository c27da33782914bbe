"""Who the signed-in user is within an organisation, for the pages.

The actions decide what a user may *do* (they check permission themselves); the pages only need
to know what to *show*: the member records linked to the user (one per organisation at most, as
the rolls allow), and whether the user is a secretary. Both are read at the time of the request.
Reading an organisation's records needs a signed-in user unless the organisation keeps a public
record (:func:`reader_page`), as the 1917 world does, so a newcomer can look round at once.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
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


def may_read(user: Any, organisation: Organisation) -> bool:
    """Whether *user* may read *organisation*'s records: signed in, or the record is public."""
    return bool(user.is_authenticated) or organisation.public_record


def _organisation_of(kwargs: dict[str, Any]) -> Organisation | None:
    """The organisation a page's URL names, directly or through its session."""
    if "organisation_id" in kwargs:
        return Organisation.objects.filter(pk=kwargs["organisation_id"]).first()
    if "session_id" in kwargs:
        from smolny.councils.models import Session

        session = (
            Session.objects.filter(pk=kwargs["session_id"])
            .select_related("organ__council__organisation")
            .first()
        )
        return session.organ.council.organisation if session else None
    return None


def reader_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page that reads records: open to anyone for a public record, else sign-in first.

    Pages that act (vote, petition, chair) keep requiring a signed-in user; an unknown
    organisation or session falls through to the view, which answers 404 as it always does.
    """

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        organisation = _organisation_of(kwargs)
        if organisation is not None and not may_read(request.user, organisation):
            return redirect_to_login(request.get_full_path())
        if organisation is None and not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapped
