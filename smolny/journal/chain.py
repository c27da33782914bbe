"""The journal: every change appended as an entry chained to the one before by its hash.

An entry holds its sequence number, the time it was written, the actor, the action's name
and a canonical JSON payload (sorted keys, no whitespace, UTF-8). Its hash is

    SHA-256( prev_hash || canonical JSON of {action, actor, payload, seq, time} )

where ``payload`` enters as the exact stored text and ``time`` as an ISO 8601 UTC string with
microseconds. The first entry's ``prev_hash`` is 64 zeros. Changing any field of any entry,
or removing an entry, breaks the chain at that entry, and :func:`verify_journal` names it. A
one-row head table records the last entry's number and hash, so cutting entries off the end
shows too.

There is one chain, so appends are serialised: :func:`lock` takes a transaction-scoped
PostgreSQL advisory lock (on SQLite, ``BEGIN IMMEDIATE`` already serialises writers). Actions
take it first, before reading the state they check, which also makes each action's checks
and writes one serial step: two concurrent actions can never both pass a check that only
one of them may pass.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from json.encoder import encode_basestring
from typing import Any

from django.db import connection, transaction

from smolny.councils.models import JournalEntry, JournalHead

GENESIS = "0" * 64
ENTRY_FIELDS = ("seq", "time", "actor", "action", "payload", "prev_hash", "hash", "organisation_id")
ADVISORY_LOCK_KEY = 0x736D6F6C6E79  # "smolny"


def canonical_json(value: Any) -> str:
    """Sorted keys, no whitespace, non-ASCII kept as UTF-8: one text per value."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def format_time(time: datetime) -> str:
    """The time as it enters the hash: UTC, ISO 8601, microseconds."""
    if time.tzinfo is None:
        raise ValueError("journal times must be timezone-aware")
    return time.astimezone(UTC).isoformat(timespec="microseconds")


def entry_hash(
    prev_hash: str, seq: int, time: datetime, actor: str, action: str, payload: str
) -> str:
    """The hash of an entry from its fields (``payload`` is the stored canonical text).

    The body is the canonical JSON of ``{action, actor, payload, seq, time}``, put together
    here field by field (keys in sorted order, each string encoded as :func:`canonical_json`
    encodes it): the same text, without walking a dict, which is most of the time of
    verifying a long journal (tests/unit/test_entry_hash.py holds the two equal)."""
    body = (
        f'{{"action":{_string(action)},"actor":{_string(actor)},"payload":{_string(payload)},'
        f'"seq":{int(seq)},"time":{_string(format_time(time))}}}'
    )
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def _string(value: str) -> str:
    """*value* as ``json.dumps(value, ensure_ascii=False)`` writes a string: that is exactly
    ``encode_basestring`` (what the encoder calls for a string), without building an
    encoder per call."""
    if type(value) is not str:
        raise TypeError(f"a journal entry's text field must be a string, not {value!r}")
    return encode_basestring(value)


