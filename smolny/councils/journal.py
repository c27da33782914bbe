"""The old home of the journal, kept so that code written against this path still imports:
everything here is :mod:`smolny.journal.chain`, where new code imports it from."""

from __future__ import annotations

from smolny.journal.chain import (
    ADVISORY_LOCK_KEY,
    GENESIS,
    JournalBreak,
    append,
    append_many,
    canonical_json,
    check_chain,
    check_head,
    entry_hash,
    format_time,
    lock,
    payload_organisation,
    verify_journal,
)

__all__ = [
    "ADVISORY_LOCK_KEY",
    "GENESIS",
    "JournalBreak",
    "append",
    "append_many",
    "canonical_json",
    "check_chain",
    "check_head",
    "entry_hash",
    "format_time",
    "lock",
    "payload_organisation",
    "verify_journal",
]
