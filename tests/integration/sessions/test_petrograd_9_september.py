"""The Petrograd Soviet's sitting of 9 September 1917, at full size, through the actions.

Fraction strengths (our choice; the sources give the vote, not the fractions): 1,000 voting
deputies present, Bolsheviks 519, Socialist Revolutionaries 250, Mensheviks 164, and 67
non-party deputies sitting with no fraction. The vote against the presidium is taken by
**named roll call** (entered by the clerk from the roll-call sheet in one action) and splits
along those lines: the Bolsheviks for (519), SRs and Mensheviks against (250 + 164 = 414), the
non-party deputies abstaining (67) — the 519–414–67 of history/petrograd-1917.md.

The new presidium of 7 is allotted by Sainte-Laguë between the fractions: the quotients, in
descending order, are 519 (B), 250 (SR), 173 (B, 519/3), 164 (M), 103.8 (B, 519/5), 83.3 (SR,
250/3), 74.1 (B, 519/7); the next would be 57.7 (B) and 54.7 (M). So B 4, SR 2, M 1. The
non-party deputies form no fraction and take no seat.
"""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

import pytest
from pypdf import PdfReader

from smolny.councils import actions
from smolny.councils.actions import agenda, motion, session, vote
from smolny.councils.minutes import minutes_markdown, minutes_pdf
from smolny.councils.models import NamedVote, Organ, OrganSeat, PresidiumReformation
from smolny.councils.queries import council_composition
from tests.integration.sessions.conftest import SYS, build_council, d

STRENGTHS = {"Bolsheviks": 519, "SRs": 250, "Mensheviks": 164, "Non-party": 67}


@pytest.mark.django_db
def test_no_confidence_in_the_presidium_9_september_1917() -> None:
    c = build_council(STRENGTHS, at=d(3, 1), unaffiliated=frozenset({"Non-party"}), bulk=True)
    assert council_composition(c.frame.council, d(9, 9)).by_fraction() == {
        "Bolsheviks": 519,
        "SRs": 250,
        "Mensheviks": 164,
        None: 67,
    }
    council = c.frame.council
    moderates = c.deputies["SRs"][:4] + c.deputies["Mensheviks"][:3]
    old = actions.form_organ(
        SYS,
        council,
        "Presidium",
        kind=Organ.PRESIDIUM,
        seat_rule=Organ.ELECTION,
        seats=7,
        elected=moderates,
        at=d(3, 2),
    )
    plenum = actions.form_organ(
        SYS, council, "Plenum", kind=Organ.PLENUM, seat_rule=Organ.ELECTION, seats=1, at=d(3, 2)
    )
    session.set_organ_rules(SYS, plenum, notice=timedelta(days=1), at=d(3, 2))
    sitting = session.convene_session(
        SYS, plenum, "Plenum of 9 September 1917", starts_at=d(9, 9, 19), at=d(9, 7)
    )
    assert sitting.regularity == "regular"
    everyone = list(c.everyone())
    session.check_in(SYS, sitting, everyone + c.outsiders[:2], at=d(9, 9, 18, 30))
    chair = c.members("Mensheviks")[0]
    session.open_session(SYS, sitting, chair=chair, at=d(9, 9, 19))
    item = agenda.add_agenda_item(SYS, sitting, "Confidence in the presidium", at=d(9, 9, 19, 5))
    motion.move_motion(
        SYS,
        item,
        "procedural",
        procedural="no-confidence",
        text="The Soviet has no confidence in its presidium.",
        mover=c.members("Bolsheviks")[0],
        at=d(9, 9, 19, 10),
    )
    v = vote.open_vote(SYS, item, "P1", method="roll call", at=d(9, 9, 20))
    sheet = dict.fromkeys(c.members("Bolsheviks"), "for")
    sheet |= dict.fromkeys(c.members("SRs") + c.members("Mensheviks"), "against")
    sheet |= dict.fromkeys(c.members("Non-party"), "abstain")
    with actions.entering_past_events(d(9, 9, 21)):  # the clerk's sheet, entered later
        vote.record_roll_call(SYS, v, sheet, at=d(9, 9, 21))
    v = vote.close_vote(SYS, v, at=d(9, 9, 21, 5))

    assert (v.for_votes, v.against, v.abstain, v.present, v.seated) == (519, 414, 67, 1000, 1000)
    assert v.outcome == "carried"
    assert NamedVote.objects.filter(vote=v, fraction="Bolsheviks", choice="for").count() == 519
    # the presidium resigned: every seat row of the old presidium has ended
    old.refresh_from_db()
    assert old.end == d(9, 9, 21, 5)
    assert not OrganSeat.objects.filter(organ=old, end=None).exists()
    reformation = PresidiumReformation.objects.get(vote=v)
    new = motion.reform_presidium(SYS, reformation, name="Presidium (9 September)", at=d(9, 9, 22))
    assert new.allotment["taken"] == {"Bolsheviks": 4, "SRs": 2, "Mensheviks": 1}
    assert OrganSeat.objects.filter(organ=new, end=None).count() == 7
    session.close_session(SYS, sitting, at=d(9, 9, 23))

    text = minutes_markdown(sitting)
    for needle in (
        "1000 of 1000 deputies",
        "2 observer(s)",
        "| 519 | 414 | 67 | 1000 | 1000 | CARRIED |",
        "| Bolsheviks | 519 | 0 | 0 |",
        "| SRs | 0 | 250 | 0 |",
        "| Mensheviks | 0 | 164 | 0 |",
        "| no fraction | 0 | 0 | 67 |",
        "No confidence carried: the Presidium (7 seats) resigned",
        "| Bolsheviks | 519 | 4 |",
        "| SRs | 250 | 2 |",
        "| Mensheviks | 164 | 1 |",
        "simple majority of votes cast",
        "None recorded.",
    ):
        assert needle in text, needle
    reader = PdfReader(BytesIO(minutes_pdf(sitting)))
    pdf_text = " ".join(page.extract_text() for page in reader.pages)
    assert "Plenum of 9 September 1917" in pdf_text
    assert "519" in pdf_text
    assert "414" in pdf_text
    assert "CARRIED" in pdf_text
