"""The ballot box shared by the session's secret ballot, the recall vote and the members'
election: sealed boxes, a bucket of them rewritten on every cast, opened in a fresh random
order at the close.

What it defends against: someone who reads the tables (a backup, a replica, a dump, the
admin) before and after a cast, and the journal entry in between, which names the voter.
Keeping who voted apart from what was voted is not enough when exactly one ballot row
changes between the two reads. So:

* **Sealed.** While a vote is open every row of its ballot table holds only a box:
  ``nonce || AES-256-GCM(content padded to a fixed width)``, with the table and the vote
  bound in as associated data. A decoy (empty) and a ballot, a "for" and an "against", a
  short ranking and a long one, all give boxes of the same length. The clear columns
  (choice, ranking, the session ballot's tracker) stay empty until the close; a tracker is
  also on the vote's public bulletin board (:mod:`smolny.councils.queries.board`), which
  holds no choice while the vote runs.
* **The key is not in the database.** Each vote's key is derived (HKDF-SHA256) from the
  installation's sealing key, the key file of :mod:`smolny.federation.keys` (``SMOLNY_KEY_FILE``),
  and the table and vote; the database holds no key. A copy of the database alone opens no
  box. The server holds the key file, so it can open the boxes at the close.
* **A cast rewrites a bucket of k boxes, whatever the vote's size.** k is
  :func:`bucket_size` (the setting ``SMOLNY_BALLOT_BUCKET``, :data:`DEFAULT_BUCKET` unless set).
  A cast picks k of the vote's boxes, opens only those, deletes them, and inserts them again
  with the new ballot's box: k+1 rows under *fresh* random keys and fresh nonces, in random
  order. A reader of two snapshots sees k rows gone and k+1 new ones, and cannot tell which of
  the new ones holds the new ballot. No slots are made before anyone votes: the first cast
  finds fewer than k boxes and makes up the difference with empty decoys (so even the first
  ballot hides among k+1 rows); the rows of a vote are then k decoys plus one per ballot cast,
  a number the voter table makes public anyway. One ballot per voter is the voter table's
  unique constraint, checked by the callers.
* **Which k.** The bucket is the k boxes whose keys follow a fresh random point in key order
  (wrapping round past the last): one query on the ``(vote, key)`` index, reading k rows, so a
  cast costs O(k) rows and O(log n) index work, not O(n). Every key is fresh random and says
  nothing of a box's content or age, so the choice is independent of which box holds what
  (each box is chosen with probability about k/n; not exactly, since the gaps between keys
  vary, which does not matter to the hiding, only that the choice ignores the contents).
* **At the close** the boxes are opened, every row deleted, and the cast ballots written in
  clear (sealed) under fresh random keys, in the order of those keys: a random order that owes
  nothing to the order of casting or to the rows' places. Decoys are dropped. The close reads
  every box once: O(n), once per vote.

The anonymity set, said honestly. Two snapshots around one cast: the new ballot is one of
k+1 rows. Two snapshots with m casts between them: the m voters the journal names are
interchangeable among all the rows new since the first snapshot (at least k+1, up to every
row). A reader with a snapshot around *every* cast can follow the set where one ballot may lie:
k+1 rows at its cast, and it only grows, since each later cast whose bucket takes any of those
rows adds its own k+1 rows to it. But the odds are not even over that set: each row of the
first k+1 survives c later casts untouched with probability about (1 - k/n)^c, so in a vote of
n boxes the ballot is most likely still among its first k+1 rows until some n/k later casts
have gone by. Nothing in a row says which it is without the key file; at the close every link
to a row is cut.

Residual risks, said plainly. Whoever holds the key file *and* two snapshots can open both and
see which content is new: the key file is the secret, kept off the database (and its backups
kept apart). The database server's own bookkeeping (PostgreSQL's ``xmin``, the write-ahead
log; SQLite's rowids and free pages) shows which rows one transaction wrote: the k+1 rows of
the bucket, not which is the ballot. A cast's cost: ``benchmarks/ballot_box.py``, with its
figures in ``benchmarks/RESULTS.md``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import random
import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import connection, models
from django.utils.translation import gettext

from smolny.federation.keys import sealing_key
from smolny.journal.actions import ActionError, within_action

DEFAULT_BUCKET = 64
"""k, the boxes a cast rewrites with the new ballot's unless ``SMOLNY_BALLOT_BUCKET`` says."""

