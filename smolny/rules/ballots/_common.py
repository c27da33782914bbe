"""What the ballot readers share: the error naming a file's line, and token checks.

Each reader takes the file's text (or its lines) and the file name used in messages; the
command opens the file. A reader either returns a complete BallotSet or raises
:class:`BallotFileError` naming the line: nothing is counted from a file that did not read
cleanly.
"""

from __future__ import annotations

from typing import NoReturn


class BallotFileError(ValueError):
    """A ballot file that cannot be read: ``FILE:LINE: message``."""

    def __init__(self, filename: str, line: int, message: str) -> None:
        self.filename = filename
        self.line = line
        self.message = message
        super().__init__(f"{filename}:{line}: {message}")


def _strip_bom(text: str) -> str:
    return text[1:] if text.startswith("\ufeff") else text


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


def _raise(filename: str, line: int, message: str) -> NoReturn:
    raise BallotFileError(filename, line, message)
