"""The roll reader (``import_roll``) fuzzed for a few seconds on the test database (the long
run: benchmarks/fuzz_readers.py), and the inputs the long runs found, kept as regression tests.

A roll is refused with :class:`RollImportError` (every bad line, nothing written) or imported
whole; nothing else may escape.
"""

from __future__ import annotations

import pytest

from benchmarks import fuzz_readers as fuzz
from smolny.councils.actions import SYSTEM, RollImportError, import_roll
from smolny.councils.models import Member

SECONDS = 5.0


@pytest.mark.django_db
def test_roll_reader_keeps_its_promise_for_a_few_seconds() -> None:
    council = fuzz.roll_council()
    tally = fuzz.fuzz(
        lambda text: fuzz.check_roll(council, text), fuzz.ROLL_INPUTS, seconds=SECONDS
    )
    assert tally.tried > 30
    assert tally.refused > 0
    assert Member.objects.count() == 1  # every import was undone, every refusal wrote nothing


@pytest.mark.django_db
def test_a_field_beyond_the_csv_modules_limit_is_a_bad_line() -> None:
    """Found: ``_csv.Error: field larger than field limit`` escaped import_roll."""
    council = fuzz.roll_council()
    lines = [
        "member_id,name,constituency\n",
        "N-1,Ivan,Narva\n",
        "N-2," + "x" * 140_000 + ",Narva\n",
    ]
    with pytest.raises(RollImportError) as refused:
        import_roll(SYSTEM, council, lines, source="big.csv")
    [error] = refused.value.errors
    assert (error.line, error.field) == (3, "line")
    assert "not readable as CSV" in error.message
    assert "big.csv:3: line:" in str(refused.value)
    assert Member.objects.count() == 1


@pytest.mark.django_db
def test_a_nul_character_is_a_bad_line_on_every_database() -> None:
    """PostgreSQL cannot store a NUL in text: the reader refuses it, naming the line."""
    council = fuzz.roll_council()
    lines = ["member_id,name,constituency\n", "N-1,Iv\x00an,Narva\n", "N-2,Anna,Narva\n"]
    with pytest.raises(RollImportError) as refused:
        import_roll(SYSTEM, council, lines, source="nul.csv")
    assert [(e.line, e.field) for e in refused.value.errors] == [(2, "line")]
    assert Member.objects.count() == 1
