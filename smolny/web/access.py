"""Who the signed-in user is within an organisation, for the pages.

The actions decide what a user may *do* (they check permission themselves); the pages only need
to know what to *show*: the member records linked to the user (one per organisation at most, as
the rolls allow), and whether the user is a secretary. Both are read at the time of the request.
Reading an organisation's records needs its membership or one of its roles unless the
organisation keeps a public record (:func:`may_read`, for pages, streams and the API alike), as
the 1917 world does, so a newcomer can look round at once.
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
    """Whether *user* may read *organisation*'s records (its journal, rolls, pages, API reads).

    The one rule for pages, event streams and the API: anyone when the organisation keeps a
    public record; otherwise its members (on a roll now) and the holders of its roles, and
    superusers. Another organisation's member is as much a stranger as an anonymous visitor.
    """
    if organisation.public_record:
        return True
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    now = timezone.now()
    member = Member.objects.filter(valid_at(now), organisation=organisation, user=user)
    role = OrganisationRole.objects.filter(valid_at(now), organisation=organisation, user=user)
    return member.exists() or role.exists()


def may_see_signers(user: Any, organisation: Organisation) -> bool:
    """Who signed a recall petition is for the organisation's secretaries only; the count is
    for everyone who may read the organisation's records (:func:`may_read`)."""
    return is_secretary(user, organisation)


# Where an object named in an API path belongs: (first path segment after /api/, the path
# parameter) -> (model, ``app.Model`` outside the councils app, and the lookup from it to its
# organisation). The federation's objects follow the organisation that keeps them: a congress
# (a council of its organisation), its convocations, a commissariat and its appointments, a
# directive (the issuing organisation's record), an organisation's authority rules; the lists
# of them are cut to the organisations the caller may read (:func:`readable_organisations`).
_API_OBJECTS: dict[tuple[str, str], tuple[str, str]] = {
    ("organisations", "organisation_id"): ("Organisation", "pk"),
    ("councils", "council_id"): ("Council", "organisation"),
    ("constituencies", "constituency_id"): ("Constituency", "council__organisation"),
    ("members", "member_id"): ("Member", "organisation"),
    ("elections", "election_id"): ("Election", "constituency__council__organisation"),
    ("mandates", "mandate_id"): ("Mandate", "council__organisation"),
    ("fractions", "fraction_id"): ("Fraction", "council__organisation"),
    ("organs", "organ_id"): ("Organ", "council__organisation"),
    ("sessions", "session_id"): ("Session", "organ__council__organisation"),
    ("agenda", "item_id"): ("AgendaItem", "session__organ__council__organisation"),
    ("votes", "vote_id"): ("Vote", "item__session__organ__council__organisation"),
    ("recall", "petition_id"): ("RecallPetition", "mandate__council__organisation"),
    ("recall", "vote_id"): ("RecallVote", "petition__mandate__council__organisation"),
    ("congresses", "congress_id"): ("Council", "organisation"),
    ("convocations", "convocation_id"): ("federation.Convocation", "congress__organisation"),
    ("commissariats", "commissariat_id"): ("federation.Commissariat", "organisation"),
    ("commissariats", "appointment_id"): (
        "federation.CommissarAppointment",
        "commissariat__organisation",
    ),
    ("directives", "directive_id"): ("federation.Directive", "organisation"),
    ("authority", "organisation_id"): ("Organisation", "pk"),
}


def api_object_organisation(path: str, kwargs: dict[str, Any]) -> int | None:
    """The id of the organisation whose records an API path reads, or None (nothing to check:
    no such object, which the route answers 404 itself, or an object of no one organisation)."""
    from django.apps import apps

    parts = path.split("/")
    segment = parts[2] if len(parts) > 2 and parts[1] == "api" else ""
    for (prefix, name), (model_name, lookup) in _API_OBJECTS.items():
        value = kwargs.get(name)
        if prefix != segment or not isinstance(value, int) or not 0 < value < 2**63:
            continue
        app, _, name = model_name.rpartition(".")
        model = apps.get_model(app or "councils", name)
        field = "pk" if lookup == "pk" else f"{lookup}_id"
        found = model._default_manager.filter(pk=value).values_list(field, flat=True).first()
        return int(found) if found is not None else None
    return None


def readable_organisations(user: Any) -> Any:
    """The organisations whose records *user* may read, as a queryset (for lists)."""
    from django.db.models import Q

    everyone = Q(public_record=True)
    if not user.is_authenticated:
        return Organisation.objects.filter(everyone)
    if user.is_superuser:
        return Organisation.objects.all()
    now = timezone.now()
    members = Member.objects.filter(valid_at(now), user=user).values("organisation_id")
    roles = OrganisationRole.objects.filter(valid_at(now), user=user).values("organisation_id")
    return Organisation.objects.filter(everyone | Q(pk__in=members) | Q(pk__in=roles))


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
            if request.user.is_authenticated:
                # Signed in but a stranger to it: as if it did not exist.
                raise Http404("no such organisation")
            return redirect_to_login(request.get_full_path())
        if organisation is None and not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapped


def api_reader(run: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap every API operation (a ninja "operation" decorator, run after authentication):
    a read (GET) of an object of an organisation the caller may not read answers 404, as
    for an object that does not exist, so that the answer does not tell that it exists."""

    @functools.wraps(run)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if request.method == "GET":
            organisation_id = api_object_organisation(request.path, kwargs)
            if organisation_id is not None:
                organisation = Organisation.objects.get(pk=organisation_id)
                if not may_read(request.user, organisation):
                    from smolny.api.errors import NotFound

                    name = next(iter(k for k in kwargs if k.endswith("_id")), "object")
                    raise NotFound(name.removesuffix("_id").replace("_", " "), kwargs[name])
        return run(request, *args, **kwargs)

    return wrapped


SIGNER_ACTIONS = frozenset({"sign_recall_petition", "withdraw_signature"})
"""Journal actions whose payload names who signed (or withdrew from) a recall petition."""

HIDDEN = "(shown to secretaries only)"


def hide_signer(action: str, payload: Any) -> Any:
    """*payload* of a journal entry with the signer's name taken out, for a reader who is not
    a secretary: the petition and the count stay. (Such a reader cannot recompute that
    entry's hash; the server's verdict on the chain still covers it.)"""
    if action in SIGNER_ACTIONS and isinstance(payload, dict) and "member" in payload:
        return {**payload, "member": HIDDEN}
    return payload


def secretary_of(user: Any) -> set[int] | None:
    """The ids of the organisations where *user* is a secretary now (None: all, a superuser)."""
    if not user.is_authenticated:
        return set()
    if user.is_superuser:
        return None
    roles = OrganisationRole.objects.filter(
        valid_at(timezone.now()), user=user, role=OrganisationRole.SECRETARY
    )
    return set(roles.values_list("organisation_id", flat=True))
