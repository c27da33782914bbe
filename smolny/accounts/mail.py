"""The messages the accounts send: the verification link and the invitation.

Each is rendered from a template in the reader's language (the person's own at sign-up, the
organisation's for an invitation) and sent through Django's configured backend (the console
in development, SMTP on a server: :mod:`smolny.accounts.mailconfig`). They are sent by the
views after the action that made them has committed, so a message never announces a change
that was rolled back; a failed send is reported to the page and undoes nothing.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from smolny.accounts import tokens
from smolny.accounts.models import Invitation


def _send(to: str, template: str, context: dict[str, object], language: str) -> None:
    with translation.override(language):
        subject = render_to_string(f"accounts/email/{template}_subject.txt", context)
        body = render_to_string(f"accounts/email/{template}.txt", context)
    message = EmailMessage(" ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, [to])
    message.send(fail_silently=False)


def send_verification(request: HttpRequest, user: Any, email: str) -> None:
    """Mail *email* the link that verifies it for the account *user*."""
    token = tokens.verification_token(int(user.pk), email)
    username = user.get_username()
    link = request.build_absolute_uri(reverse("verify-email", args=[token]))
    days = int(tokens.verification_age().total_seconds() // 86400)
    _send(
        email,
        "verify",
        {"username": username, "link": link, "days": days},
        translation.get_language() or settings.LANGUAGE_CODE,
    )


def send_invitation(request: HttpRequest, invitation: Invitation) -> None:
    """Mail the member the link that makes their account, in the organisation's language."""
    token = tokens.invitation_token(invitation.pk)
    link = request.build_absolute_uri(reverse("accept-invitation", args=[token]))
    days = int(tokens.invitation_age().total_seconds() // 86400)
    organisation = invitation.organisation
    inviter = invitation.invited_by.get_username() if invitation.invited_by else ""
    _send(
        invitation.email,
        "invitation",
        {
            "name": invitation.member.name,
            "organisation": organisation.name,
            "constituency": invitation.member.constituency.name,
            "inviter": inviter,
            "link": link,
            "days": days,
        },
        organisation.language,
    )
