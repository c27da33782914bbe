"""Councils, their constituencies, representation rules and apportionments."""

from __future__ import annotations

from fractions import Fraction as Ratio

from django.db import models

from smolny.councils.models.dated import Dated
from smolny.councils.models.organisation import Organisation


class Council(Dated):
    """A body of deputies; a congress is a council whose constituencies are councils.

    The recall thresholds are the council's own rules, kept as exact ratios: a petition
    signed by ``petition_threshold`` of the roll opens a recall vote, which is valid when
    ``recall_quorum`` of the roll takes part.
    """

    COUNCIL = "council"
    CONGRESS = "congress"
    KINDS = (
        (COUNCIL, "council"),
        (CONGRESS, "congress"),
    )

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="councils"
    )
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=KINDS, default=COUNCIL)
    petition_threshold_num = models.PositiveIntegerField(default=1)
    petition_threshold_den = models.PositiveIntegerField(default=4)
    recall_quorum_num = models.PositiveIntegerField(default=1)
    recall_quorum_den = models.PositiveIntegerField(default=3)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=["organisation", "name"], name="council_name"),
        )

    def __str__(self) -> str:
        return self.name

    @property
    def petition_threshold(self) -> Ratio:
        return Ratio(self.petition_threshold_num, self.petition_threshold_den)

    @property
    def recall_quorum(self) -> Ratio:
        return Ratio(self.recall_quorum_num, self.recall_quorum_den)


class RepresentationRule(Dated):
    """How many deputies each constituency sends.

    ``ratio``: one deputy per ``per`` members, at least ``minimum`` (rounding as named);
    ``house``: ``house_size`` seats apportioned by ``method`` with at least ``min_seats`` each.
    """

    RATIO = "ratio"
    HOUSE = "house"
    KINDS = (
        (RATIO, "ratio"),
        (HOUSE, "fixed house size"),
    )

    council = models.ForeignKey(
        Council, on_delete=models.PROTECT, related_name="representation_rules"
    )
    kind = models.CharField(max_length=16, choices=KINDS)
    per = models.PositiveIntegerField(null=True, blank=True)
    minimum = models.PositiveIntegerField(default=1)
    rounding = models.CharField(max_length=16, default="floor")
    house_size = models.PositiveIntegerField(null=True, blank=True)
    method = models.CharField(max_length=32, blank=True, default="")
    min_seats = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        if self.kind == self.RATIO:
            return f"one per {self.per}, at least {self.minimum}"
        return f"{self.house_size} seats by {self.method}"


class Constituency(Dated):
    """Members (a roll) or, for a congress, a lower council, electing deputies together."""

    ROLL = "roll"
    COUNCIL = "council"
    KINDS = (
        (ROLL, "member roll"),
        (COUNCIL, "council"),
    )

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="constituencies")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=KINDS, default=ROLL)
    delegating_council = models.ForeignKey(
        Council,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="delegations",
    )

    class Meta:
        verbose_name_plural = "constituencies"
        constraints = (
            models.UniqueConstraint(fields=["council", "name"], name="constituency_name"),
        )

    def __str__(self) -> str:
        return self.name


class Apportionment(models.Model):
    """One apportionment of a council's seats, from the rolls as they stood at ``at``."""

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="apportionments")
    at = models.DateTimeField()
    rule = models.ForeignKey(RepresentationRule, on_delete=models.PROTECT)
    house_size = models.PositiveIntegerField()
    population = models.PositiveBigIntegerField()
    ties = models.JSONField(default=list, blank=True)
    unresolved = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.council} at {self.at:%Y-%m-%d}: {self.house_size} seats"


class ApportionedSeats(models.Model):
    """The seats one constituency received in one apportionment."""

    apportionment = models.ForeignKey(
        Apportionment, on_delete=models.PROTECT, related_name="entries"
    )
    constituency = models.ForeignKey(Constituency, on_delete=models.PROTECT)
    population = models.PositiveBigIntegerField()
    seats = models.PositiveIntegerField()

    class Meta:
        verbose_name_plural = "apportioned seats"
        constraints = (
            models.UniqueConstraint(
                fields=["apportionment", "constituency"], name="one_entry_per_constituency"
            ),
        )
