"""BLT ballot files.

The format of Hill, Wichmann and Woodall's Algorithm 123 (1987), line by line:

    4 2            candidates, seats
    -2             optional: withdrawn candidates as negative numbers (one or more lines)
    3 1 3 4 0      weight, then candidates numbered from 1 in order of preference, then 0
    0              end of the ballots
    "Adam"         one name per candidate, in number order
    ...
    "Title"        the title; anything after it (a source, a comment) is ignored

Blank lines, padding, trailing whitespace and ``#`` comments are tolerated. A ``-`` in a
ranking is a skipped rank (OpenSTV's extension). Equal rankings (``1=2``) are not
supported and are rejected with a message rather than read wrongly.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt

from smolny.rules.ballots._common import BallotFileError, _parse_int, _raise, _strip_bom
from smolny.rules.ballots.model import SKIPPED, BallotSet, PackedRankings, Ranking


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


def read_blt(source: str | Iterable[str], filename: str) -> BallotSet:
    """Read a BLT file (see the format above) into a merged :class:`BallotSet`.

    Raises :class:`BallotFileError` for an empty file, a malformed first line, more seats
    than candidates, a bad weight, a candidate number that does not exist, a candidate
    ranked twice on one ballot, a ballot line without its terminating 0, a missing end of
    ballots, or missing candidate names.

    Three readers, each used only where it gives exactly what the next would: a large file
    written plainly (one space between figures, each line ending in `` 0``, as generators and
    count programs write them) is read as bytes in one pass (:func:`_read_blt_plain`); a large
    block of digits and blanks laid out otherwise, line by line in bulk
    (:func:`_blt_ballots_fast`); anything else, or any fault, line by line with every check
    (:func:`_blt_ballots`), which also names the line of the first fault.
    """
    if isinstance(source, str):
        text = _strip_bom(source)
        plain = _read_blt_plain(text, filename) if len(text) >= _PLAIN_MIN_CHARS else None
        if plain is not None:
            return plain
        lines = text.splitlines()
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
    rankings: Sequence[Ranking]
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


_PLAIN_MIN_CHARS = 20_000
"""Files shorter than this are read line by line: reading them takes no time either way."""

_HEAD_CHARS = 4096
"""How far the plain reader looks for the first line and the withdrawn candidates."""

_BLANKS = " \t"


def _read_blt_plain(text: str, filename: str) -> BallotSet | None:
    """The whole file read at once when its ballot block is written plainly; else None.

    Plainly: the block between the header (and withdrawn lines) and the line ``0`` holds
    only digits, spaces and line feeds, and every line ends in `` 0``; the line ``0`` is
    followed at once by the quoted names. The block is then one
    bytes object that numpy reads in a single call, and no string is made per line.
    Whatever is not so (a comment, a tab, a carriage return, a blank line, a figure of
    2**40 or more, a fault of any kind) returns None, and the careful readers take
    over: they give the same answer on a good file and the message naming the line on a bad
    one, so this reader never has to explain anything.
    """
    head = text[:_HEAD_CHARS]
    try:
        n_candidates, seats, withdrawn, start = _blt_header(head.splitlines(), filename)
    except BallotFileError:
        return None
    kept = head.splitlines(keepends=True)
    if start >= len(kept) - 1 or n_candidates > 62:
        return None  # the header runs past what was looked at, or candidates beyond 62
    offset = sum(map(len, kept[:start]))
    quote = text.find('"', offset)
    if quote < 0:
        return None
    # The line holding the first quote must begin with it (blanks aside): it is the first
    # candidate's name, and the line before it the lone 0 ending the ballots.
    line_start = text.rfind("\n", offset, quote) + 1
    if line_start == 0 or text[line_start:quote].strip(_BLANKS):
        return None
    zero_line = text.rfind("\n", offset, line_start - 1) + 1
    if zero_line == 0 or text[zero_line : line_start - 1] != "0":
        return None
    try:
        block = text[offset:zero_line].encode("ascii")
    except UnicodeEncodeError:
        return None
    n_lines = block.count(b"\n")
    if (
        n_lines < _BULK
        or block.translate(None, b"0123456789 \n")
        or block.count(b" 0\n") != n_lines
    ):
        return None
    # numpy reads a figure beyond int64 as its largest value, which _bulk_merge refuses.
    tokens = np.fromstring(block, dtype=np.int64, sep=" ")
    ballots = _bulk_merge(tokens, n_lines, n_candidates)
    if ballots is None:
        return None
    try:
        names, title = _blt_names(text[line_start:].splitlines(), 0, n_candidates, filename)
    except BallotFileError:
        return None
    rankings, counts = ballots
    return BallotSet(
        candidates=names,
        rankings=rankings,
        counts=counts,
        seats=seats,
        withdrawn=frozenset(withdrawn),
        title=title,
    )


def _bulk_merge(
    tokens: npt.NDArray[np.int64], n_lines: int, n_candidates: int
) -> tuple[PackedRankings, tuple[int, ...]] | None:
    """The merged ballots of a block read as one stream of figures, or None if not clean.

    *tokens* holds each ballot line's figures in order (weight, candidates, 0) and the block
    had *n_lines* non-blank lines. It is clean when it holds exactly one 0 per line, each
    ending its ballot, every ballot has a weight, every candidate number exists and no line
    names a candidate twice; anything else returns None for the careful reader to judge.
    Rankings come out in order of first appearance, as the careful reader gives them.
    """
    if len(tokens) == 0 or int(tokens.min()) < 0 or int(tokens.max()) >= 2**40:
        return None
    zeros = np.flatnonzero(tokens == 0)
    if len(zeros) != n_lines or n_lines == 0:
        return None  # a 0 inside a line: a weight of 0 or a candidate numbered 0
    starts = np.empty_like(zeros)
    starts[0] = 0
    starts[1:] = zeros[:-1] + 1
    lengths = zeros - starts - 1
    if int(lengths.min()) < 0:
        return None  # a line holding only 0
    weights = tokens[starts]
    if int(weights.max()) * n_lines >= 2**62:
        return None
    if np.count_nonzero(tokens > n_candidates) != np.count_nonzero(weights > n_candidates):
        return None  # a candidate number that does not exist
    width = max(1, int(lengths.max()))
    base = n_candidates + 1
    # A ranking's key: its candidates as digits 1 to n in base n + 1 (no digit is 0, so
    # rankings of different lengths never share a key).
    by_key = base**width < 2**62
    # A candidate twice on a line: with one bit per candidate, the sum of a line's bits
    # then differs from their union (up to 62 candidates; beyond, sorted rows are compared).
    by_bits = n_candidates <= 62
    bit = np.zeros(base if by_bits else 1, dtype=np.int64)
    if by_bits:
        bit[1:] = np.left_shift(1, np.arange(n_candidates, dtype=np.int64))
    # The lines sorted by length (stably, so lines of one length keep their order): those
    # with a candidate at place c are then the tail of the order from tails[c], and each
    # place is read for them alone, by slicing.
    order = np.argsort(lengths, kind="stable")
    sorted_lengths = lengths[order]
    place = starts[order] + 1
    tails = np.searchsorted(sorted_lengths, np.arange(1, width + 1)).tolist()
    table = np.zeros((n_lines, width), dtype=np.int32)
    keys = np.zeros(n_lines, dtype=np.int64)
    bits_or = np.zeros(n_lines, dtype=np.int64)
    bits_sum = np.zeros(n_lines, dtype=np.int64)
    for column, tail in enumerate(tails):
        cells = tokens.take(place[tail:] + column)
        table[tail:, column] = cells
        if by_key:
            keys[tail:] *= base
            keys[tail:] += cells
        if by_bits:
            bits = bit.take(cells)
            bits_or[tail:] |= bits
            bits_sum[tail:] += bits
    if by_bits:
        if not np.array_equal(bits_or, bits_sum):
            return None
    else:
        ordered_rows = np.sort(table, axis=1)
        if np.any((ordered_rows[:, 1:] == ordered_rows[:, :-1]) & (ordered_rows[:, 1:] > 0)):
            return None
    sorted_weights = weights[order]
    if by_key:
        by_ranking = np.argsort(keys, kind="stable")
        ordered = keys[by_ranking]
        fresh = np.empty(n_lines, dtype=bool)
        fresh[0] = True
        np.not_equal(ordered[1:], ordered[:-1], out=fresh[1:])
        groups = np.flatnonzero(fresh)
        totals = np.add.reduceat(sorted_weights[by_ranking], groups)
        first = by_ranking[groups]  # stable sorts: the first line of each ranking
    else:
        _, first, inverse = np.unique(table, axis=0, return_index=True, return_inverse=True)
        totals = np.zeros(len(first), dtype=np.int64)
        np.add.at(totals, inverse.ravel(), sorted_weights)
    appearance = np.argsort(order[first], kind="stable")
    first = first[appearance]
    # Past its end a row holds 0, now -1; within it, candidates from 0.
    totals = totals[appearance]
    packed = PackedRankings(table[first] - 1, sorted_lengths[first], padding=-1, counts=totals)
    return packed, tuple(totals.tolist())


def _shown(token: str, limit: int = 40) -> str:
    """A token as a message quotes it: cut short, so that a 140,000-digit field does not make
    a 140,000-character message."""
    if len(token) <= limit:
        return repr(token)
    return f"{token[:limit]!r}... ({len(token):,} characters)"


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
    if len(tokens) < 2:
        _raise(filename, number, f"expected 'candidates seats' (two whole numbers), found {text!r}")
    for field, (name, token, value) in enumerate(
        zip(("candidates", "seats"), tokens, values, strict=False), start=1
    ):
        if value is None:
            _raise(
                filename,
                number,
                f"field {field} ({name}): {_shown(token)} is not a whole number "
                "(the first line is 'candidates seats': two whole numbers)",
            )
    if len(tokens) > 2:
        _raise(
            filename,
            number,
            f"field 3: {tokens[2]!r} after 'candidates seats' (the first line holds two whole "
            "numbers only)",
        )
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
) -> tuple[PackedRankings, tuple[int, ...]] | None:
    """The merged ballots of a well-formed ballot block of digits and blanks, read with
    numpy; else None.

    For large files laid out otherwise than :func:`_read_blt_plain` reads (tabs, padding,
    blank lines, carriage returns): the block is joined and read as one stream of figures
    (:func:`_bulk_merge` checks it). Anything else returns None, and :func:`_blt_ballots`
    reads the block line by line and reports the first fault with its line number.
    """
    block = "\n".join(lines[start:end])
    if not block.isascii() or block.encode().translate(None, b"0123456789 \t\n"):
        return None
    return _bulk_merge(np.fromstring(block, dtype=np.int64, sep=" "), n_lines, n_candidates)


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