def lock() -> None:
    """Take the journal's append lock for the current transaction (PostgreSQL only)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("the journal lock is taken inside transaction.atomic()")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK_KEY])


def append(
    actor: str,
    action: str,
    payload: dict[str, Any],
    time: datetime,
    *,
    organisation: int | None = None,
    locked: bool = False,
) -> JournalEntry:
    """Append an entry in the current transaction and return it.

    *locked*: the caller has taken :func:`lock` in this transaction already (an action, in
    :func:`smolny.journal.actions.action_transaction`), so the server is not asked
    again; the lock is held until the transaction ends.
    """
    (entry,) = append_many(
        [(actor, action, payload, time)], organisation=organisation, locked=locked
    )
    return entry


def append_many(
    entries: Sequence[tuple[str, str, dict[str, Any], datetime]],
    *,
    organisation: int | None = None,
    locked: bool = False,
) -> list[JournalEntry]:
    """Append *entries* (actor, action, payload, time), in order, in the current transaction.

    Each is an entry of its own, chained to the one before exactly as :func:`append` would
    chain it; they are only written together (one INSERT, one move of the head), which is
    what lets a roll call's ballots arriving at once be recorded in one transaction.
    *organisation*: the id each payload names as ``organisation`` (the entries' index
    column, see :func:`payload_organisation`).
    """
    if not entries:
        return []
    if not locked:
        lock()
    head = JournalEntry.objects.order_by("-seq").only("seq", "hash").first()
    seq = 0 if head is None else head.seq
    prev_hash = GENESIS if head is None else head.hash
    rows = []
    for actor, action, payload, time in entries:
        seq += 1
        text = canonical_json(payload)
        time = time.astimezone(UTC)
        entry_hash_ = entry_hash(prev_hash, seq, time, actor, action, text)
        rows.append(
            JournalEntry(
                seq=seq,
                time=time,
                actor=actor,
                action=action,
                payload=text,
                prev_hash=prev_hash,
                hash=entry_hash_,
                organisation_id=organisation,
            )
        )
        prev_hash = entry_hash_
    JournalEntry.objects.bulk_create(rows, batch_size=500)
    # One UPDATE (the lock makes this writer the only one); the row is created by the first
    # append. (update_or_create would add a savepoint and a SELECT ... FOR UPDATE.)
    if not JournalHead.objects.filter(pk=1).update(seq=seq, hash=prev_hash):
        JournalHead.objects.create(pk=1, seq=seq, hash=prev_hash)
    return rows


def payload_organisation(payload: str) -> int | None:
    """The organisation a stored payload names at its top level (``"organisation": id``, as
    every action's record does), or None. The entry's ``organisation`` column must equal it:
    the column is outside the hash, so the verification compares the two, and an entry moved
    out of an organisation's record (or into another's) shows as a break."""
    try:
        value = json.loads(payload)
    except ValueError:
        return None
    owner = value.get("organisation") if isinstance(value, dict) else None
    return owner if isinstance(owner, int) and not isinstance(owner, bool) else None


@dataclass(frozen=True)
class JournalBreak:
    """The first entry where the chain does not hold, and why."""

    seq: int
    reason: str

    def __str__(self) -> str:
        return f"journal entry {self.seq}: {self.reason}"


def check_chain(entries: Iterable[JournalEntry]) -> tuple[int, JournalBreak | None]:
    """Walk *entries* in order of ``seq``; return how many held and the first break, if any."""
    expected_seq = 1
    prev_hash = GENESIS
    checked = 0
    for entry in entries:
        if entry.seq != expected_seq:
            return checked, JournalBreak(
                expected_seq, f"missing (the next entry present is {entry.seq})"
            )
        if entry.prev_hash != prev_hash:
            return checked, JournalBreak(
                entry.seq, "prev_hash does not match the hash of the entry before"
            )
        recomputed = entry_hash(
            entry.prev_hash, entry.seq, entry.time, entry.actor, entry.action, entry.payload
        )
        if recomputed != entry.hash:
            return checked, JournalBreak(entry.seq, "contents do not match its hash")
        if entry.organisation_id != payload_organisation(entry.payload):
            return checked, JournalBreak(
                entry.seq, "its organisation column does not match the organisation in its payload"
            )
        prev_hash = entry.hash
        expected_seq += 1
        checked += 1
    return checked, None


def check_head(
    checked: int, last: JournalEntry | None, head: JournalHead | None
) -> JournalBreak | None:
    """Compare the end of an intact chain of *checked* entries with the recorded head."""
    if head is None:
        if last is None:
            return None
        return JournalBreak(last.seq, "the journal head record is missing")
    if head.seq > checked:
        return JournalBreak(checked + 1, f"missing (the head records {head.seq} entries)")
    if head.seq < checked:
        return JournalBreak(head.seq + 1, "not recorded at the head (written outside the journal)")
    if last is None or last.hash != head.hash:
        return JournalBreak(head.seq, "its hash differs from the one recorded at the head")
    return None


StateRow = tuple[int, str, str, Any]
"""(seq, action, actor, payload parsed, or None when it is not JSON) of an entry whose kind
the state checks read."""

_UNREAD = object()

_scan_json = json.JSONDecoder().scan_once  # type: ignore[attr-defined]
"""The C scanner behind ``json.loads`` (whose own steps around it, two regular expressions
for surrounding whitespace, cost as much again on a short payload)."""


def _loads(text: str) -> Any:
    """``json.loads(text)``, by its scanner alone when the text is one value from its first
    character to its last (as every stored payload is); otherwise by ``json.loads`` itself,
    which raises ValueError where it would."""
    try:
        value, end = _scan_json(text, 0)
    except StopIteration:
        end = -1
    if end == len(text):
        return value
    return json.loads(text)


def stored_time(value: datetime | str) -> str:
    """An entry's time as it enters the hash, from the value the database returns.

    PostgreSQL returns an aware datetime. SQLite returns the text Django stored, in UTC
    without an offset (``2026-01-01 00:00:00.001000``): read as Django reads it, UTC unless
    the text says otherwise (a naive datetime too). The usual text is rewritten in place
    once Python has checked that it is a valid time.
    """
    if not isinstance(value, str):
        return format_time(value if value.tzinfo is not None else value.replace(tzinfo=UTC))
    if len(value) == 32 and value[10] == "T" and value.endswith("+00:00"):
        datetime.fromisoformat(value)  # a valid time (PostgreSQL wrote it as format_time does)
        return value
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        if len(value) == 26 and value[10] == " " and value[19] == ".":
            return f"{value[:10]}T{value[11:]}+00:00"
        parsed = parsed.replace(tzinfo=UTC)
    return format_time(parsed)


def verify_journal(
    state_rows: list[StateRow] | None = None,
    state_actions: Collection[str] = (),
    *,
    processes: int = 1,
) -> tuple[int, JournalBreak | None]:
    """Recompute the whole chain from the database; return (entries intact, first break).

    One pass over the table with a database cursor (server-side on PostgreSQL) read in
    large batches, each row a plain tuple: no model instance, no ORM conversion per entry;
    the checks are :func:`check_chain`'s, in the same order, with the same findings
    (tests/integration/attacks/test_journal_tampering.py holds them).

    *state_rows*: when given, the entries of *state_actions* are appended to it (their
    payload parsed), from the whole journal even past a break, so that the state checks
    (:mod:`smolny.journal.state`) need not read the journal a second time.

    *processes*: above 1, a long journal (:data:`PARALLEL_FROM` entries or more) is cut into
    that many runs of consecutive entries, each checked by a process of its own (forked,
    with its own database connection, outside any transaction: for ``smolny audit``); see
    :func:`_walk_in_parallel`.
    """
    if processes > 1 and not transaction.get_connection().in_atomic_block:
        walked = _walk_in_parallel(state_rows, state_actions, processes)
        if walked is not None:
            return walked
    walk = _walk(None, None, state_rows is not None, frozenset(state_actions))
    if state_rows is not None:
        state_rows.extend(walk.state_rows)
    return _finish(walk.checked, walk.broken)


def _finish(checked: int, broken: JournalBreak | None) -> tuple[int, JournalBreak | None]:
    """The result of a walk: its break, or the head compared with its end."""
    if broken is not None:
        return checked, broken
    last = JournalEntry.objects.order_by("-seq").only("seq", "hash").first()
    return checked, check_head(checked, last, JournalHead.objects.filter(pk=1).first())


PARALLEL_FROM = 200_000
"""Journals shorter than this are walked by one process: forking would cost more."""


@dataclass
class _Walk:
    """What a walk over a run of entries found (see :func:`_walk`)."""

    start: int
    """The number the first entry was expected to carry."""
    start_hash: str | None
    """The hash the first entry's prev_hash was expected to be (None: no entry before)."""
    first_seq: int | None
    """The number of the first entry present in the run (None: none)."""
    checked: int
    broken: JournalBreak | None
    next_seq: int
    """The number the entry after the run would have to carry (when nothing broke)."""
    last_hash: str
    state_rows: list[StateRow]


