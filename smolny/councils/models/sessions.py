"""Sittings of an organ: its rules of procedure, sessions, attendance, agenda, motions, votes.

The procedure itself lives in :mod:`smolny.rules.procedure` and :mod:`smolny.rules.majority`;
these rows are the record the actions of :mod:`smolny.councils.actions.session` and its
siblings keep, and from which the minutes (:mod:`smolny.councils.minutes`) are written.

The secret ballot has two tables that share nothing but the vote: :class:`SecretVoter` says
*who* voted (no time, no choice), :class:`SecretBallot` says *what* was chosen (random key, no
voter, no time). See :mod:`smolny.councils.actions.ballot` for every channel of linkage and
what is done about each.
"""

from __future__ import annotations

from fractions import Fraction as Ratio

from django.db import models
from django.db.models import Q

from smolny.councils.models.dated import CURRENT, Dated
from smolny.councils.models.mandates import Fraction, Mandate
from smolny.councils.models.organisation import Member
from smolny.councils.models.organs import Organ


class OrganRules(models.Model):
    """An organ's rules of procedure; an organ without a row sits under the defaults here.

    Notice: ``notice_seconds`` ordinary period; ``emergency`` allows shorter notice down to
    ``emergency_minimum_seconds`` (the sitting is then irregular). Quorum: a share
    ``quorum_num/quorum_den`` of the seated members, exceeded (``quorum_more_than``) or
    reached, or, when ``quorum_members`` is set, that number of members. Majority:
    ``majority_kind`` (simple, absolute, qualified) of ``majority_base`` (votes cast, members
    present, members seated), the qualified share ``majority_num/majority_den``.
    """

    organ = models.OneToOneField(Organ, on_delete=models.PROTECT, related_name="procedure")
    notice_seconds = models.PositiveIntegerField(default=86400)
    emergency = models.BooleanField(default=False)
    emergency_minimum_seconds = models.PositiveIntegerField(default=0)
    quorum_num = models.PositiveIntegerField(default=1)
    quorum_den = models.PositiveIntegerField(default=2)
    quorum_more_than = models.BooleanField(default=True)
    quorum_members = models.PositiveIntegerField(null=True, blank=True)
    majority_kind = models.CharField(max_length=16, default="simple")
    majority_base = models.CharField(max_length=16, default="votes cast")
    majority_num = models.PositiveIntegerField(default=1)
    majority_den = models.PositiveIntegerField(default=2)
    majority_more_than = models.BooleanField(default=True)
    casting_vote = models.BooleanField(default=False)
    alternatives = models.CharField(max_length=16, default="successive")
    put_order = models.CharField(max_length=16, default="as-moved")
    max_depth = models.PositiveIntegerField(default=2)
    time_limit = models.PositiveIntegerField(default=300)
    point_of_order_limit = models.PositiveIntegerField(default=180)
    share_turns = models.PositiveIntegerField(null=True, blank=True)
    share_seconds = models.PositiveIntegerField(null=True, blank=True)
    # Card votes and proxies (smolny.rules.card): whether proxies are allowed, how many one
    # person may hold, whether a member without a seat may hold one; the weights that replace
    # a constituency's membership in a card vote (constituency id -> weight).
    proxies_allowed = models.BooleanField(default=False)
    proxy_limit = models.PositiveIntegerField(default=1)
    proxy_substitutes = models.BooleanField(default=False)
    card_weights = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name_plural = "organ rules"

    def __str__(self) -> str:
        return f"rules of {self.organ}"

    @property
    def quorum_share(self) -> Ratio:
        return Ratio(self.quorum_num, self.quorum_den)


class Session(models.Model):
    """A sitting of an organ, from its convening to its close."""

    CONVENED = "convened"
    OPEN = "open"
    ADJOURNED = "adjourned"
    CLOSED = "closed"
    STATUSES = tuple((k, k) for k in (CONVENED, OPEN, ADJOURNED, CLOSED))

    organ = models.ForeignKey(Organ, on_delete=models.PROTECT, related_name="sessions")
    title = models.CharField(max_length=200)
    convened_at = models.DateTimeField()
    starts_at = models.DateTimeField()
    # Where and until when, as the notice gives them (both may stay empty: the notice's
    # calendar entry then lasts two hours and names no place).
    place = models.CharField(max_length=300, blank=True, default="")
    ends_at = models.DateTimeField(null=True, blank=True)
    regularity = models.CharField(max_length=16)
    convening = models.TextField(help_text="the notice rule's finding, in words")
    status = models.CharField(max_length=16, choices=STATUSES, default=CONVENED)
    opened_at = models.DateTimeField(null=True, blank=True)
    opening_quorum = models.TextField(blank=True, default="")
    closed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.title} ({self.organ.name})"

    @property
    def irregular(self) -> bool:
        return self.regularity == "irregular"


