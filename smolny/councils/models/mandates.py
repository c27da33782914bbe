"""Elections, mandates (deputies' seats) and fractions."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from smolny.councils.models.councils import Constituency, Council
from smolny.councils.models.dated import CURRENT, Dated
from smolny.councils.models.organisation import Member


class Election(models.Model):
    """A constituency's election of deputies: a regular one, or a by-election after a vacancy."""

    REGULAR = "regular"
    BY_ELECTION = "by-election"
    KINDS = (
        (REGULAR, "regular"),
        (BY_ELECTION, "by-election"),
    )
    OPEN = "open"
    DECLARED = "declared"
    STATUSES = (
        (OPEN, "open"),
        (DECLARED, "result declared"),
    )

    constituency = models.ForeignKey(
        Constituency, on_delete=models.PROTECT, related_name="elections"
    )
    kind = models.CharField(max_length=16, choices=KINDS, default=REGULAR)
    seats = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=STATUSES, default=OPEN)
    opened_at = models.DateTimeField()
    declared_at = models.DateTimeField(null=True, blank=True)
    cause = models.ForeignKey(
        "councils.Mandate",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="by_elections",
        help_text="the mandate whose end opened this by-election",
    )
    method = models.CharField(max_length=32, blank=True, default="")
    result = models.JSONField(default=dict, blank=True)
    # When a secretary opened the members' poll (and the electors were told by mail); the
    # candidates are fixed from then on, as they are from the first ballot cast.
    poll_opened_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.kind} in {self.constituency} ({self.opened_at:%Y-%m-%d})"


class ElectionWinner(models.Model):
    """A member declared elected, in order of election."""

    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="winners")
    member = models.ForeignKey(Member, on_delete=models.PROTECT)
    position = models.PositiveIntegerField()

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=["election", "member"], name="elected_once"),
            models.UniqueConstraint(fields=["election", "position"], name="winner_position"),
        )


class Mandate(Dated):
    """A deputy's seat in a council for a constituency, from seating to its end."""

    RESIGNED = "resigned"
    RECALLED = "recalled"
    RECALLED_BY_DELEGATING_BODY = "recalled by delegating body"
    EXPIRED = "expired"
    END_REASONS = (
        (RESIGNED, "resigned"),
        (RECALLED, "recalled by the constituency"),
        (RECALLED_BY_DELEGATING_BODY, "recalled by the delegating body"),
        (EXPIRED, "expired"),
    )

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="mandates")
    constituency = models.ForeignKey(
        Constituency, on_delete=models.PROTECT, related_name="mandates"
    )
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="mandates")
    election = models.ForeignKey(
        Election, on_delete=models.PROTECT, null=True, blank=True, related_name="mandates"
    )
    end_reason = models.CharField(max_length=40, choices=END_REASONS, blank=True, default="")

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=["council", "member"], condition=CURRENT, name="one_current_mandate"
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True, end_reason="") | Q(end__isnull=False),
                name="current_mandate_has_no_end_reason",
            ),
        )

    def __str__(self) -> str:
        return f"{self.member.name}, {self.constituency}"


class Fraction(Dated):
    """A caucus of deputies in a council, usually a party."""

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="fractions")
    name = models.CharField(max_length=200)

    class Meta:
        constraints = (models.UniqueConstraint(fields=["council", "name"], name="fraction_name"),)

    def __str__(self) -> str:
        return self.name


class FractionMembership(Dated):
    """A deputy sitting with a fraction for a time."""

    fraction = models.ForeignKey(Fraction, on_delete=models.PROTECT, related_name="memberships")
    mandate = models.ForeignKey(
        Mandate, on_delete=models.PROTECT, related_name="fraction_memberships"
    )

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=["mandate"], condition=CURRENT, name="one_current_fraction"
            ),
        )
