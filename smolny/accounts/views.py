"""The accounts' pages: sign-up and verification, one's account, founding an organisation,
its settings, invitations from the roll, and accepting an invitation.

Passwords (change, forgotten) are Django's own views with Smolny's templates (see
:mod:`smolny.accounts.urls`). The pages that change an organisation call one action each
(:mod:`smolny.councils.actions.founding`); a refused action comes back as the page with
the action's reason and a 4xx status, an accepted one redirects (post/redirect/get). Mail
is sent once the action has committed; a message that cannot be sent is said on the page.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from smolny.accounts import accounts as account_writes
from smolny.accounts import mail, tokens
from smolny.accounts.forms import AcceptInvitationForm, InviteForm, OrganisationForm, SignUpForm
from smolny.accounts.models import Account, Invitation
from smolny.accounts.verification import is_verified
from smolny.councils.actions import ActionError, PermissionDenied
from smolny.councils.actions import founding as actions
from smolny.councils.models import Constituency, Member, Organisation
from smolny.councils.models.dated import valid_at
from smolny.web.access import is_secretary, organisation_or_404
from smolny.web.views.server_time import require_live_post

log = logging.getLogger(__name__)
MEMBERS_SHOWN = 50
INVITATIONS_SHOWN = 20


def signup_open() -> bool:
    """Whether anyone may sign up (``SMOLNY_SIGNUP=open``, the default)."""
    return getattr(settings, "SMOLNY_SIGNUP", "open") == "open"


def _send(request: HttpRequest, sends: Iterable[Callable[[], None]]) -> tuple[int, int]:
    """Run each send; (sent, failed). A failure is logged and counted, never raised: the
    change the message announces has been made and stays made."""
    sent = failed = 0
    for send in sends:
        try:
            send()
        except (OSError, smtplib.SMTPException) as error:
            log.warning("mail not sent: %s", error)
            failed += 1
        else:
            sent += 1
    return sent, failed


def _report_failures(request: HttpRequest, failed: int) -> None:
    if failed:
        messages.error(
            request,
            ngettext(
                "%(count)d message could not be sent; the mail server refused or did not answer.",
                "%(count)d messages could not be sent; the mail server refused or did not answer.",
                failed,
            )
            % {"count": failed},
        )


# --- signing up and verifying ----------------------------------------------------------------


def _own_account(request: HttpRequest) -> Account | None:
    """The signed-in person's account row (None for an account made by an operator)."""
    user: Any = request.user
    return Account.objects.filter(user=user).first()


@sensitive_post_parameters("password1", "password2")
def sign_up(request: HttpRequest) -> HttpResponse:
    """Make an account (when sign-up is open); the verification link is mailed at once."""
    if not signup_open():
        return render(request, "accounts/sign_up_closed.html", status=403)
    if request.user.is_authenticated:
        return redirect("account")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = account_writes.sign_up(
            form.cleaned_data["username"],
            form.cleaned_data["email"],
            form.cleaned_data["password1"],
        )
        login(request, user)
        email = form.cleaned_data["email"]
        _, failed = _send(
            request,
            [lambda: mail.send_verification(request, user, email)],
        )
        _report_failures(request, failed)
        return redirect("account")
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/sign_up.html", {"form": form}, status=status)


def verify_email(request: HttpRequest, token: str) -> HttpResponse:
    """The link mailed at sign-up: the address is verified (following it again is harmless)."""
    try:
        user = account_writes.verify_email(token)
    except tokens.BadLink as error:
        return render(request, "accounts/bad_link.html", {"reason": str(error)}, status=400)
    signed_in_as_other = request.user.is_authenticated and request.user.pk != user.pk
    return render(
        request,
        "accounts/verified.html",
        {"verified_user": user, "signed_in_as_other": signed_in_as_other},
    )


@login_required
def account(request: HttpRequest) -> HttpResponse:
    """One's account: the address and whether it is verified, and what to do next."""
    row = _own_account(request)
    context = {
        "account": row,
        "email": row.email if row else getattr(request.user, "email", ""),
        "verified": is_verified(request.user),
        "signup_open": signup_open(),
    }
    return render(request, "accounts/account.html", context)


@login_required
@require_POST
def resend_verification(request: HttpRequest) -> HttpResponse:
    """Mail the verification link again (a lost or expired message)."""
    row = _own_account(request)
    if row is None or row.verified_at is not None:
        messages.info(request, _("Your address is verified already."))
        return redirect("account")
    user = request.user
    sent, failed = _send(
        request,
        [lambda: mail.send_verification(request, user, row.email)],
    )
    if sent:
        messages.success(request, _("The link is on its way to %(email)s.") % {"email": row.email})
    _report_failures(request, failed)
    return redirect("account")


# --- founding and settings -------------------------------------------------------------------


