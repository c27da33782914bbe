"""Organs of a council and their seats."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from smolny.councils.models.councils import Council
from smolny.councils.models.dated import Dated
from smolny.councils.models.mandates import Fraction, Mandate


class Organ(Dated):
    """A part of a council (executive committee, presidium, ...) with its seat rule.

    ``seat_rule`` says how the seats are filled: ``proportional`` allots them between the
    fractions by ``method`` (``refused`` says what happens to seats a fraction refuses),
    ``election`` fills them by a vote of the council, ``ex-officio`` by office. A
    proportional organ may also have ``ex_officio`` seats held by office.
    """

    PLENUM = "plenum"
    EXECUTIVE = "executive committee"
    PRESIDIUM = "presidium"
    SECTION = "section"
    COMMISSION = "commission"
    KINDS = tuple((k, k) for k in (PLENUM, EXECUTIVE, PRESIDIUM, SECTION, COMMISSION))
    PROPORTIONAL = "proportional"
    ELECTION = "election"
    EX_OFFICIO = "ex-officio"
    SEAT_RULES = tuple((k, k) for k in (PROPORTIONAL, ELECTION, EX_OFFICIO))

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="organs")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=32, choices=KINDS)
    seat_rule = models.CharField(max_length=16, choices=SEAT_RULES)
    seats = models.PositiveIntegerField()
    method = models.CharField(max_length=32, blank=True, default="")
    refused = models.CharField(max_length=16, blank=True, default="vacant")
    ex_officio = models.PositiveIntegerField(default=0)
    allotment = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = (models.UniqueConstraint(fields=["council", "name"], name="organ_name"),)

    def __str__(self) -> str:
        return f"{self.name} of {self.council}"


class OrganSeat(Dated):
    """One seat of an organ over a period: who held it, or why it was empty.

    A seat number keeps its identity; each change (filled, vacated, reassigned) ends the
    current row and starts a new one, so the seat's history stays answerable.
    """

    HELD = "held"
    VACANT = "vacant"
    REFUSED = "refused"
    RESERVED = "reserved"
    STATUSES = tuple((k, k) for k in (HELD, VACANT, REFUSED, RESERVED))
    EX_OFFICIO = "ex officio"
    ELECTED = "elected"
    ALLOTTED = "allotted"
    FILLED_HOW = tuple((k, k) for k in (EX_OFFICIO, ELECTED, ALLOTTED))

    organ = models.ForeignKey(Organ, on_delete=models.PROTECT, related_name="seat_rows")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=STATUSES)
    how = models.CharField(max_length=16, choices=FILLED_HOW)
    fraction = models.ForeignKey(Fraction, on_delete=models.PROTECT, null=True, blank=True)
    holder = models.ForeignKey(
        Mandate, on_delete=models.PROTECT, null=True, blank=True, related_name="organ_seats"
    )

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=["organ", "number"],
                condition=Q(end__isnull=True),
                name="one_current_seat_row",
            ),
            models.UniqueConstraint(
                fields=["organ", "holder"],
                condition=Q(end__isnull=True, holder__isnull=False),
                name="one_current_seat_per_holder",
            ),
            models.CheckConstraint(
                condition=Q(status="held", holder__isnull=False)
                | (~Q(status="held") & Q(holder__isnull=True)),
                name="held_iff_holder",
            ),
        )

    def __str__(self) -> str:
        return f"{self.organ} seat {self.number}: {self.status}"
