"""Long-format ballot files (one row per marked rank).

One row per marked rank, with a header:

    ballot_id,rank,choice
    000001-00-0001,1,Bob Kiss
    000001-00-0001,2,Andy Montroll

Rows of one ballot_id form one ballot, wherever they stand in the file. ``$OVERVOTE`` in the
choice column (or two different candidates at one rank) is an overvote, ``$UNDERVOTE`` (or a
rank number missing between two marked ones) a skipped rank. Ranks are whole numbers from 1.
"""

from __future__ import annotations

from collections.abc import Iterable

from smolny.rules.ballots._common import _parse_int, _raise
from smolny.rules.ballots.csv import _choice, _csv_rows
from smolny.rules.ballots.model import OVERVOTE, SKIPPED, BallotSet, Ranking

LONG_HEADER = ("ballot_id", "rank", "choice")
MAX_RANK = 10_000
"""The highest rank a long-format file may mark: the ranks skipped below a mark are held one
by one, so a rank of a billion would ask for a billion-place ballot."""


def read_long(source: str | Iterable[str], filename: str) -> BallotSet:
    """Read a long-format file (see above) into a merged :class:`BallotSet`."""
    rows = _csv_rows(source, filename)
    header = next(rows, None)
    if header is None:
        _raise(filename, 1, "empty file: expected the header ballot_id,rank,choice")
    header_line, header_cells = header
    if tuple(cell.lower() for cell in header_cells) != LONG_HEADER:
        _raise(
            filename,
            header_line,
            f"expected the header ballot_id,rank,choice, found {','.join(header_cells)!r}",
        )
    index: dict[str, int] = {}
    ballots: dict[str, dict[int, list[int]]] = {}
    for number, cells in rows:
        if len(cells) != 3:
            _raise(
                filename, number, f"expected 3 fields (ballot_id,rank,choice), found {len(cells)}"
            )
        ballot_id, rank_text, choice_text = cells
        if not ballot_id:
            _raise(filename, number, "field 1 (ballot_id) is empty")
        rank = _parse_int(rank_text)
        if rank is None or rank < 1:
            _raise(filename, number, f"field 2 (rank): {rank_text!r} is not a rank (1, 2, ...)")
        if rank > MAX_RANK:
            _raise(
                filename,
                number,
                f"field 2 (rank): {rank} is beyond the {MAX_RANK:,} ranks a ballot may have",
            )
        if not choice_text:
            _raise(filename, number, "field 3 (choice) is empty (use $UNDERVOTE for a blank rank)")
        marks = ballots.setdefault(ballot_id, {}).setdefault(rank, [])
        choice = _choice(choice_text, index)
        if choice not in marks:
            marks.append(choice)
    merged: dict[Ranking, int] = {}
    for marks_by_rank in ballots.values():
        ranking = [_rank_mark(marks_by_rank.get(r, [])) for r in range(1, max(marks_by_rank) + 1)]
        while ranking and ranking[-1] == SKIPPED:
            ranking.pop()
        key = tuple(ranking)
        merged[key] = merged.get(key, 0) + 1
    return BallotSet(
        candidates=tuple(index),
        rankings=tuple(merged),
        counts=tuple(merged.values()),
    )


def _rank_mark(marks: list[int]) -> int:
    """What one rank of a ballot says: a candidate, an overvote, or nothing (skipped)."""
    candidates = [m for m in marks if m >= 0]
    if OVERVOTE in marks or len(candidates) > 1:
        return OVERVOTE
    if candidates:
        return candidates[0]
    return SKIPPED
