"""The outbox: every message Smolny has to send, and how its sending went."""

from __future__ import annotations

from django.db import models


class OutboxLetter(models.Model):
    """One text for everyone on a roll (a recall vote or a poll opening), queued by the action
    in its transaction as a single row, whatever the roll's size: the members on
    ``constituency``'s roll at ``roll_at`` who have an address. A postman addresses it after
    the commit (``expanded_at``), writing one :class:`OutboxMessage` per member, which carry
    the letter's text by reference."""

    organisation = models.ForeignKey(
        "councils.Organisation", on_delete=models.PROTECT, related_name="outbox_letters"
    )
    kind = models.CharField(max_length=32)
    about = models.CharField(max_length=64)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    constituency = models.ForeignKey(
        "councils.Constituency", on_delete=models.PROTECT, related_name="+"
    )
    roll_at = models.DateTimeField()
    created_at = models.DateTimeField()
    expanded_at = models.DateTimeField(null=True, blank=True)
    recipients = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.kind} to the roll of {self.constituency_id} ({self.about})"


class OutboxMessage(models.Model):
    """One message to one address, queued by an action in its own transaction.

    ``state`` is ``queued`` until the first attempt, then ``sent`` or ``failed``. A failed
    message is tried again at ``next_attempt_at``, and when that is empty it is given up (after
    :data:`smolny.notices.outbox.MAX_ATTEMPTS`; ``smolny mail retry`` or the outbox page's
    button tries again). ``claimed_until`` marks a message a postman is sending, so that two
    processes never send it at once; a postman that died mid-send leaves a claim that lapses.
    """

    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"
    STATES = ((QUEUED, "queued"), (SENT, "sent"), (FAILED, "failed"))

    SESSION_NOTICE = "session notice"
    RECALL_VOTE = "recall vote"
    ELECTION_POLL = "election poll"
    KINDS = (
        (SESSION_NOTICE, "notice of a sitting"),
        (RECALL_VOTE, "a recall vote opens"),
        (ELECTION_POLL, "an election poll opens"),
    )

    organisation = models.ForeignKey(
        "councils.Organisation", on_delete=models.PROTECT, related_name="outbox"
    )
    kind = models.CharField(max_length=32, choices=KINDS)
    # What the message is about, as "session:12", "recall-vote:3" or "election:7".
    about = models.CharField(max_length=64)
    member = models.ForeignKey(
        "councils.Member", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to = models.EmailField()
    subject = models.CharField(max_length=300)
    # Empty when the text is the letter's, shared by everyone on a roll.
    body = models.TextField(blank=True, default="")
    letter = models.ForeignKey(
        OutboxLetter, on_delete=models.PROTECT, null=True, blank=True, related_name="messages"
    )
    # The calendar attachment (an .ics file's text), if any, and its file name.
    calendar = models.TextField(blank=True, default="")
    calendar_name = models.CharField(max_length=100, blank=True, default="")
    created_at = models.DateTimeField()
    state = models.CharField(max_length=16, choices=STATES, default=QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True, default="")

    class Meta:
        indexes = (
            models.Index(fields=["state", "next_attempt_at"], name="outbox_due"),
            models.Index(fields=["organisation", "created_at"], name="outbox_of_organisation"),
        )

    def __str__(self) -> str:
        return f"{self.kind} to {self.to} ({self.state})"