def _choices(form: OrganisationForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "name": data["name"],
        "time_zone": data["time_zone"],
        "language": data["language"],
        "calendar": data["calendar"],
        "public_record": bool(data["public_record"]),
    }


@login_required
def found(request: HttpRequest) -> HttpResponseBase:
    """Found an organisation: the founder becomes its first secretary."""
    verified = is_verified(request.user)
    form = OrganisationForm(request.POST or None)
    if request.method == "POST":
        return _found(request, form, verified)
    status = 200 if verified else 403
    return render(
        request, "accounts/found.html", {"form": form, "verified": verified}, status=status
    )


@require_live_post
def _found(request: HttpRequest, form: OrganisationForm, verified: bool) -> HttpResponse:
    if form.is_valid():
        try:
            organisation = actions.found_organisation(request.user, **_choices(form))
        except PermissionDenied as error:
            form.add_error(None, str(error))
            status = 403
        except ActionError as error:
            form.add_error(None, str(error))
            status = 409
        else:
            messages.success(
                request,
                _("%(name)s is founded, and you are its secretary.") % {"name": organisation.name},
            )
            return redirect("organisation", organisation_id=organisation.pk)
    else:
        status = 400
    return render(
        request, "accounts/found.html", {"form": form, "verified": verified}, status=status
    )


def _secretary_page(request: HttpRequest, organisation_id: int) -> Organisation | HttpResponse:
    """The organisation, or the page saying only its secretaries may come here (403)."""
    org = organisation_or_404(organisation_id)
    if not is_secretary(request.user, org):
        return render(
            request,
            "accounts/secretaries_only.html",
            {"organisation": org},
            status=403,
        )
    return org


@login_required
def organisation_settings(request: HttpRequest, organisation_id: int) -> HttpResponseBase:
    """The organisation's settings: name, time zone, language, calendar, public record."""
    org = _secretary_page(request, organisation_id)
    if isinstance(org, HttpResponse):
        return org
    if request.method == "POST":
        return _change_settings(request, org)
    form = OrganisationForm(
        initial={
            "name": org.name,
            "time_zone": org.time_zone,
            "language": org.language,
            "calendar": org.calendar,
            "public_record": org.public_record,
        }
    )
    return render(request, "accounts/settings.html", {"form": form, "organisation": org})


@require_live_post
def _change_settings(request: HttpRequest, org: Organisation) -> HttpResponse:
    form = OrganisationForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            actions.change_organisation_settings(request.user, org, **_choices(form))
        except PermissionDenied as error:
            form.add_error(None, str(error))
            status = 403
        except ActionError as error:
            form.add_error(None, str(error))
            status = 409
        else:
            messages.success(request, _("The settings are saved."))
            return redirect("organisation-settings", organisation_id=org.pk)
    return render(
        request, "accounts/settings.html", {"form": form, "organisation": org}, status=status
    )


# --- invitations -----------------------------------------------------------------------------


def _invitations_context(request: HttpRequest, org: Organisation) -> dict[str, Any]:
    now = timezone.now()
    query = request.GET.get("q", "").strip()
    members = Member.objects.filter(valid_at(now), organisation=org, user=None)
    if query:
        members = members.filter(Q(name__icontains=query) | Q(external_id=query))
    shown = list(members.select_related("constituency").order_by("name", "pk")[:MEMBERS_SHOWN])
    running = {
        i.member_id: i
        for i in Invitation.objects.filter(
            member__in=shown, accepted_at=None, created_at__gt=now - tokens.invitation_age()
        ).order_by("created_at")
    }
    running_ids = Invitation.objects.filter(
        organisation=org, accepted_at=None, created_at__gt=now - tokens.invitation_age()
    ).values("member_id")
    # Per roll: those an "invite them" would invite (an address, no account, no invitation
    # still running), counted in one query.
    invitable = dict(
        Member.objects.filter(organisation=org, end=None, user=None)
        .exclude(email="")
        .exclude(pk__in=running_ids)
        .values("constituency_id")
        .annotate(n=Count("pk"))
        .values_list("constituency_id", "n")
    )
    constituencies = list(
        Constituency.objects.filter(
            valid_at(now), council__organisation=org, kind=Constituency.ROLL
        )
        .select_related("council")
        .order_by("council__name", "name")
    )
    for constituency in constituencies:
        constituency.with_email = invitable.get(constituency.pk, 0)  # type: ignore[attr-defined]
    recent = (
        Invitation.objects.filter(organisation=org)
        .select_related("member")
        .order_by("-created_at", "-pk")[:INVITATIONS_SHOWN]
    )
    return {
        "organisation": org,
        "query": query,
        "members": [(m, running.get(m.pk)) for m in shown],
        "more": members.count() > len(shown),
        "constituencies": constituencies,
        "recent": recent,
    }


