"""Ballots: the data every count reads, and the readers of ballot files, one module a format.

A :class:`BallotSet` holds the *distinct* rankings with their counts, never one object per
ballot: identical rankings are merged as they are read, so a count costs in proportion to
the number of different rankings, not to the number of voters.

Candidates are numbered from 0 in the order the file names them; a ranking is a tuple of
those numbers, most preferred first. Two markers may appear in a ranking read from a long
(``ballot_id,rank,choice``) file, for the IRV rules that treat them differently:
:data:`OVERVOTE` (more than one candidate marked at that rank) and :data:`SKIPPED` (a rank
left blank). :meth:`BallotSet.cleaned` removes them for counts that have no rule about them.

The readers: :mod:`~smolny.rules.ballots.blt` (BLT, Hill, Wichmann and Woodall's Algorithm
123), :mod:`~smolny.rules.ballots.csv` (a CSV of rankings) and :mod:`~smolny.rules.ballots.long`
(``ballot_id,rank,choice``); :func:`read_ballots` reads any of them, sniffing the format when
asked.
"""

from __future__ import annotations

from smolny.rules.ballots._common import BallotFileError, _parse_int, _raise, _strip_bom
from smolny.rules.ballots.blt import _blt_comment_free, read_blt
from smolny.rules.ballots.csv import (
    OVERVOTE_TOKEN,
    UNDERVOTE_TOKEN,
    _csv_records,
    read_rankings_csv,
)
from smolny.rules.ballots.long import LONG_HEADER, MAX_RANK, read_long
from smolny.rules.ballots.model import OVERVOTE, SKIPPED, BallotSet, Ranking

__all__ = [
    "FORMATS",
    "LONG_HEADER",
    "MAX_RANK",
    "OVERVOTE",
    "OVERVOTE_TOKEN",
    "SKIPPED",
    "UNDERVOTE_TOKEN",
    "BallotFileError",
    "BallotSet",
    "Ranking",
    "read_ballots",
    "read_blt",
    "read_long",
    "read_rankings_csv",
    "sniff_format",
]

FORMATS = ("auto", "blt", "csv", "long")


def sniff_format(source: str, filename: str = "<ballots>") -> str:
    """``"blt"``, ``"long"`` or ``"csv"``, judged from the first non-blank line.

    A first line that *begins* with two whole numbers separated by blanks (``candidates
    seats``), and has no comma, is BLT, whatever follows them (a comment, or something
    wrong): a malformed BLT file is then read as BLT and refused with the line and field at
    fault, never taken for a CSV whose one column would be the whole line. The header
    ``ballot_id,rank,choice`` is the long format; anything else is a CSV of rankings.
    """
    for line in _strip_bom(source).splitlines():
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        bare = _blt_comment_free(text)  # a BLT comment may hold commas
        tokens = bare.split()
        if (
            "," not in bare
            and len(tokens) >= 2
            and _parse_int(tokens[0]) is not None
            and _parse_int(tokens[1]) is not None
        ):
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
