"""The signed links mailed to people: verifying an address, accepting an invitation.

Each link carries what it is about (the account and address, or the invitation's id) signed
with the installation's secret and a time, so it cannot be forged and stops working after
its age (``SMOLNY_VERIFICATION_DAYS``, ``SMOLNY_INVITATION_DAYS``). Nothing is stored for
them: a verification link is spent by the verification it records, an invitation link by the
invitation's acceptance.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.utils.translation import gettext

VERIFY_SALT = "smolny.accounts.verify-email"
INVITE_SALT = "smolny.accounts.invitation"


class BadLink(Exception):
    """A link that was altered, or has expired: the message says which."""


def verification_age() -> timedelta:
    return timedelta(days=float(getattr(settings, "SMOLNY_VERIFICATION_DAYS", 3)))


def invitation_age() -> timedelta:
    return timedelta(days=float(getattr(settings, "SMOLNY_INVITATION_DAYS", 14)))


@dataclass(frozen=True)
class Verification:
    user_id: int
    email: str


def verification_token(user_id: int, email: str) -> str:
    """The token of the link that verifies *email* for the account *user_id*."""
    return signing.dumps({"u": user_id, "e": email}, salt=VERIFY_SALT, compress=True)


def read_verification(token: str) -> Verification:
    """What a verification link verifies; :class:`BadLink` if it was altered or expired."""
    value = _load(token, VERIFY_SALT, verification_age())
    try:
        return Verification(int(value["u"]), str(value["e"]))
    except (KeyError, TypeError, ValueError):
        raise BadLink(gettext("this link is not a verification link")) from None


def invitation_token(invitation_id: int) -> str:
    """The token of the link that accepts the invitation *invitation_id*."""
    return signing.dumps({"i": invitation_id}, salt=INVITE_SALT, compress=True)


def read_invitation(token: str) -> int:
    """The invitation's id in an invitation link; :class:`BadLink` if altered or expired."""
    value = _load(token, INVITE_SALT, invitation_age())
    try:
        return int(value["i"])
    except (KeyError, TypeError, ValueError):
        raise BadLink(gettext("this link is not an invitation link")) from None


def _load(token: str, salt: str, age: timedelta) -> dict[str, Any]:
    try:
        value = signing.loads(token, salt=salt, max_age=age)
    except signing.SignatureExpired:
        raise BadLink(gettext("this link has expired")) from None
    except signing.BadSignature:
        raise BadLink(
            gettext("this link is not valid (it may have been cut short when copied)")
        ) from None
    if not isinstance(value, dict):
        raise BadLink(gettext("this link is not valid"))
    return value
