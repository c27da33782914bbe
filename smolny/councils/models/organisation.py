"""Organisations, the roles that administer them, and members (the rolls)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from smolny.councils.models.dated import CURRENT, Dated


class Organisation(models.Model):
    """A whole federation of councils; one installation may hold several."""

    name = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField()
    # A public record may be read by anyone, signed in or not: its councils, sessions, votes,
    # minutes, directives and journal (a historical world, or a body that publishes its
    # proceedings). Acting in it (voting, petitioning, chairing) always needs a signed-in user.
    public_record = models.BooleanField(default=False)
    # Settings a secretary changes on the organisation's settings page (one action,
    # smolny.councils.actions.founding.change_organisation_settings).
    NEW_STYLE = "new"
    DUAL = "dual"
    CALENDARS = ((NEW_STYLE, "New Style (Gregorian) only"), (DUAL, "Old Style and New Style"))
    time_zone = models.CharField(max_length=64, default="UTC")
    language = models.CharField(max_length=8, default="en")
    # Dual dates ("25 October (7 November) 1917") only where the organisation opts in, as
    # the 1917 world does; everyone else sees New Style dates alone.
    calendar = models.CharField(max_length=8, choices=CALENDARS, default=NEW_STYLE)

    def __str__(self) -> str:
        return self.name


class OrganisationRole(Dated):
    """A user's role in an organisation, from its grant to its end (each a journalled action of
    :mod:`smolny.councils.actions.organisation`). A secretary administers the organisation;
    the other roles carry the permissions their constants describe."""

    SECRETARY = "secretary"
    RECORDER = "recorder"
    """May enter the record of past events (a world, the minutes of a meeting held on paper),
    journalled as entered later; live acts always take the server's clock."""
    CHAIR = "chair"
    """Chairs sittings: opens them and conducts them (motions, votes, the floor) as the
    sitting's chair does."""
    CLERK = "clerk"
    """Checks deputies in at the door and keeps the speakers' list."""
    ROLES = (
        (SECRETARY, "secretary"),
        (RECORDER, "recorder of past events"),
        (CHAIR, "chair"),
        (CLERK, "clerk"),
    )

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="roles")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    role = models.CharField(max_length=32, choices=ROLES)

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=["organisation", "user", "role"], condition=CURRENT, name="one_current_role"
            ),
        )

    def __str__(self) -> str:
        return f"{self.user} {self.role} of {self.organisation}"


class Member(Dated):
    """A person on a constituency's roll, from ``start`` (joined) to ``end`` (left).

    ``external_id`` is the organisation's own member number (the roll file's ``member_id``):
    one person is on at most one current roll of an organisation.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="members")
    constituency = models.ForeignKey(
        "councils.Constituency", on_delete=models.PROTECT, related_name="members"
    )
    external_id = models.CharField(max_length=64)
    name = models.CharField(max_length=200)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )
    # Where an invitation to the member's account goes (smolny.accounts); may stay empty.
    email = models.EmailField(blank=True, default="")

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=["organisation", "external_id"],
                condition=CURRENT,
                name="one_current_member_id",
            ),
        )
        indexes = (models.Index(fields=["constituency", "start"], name="member_roll"),)

    def __str__(self) -> str:
        return f"{self.name} ({self.external_id})"