def _walk(low: int | None, high: int | None, collect: bool, wanted: frozenset[str]) -> _Walk:
    """Check the entries numbered *low* to *high* (None: no bound) in order, as the chain
    requires: each numbered one more than the last, chained to it, its hash and its
    organisation column right. With a *low*, the entry before it gives the hash expected."""
    quote = connection.ops.quote_name
    # SQLite's time as the text stored: Python's sqlite3 module would parse it for Django
    # with a regular expression per row, only for the hash to print it again.
    # PostgreSQL's time as that text too (to_char writes what format_time writes), so
    # that no datetime is built per row either.
    times = {
        "sqlite": f"CAST({quote('time')} AS TEXT)",
        "postgresql": f"to_char({quote('time')} AT TIME ZONE 'UTC', "
        '\'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"\')',
    }
    columns = ", ".join(
        times.get(connection.vendor, quote(column)) if column == "time" else quote(column)
        for column in ENTRY_FIELDS
    )
    table = quote(JournalEntry._meta.db_table)
    bounds: list[str] = []
    params: list[int] = []
    expected_seq = 1
    prev: str | None = GENESIS
    if low is not None:
        bounds.append(f"{quote('seq')} >= %s")
        params.append(low)
        expected_seq = low
        before = JournalEntry.objects.filter(seq=low - 1).values_list("hash", flat=True).first()
        prev = before
    if high is not None:
        bounds.append(f"{quote('seq')} <= %s")
        params.append(high)
    where = f" WHERE {' AND '.join(bounds)}" if bounds else ""
    walk = _Walk(expected_seq, prev, None, 0, None, expected_seq, prev or "", [])
    state_rows = walk.state_rows
    checked = 0
    broken: JournalBreak | None = None
    first_seq: int | None = None
    sha256 = hashlib.sha256
    loads = _loads
    # In a transaction: PostgreSQL's server-side cursor then streams the rows; outside one
    # it must be WITH HOLD, and the server writes out the whole result before the first row.
    with transaction.atomic(), connection.chunked_cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {table}{where} ORDER BY {quote('seq')}", params)
        while batch := cursor.fetchmany(20_000):
            if first_seq is None:
                first_seq = batch[0][0]
            for seq, time, actor, action, payload, prev_hash, digest, organisation in batch:
                parsed: Any = _UNREAD
                if collect and action in wanted:
                    try:
                        parsed = loads(payload)
                    except ValueError:
                        parsed = None
                    state_rows.append((seq, action, actor, parsed))
                if broken is not None:
                    continue
                if seq != expected_seq:
                    broken = JournalBreak(
                        expected_seq, f"missing (the next entry present is {seq})"
                    )
                elif prev_hash != prev:
                    broken = JournalBreak(
                        seq, "prev_hash does not match the hash of the entry before"
                    )
                else:
                    if type(actor) is not str or type(action) is not str:
                        raise TypeError(f"journal entry {seq}: a text field is not a string")
                    if type(payload) is not str:
                        raise TypeError(f"journal entry {seq}: its payload is not a string")
                    body = (
                        f'{{"action":{encode_basestring(action)},'
                        f'"actor":{encode_basestring(actor)},'
                        f'"payload":{encode_basestring(payload)},'
                        f'"seq":{int(seq)},"time":"{stored_time(time)}"}}'
                    )
                    if sha256((prev_hash + body).encode("utf-8")).hexdigest() != digest:
                        broken = JournalBreak(seq, "contents do not match its hash")
                    elif organisation != _organisation(payload, parsed):
                        broken = JournalBreak(
                            seq,
                            "its organisation column does not match the organisation in "
                            "its payload",
                        )
                if broken is not None:
                    if not collect:
                        break
                    continue
                prev = digest
                expected_seq += 1
                checked += 1
            if broken is not None and not collect:
                break
    walk.first_seq = first_seq
    walk.checked = checked
    walk.broken = broken
    walk.next_seq = expected_seq
    walk.last_hash = prev or ""
    return walk


