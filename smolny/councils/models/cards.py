"""Card votes and proxies: the record the actions of :mod:`smolny.councils.actions.card` keep.

The rules themselves are :mod:`smolny.rules.card`. A weight is stored as the text of an exact
fraction (``"1000/3"``, ``"400"``): a constituency's card divided among its deputies is not a
whole number, and the minutes add the shares back up exactly.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from smolny.councils.models.dated import CURRENT, Dated
from smolny.councils.models.mandates import Mandate
from smolny.councils.models.organisation import Member
from smolny.councils.models.sessions import Session, Vote


class CardRoll(models.Model):
    """The cards of a card vote, fixed when it opens: each seated mandate's weight (by mandate
    id) and where the weights came from; and, once closed, the figures by weight."""

    vote = models.OneToOneField(Vote, on_delete=models.PROTECT, related_name="card_roll")
    cards = models.JSONField(default=dict)
    basis = models.TextField(blank=True, default="")
    figures = models.JSONField(default=dict, blank=True)


class CardBallot(models.Model):
    """One answer in a card vote: the mandate whose card it is, the card's weight, the choice,
    the fraction the deputy sat with, and the proxy holder who cast it (empty: in person)."""

    vote = models.ForeignKey(Vote, on_delete=models.PROTECT, related_name="card_ballots")
    mandate = models.ForeignKey(Mandate, on_delete=models.PROTECT)
    weight = models.CharField(max_length=60)
    choice = models.CharField(max_length=8)
    fraction = models.CharField(max_length=200, blank=True, default="")
    proxy = models.ForeignKey(
        Member, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=["vote", "mandate"], name="card_ballot_once"),
            models.CheckConstraint(
                condition=Q(choice__in=["for", "against", "abstain"]), name="card_ballot_choice"
            ),
        )


class Proxy(Dated):
    """A deputy's proxy for a sitting, from its giving to its end; ``substitute`` when the
    holder held no seat in the organ when it was given. ``ended_by`` says why it ended
    (:class:`smolny.rules.card.Ended`)."""

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="proxies")
    giver = models.ForeignKey(Mandate, on_delete=models.PROTECT, related_name="proxies_given")
    holder = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="proxies_held")
    substitute = models.BooleanField(default=False)
    ended_by = models.CharField(max_length=40, blank=True, default="")

    class Meta:
        verbose_name_plural = "proxies"
        constraints = (
            models.UniqueConstraint(
                fields=["session", "giver"], condition=CURRENT, name="one_proxy_per_giver"
            ),
        )
