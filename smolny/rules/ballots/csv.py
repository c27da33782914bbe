"""CSV files of rankings.

One ballot per row, candidates' names in order of preference:

    count,rank1,rank2,rank3        optional header
    120,Adam,Charlotte,Donald
    45,Basil

The first row is a header when its first cell is ``count`` (or ``weight``), or when every
cell of it is a rank label (``rank1``, ``choice 2``, ``preference3``, ``1st``, ...). There is
a count column when the header starts with ``count``/``weight`` or, without a header, when the
first cell of the first row is a whole number; then every row must start with its count (a
candidate whose name is a whole number cannot stand in the first column of such a file). An
empty cell is a skipped rank; ``$UNDERVOTE`` and ``$OVERVOTE`` are read as in the long
format. Candidates are numbered in the order the file first names them.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator

from smolny.rules.ballots._common import _parse_int, _raise, _strip_bom
from smolny.rules.ballots.model import OVERVOTE, SKIPPED, BallotSet, Ranking

_COUNT_HEADERS = frozenset({"count", "weight"})
_RANK_LABEL = re.compile(r"(rank|choice|preference|pref)[ _-]?\d*|\d+(st|nd|rd|th)", re.IGNORECASE)
OVERVOTE_TOKEN = "$OVERVOTE"
UNDERVOTE_TOKEN = "$UNDERVOTE"


def _csv_records(lines: Iterable[str], filename: str) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) for every CSV row; the csv module's own refusals (a field longer
    than its limit of 131,072 characters, for one) become a :class:`BallotFileError`."""
    reader = csv.reader(lines)
    while True:
        try:
            row = next(reader, None)
        except csv.Error as error:
            _raise(filename, max(1, reader.line_num), f"not readable as CSV: {error}")
        if row is None:
            return
        yield reader.line_num, row


def _csv_rows(source: str | Iterable[str], filename: str) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) for every non-blank CSV row."""
    lines = source.splitlines() if isinstance(source, str) else list(source)
    if lines:
        lines[0] = _strip_bom(lines[0])
    for number, row in _csv_records(lines, filename):
        cells = [cell.strip() for cell in row]
        if any(cells):
            yield number, cells


def read_rankings_csv(source: str | Iterable[str], filename: str) -> BallotSet:
    """Read a CSV of rankings (see the format above) into a merged :class:`BallotSet`."""
    rows = list(_csv_rows(source, filename))
    if not rows:
        _raise(filename, 1, "empty file: expected one ballot per row")
    first_line, first = rows[0]
    has_count = False
    if first[0].lower() in _COUNT_HEADERS:
        has_count = True
        rows = rows[1:]
    elif all(_RANK_LABEL.fullmatch(cell) for cell in first if cell):
        rows = rows[1:]
    elif _parse_int(first[0]) is not None:
        has_count = True
    if not rows:
        _raise(filename, first_line, "the file has a header but no ballots")
    index: dict[str, int] = {}
    merged: dict[Ranking, int] = {}
    for number, cells in rows:
        count = 1
        choices = cells
        if has_count:
            parsed = _parse_int(cells[0])
            if parsed is None or parsed < 0:
                _raise(
                    filename,
                    number,
                    f"field 1 (count): {cells[0]!r} is not a whole number of ballots",
                )
            count = parsed
            choices = cells[1:]
        if count == 0:
            continue
        ranking: list[int] = []
        for cell in choices:
            ranking.append(_choice(cell, index))
        while ranking and ranking[-1] == SKIPPED:
            ranking.pop()
        key = tuple(ranking)
        merged[key] = merged.get(key, 0) + count
    return BallotSet(
        candidates=tuple(index),
        rankings=tuple(merged),
        counts=tuple(merged.values()),
    )


def _choice(cell: str, index: dict[str, int]) -> int:
    """The candidate number (or marker) a cell names; new names get the next number."""
    if not cell or cell.upper() == UNDERVOTE_TOKEN:
        return SKIPPED
    if cell.upper() == OVERVOTE_TOKEN:
        return OVERVOTE
    found = index.get(cell)
    if found is None:
        found = index[cell] = len(index)
    return found
