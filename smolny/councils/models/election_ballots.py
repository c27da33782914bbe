"""Members' ballots in a constituency election: candidates, who voted, and the ballots.

Who voted (:class:`ElectionVoter`) and what was voted (:class:`ElectionBallot`) are two
tables that share only the election, as the session's secret ballot keeps them (see
:mod:`smolny.councils.actions.election_ballot` for every channel of linkage and what is done
about it): no foreign key, no time and no order of arrival joins a voter to a ballot.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from smolny.councils.models.mandates import Election
from smolny.councils.models.organisation import Member


class Candidate(models.Model):
    """A member nominated for an election; withdrawn (not deleted) before the voting starts."""

    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="candidates")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="candidacies")
    nominated_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=["election", "member"],
                condition=Q(withdrawn_at__isnull=True),
                name="one_live_candidacy",
            ),
        )

    def __str__(self) -> str:
        return f"{self.member.name}, candidate in {self.election}"


class ElectionVoter(models.Model):
    """That a member has voted in an election: no time, nothing of the ballot."""

    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="voters")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=["election", "member"], name="election_vote_once"),
        )


class ElectionBallot(models.Model):
    """One ballot slot of an election: a random key and, while the poll is open, only a sealed
    ``box`` (rewritten under new keys on every cast, see
    :mod:`smolny.councils.actions.ballot_box`). At the close the cast ballots are written in
    clear (``filled``, with the ranking of candidates' member numbers, most preferred first).
    No voter, no time."""

    key = models.CharField(max_length=32, primary_key=True)
    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="ballots")
    ranking = models.JSONField(default=list, blank=True)
    filled = models.BooleanField(default=False)
    box = models.TextField(blank=True, default="")

    class Meta:
        indexes = (models.Index(fields=["election", "key"], name="election_ballot_election_key"),)


class ElectionTracker(models.Model):
    """A tracker on an election poll's bulletin board: the receipt its voter was given (a
    hash of the ballot and a nonce thrown away, see
    :func:`smolny.councils.actions.ballot_box.tracker_of`). No voter, no time, no ranking."""

    tracker = models.CharField(max_length=64, primary_key=True)
    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="trackers")
