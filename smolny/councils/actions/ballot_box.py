"""The ballot box shared by the session's secret ballot, the recall vote and the members'
election: sealed slots, rewritten on every cast, opened in a fresh random order at the close.

What it defends against: someone who reads the tables (a backup, a replica, a dump, the
admin) before and after a cast, and the journal entry in between, which names the voter.
Keeping who voted apart from what was voted is not enough when exactly one ballot row
changes between the two reads. So:

* **Sealed.** While a vote is open every slot, empty or filled, holds only a box:
  ``nonce || AES-256-GCM(content padded to a fixed width)``, with the table and the vote
  bound in as associated data. An empty slot and a filled one, a "for" and an "against", a
  short ranking and a long one, all give boxes of the same length. The clear columns
  (choice, ranking, receipt hash) stay empty until the close.
* **The key is not in the database.** Each vote's key is derived (HKDF-SHA256) from the
  installation's sealing key, the key file of :mod:`smolny.federation.keys` (``SMOLNY_KEY_FILE``),
  and the table and vote; the database holds no key. A copy of the database alone opens no
  box. The server holds the key file, so it can open the boxes at the close.
* **Every cast rewrites.** A cast opens the slots, fills one empty slot, and writes back the
  slots it rewrites under *fresh* random slot keys and fresh nonces, inserted in random order
  after deleting the old rows: between two reads every rewritten row is gone and replaced, so
  the diff shows which rows were rewritten, never which of them holds the new ballot. Up to
  :data:`FULL_REWRITE` slots, that is every slot of the vote. Above it (an election on a large
  roll), a bucket of :data:`FULL_REWRITE` slots is rewritten: the new ballot's slot, chosen
  uniformly among the empty ones, and the others chosen uniformly among the rest. Then the
  anonymity set of one cast, to a reader of two snapshots, is that bucket, not the whole vote;
  it lasts only until the close, when every slot is reopened under new keys.
* **At the close** the boxes are opened, every slot deleted, and the cast ballots written in
  clear (sealed) under fresh random keys, in the order of those keys: a random order that owes
  nothing to the order of casting or to the slots' places.

Residual risks, said plainly. Whoever holds the key file *and* two snapshots can open both and
see which content is new: the key file is the secret, kept off the database (and its backups
kept apart). The database server's own bookkeeping (PostgreSQL's ``xmin``, the write-ahead
log; SQLite's free pages) still shows which rows one transaction wrote; since every cast
rewrites the whole vote (or its bucket), that shows the rewrite, not the ballot. A cast costs
O(slots): measured in the report of the change that brought this module, and by
``tests/integration/attacks/test_ballot_unlinkability.py::test_cast_time``.
"""

from __future__ import annotations

import base64
import json
import os
import random
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.db import models

from smolny.federation.keys import sealing_key
from smolny.journal.actions import ActionError, within_action

FULL_REWRITE = 2000
"""Votes of up to this many slots rewrite every slot on each cast; larger ones a bucket of
this many (see the module)."""

NONCE_BYTES = 12
_RANDOM = random.SystemRandom()

Content = list[Any]
"""What a slot holds: ``[]`` when empty, else the caller's values (a JSON list)."""


class BallotBoxError(ActionError):
    """A ballot box does not open here (another key file, or altered bytes)."""


def secret_width(options: list[str]) -> int:
    """A session's secret ballot: a choice, a full ranking of the options, a receipt's hash."""
    return sum(len(json.dumps(o)) + 1 for o in options) + 64 + 32


RECALL_WIDTH = 32
"""A recall ballot: "recall" or "keep"."""


def election_width(numbers: list[str]) -> int:
    """An election ballot: a ranking of every candidate (their member numbers)."""
    return len(json.dumps(numbers))


def slot_key() -> str:
    """A fresh random slot key (128 bits)."""
    return secrets.token_hex(16)


