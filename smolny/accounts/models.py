"""What Django's user model does not keep: whether a person's email address is verified, and
the invitations sent to members on a roll."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Account(models.Model):
    """The state of a self-made account's email address.

    Only accounts made through the sign-up page have a row: it holds the address the person
    gave and, once they followed the link mailed to it, when. An account made by an operator
    (the admin, a shell, the world loader) or through an invitation has been vouched for by
    whoever made it, so it counts as verified without a row (see
    :func:`smolny.accounts.verification.is_verified`).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account"
    )
    email = models.EmailField()
    verified_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        state = "verified" if self.verified_at else "not verified"
        return f"{self.user} <{self.email}> ({state})"


class Invitation(models.Model):
    """An invitation for a member on the roll to make an account linked to their roll entry.

    The mailed link carries the invitation's id, signed and expiring
    (:mod:`smolny.accounts.tokens`); it is used once: ``accepted_at`` and ``user`` record who
    accepted it and when. Written only by the actions in
    :mod:`smolny.councils.actions.founding`.
    """

    organisation = models.ForeignKey(
        "councils.Organisation", on_delete=models.PROTECT, related_name="invitations"
    )
    member = models.ForeignKey(
        "councils.Member", on_delete=models.PROTECT, related_name="invitations"
    )
    email = models.EmailField()
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invitations_sent",
    )
    created_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invitations_accepted",
    )

    class Meta:
        indexes = (models.Index(fields=["member", "created_at"], name="invitation_member"),)

    def __str__(self) -> str:
        return f"invitation of {self.member} to {self.email}"


class Attempt(models.Model):
    """One counted attempt at something limited: a failed sign-in, a receipt check.

    Kept in the database because the server runs several worker processes (and may run
    several machines): a counter in one process's memory would let an attacker spread the
    guesses over the processes. ``key`` says what is counted and for whom, e.g.
    ``sign-in:account:olga`` or ``sign-in:address:10.0.0.7``; rows older than the window are
    deleted as new ones are written (:mod:`smolny.accounts.throttle`).
    """

    key = models.CharField(max_length=200)
    at = models.DateTimeField()

    class Meta:
        indexes = (models.Index(fields=["key", "at"], name="attempt_key_at"),)

    def __str__(self) -> str:
        return f"{self.key} at {self.at:%Y-%m-%d %H:%M:%S}"