class ChairTerm(Dated):
    """Who chaired a session from ``start`` to ``end``; a hand-over starts the next term."""

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="chair_terms")
    member = models.ForeignKey(Member, on_delete=models.PROTECT)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=["session"], condition=CURRENT, name="one_chair"),
        )


class Walkout(models.Model):
    """A fraction or named deputies leaving a session; their attendance rows end with it."""

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="walkouts")
    at = models.DateTimeField()
    fraction = models.ForeignKey(Fraction, on_delete=models.PROTECT, null=True, blank=True)
    statement = models.TextField(blank=True, default="")
    members = models.PositiveIntegerField()


class Attendance(Dated):
    """A person in the hall from check-in to check-out (or walkout).

    Whether they may vote is not stored: it is decided at each vote from their mandate and
    seat at that moment, so a deputy recalled in the middle of a session stays in the hall as
    an observer.
    """

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="attendance")
    member = models.ForeignKey(Member, on_delete=models.PROTECT)
    walkout = models.ForeignKey(Walkout, on_delete=models.PROTECT, null=True, blank=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=["session", "member"], condition=CURRENT, name="present_once"
            ),
        )


class AgendaItem(models.Model):
    """An item of a session's agenda, with its speakers' list as a value (see the action)."""

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="items")
    position = models.PositiveIntegerField()
    title = models.CharField(max_length=300)
    speakers = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=16, default="open")

    class Meta:
        ordering = ("position",)
        constraints = (
            models.UniqueConstraint(fields=["session", "position"], name="item_position"),
        )

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"


class Motion(models.Model):
    """A motion on an agenda item, as moved; its fate (``settlement``) follows the votes."""

    MAIN = "main"
    AMENDMENT = "amendment"
    COUNTER = "counter"
    PROCEDURAL = "procedural"
    KINDS = tuple((k, k) for k in (MAIN, AMENDMENT, COUNTER, PROCEDURAL))

    item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="motions")
    key = models.CharField(max_length=32)
    kind = models.CharField(max_length=16, choices=KINDS)
    procedural = models.CharField(max_length=16, blank=True, default="")
    text = models.TextField(blank=True, default="")
    parent = models.CharField(max_length=32, blank=True, default="")
    strike = models.TextField(blank=True, default="")
    reach = models.IntegerField(null=True, blank=True)
    moved_after = models.PositiveIntegerField()
    moved_at = models.DateTimeField()
    mover = models.ForeignKey(Member, on_delete=models.PROTECT, null=True, blank=True)
    settlement = models.CharField(max_length=16, blank=True, default="")

    class Meta:
        constraints = (models.UniqueConstraint(fields=["item", "key"], name="motion_key"),)

    def __str__(self) -> str:
        return f"{self.kind} motion {self.key}"


class Vote(models.Model):
    """One vote on an item: the call the procedure put, its method, figures and outcome."""

    ROLL_CALL = "roll call"
    DIVISION = "division"
    SHOW_OF_HANDS = "show of hands"
    SECRET = "secret ballot"
    CARD = "card vote"
    METHODS = tuple((k, k) for k in (ROLL_CALL, DIVISION, SHOW_OF_HANDS, SECRET, CARD))
    OPEN = "open"
    CLOSED = "closed"

    item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="votes")
    motion = models.ForeignKey(
        Motion, on_delete=models.PROTECT, null=True, blank=True, related_name="votes"
    )
    call = models.CharField(max_length=32)
    question = models.TextField()
    text = models.TextField(blank=True, default="")
    method = models.CharField(max_length=16, choices=METHODS)
    status = models.CharField(max_length=8, default=OPEN)
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    counts_entered = models.BooleanField(default=False)
    tellers = models.JSONField(default=list, blank=True)
    for_votes = models.PositiveIntegerField(null=True, blank=True)
    against = models.PositiveIntegerField(null=True, blank=True)
    abstain = models.PositiveIntegerField(null=True, blank=True)
    present = models.PositiveIntegerField(null=True, blank=True)
    seated = models.PositiveIntegerField(null=True, blank=True)
    outcome = models.CharField(max_length=16, blank=True, default="")
    verdict = models.CharField(max_length=8, blank=True, default="")
    rule = models.CharField(max_length=120, blank=True, default="")
    reason = models.TextField(blank=True, default="")
    irregular = models.BooleanField(default=False)
    result_position = models.PositiveIntegerField(null=True, blank=True)
    options = models.JSONField(default=list, blank=True)
    preferred = models.CharField(max_length=32, blank=True, default="")
    ties = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=["item"], condition=Q(status="open"), name="one_open_vote_per_item"
            ),
        )

    def __str__(self) -> str:
        return f"vote on {self.motion.key if self.motion else self.call}"