NONCE_BYTES = 12
_RANDOM = random.SystemRandom()

Content = list[Any]
"""What a box holds: ``[]`` for a decoy, else the caller's values (a JSON list)."""


class BallotBoxError(ActionError):
    """A ballot box does not open here (another key file, or altered bytes)."""


def secret_width(options: list[str]) -> int:
    """A session's secret ballot: a choice, a full ranking of the options, a tracker."""
    return sum(len(json.dumps(o)) + 1 for o in options) + 64 + 32


RECALL_WIDTH = 32
"""A recall ballot: "recall" or "keep"."""


def election_width(numbers: list[str]) -> int:
    """An election ballot: a ranking of every candidate (their member numbers)."""
    return len(json.dumps(numbers))


def bucket_size() -> int:
    """k: how many of a vote's boxes each cast rewrites beside the new one (at least one)."""
    k = int(getattr(settings, "SMOLNY_BALLOT_BUCKET", DEFAULT_BUCKET))
    if k < 1:
        raise ValueError(f"SMOLNY_BALLOT_BUCKET must be at least 1, not {k}")
    return k


def slot_key() -> str:
    """A fresh random slot key (128 bits)."""
    return secrets.token_hex(16)


@dataclass(frozen=True)
class Box:
    """The boxes of one vote in one ballot table.

    *model* is the ballot model (primary key ``key``, a ``box`` text column, an index on its
    vote and key); *parent_field* the name of its foreign key to the vote; *width* the padded
    length of a box's content, at least the longest content the vote allows (so every box has
    one length)."""

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
            raise ActionError(gettext("this ballot is longer than any this vote allows"))
        nonce = os.urandom(NONCE_BYTES)
        body = aead.encrypt(nonce, text.ljust(self._padded, b" "), self._label)
        return base64.b64encode(nonce + body).decode("ascii")

    def unseal(self, aead: AESGCM, box: str) -> Content:
        raw = base64.b64decode(box)
        try:
            text = aead.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], self._label)
        except InvalidTag:
            raise BallotBoxError(
                gettext(
                    "a ballot of %(name)s %(parent_id)s does not open: it was altered, moved "
                    "from another vote, or sealed under another key file than this "
                    "installation's (SMOLNY_KEY_FILE)"
                )
                % {"name": self.model.__name__, "parent_id": self.parent.pk}
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

    def bucket(self, k: int) -> list[tuple[str, str]]:
        """(key, box) of k of the vote's boxes (all of them when it has fewer): those whose
        keys follow a fresh random point in key order, wrapping round; two index range
        scans at most, reading only the rows returned."""
        start = slot_key()
        rows = list(
            self._slots.filter(key__gte=start).order_by("key")[:k].values_list("key", "box")
        )
        if len(rows) < k:
            rows += (
                self._slots.filter(key__lt=start)
                .order_by("key")[: k - len(rows)]
                .values_list("key", "box")
            )
        return rows


@within_action
def cast(box: Box, content: Content) -> None:
    """Put *content* (non-empty) into the box: k boxes rewritten with it (see the module)."""
    assert content, "a cast ballot has content"
    k = bucket_size()
    aead = box._aead()
    rows = box.bucket(k)
    kept = [box.unseal(aead, b) for _, b in rows]
    decoys: list[Content] = [[] for _ in range(k - len(rows))]
    box._slots.filter(key__in=[key for key, _ in rows]).delete()
    box._write(aead, [*kept, *decoys, content])


READ_BATCH = 20_000
"""Boxes fetched per round trip at the close (a server-side cursor on PostgreSQL)."""


def _sealed_boxes(box: Box) -> Iterator[list[str]]:
    """Every sealed box of the vote, in batches of :data:`READ_BATCH`, read with a raw cursor:
    the close of a million-ballot poll built a model row (or a values tuple) per box before.
    On PostgreSQL a named (server-side) cursor, so the boxes are never all in memory."""
    table = connection.ops.quote_name(box.model._meta.db_table)
    field = box.model._meta.get_field(box.parent_field)
    assert isinstance(field, models.ForeignKey)
    column = connection.ops.quote_name(field.column)
    sql = f"SELECT box FROM {table} WHERE {column} = %s"
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        raw = connection.connection
        with raw.cursor(name=f"smolny_close_{secrets.token_hex(4)}") as cursor:
            cursor.itersize = READ_BATCH
            cursor.execute(sql, [box.parent.pk])
            while rows := cursor.fetchmany(READ_BATCH):
                yield [r[0] for r in rows]
        return
    with connection.cursor() as cursor:
        cursor.execute(sql, [box.parent.pk])
        while rows := cursor.fetchmany(READ_BATCH):
            yield [r[0] for r in rows]


def _open_plain(box: Box) -> dict[bytes, int]:
    """Every box of the vote decrypted, then deleted (one DELETE): each distinct padded
    plaintext with the number of boxes holding it (equal contents seal to equal plaintexts).

    Made for a million boxes: one AES-GCM object for the vote, each box decrypted once, no
    model row or JSON per box."""
    aead = box._aead()
    label = box._label
    decrypt = aead.decrypt
    b64decode = base64.b64decode
    plain: dict[bytes, int] = {}
    get = plain.get
    for batch in _sealed_boxes(box):
        for sealed in batch:
            raw = b64decode(sealed)
            try:
                text = decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], label)
            except InvalidTag:
                box.unseal(aead, sealed)  # raises the refusal naming the vote
                raise
            plain[text] = get(text, 0) + 1
    box._slots.delete()
    return plain