@login_required
def invitations(request: HttpRequest, organisation_id: int) -> HttpResponse:
    """Find members on the roll by name and invite them; invite a whole roll at once."""
    org = _secretary_page(request, organisation_id)
    if isinstance(org, HttpResponse):
        return org
    return render(request, "accounts/invitations.html", _invitations_context(request, org))


def _refused(request: HttpRequest, org: Organisation, error: ActionError) -> HttpResponse:
    messages.error(request, str(error))
    status = 403 if isinstance(error, PermissionDenied) else 409
    return render(
        request, "accounts/invitations.html", _invitations_context(request, org), status=status
    )


@login_required
@require_live_post
def invite(request: HttpRequest, organisation_id: int) -> HttpResponse:
    """Invite one member (at the address given, or the one on the roll) and mail the link."""
    org = _secretary_page(request, organisation_id)
    if isinstance(org, HttpResponse):
        return org
    form = InviteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a valid email address."))
        return render(
            request,
            "accounts/invitations.html",
            _invitations_context(request, org),
            status=400,
        )
    member = Member.objects.filter(organisation=org, pk=form.cleaned_data["member"]).first()
    if member is None:
        return _refused(request, org, ActionError(_("No such member on this organisation's roll.")))
    try:
        invitation = actions.invite_member(
            request.user, member, email=form.cleaned_data["email"] or None
        )
    except ActionError as error:
        return _refused(request, org, error)
    sent, failed = _send(request, [lambda: mail.send_invitation(request, invitation)])
    if sent:
        messages.success(
            request,
            _("%(name)s is invited; the link is on its way to %(email)s.")
            % {"name": member.name, "email": invitation.email},
        )
    _report_failures(request, failed)
    return redirect(reverse("invitations", args=[org.pk]) + _query_of(request))


def _query_of(request: HttpRequest) -> str:
    from urllib.parse import urlencode

    query = request.POST.get("q", "").strip()
    return "?" + urlencode({"q": query}) if query else ""


@login_required
@require_live_post
def invite_roll(request: HttpRequest, organisation_id: int, constituency_id: int) -> HttpResponse:
    """Invite everyone on a constituency's roll who has an address and no account yet."""
    org = _secretary_page(request, organisation_id)
    if isinstance(org, HttpResponse):
        return org
    constituency = Constituency.objects.filter(
        pk=constituency_id, council__organisation=org
    ).first()
    if constituency is None:
        return _refused(request, org, ActionError(_("No such constituency in this organisation.")))
    try:
        made = actions.invite_roll(request.user, constituency)
    except ActionError as error:
        return _refused(request, org, error)
    for invitation in made:
        invitation.organisation = org
    failed = _send(
        request,
        [partial(mail.send_invitation, request, invitation) for invitation in made],
    )
    messages.success(
        request,
        ngettext(
            "%(count)d member of %(roll)s is invited.",
            "%(count)d members of %(roll)s are invited.",
            len(made),
        )
        % {"count": len(made), "roll": constituency.name},
    )
    _report_failures(request, failed[1])
    return redirect("invitations", organisation_id=org.pk)


# --- accepting an invitation -----------------------------------------------------------------


@sensitive_post_parameters("password1", "password2")
def accept_invitation(request: HttpRequest, token: str) -> HttpResponseBase:
    """The invited member chooses a user name and a password; the account is linked to their
    roll entry, and they are signed in."""
    try:
        invitation_id = tokens.read_invitation(token)
    except tokens.BadLink as error:
        return render(request, "accounts/bad_link.html", {"reason": str(error)}, status=400)
    invitation = (
        Invitation.objects.select_related("member__constituency", "organisation")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None:
        return render(
            request,
            "accounts/bad_link.html",
            {"reason": _("this invitation does not exist")},
            status=404,
        )
    if invitation.accepted_at is not None or invitation.member.user_id is not None:
        return render(
            request, "accounts/invitation_used.html", {"invitation": invitation}, status=410
        )
    if request.method == "POST":
        return _accept(request, invitation)
    form = AcceptInvitationForm()
    return render(request, "accounts/accept.html", {"form": form, "invitation": invitation})


@require_live_post
def _accept(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    form = AcceptInvitationForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            accepted = actions.accept_invitation(
                invitation.pk,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password1"],
            )
        except ActionError as error:
            form.add_error(None, str(error))
            status = 409
        else:
            login(request, accepted.user)
            messages.success(
                request,
                _("Welcome, %(name)s: your account is linked to your place on the roll.")
                % {"name": accepted.member.name},
            )
            return redirect("portal", organisation_id=invitation.organisation_id)
    return render(
        request, "accounts/accept.html", {"form": form, "invitation": invitation}, status=status
    )
