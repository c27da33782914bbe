"""The journal: append-only, hash-chained record of every change (see smolny.journal.chain)."""

from __future__ import annotations

from typing import Any, NoReturn

from django.db import models


class JournalImmutable(Exception):
    """Raised on any attempt to update or delete a journal entry through the ORM."""


class JournalQuerySet(models.QuerySet["JournalEntry"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise JournalImmutable("journal entries are never updated")

    def delete(self) -> NoReturn:
        raise JournalImmutable("journal entries are never deleted")


class JournalEntry(models.Model):
    """One entry: who did what when, the canonical payload, and the chain's hashes."""

    seq = models.BigIntegerField(primary_key=True)
    time = models.DateTimeField()
    actor = models.CharField(max_length=200)
    action = models.CharField(max_length=100)
    payload = models.TextField()
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    organisation = models.ForeignKey(
        "councils.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="journal_entries",
        help_text="the organisation the payload names (an index for reading one organisation's "
        "record; outside the hash, and checked against the payload by the verification)",
    )

    objects = JournalQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "journal entries"
        ordering = ("seq",)

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise JournalImmutable(f"journal entry {self.seq} cannot be changed")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise JournalImmutable(f"journal entry {self.seq} cannot be deleted")


class JournalHead(models.Model):
    """The chain's head (one row): the last entry's number and hash, moved with each append.

    A chain alone cannot show that its last entries were cut off; the head can, unless it is
    forged too.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField()
    hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"head at #{self.seq}"
