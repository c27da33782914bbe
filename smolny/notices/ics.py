"""iCalendar text for a sitting's notice (RFC 5545), written here rather than by a library.

A notice carries one event, so only what RFC 5545 needs for one published event is written:

- the calendar object (section 3.4) with ``VERSION:2.0`` and ``PRODID`` (3.7.4, 3.7.3), the
  Gregorian scale (3.7.1) and ``METHOD:PUBLISH`` (3.7.2; RFC 5546 section 1.4: an event
  announced, no replies asked for);
- one ``VEVENT`` (3.6.1) with ``UID`` (3.8.4.7) and ``DTSTAMP`` (3.8.7.2), which the section
  requires, and ``DTSTART``/``DTEND`` (3.8.2.4, 3.8.2.2), ``SUMMARY``, ``LOCATION``,
  ``DESCRIPTION`` (3.8.1.12, 3.8.1.7, 3.8.1.5) and ``URL`` (3.8.4.6);
- times in UTC, "FORM #2" of 3.3.5 (``19980119T070000Z``), so no ``VTIMEZONE`` is needed;
- text values escaped as 3.3.11 says (backslash, semicolon, comma; a line break as ``\\n``);
- every content line ends with CRLF and is folded after at most 75 octets, a fold being CRLF
  followed by one space (3.1), never inside a UTF-8 sequence.

``UID`` stays the same for one sitting, and ``SEQUENCE`` counts its notices, so that a
calendar given a later notice of the same sitting updates the event it holds (5.4 of RFC
5546 for the rule; 3.8.7.4 for the property).

No Django here: plain values in, text out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

CRLF = "\r\n"
LIMIT = 75
"""Octets in a content line before it is folded (RFC 5545, 3.1), the line break excluded."""


@dataclass(frozen=True)
class Event:
    """One event: times must carry a time zone (they are written in UTC)."""

    uid: str
    stamp: datetime
    start: datetime
    end: datetime
    summary: str
    location: str = ""
    description: str = ""
    url: str = ""
    sequence: int = 0


def utc(moment: datetime) -> str:
    """*moment* as an RFC 5545 UTC date-time (3.3.5, form 2)."""
    if moment.tzinfo is None:
        raise ValueError(f"{moment.isoformat()} has no time zone")
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def escape(text: str) -> str:
    """A TEXT value (3.3.11): backslash first, then semicolon and comma; every line break
    (CRLF, CR or LF) becomes ``\\n``."""
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """One content line, folded (3.1): at most 75 octets a line, continuations starting with a
    space (which counts towards the 75), never splitting a character's UTF-8 bytes."""
    pieces: list[str] = []
    current = ""
    size = 0
    room = LIMIT
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > room:
            pieces.append(current)
            current, size, room = "", 0, LIMIT - 1
        current += char
        size += width
    pieces.append(current)
    return (CRLF + " ").join(pieces) + CRLF


def calendar(event: Event, *, product: str = "-//Smolny//Notices//EN") -> str:
    """The iCalendar object announcing *event*, as text with CRLF line ends."""
    start, end = utc(event.start), utc(event.end)  # refuses a time without a zone first
    if event.end <= event.start:
        raise ValueError("an event must end after it starts")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{product}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{event.uid}",
        f"DTSTAMP:{utc(event.stamp)}",
        f"DTSTART:{start}",
        f"DTEND:{end}",
        f"SEQUENCE:{event.sequence}",
        f"SUMMARY:{escape(event.summary)}",
    ]
    if event.location:
        lines.append(f"LOCATION:{escape(event.location)}")
    if event.description:
        lines.append(f"DESCRIPTION:{escape(event.description)}")
    if event.url:
        if any(c in event.url for c in "\r\n"):
            raise ValueError("a URL cannot hold a line break")
        lines.append(f"URL:{event.url}")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "".join(fold(line) for line in lines)
