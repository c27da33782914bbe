"""The writes of an account of one's own: signing up and verifying the address.

They concern no organisation, so no journal entry records them (the journal is the record
of organisations; a person's account is theirs). What an account does in an organisation
goes through the actions, which the journal records.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from smolny.accounts.models import Account
from smolny.accounts.tokens import BadLink, read_verification


def sign_up(username: str, email: str, password: str) -> Any:
    """Make an account whose address awaits verification (the form checked the fields)."""
    with transaction.atomic():
        user = get_user_model()._default_manager.create_user(
            username=username, email=email, password=password
        )
        Account.objects.create(user=user, email=email)
    return user


def verify_email(token: str) -> Any:
    """Record that the address in a verification link is verified; return its account.

    :class:`BadLink` when the link is altered or expired, or names an address the account
    no longer has. Following a link twice is harmless: the first time is kept."""
    found = read_verification(token)
    with transaction.atomic():
        account = (
            Account.objects.select_for_update().select_related("user").filter(user_id=found.user_id)
        ).first()
        if account is None or account.email != found.email:
            raise BadLink(gettext("this link is for an address this account no longer has"))
        if account.verified_at is None:
            account.verified_at = timezone.now()
            account.save(update_fields=["verified_at"])
    return account.user
