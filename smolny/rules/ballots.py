"""Ballots: the data every count reads, and (below) the readers of ballot files.

A :class:`BallotSet` holds the *distinct* rankings with their counts, never one object per
ballot: identical rankings are merged as they are read, so a count costs in proportion to
the number of different rankings, not to the number of voters.

Candidates are numbered from 0 in the order the file names them; a ranking is a tuple of
those numbers, most preferred first. Two markers may appear in a ranking read from a long
(``ballot_id,rank,choice``) file, for the IRV rules that treat them differently:
:data:`OVERVOTE` (more than one candidate marked at that rank) and :data:`SKIPPED` (a rank
left blank). :meth:`BallotSet.cleaned` removes them for counts that have no rule about them.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import NoReturn

import numpy as np

OVERVOTE = -1
"""Marker in a ranking: several candidates were marked at this rank."""

SKIPPED = -2
"""Marker in a ranking: this rank was left blank."""

Ranking = tuple[int, ...]


@dataclass(frozen=True, slots=True)
class BallotSet:
    """An election's ballots, merged by ranking.

    ``rankings[i]`` was cast ``counts[i]`` times (a BLT weight multiplies the count).
    ``withdrawn`` holds candidates withdrawn before the count (BLT's negative numbers):
    they receive no votes and are skipped over on every ballot. ``seats`` is the number to
    elect (1 for single-winner methods when the file does not say).
    """

    candidates: tuple[str, ...]
    rankings: tuple[Ranking, ...]
    counts: tuple[int, ...]
    seats: int = 1
    withdrawn: frozenset[int] = frozenset()
    title: str = ""

    @property
    def total(self) -> int:
        """Number of ballots (sum of counts)."""
        return sum(self.counts)

    def cleaned(self, *, skip_withdrawn: bool = True) -> BallotSet:
        """The same ballots with markers removed and rankings re-merged.

        A skipped rank is passed over; an overvote ends the ballot there (a voter who marks
        two candidates at one rank has expressed no single preference from that rank on);
        a candidate repeated later in a ranking is passed over; withdrawn candidates are
        passed over when *skip_withdrawn*.
        """
        merged: dict[Ranking, int] = {}
        for ranking, count in zip(self.rankings, self.counts, strict=True):
            seen: list[int] = []
            for choice in ranking:
                if choice == OVERVOTE:
                    break
                if choice == SKIPPED or choice in seen:
                    continue
                if skip_withdrawn and choice in self.withdrawn:
                    continue
                seen.append(choice)
            key = tuple(seen)
            merged[key] = merged.get(key, 0) + count
        return BallotSet(
            candidates=self.candidates,
            rankings=tuple(merged),
            counts=tuple(merged.values()),
            seats=self.seats,
            withdrawn=self.withdrawn,
            title=self.title,
        )

    @staticmethod
    def merge(
        candidates: Iterable[str],
        ballots: Iterable[tuple[Ranking, int]],
        *,
        seats: int = 1,
        withdrawn: Iterable[int] = (),
        title: str = "",
    ) -> BallotSet:
        """Build a :class:`BallotSet` from (ranking, count) pairs, merging equal rankings."""
        merged: dict[Ranking, int] = {}
        for ranking, count in ballots:
            merged[ranking] = merged.get(ranking, 0) + count
        return BallotSet(
            candidates=tuple(candidates),
            rankings=tuple(merged),
            counts=tuple(merged.values()),
            seats=seats,
            withdrawn=frozenset(withdrawn),
            title=title,
        )


# --------------------------------------------------------------------------------------------
# Readers
#
# Each reader takes the file's text (or its lines) and the file name used in messages; the
# command opens the file. A reader either returns a complete BallotSet or raises
# BallotFileError naming the line: nothing is counted from a file that did not read cleanly.
# --------------------------------------------------------------------------------------------


class BallotFileError(ValueError):
    """A ballot file that cannot be read: ``FILE:LINE: message``."""

    def __init__(self, filename: str, line: int, message: str) -> None:
        self.filename = filename
        self.line = line
        self.message = message
        super().__init__(f"{filename}:{line}: {message}")


def _strip_bom(text: str) -> str:
    return text[1:] if text.startswith("\ufeff") else text


# ---- BLT ------------------------------------------------------------------------------------
#
# The format of Hill, Wichmann and Woodall's Algorithm 123 (1987), line by line:
#
#     4 2            candidates, seats
#     -2             optional: withdrawn candidates as negative numbers (one or more lines)
#     3 1 3 4 0      weight, then candidates numbered from 1 in order of preference, then 0
#     0              end of the ballots
#     "Adam"         one name per candidate, in number order
#     ...
#     "Title"        the title; anything after it (a source, a comment) is ignored
#
# Blank lines, padding, trailing whitespace and ``#`` comments are tolerated. A ``-`` in a
# ranking is a skipped rank (OpenSTV's extension). Equal rankings (``1=2``) are not
# supported and are rejected with a message rather than read wrongly.


def _blt_comment_free(line: str) -> str:
    """The line without a ``#`` comment (a ``#`` inside a quoted name is kept)."""
    if "#" not in line:
        return line.strip()
    in_quote = False
    for index, char in enumerate(line):
        if char == '"':
            in_quote = not in_quote
        elif char == "#" and not in_quote:
            return line[:index].strip()
    return line.strip()


_MAX_DIGITS = 4000
"""Python refuses to convert longer digit strings (its 4,300-digit limit); no count needs them."""


def _parse_int(token: str) -> int | None:
    """The integer in *token*, or None (accepts only an optional sign and digits, at most
    :data:`_MAX_DIGITS` of them after leading zeros)."""
    body = token[1:] if token[:1] in "+-" else token
    if not body.isdigit() or not body.isascii():
        return None
    digits = body.lstrip("0") or "0"
    if len(digits) > _MAX_DIGITS:
        return None
    value = int(digits)
    return -value if token[:1] == "-" else value


def read_blt(source: str | Iterable[str], filename: str) -> BallotSet:
    """Read a BLT file (see the format above) into a merged :class:`BallotSet`.

    Raises :class:`BallotFileError` for an empty file, a malformed first line, more seats
    than candidates, a bad weight, a candidate number that does not exist, a candidate
    ranked twice on one ballot, a ballot line without its terminating 0, a missing end of
    ballots, or missing candidate names.
    """
    if isinstance(source, str):
        lines = _strip_bom(source).splitlines()
    else:
        lines = [line.rstrip("\r\n") for line in source]
        if lines:
            lines[0] = _strip_bom(lines[0])
    n_candidates, seats, withdrawn, start = _blt_header(lines, filename)
    end, plain_lines = _blt_scan_ballots(lines, start)
    fast = None
    if (
        plain_lines is not None
        and plain_lines >= _BULK
        and n_candidates < 2**31
        and lines[end].strip() == "0"
    ):
        fast = _blt_ballots_fast(lines, start, end, plain_lines, n_candidates)
    if fast is not None:
        rankings, counts = fast
    else:
        merged = _blt_ballots(lines, start, end, n_candidates, filename)
        rankings, counts = tuple(merged), tuple(merged.values())
    names, title = _blt_names(lines, end + 1, n_candidates, filename)
    return BallotSet(
        candidates=names,
        rankings=rankings,
        counts=counts,
        seats=seats,
        withdrawn=frozenset(withdrawn),
        title=title,
    )


def _blt_header(lines: list[str], filename: str) -> tuple[int, int, set[int], int]:
    """The first line (candidates, seats) and the withdrawn line(s); where the ballots start."""
    cursor = 0
    while cursor < len(lines) and not _blt_comment_free(lines[cursor]):
        cursor += 1
    if cursor == len(lines):
        _raise(filename, 1, "empty file: expected a first line 'candidates seats'")
    number, text = cursor + 1, _blt_comment_free(lines[cursor])
    tokens = text.split()
    values = [_parse_int(t) for t in tokens]
    if len(tokens) != 2 or None in values:
        _raise(filename, number, f"expected 'candidates seats' (two whole numbers), found {text!r}")
    n_candidates, seats = (v for v in values if v is not None)
    if n_candidates < 1:
        _raise(filename, number, f"the number of candidates must be at least 1, not {n_candidates}")
    if seats < 1:
        _raise(filename, number, f"the number of seats must be at least 1, not {seats}")
    if seats > n_candidates:
        _raise(
            filename,
            number,
            f"{seats} seats but only {n_candidates} candidates: the seat count is larger "
            "than the candidates",
        )
    header_line = number
    cursor += 1
    # Withdrawn candidates: lines made only of negative numbers.
    withdrawn: set[int] = set()
    while cursor < len(lines):
        text = _blt_comment_free(lines[cursor])
        tokens = text.split()
        if not tokens:
            cursor += 1
            continue
        if not all(t.startswith("-") and t != "-" for t in tokens):
            break
        for token in tokens:
            value = _parse_int(token)
            if value is None or not -n_candidates <= value <= -1:
                _raise(
                    filename,
                    cursor + 1,
                    f"withdrawn candidate {token!r} does not exist "
                    f"(candidates are numbered 1 to {n_candidates})",
                )
            withdrawn.add(-value - 1)
        cursor += 1
    if n_candidates - len(withdrawn) < seats:
        _raise(
            filename,
            header_line,
            f"{seats} seats but only {n_candidates - len(withdrawn)} candidates not withdrawn: "
            "the seat count is larger than the candidates",
        )
    return n_candidates, seats, withdrawn, cursor


def _blt_scan_ballots(lines: list[str], start: int) -> tuple[int, int | None]:
    """Find the line "0" ending the ballots (or the first name, or the end of the file).

    Returns its index and, when every ballot line is plain (ending in " 0"), the number of
    ballot lines, else None. Only a first look: :func:`_blt_ballots` checks every line and
    reports a file whose ballots do not end with a proper "0" line.
    """
    plain = True
    count = 0
    for index in range(start, len(lines)):
        line = lines[index]
        if line.endswith((" 0", "\t0")):
            count += 1
            continue
        text = line.strip()
        if text == "0" or text.startswith('"'):
            return index, count if plain else None
        if not text:
            continue
        if text.endswith((" 0", "\t0")):
            count += 1
        else:
            plain = False
    return len(lines), None


_BULK = 1000
"""Ballot blocks of at least this many plain lines are read in bulk."""


def _blt_ballots_fast(
    lines: list[str], start: int, end: int, n_lines: int, n_candidates: int
) -> tuple[tuple[Ranking, ...], tuple[int, ...]] | None:
    """The merged ballots of a plain, well-formed ballot block, read with numpy; else None.

    A large file spends most of its reading time here, so the common case (digits and
    whitespace only, every line ending in its 0, every candidate number valid, no candidate
    twice on a line) is read in bulk. Anything else returns None, and :func:`_blt_ballots`
    reads the block line by line and reports the first fault with its line number.
    """
    block = "\n".join(lines[start:end])
    if not block.isascii() or block.encode().translate(None, b"0123456789 \t\n"):
        return None
    tokens = np.fromstring(block, dtype=np.int64, sep=" ")
    if len(tokens) == 0 or int(tokens.max()) >= 2**40:
        return None  # absurd figures: let the careful reader judge them exactly
    zeros = np.flatnonzero(tokens == 0)
    if len(zeros) != n_lines:
        return None  # a 0 inside a line: a weight of 0 or a candidate numbered 0
    starts = np.concatenate(([0], zeros[:-1] + 1))
    weights = tokens[starts]
    lengths = zeros - starts - 1
    is_choice = np.ones(len(tokens), dtype=bool)
    is_choice[starts] = False
    is_choice[zeros] = False
    choices = tokens[is_choice]
    if len(choices) and int(choices.max()) > n_candidates:
        return None
    width = max(1, int(lengths.max()))
    table = np.zeros((n_lines, width), dtype=np.int64)
    offsets = np.cumsum(lengths) - lengths
    rows = np.repeat(np.arange(n_lines), lengths)
    cols = np.arange(len(choices)) - np.repeat(offsets, lengths)
    table[rows, cols] = choices
    ordered = np.sort(table, axis=1)
    if np.any((ordered[:, 1:] == ordered[:, :-1]) & (ordered[:, 1:] > 0)):
        return None  # a candidate twice on one line
    # Merge equal rankings: one integer key per ranking when it fits, else whole rows.
    if (n_candidates + 1) ** width < 2**62:
        keys = np.zeros(n_lines, dtype=np.int64)
        for col in range(width):
            keys = keys * (n_candidates + 1) + table[:, col]
        _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    else:
        _, first, inverse = np.unique(table, axis=0, return_index=True, return_inverse=True)
    totals = np.zeros(len(first), dtype=np.int64)
    np.add.at(totals, inverse.ravel(), weights)
    # Rankings ordered by length, then by first appearance: each length is turned into
    # tuples in one go, which is what makes this fast.
    order = np.lexsort((first, lengths[first]))
    distinct = first[order]
    sizes = lengths[distinct]
    bounds = np.searchsorted(sizes, np.arange(width + 2))
    rankings: list[Ranking] = []
    for size in range(width + 1):
        group = distinct[bounds[size] : bounds[size + 1]]
        rankings.extend(map(tuple, (table[group, :size] - 1).tolist()))
    return tuple(rankings), tuple(totals[order].tolist())


def _blt_ballots(
    lines: list[str], start: int, end: int, n_candidates: int, filename: str
) -> dict[Ranking, int]:
    """The ballot lines, read and checked one by one, merged by ranking."""
    merged: dict[Ranking, int] = {}
    for index in range(start, end):
        number = index + 1
        text = _blt_comment_free(lines[index])
        tokens = text.split()
        if not tokens:
            continue
        if tokens == ["0"]:
            break
        weight = _parse_int(tokens[0])
        if weight is None or weight < 1:
            _raise(
                filename,
                number,
                f"bad weight {tokens[0]!r}: the first number on a ballot line is how many "
                "ballots it stands for, a whole number of at least 1",
            )
        if tokens[-1] != "0" or len(tokens) < 2:
            _raise(filename, number, "ballot line does not end with its terminating 0")
        ranking: list[int] = []
        for token in tokens[1:-1]:
            if token == "-":
                ranking.append(SKIPPED)
                continue
            if "=" in token:
                _raise(
                    filename,
                    number,
                    f"equal rankings ({token!r}) are not supported: rank one candidate per place",
                )
            value = _parse_int(token)
            if value is None or not 1 <= value <= n_candidates:
                _raise(
                    filename,
                    number,
                    f"candidate {token!r} does not exist (candidates are numbered 1 to "
                    f"{n_candidates}; 0 only ends the line)",
                )
            if value - 1 in ranking:
                _raise(filename, number, f"candidate {value} is ranked twice on this ballot")
            ranking.append(value - 1)
        while ranking and ranking[-1] == SKIPPED:
            ranking.pop()
        key = tuple(ranking)
        merged[key] = merged.get(key, 0) + weight
    if end < len(lines) and lines[end].strip().startswith('"'):
        _raise(
            filename,
            end + 1,
            "found a candidate name where a ballot line or the 0 line ending the "
            "ballots was expected (is the 0 line missing?)",
        )
    if end >= len(lines):
        _raise(
            filename,
            max(1, len(lines)),
            "the file ends before the line '0' that ends the ballots and the candidate names",
        )
    return merged


def _blt_names(
    lines: list[str], start: int, n_candidates: int, filename: str
) -> tuple[tuple[str, ...], str]:
    """The candidate names (quoted; an unquoted line is taken whole) and the title."""
    names: list[str] = []
    title = ""
    for index in range(start, len(lines)):
        text = _blt_comment_free(lines[index])
        if not text:
            continue
        strings = _quoted_strings(text) if text.startswith('"') else [text]
        if strings is None:
            _raise(filename, index + 1, f"unterminated quoted name: {text}")
        for string in strings:
            if len(names) < n_candidates:
                names.append(string)
            elif not title:
                title = string
        if len(names) == n_candidates and title:
            break
    if len(names) < n_candidates:
        _raise(
            filename,
            max(1, len(lines)),
            f"expected {n_candidates} candidate names after the ballots, found {len(names)}",
        )
    return tuple(names), title


def _quoted_strings(text: str) -> list[str] | None:
    """The quoted strings on a line (``"a" "b"`` gives ``["a", "b"]``), None if unbalanced."""
    parts = text.split('"')
    if len(parts) % 2 == 0:
        return None
    return parts[1::2]


def _raise(filename: str, line: int, message: str) -> NoReturn:
    raise BallotFileError(filename, line, message)


# ---- CSV of rankings ------------------------------------------------------------------------
#
# One ballot per row, candidates' names in order of preference:
#
#     count,rank1,rank2,rank3        optional header
#     120,Adam,Charlotte,Donald
#     45,Basil
#
# The first row is a header when its first cell is ``count`` (or ``weight``), or when every
# cell of it is a rank label (``rank1``, ``choice 2``, ``preference3``, ``1st``, ...). There is
# a count column when the header starts with ``count``/``weight`` or, without a header, when the
# first cell of the first row is a whole number; then every row must start with its count (a
# candidate whose name is a whole number cannot stand in the first column of such a file). An
# empty cell is a skipped rank; ``$UNDERVOTE`` and ``$OVERVOTE`` are read as in the long
# format. Candidates are numbered in the order the file first names them.

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


# ---- Long format ----------------------------------------------------------------------------
#
# One row per marked rank, with a header:
#
#     ballot_id,rank,choice
#     000001-00-0001,1,Bob Kiss
#     000001-00-0001,2,Andy Montroll
#
# Rows of one ballot_id form one ballot, wherever they stand in the file. ``$OVERVOTE`` in the
# choice column (or two different candidates at one rank) is an overvote, ``$UNDERVOTE`` (or a
# rank number missing between two marked ones) a skipped rank. Ranks are whole numbers from 1.

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


# ---- Any of them ----------------------------------------------------------------------------

FORMATS = ("auto", "blt", "csv", "long")
_BLT_FIRST_LINE = re.compile(r"\d+\s+\d+")


def sniff_format(source: str, filename: str = "<ballots>") -> str:
    """``"blt"``, ``"long"`` or ``"csv"``, judged from the first non-blank line.

    A first line of two whole numbers (``candidates seats``) is BLT; the header
    ``ballot_id,rank,choice`` is the long format; anything else is a CSV of rankings.
    """
    for line in _strip_bom(source).splitlines():
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        if _BLT_FIRST_LINE.fullmatch(text):
            return "blt"
        cells = next(_csv_records([text], filename), (0, []))[1]
        if tuple(c.strip().lower() for c in cells) == LONG_HEADER:
            return "long"
        return "csv"
    _raise(filename, 1, "empty file: no ballots")


def read_ballots(source: str, filename: str, format: str = "auto") -> BallotSet:
    """Read ballots in *format* (``auto`` sniffs it with :func:`sniff_format`)."""
    if format not in FORMATS:
        raise ValueError(f"unknown ballot format {format!r} (expected one of {', '.join(FORMATS)})")
    if format == "auto":
        format = sniff_format(source, filename)
    if format == "blt":
        return read_blt(source, filename)
    if format == "long":
        return read_long(source, filename)
    return read_rankings_csv(source, filename)
