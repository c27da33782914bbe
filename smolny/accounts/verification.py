"""Whether an account may act: a self-made account must first verify its email address.

The rule is enforced where an account gains standing in an organisation: founding one,
being made its secretary or recorder, being linked to a member on its roll. An account
without standing cannot act in any organisation (the actions check roles), so an unverified
account cannot act at all until it follows the link mailed to it.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext

from smolny.accounts.models import Account


class Unverified(Exception):
    """The account's email address is not verified yet."""


def is_verified(user: Any) -> bool:
    """Whether *user* is a person who may act: signed in and not awaiting verification.

    Accounts without an :class:`Account` row were made by an operator or through an
    invitation (whose link proved the address), and count as verified."""
    if not getattr(user, "is_authenticated", False):
        return False
    rows = list(Account.objects.filter(user_id=user.pk).values_list("verified_at", flat=True))
    return not rows or rows[0] is not None


def check_verified(user: Any) -> None:
    """Raise :class:`Unverified` for a signed-in account that has not verified its address
    (anything that is not a signed-in person, such as the system actor, passes)."""
    if getattr(user, "is_authenticated", False) and not is_verified(user):
        raise Unverified(
            gettext(
                "%(user)s has not verified their email address yet: follow the "
                "link mailed at sign-up first"
            )
            % {"user": user.get_username()}
        )