@dataclass(frozen=True)
class Box:
    """The slots of one vote in one ballot table.

    *model* is the ballot model (primary key ``key``, a ``box`` text column); *parent_field*
    the name of its foreign key to the vote; *width* the padded length of a slot's content,
    at least the longest content the vote allows (so every box has one length)."""

    model: type[models.Model]
    parent_field: str
    parent: models.Model
    width: int

    @property
    def _label(self) -> bytes:
        return f"{self.model._meta.db_table}:{self.parent.pk}".encode("ascii")

    def _aead(self) -> AESGCM:
        key = HKDF(
            algorithm=hashes.SHA256(),
            length=32,
            salt=b"smolny ballot box",
            info=self._label,
        ).derive(sealing_key())
        return AESGCM(key)

    @property
    def _padded(self) -> int:
        return -(-max(self.width, 64) // 64) * 64

    def seal(self, aead: AESGCM, content: Content) -> str:
        text = json.dumps(content, separators=(",", ":")).encode("utf-8")
        if len(text) > self._padded:
            raise ActionError("this ballot is longer than any this vote allows")
        nonce = os.urandom(NONCE_BYTES)
        body = aead.encrypt(nonce, text.ljust(self._padded, b" "), self._label)
        return base64.b64encode(nonce + body).decode("ascii")

    def unseal(self, aead: AESGCM, box: str) -> Content:
        raw = base64.b64decode(box)
        try:
            text = aead.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], self._label)
        except InvalidTag:
            raise BallotBoxError(
                f"a ballot of {self.model.__name__} {self.parent.pk} does not open: it was "
                "altered, moved from another vote, or sealed under another key file than "
                "this installation's (SMOLNY_KEY_FILE)"
            ) from None
        content = json.loads(text)
        assert isinstance(content, list)
        return content

    @property
    def _slots(self) -> models.QuerySet[Any]:
        return self.model._default_manager.filter(**{self.parent_field: self.parent})

    def _write(self, aead: AESGCM, contents: Iterable[Content]) -> None:
        rows = [
            self.model(
                **{"key": slot_key(), self.parent_field: self.parent, "box": self.seal(aead, c)}
            )
            for c in contents
        ]
        _RANDOM.shuffle(rows)
        self.model._default_manager.bulk_create(rows, batch_size=1000)


@within_action
def make_slots(box: Box, n: int) -> None:
    """*n* (at least one) empty sealed slots, made before anyone votes."""
    aead = box._aead()
    box._write(aead, ([] for _ in range(max(n, 1))))


@within_action
def cast(box: Box, content: Content) -> None:
    """Put *content* (non-empty) into an empty slot and rewrite the slots (see the module)."""
    assert content, "a cast ballot has content"
    aead = box._aead()
    slots = {k: box.unseal(aead, b) for k, b in box._slots.values_list("key", "box")}
    empty = [k for k, c in slots.items() if not c]
    if not empty:  # more voters than slots were made for: one more slot
        make_slots(box, 1)
        slots = {k: box.unseal(aead, b) for k, b in box._slots.values_list("key", "box")}
        empty = [k for k, c in slots.items() if not c]
    chosen = empty[secrets.randbelow(len(empty))]
    others = [k for k in slots if k != chosen]
    rewritten = [chosen, *_RANDOM.sample(others, min(len(others), FULL_REWRITE - 1))]
    contents = [content if k == chosen else slots[k] for k in rewritten]
    box._slots.filter(key__in=rewritten).delete()
    box._write(aead, contents)


@within_action
def open_all(box: Box) -> list[Content]:
    """At the close: every filled slot's content, and no slot left (the caller writes the
    opened ballots with :func:`fresh_keys`)."""
    aead = box._aead()
    contents = [box.unseal(aead, b) for b in box._slots.values_list("box", flat=True)]
    box._slots.delete()
    opened = [c for c in contents if c]
    _RANDOM.shuffle(opened)
    return opened


def fresh_keys(n: int) -> list[str]:
    """*n* fresh random slot keys in ascending order: opened ballots written in this order
    lie in an order owing nothing to the casting."""
    return sorted(slot_key() for _ in range(n))
