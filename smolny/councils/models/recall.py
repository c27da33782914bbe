"""Recall: petitions, signatures, recall votes and ballots."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from smolny.councils.models.mandates import Mandate
from smolny.councils.models.organisation import Member


class RecallPetition(models.Model):
    """A petition of a constituency's members to recall their deputy.

    ``roll_size`` and ``threshold`` (signatures needed) are fixed when it opens, under the
    council's rules in force then.
    """

    OPEN = "open"
    VOTE = "vote opened"
    CLOSED = "closed"
    STATUSES = tuple((k, k) for k in (OPEN, VOTE, CLOSED))

    mandate = models.ForeignKey(Mandate, on_delete=models.PROTECT, related_name="recall_petitions")
    opened_by = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField()
    roll_size = models.PositiveIntegerField()
    threshold = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=STATUSES, default=OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=["mandate"], condition=~Q(status="closed"), name="one_live_petition"
            ),
        )

    def __str__(self) -> str:
        return f"recall petition against {self.mandate}"


class RecallSignature(models.Model):
    """One member's signature; withdrawable until the threshold is reached."""

    petition = models.ForeignKey(
        RecallPetition, on_delete=models.PROTECT, related_name="signatures"
    )
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True, default="")
    """Why the member signs, in their words (optional; shown on the petition without the
    signer's name)."""

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=["petition", "member"],
                condition=Q(withdrawn_at__isnull=True),
                name="one_signature_per_member",
            ),
        )


class RecallVote(models.Model):
    """The constituency's vote on a recall, opened when a petition reached its threshold."""

    RECALLED = "recalled"
    NOT_RECALLED = "not recalled"
    NO_QUORUM = "no quorum"
    LAPSED = "lapsed"  # the mandate ended otherwise before the vote was counted
    OUTCOMES = tuple((k, k) for k in (RECALLED, NOT_RECALLED, NO_QUORUM, LAPSED))

    petition = models.OneToOneField(RecallPetition, on_delete=models.PROTECT, related_name="vote")
    opened_at = models.DateTimeField()
    roll_size = models.PositiveIntegerField()
    closed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=16, choices=OUTCOMES, blank=True, default="")
    votes_recall = models.PositiveIntegerField(default=0)
    votes_keep = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"recall vote on {self.petition.mandate}"


class RecallVoter(models.Model):
    """That a member has voted in a recall vote: no time, nothing of the ballot.

    Who voted is kept apart from what was voted, as the session's secret ballot and the
    members' election ballots keep it (see :mod:`smolny.councils.actions.recall`)."""

    vote = models.ForeignKey(RecallVote, on_delete=models.PROTECT, related_name="voters")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=["vote", "member"], name="one_recall_vote_per_member"),
        )


class RecallBallot(models.Model):
    """One ballot slot of a recall vote: a random key and, while the vote is open, only a sealed
    ``box`` (rewritten under new keys on every cast, see
    :mod:`smolny.councils.actions.ballot_box`); at the close the cast ballots are written with
    their choice in clear (``sealed``). No voter, no time. The ``(vote, key)`` index lets a cast
    pick its bucket without reading the vote's other boxes."""

    RECALL = "recall"
    KEEP = "keep"
    CHOICES = (
        (RECALL, "recall"),
        (KEEP, "keep"),
    )

    key = models.CharField(max_length=32, primary_key=True)
    vote = models.ForeignKey(RecallVote, on_delete=models.PROTECT, related_name="ballots")
    choice = models.CharField(max_length=8, choices=CHOICES, blank=True, default="")
    sealed = models.BooleanField(default=False)
    box = models.TextField(blank=True, default="")

    class Meta:
        ordering = ("key",)
        indexes = (models.Index(fields=["vote", "key"], name="recall_ballot_vote_key"),)

    def __str__(self) -> str:
        return f"recall ballot {self.key}"


class RecallTracker(models.Model):
    """A tracker on a recall vote's bulletin board: the receipt its voter was given.

    As the session's :class:`~smolny.councils.models.SecretTracker`: a hash of the ballot's
    content and a nonce thrown away once hashed
    (:func:`smolny.councils.actions.ballot_box.tracker_of`), so nobody recomputes it from a
    choice. No voter, no time, no choice: it says that a ballot with this tracker is in the
    box (while the vote runs) and was counted (after the close)."""

    tracker = models.CharField(max_length=64, primary_key=True)
    vote = models.ForeignKey(RecallVote, on_delete=models.PROTECT, related_name="trackers")