def _content(text: bytes) -> Content:
    content = json.loads(text)
    assert isinstance(content, list)
    return content


@within_action
def open_counted(box: Box) -> dict[tuple[Any, ...], int]:
    """At the close of a vote whose contents are flat lists (an election's rankings): the cast
    ballots merged, each distinct content as a tuple with the number of boxes holding it;
    decoys dropped; no box left. Only the distinct contents' JSON is read. What it returns
    keeps no order of the boxes: the caller writes the opened ballots in an order of fresh
    random keys (:func:`shuffled_keys`)."""
    merged: dict[tuple[Any, ...], int] = {}
    for text, count in _open_plain(box).items():
        content = tuple(_content(text))
        if content:
            merged[content] = merged.get(content, 0) + count
    return merged


@within_action
def open_all(box: Box) -> list[Content]:
    """At the close: every cast ballot's content (decoys dropped), in a fresh random order,
    and no box left (the caller writes the opened ballots with :func:`fresh_keys`)."""
    opened = [_content(t) for t, n in _open_plain(box).items() for _ in range(n)]
    opened = [c for c in opened if c]
    _RANDOM.shuffle(opened)
    return opened


def tracker_of(label: str, content: Content) -> str:
    """A fresh tracker for a ballot of the vote *label* (``"recall:12"``, ``"election:3"``)
    holding *content*: a hash of both and of a random nonce that is hashed in and thrown
    away, so that knowing a choice (there are two in a recall) does not let anyone recompute
    the tracker of a ballot holding it. The voter keeps it as the receipt; the vote's bulletin
    board lists it (:mod:`smolny.councils.queries.board`), never beside a choice."""
    nonce = secrets.token_urlsafe(24)
    text = json.dumps([label, content, nonce], separators=(",", ":"))
    return hashlib.sha256(b"smolny tracker\0" + text.encode("utf-8")).hexdigest()


def fresh_keys(n: int) -> list[str]:
    """*n* fresh random slot keys in ascending order: opened ballots written in this order
    lie in an order owing nothing to the casting."""
    return sorted(slot_key() for _ in range(n))


def shuffled_keys(n: int) -> tuple[list[str], npt.NDArray[np.intp]]:
    """*n* fresh random slot keys in ascending order, and the permutation that sorted them.

    The keys are drawn as one block of ``os.urandom`` (128 bits each, as :func:`slot_key`);
    ``order[i]`` is the place, among the keys as drawn, of the *i*-th smallest. Since the
    keys are independent and uniform, ``order`` is a uniformly random permutation from the
    operating system's random source: the close writes row *i* (key ``keys[i]``) with the
    ballot at place ``order[i]`` of its list, so the opened ballots lie in an order owing
    nothing to the casting, without shuffling a million objects in Python."""
    raw = os.urandom(16 * n)
    halves = np.frombuffer(raw, dtype=">u8").reshape(n, 2)
    order = np.lexsort((halves[:, 1], halves[:, 0]))
    text = halves[order].tobytes().hex()
    return [text[i : i + 32] for i in range(0, 32 * n, 32)], order
