"""The iCalendar writer (RFC 5545) of the sitting's notice: folding, escaping, UTC times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from smolny.notices import ics

START = datetime(2026, 12, 4, 17, 0, tzinfo=UTC)


def event(**changes: object) -> ics.Event:
    fields: dict[str, object] = {
        "uid": "session-7@council.example.org",
        "stamp": datetime(2026, 12, 1, 9, 30, tzinfo=UTC),
        "start": START,
        "end": START + timedelta(hours=2),
        "summary": "Plenum: Quarterly sitting",
    }
    fields.update(changes)
    return ics.Event(**fields)  # type: ignore[arg-type]


def test_a_long_line_of_cyrillic_is_folded_at_75_octets_never_inside_a_character() -> None:
    summary = "Пленум Совета рабочих и солдатских депутатов: " * 4
    text = ics.calendar(event(summary=summary))
    physical = text.split("\r\n")
    assert physical[-1] == ""  # the last line ends with CRLF too
    for line in physical:
        assert len(line.encode("utf-8")) <= 75
        line.encode("utf-8").decode("utf-8")  # each piece is whole characters
    summary_lines = [
        line
        for i, line in enumerate(physical)
        if line.startswith("SUMMARY:")
        or (line.startswith(" ") and physical[i - 1].startswith(("SUMMARY:", " ")))
    ]
    assert len(summary_lines) > 3
    unfolded = summary_lines[0] + "".join(line[1:] for line in summary_lines[1:])
    assert unfolded == "SUMMARY:" + ics.escape(summary)


def test_text_is_escaped_and_a_url_is_not() -> None:
    assert ics.escape("Hall 2; Pier 4, north\\east\nsecond line\r\nthird") == (
        "Hall 2\\; Pier 4\\, north\\\\east\\nsecond line\\nthird"
    )
    text = ics.calendar(event(location="Hall 2; Pier 4", url="https://x.test/s/7?a=1,2"))
    assert "LOCATION:Hall 2\\; Pier 4\r\n" in text
    assert "URL:https://x.test/s/7?a=1,2\r\n" in text


def test_times_are_written_in_utc_whatever_zone_they_come_in() -> None:
    moscow = timezone(timedelta(hours=3))
    text = ics.calendar(
        event(start=datetime(2026, 12, 4, 20, 0, tzinfo=moscow), end=START + timedelta(hours=1))
    )
    assert "DTSTART:20261204T170000Z\r\n" in text
    assert "DTEND:20261204T180000Z\r\n" in text
    assert "DTSTAMP:20261201T093000Z\r\n" in text
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:")
    assert text.endswith("END:VEVENT\r\nEND:VCALENDAR\r\n")


def test_bad_events_are_refused() -> None:
    with pytest.raises(ValueError, match="end after"):
        ics.calendar(event(end=START))
    with pytest.raises(ValueError, match="no time zone"):
        ics.calendar(event(start=datetime(2026, 12, 4, 17, 0)))
    with pytest.raises(ValueError, match="line break"):
        ics.calendar(event(url="https://x.test/\r\nX-EVIL:1"))