def _walk_range(task: tuple[int | None, int | None, bool, frozenset[str]]) -> _Walk:
    """:func:`_walk` in a forked process, on a database connection of its own."""
    return _walk(*task)


def _walk_in_parallel(
    state_rows: list[StateRow] | None, state_actions: Collection[str], processes: int
) -> tuple[int, JournalBreak | None] | None:
    """The walk of :func:`verify_journal` shared among *processes* forked processes, or None
    when it is not worth it (a short journal) or not possible (no fork on this system).

    Entry *k*'s checks need only its own row and the hash of entry *k* - 1, so the runs are
    checked at once, and their results joined in order: a run's findings stand when the runs
    before it ended intact exactly where it begins (their last entry numbered one before
    its first, with the hash it was checked against). Anything else at a seam (entries
    missing there, the journal written to meanwhile) is left to one walk of the whole
    journal, so that the finding is the one a single walk gives.
    """
    import multiprocessing

    from django.db import connections

    if "fork" not in multiprocessing.get_all_start_methods():
        return None
    last = JournalEntry.objects.order_by("-seq").values_list("seq", flat=True).first()
    if last is None or last < PARALLEL_FROM:
        return None
    if connection.vendor == "sqlite" and connection.is_in_memory_db():  # type: ignore[attr-defined]
        return None  # closing its connection would lose it
    collect = state_rows is not None
    wanted = frozenset(state_actions)
    cuts = [1 + last * part // processes for part in range(processes + 1)]
    tasks = [
        (
            None if part == 0 else cuts[part],
            None if part == processes - 1 else cuts[part + 1] - 1,
            collect,
            wanted,
        )
        for part in range(processes)
    ]
    connections.close_all()  # each process opens its own connection
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        walks = pool.map(_walk_range, tasks)
    joined = _join(walks)
    if joined is None:
        return None
    checked, broken = joined
    if state_rows is not None:
        for walk in walks:
            state_rows.extend(walk.state_rows)
    return _finish(checked, broken)


def _join(walks: Sequence[_Walk]) -> tuple[int, JournalBreak | None] | None:
    """The walks of consecutive runs joined in order: (entries intact, first break), or None
    when a seam does not hold (the runs before one did not end intact exactly where it
    begins: entries missing at the seam, or the journal written to meanwhile)."""
    checked = 0
    broken: JournalBreak | None = None
    expected, prev = 1, GENESIS
    for walk in walks:
        if broken is not None or walk.first_seq is None:
            continue
        if walk.start != expected or walk.start_hash != prev:
            return None
        checked += walk.checked
        broken = walk.broken
        expected, prev = walk.next_seq, walk.last_hash
    return checked, broken


def _organisation(payload: str, parsed: Any) -> int | None:
    """:func:`payload_organisation`, sparing the JSON parse where it cannot find one: a
    key ``organisation`` is written either as that text or with an escape (a backslash)."""
    if parsed is _UNREAD:
        if '"organisation"' not in payload and "\\" not in payload:
            return None
        try:
            parsed = _loads(payload)
        except ValueError:
            return None
    owner = parsed.get("organisation") if isinstance(parsed, dict) else None
    return owner if isinstance(owner, int) and not isinstance(owner, bool) else None
