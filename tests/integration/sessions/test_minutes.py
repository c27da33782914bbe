"""Minutes: the PDF opens and carries the record's text, with or without a Unicode font."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from smolny.councils import minutes
from smolny.councils.actions import agenda, entering_past_events, motion, session, vote
from tests.integration.sessions.conftest import SYS, build_council, d, open_sitting, organ_of


def pdf_text(data: bytes) -> str:
    reader = PdfReader(BytesIO(data))
    return " ".join(page.extract_text() for page in reader.pages)


@pytest.mark.django_db
@pytest.mark.parametrize("font", ["system", "core"])
def test_the_pdf_minutes_open_and_say_what_the_markdown_says(
    font: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    if font == "core":  # a machine without DejaVu: Helvetica, Latin-1 spellings
        monkeypatch.setattr(minutes, "FONT_DIR", tmp_path)
    c = build_council({"Bolsheviks": 2, "SRs": 2}, at=d(3, 1))
    plenum = organ_of(c, "Plenum", at=d(3, 2))
    sitting = open_sitting(plenum, list(c.everyone()), chair=c.members("SRs")[0], at=d(9, 1))
    item = agenda.add_agenda_item(SYS, sitting, "Bread", at=d(9, 1))
    motion.move_motion(SYS, item, "main", text="Requisition the flour stores.", at=d(9, 1))
    v = vote.open_vote(SYS, item, "M1", method="roll call", at=d(9, 1, 13))
    with entering_past_events(d(9, 1, 13)):  # the clerk's sheet: the record of a past event
        vote.record_roll_call(
            SYS,
            v,
            {
                c.members("Bolsheviks")[0]: "for",
                c.members("Bolsheviks")[1]: "for",
                c.members("SRs")[0]: "against",
                c.members("SRs")[1]: "against",
            },
            at=d(9, 1, 13),
        )
    vote.close_vote(SYS, v, at=d(9, 1, 14))
    session.close_session(SYS, sitting, at=d(9, 1, 15))
    markdown = minutes.minutes_markdown(sitting)
    assert "Tied — lost: 2 for, 2 against" in markdown  # a tie loses, and the minutes say so
    assert "| Bolsheviks | 2 | 0 | 0 |" in markdown
    text = pdf_text(minutes.minutes_pdf(sitting))
    assert "Requisition the flour stores." in text
    assert "TIED" in text
    assert ("Tied — lost" if font == "system" else "Tied - lost") in text