CHOICES = (("for", "for"), ("against", "against"), ("abstain", "abstain"), ("ranked", "ranked"))
"""A binary vote's answers; ``ranked`` marks a ballot of a preferential vote (its ranking)."""


class NamedVote(models.Model):
    """A deputy's vote in a named roll call, with the fraction they sat with at the time."""

    vote = models.ForeignKey(Vote, on_delete=models.PROTECT, related_name="named")
    mandate = models.ForeignKey(Mandate, on_delete=models.PROTECT)
    fraction = models.CharField(max_length=200, blank=True, default="")
    choice = models.CharField(max_length=8, choices=CHOICES)
    ranking = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=["vote", "mandate"], name="named_vote_once"),
            models.CheckConstraint(
                condition=Q(choice__in=["for", "against", "abstain", "ranked"]),
                name="named_vote_choice_or_ranking",
            ),
        )


class SecretVoter(models.Model):
    """That a deputy voted in a secret ballot: no time, no choice, nothing of the ballot."""

    vote = models.ForeignKey(Vote, on_delete=models.PROTECT, related_name="secret_voters")
    mandate = models.ForeignKey(Mandate, on_delete=models.PROTECT)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=["vote", "mandate"], name="secret_vote_once"),
        )


class SecretBallot(models.Model):
    """One ballot slot of a secret vote: a random key and, while the vote is open, only a sealed
    ``box`` (the choice, ranking and receipt's hash, encrypted under a key the database does not
    hold; or a decoy); every cast rewrites a bucket of them under new keys
    (:mod:`smolny.councils.actions.ballot_box`, which picks it on the ``(vote, key)`` index).
    At the close the cast ballots are written in clear (``sealed``: choice, ranking, receipt's
    hash; no box) under fresh keys, so neither the key nor the row's place says when a ballot
    was cast.
    """

    key = models.CharField(max_length=32, primary_key=True)
    vote = models.ForeignKey(Vote, on_delete=models.PROTECT, related_name="ballots")
    choice = models.CharField(max_length=8, choices=CHOICES, blank=True, default="")
    ranking = models.JSONField(default=list, blank=True)
    receipt_hash = models.CharField(max_length=64, blank=True, default="")
    sealed = models.BooleanField(default=False)
    box = models.TextField(blank=True, default="")

    class Meta:
        constraints = (
            models.CheckConstraint(
                condition=Q(choice__in=["", "for", "against", "abstain", "ranked"]),
                name="secret_ballot_choice_or_ranking",
            ),
        )
        indexes = (models.Index(fields=["vote", "key"], name="secret_ballot_vote_key"),)


class SecretTracker(models.Model):
    """A tracker on a secret vote's bulletin board: the hash its voter was given as a receipt.

    A tracker is a hash of the ballot's content and a random nonce that is thrown away once
    hashed (:func:`smolny.councils.queries.votes.tracker_of`), so nobody can recompute it from a
    choice. The row holds no voter, no time and no choice: while the vote runs it only says that
    a ballot with this tracker is in the box; after the close the opened ballot with the same
    tracker (:class:`SecretBallot`'s ``receipt_hash``) shows what was counted under it.
    """

    tracker = models.CharField(max_length=64, primary_key=True)
    vote = models.ForeignKey(Vote, on_delete=models.PROTECT, related_name="trackers")


class PresidiumReformation(models.Model):
    """A carried no-confidence motion ended a presidium; its re-formation is open until done."""

    vote = models.OneToOneField(Vote, on_delete=models.PROTECT, related_name="reformation")
    old_organ = models.ForeignKey(Organ, on_delete=models.PROTECT, related_name="+")
    new_organ = models.ForeignKey(
        Organ, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    opened_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
