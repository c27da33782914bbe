"""Counter-motions: successive votes in the order moved, or one preferential vote (Schulze)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from smolny.cli import main as smolny
from smolny.councils.actions import (
    ActionError,
    NotAllowed,
    agenda,
    entering_past_events,
    motion,
    vote,
)
from smolny.councils.actions.ballot import cast_secret_ballot
from smolny.councils.minutes import minutes_markdown
from smolny.councils.models import AgendaItem, JournalEntry, Motion, SecretBallot, Vote
from smolny.councils.queries.board import bulletin_board
from smolny.councils.queries.votes import verify_receipt
from smolny.rules.procedure import PREFERENTIAL_VOTE, STATUS_QUO
from tests.integration.sessions.conftest import (
    SYS,
    Council,
    build_council,
    d,
    open_sitting,
    organ_of,
)

STRENGTHS = {"Bolsheviks": 12, "SRs": 6, "Mensheviks": 3}


def item_with_alternatives(alternatives: str) -> tuple[Council, AgendaItem]:
    c = build_council(STRENGTHS, at=d(3, 1))
    plenum = organ_of(c, "Conference", at=d(3, 2), alternatives=alternatives)
    sitting = open_sitting(plenum, list(c.everyone()), chair=c.members("SRs")[0], at=d(9, 19))
    item = agenda.add_agenda_item(SYS, sitting, "Government", at=d(9, 19))
    motion.move_motion(SYS, item, "main", text="A coalition with the Kadets.", at=d(9, 19))
    motion.move_motion(
        SYS, item, "counter", parent="M1", text="All power to the soviets.", at=d(9, 19)
    )
    motion.move_motion(
        SYS, item, "counter", parent="M1", text="A government without Kadets.", at=d(9, 19)
    )
    return c, item


def show_of_hands(item: AgendaItem, key: str, for_: int, against: int) -> str:
    v = vote.open_vote(SYS, item, key, method="show of hands", at=d(9, 19, 13))
    vote.enter_counts(SYS, v, for_votes=for_, against=against, at=d(9, 19, 13))
    return vote.close_vote(SYS, v, at=d(9, 19, 13, 1)).outcome


@pytest.mark.django_db
def test_successive_votes_put_the_alternatives_in_the_order_moved() -> None:
    _, item = item_with_alternatives("successive")
    with pytest.raises(NotAllowed, match="the vote due is on M1"):
        vote.open_vote(SYS, item, "C1", method="show of hands", at=d(9, 19, 13))
    assert show_of_hands(item, "M1", 8, 13) == "lost"
    assert show_of_hands(item, "C1", 12, 9) == "carried"
    # C1 carried: C2 falls without a vote, and nothing is due any more
    assert dict(Motion.objects.values_list("key", "settlement")) == {
        "M1": "lost",
        "C1": "carried",
        "C2": "fell",
    }
    with pytest.raises(NotAllowed, match="no vote is due"):
        vote.open_vote(SYS, item, "C2", method="show of hands", at=d(9, 19, 14))
    item.refresh_from_db()
    assert item.state == "adopted"


@pytest.mark.django_db
def test_a_preferential_vote_by_secret_ballot_picks_the_condorcet_winner(tmp_path: Path) -> None:
    c, item = item_with_alternatives("preferential")
    with pytest.raises(NotAllowed, match="the vote due is on preferential vote"):
        vote.open_vote(SYS, item, "M1", method="secret ballot", at=d(9, 19, 13))
    with pytest.raises(NotAllowed, match="by named roll call or by secret ballot"):
        vote.open_vote(SYS, item, PREFERENTIAL_VOTE, method="show of hands", at=d(9, 19, 13))
    v = vote.open_vote(SYS, item, PREFERENTIAL_VOTE, method="secret ballot", at=d(9, 19, 13))
    assert v.options == ["M1", "C1", "C2", STATUS_QUO]
    # Pairwise, C2 beats C1 by 6 + 3 + 4 = 13 to 8, M1 by 8 + 6 + 4 = 18 to 3, and the status
    # quo by all 21: a Condorcet winner, which the Schulze method must elect.
    profile = (
        [(m, ["C1", "C2", STATUS_QUO, "M1"]) for m in c.members("Bolsheviks")[:8]]
        + [(m, ["C2", "C1", "M1"]) for m in c.members("Bolsheviks")[8:]]
        + [(m, ["C2", "M1", "C1", STATUS_QUO]) for m in c.members("SRs")]
        + [(m, ["M1", "C2", STATUS_QUO, "C1"]) for m in c.members("Mensheviks")]
    )
    with pytest.raises(ActionError, match="rank the options"):
        cast_secret_ballot(SYS, v, profile[0][0], "for", at=d(9, 19, 13, 1))
    with pytest.raises(ActionError, match="at most once"):
        cast_secret_ballot(SYS, v, profile[0][0], ["C1", "C1"], at=d(9, 19, 13, 1))
    receipts = [(cast_secret_ballot(SYS, v, m, r, at=d(9, 19, 13, 2)), r) for m, r in profile]
    v = vote.close_vote(SYS, v, at=d(9, 19, 14))
    assert (v.outcome, v.preferred, v.for_votes) == ("preferred", "C2", 21)
    opened = sorted(SecretBallot.objects.filter(vote=v).values_list("ranking", flat=True))
    assert opened == sorted(ranking for _, ranking in receipts)
    for code, _ranking in receipts:
        assert verify_receipt(v, code) is True  # counted, and no more
    # The bulletin board recounts to C2 (smolny verify-vote); with the ballots turned to M1, not.
    board = bulletin_board(v)
    path = tmp_path / "board.json"
    path.write_text(json.dumps(board))
    assert smolny(["verify-vote", str(path)]) == 0
    for b in board["ballots"]:
        b["ranking"] = ["M1", "C2"]
    path.write_text(json.dumps(board))
    assert smolny(["verify-vote", str(path)]) == 1
    assert dict(Motion.objects.values_list("key", "settlement")) == {
        "M1": "lost",
        "C1": "lost",
        "C2": "carried",
    }
    item.refresh_from_db()
    assert item.state == "adopted"
    text = minutes_markdown(item.session)
    assert "| C1 | 8 |" in text
    assert "| C2 | 10 |" in text
    assert "C2 preferred on 21 ballots by the Schulze method" in text


@pytest.mark.django_db
def test_a_tie_for_first_place_is_drawn_only_by_a_seeded_lot_and_recorded() -> None:
    c = build_council({"Bolsheviks": 1, "SRs": 1}, at=d(3, 1))
    plenum = organ_of(c, "Bureau", at=d(3, 2), alternatives="preferential")
    sitting = open_sitting(plenum, list(c.everyone()), chair=c.members("SRs")[0], at=d(9, 19))
    item = agenda.add_agenda_item(SYS, sitting, "Government", at=d(9, 19))
    motion.move_motion(SYS, item, "main", text="Coalition.", at=d(9, 19))
    motion.move_motion(SYS, item, "counter", parent="M1", text="Soviets.", at=d(9, 19))
    v = vote.open_vote(SYS, item, PREFERENTIAL_VOTE, method="roll call", at=d(9, 19, 13))
    with entering_past_events(d(9, 19, 13)):  # the clerk's sheet, entered later
        vote.record_roll_call(
            SYS,
            v,
            {
                c.members("Bolsheviks")[0]: ["C1", "M1", STATUS_QUO],
                c.members("SRs")[0]: ["M1", "C1", STATUS_QUO],
            },
            at=d(9, 19, 13),
        )
    before = JournalEntry.objects.count()
    with pytest.raises(NotAllowed, match="tie seed"):
        vote.close_vote(SYS, v, at=d(9, 19, 14))
    assert JournalEntry.objects.count() == before
    assert Vote.objects.get(pk=v.pk).status == "open"
    v = vote.close_vote(SYS, v, tie_seed=1917, at=d(9, 19, 14))
    assert v.preferred in {"M1", "C1"}
    assert v.ties
    assert v.ties[0]["seed"] == 1917
    assert sorted(v.ties[0]["contenders"]) == ["C1", "M1"]
    assert v.ties[0]["chosen"] == [v.preferred]
    assert "settled by" in v.reason
