"""The journal's entry hash builds its body field by field; it must be the very text that
canonical JSON of the same fields gives, or every stored chain would stop verifying."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from smolny.journal.chain import canonical_json, entry_hash, format_time


def by_canonical_json(
    prev_hash: str, seq: int, time: datetime, actor: str, action: str, payload: str
) -> str:
    body = canonical_json(
        {
            "action": action,
            "actor": actor,
            "payload": payload,
            "seq": seq,
            "time": format_time(time),
        }
    )
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


@given(
    seq=st.integers(min_value=1, max_value=10**12),
    offset=st.integers(min_value=-(10**15), max_value=10**15),
    actor=st.text(),
    action=st.text(),
    payload=st.one_of(st.text(), st.dictionaries(st.text(), st.text()).map(canonical_json)),
)
def test_the_hash_is_that_of_the_canonical_json_body(
    seq: int, offset: int, actor: str, action: str, payload: str
) -> None:
    time = datetime(2000, 1, 1, tzinfo=UTC) + timedelta(microseconds=offset)
    prev = "ab" * 32
    assert entry_hash(prev, seq, time, actor, action, payload) == by_canonical_json(
        prev, seq, time, actor, action, payload
    )


def test_a_known_entry_keeps_its_hash() -> None:
    """An entry as hashed before the body was built by hand keeps its hash."""
    time = datetime(1917, 10, 25, 21, 45, tzinfo=UTC)
    payload = '{"vote":1,"ё":"Ленин"}'
    got = entry_hash("0" * 64, 1, time, "system:system", "close_vote", payload)
    assert got == "7a5e9385df7c593d44abeb35618062e4ec4d005330b6ae88cff1bfdf5bd91303"
