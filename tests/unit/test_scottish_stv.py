"""Scottish STV: Droop's reference counts, hand-worked counts, the tie rules, rule 52."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from smolny.rules.ballots import OVERVOTE, SKIPPED, BallotSet, read_blt
from smolny.rules.stv import scottish_stv
from smolny.rules.ties import draw_lots

DATA = Path(__file__).resolve().parents[1] / "data"
DROOP = DATA / "stv" / "droop-examples"
EXPECTED = json.loads((DROOP / "expected.json").read_text())


def election(candidates: str, *ballots: tuple[str, int], seats: int = 1) -> BallotSet:
    """Ballots written as ("ABC", count): one letter per candidate, in order of preference."""
    return BallotSet.merge(
        list(candidates),
        [(tuple(candidates.index(c) for c in ranking), count) for ranking, count in ballots],
        seats=seats,
    )


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_droop_reference_counts(name: str) -> None:
    """Elected candidates and their final votes to 5 places, as Droop's Scottish rule counts."""
    expected = EXPECTED[name]["scottish"]
    result = scottish_stv(read_blt((DROOP / f"{name}.blt").read_text(), name))
    assert result.seats == expected["seats"]
    assert set(result.elected) == set(expected["elected"])
    assert {n: str(result.final[n]) for n in result.elected} == expected["elected"]


def test_sc_elects_differently_from_meek() -> None:
    """The note of the reference data: in SC.blt the two rules elect different sets."""
    result = scottish_stv(read_blt((DROOP / "SC.blt").read_text(), "SC"))
    assert set(result.elected) != set(EXPECTED["SC"]["meek"]["elected"])


def test_truncated_transfer_value_and_loss_to_rounding() -> None:
    """Worked by hand: quota 10 // 3 + 1 = 4; A's surplus 3 of 7 gives 3/7 -> 0.42857."""
    ballots = election("ABCD", ("AB", 7), ("C", 2), ("D", 1), seats=2)
    result = scottish_stv(ballots)
    first, surplus, exclude_d, exclude_c = result.rounds
    assert first.quota == Decimal("4.00000")
    assert first.elected == ("A",)
    assert surplus.action == "surplus of A"
    assert surplus.transfers == {
        "A": Decimal("-3.00000"),
        "B": Decimal("2.99999"),  # 7 x 0.42857
        "exhausted": Decimal("0.00000"),
    }
    assert surplus.votes["A"] == Decimal("4.00000")
    assert surplus.loss_to_rounding == Decimal("0.00001")
    assert "0.42857" in surplus.note
    # Then D (1) and C (2) are excluded; their papers have no further preference.
    assert exclude_d.excluded == ("D",)
    assert exclude_d.exhausted == Decimal("1.00000")
    assert exclude_c.excluded == ("C",)
    # Rule 52: one continuing candidate for one vacancy.
    assert exclude_c.elected == ("B",)
    assert result.elected == ("A", "B")
    assert result.final == {
        "A": Decimal("4.00000"),
        "B": Decimal("2.99999"),
        "C": Decimal("0.00000"),
        "D": Decimal("0.00000"),
    }
    assert result.ties == ()


def test_later_surplus_carries_the_values_received() -> None:
    """Rule 48(3): a paper's new value is surplus x its value when received / total votes.

    Worked by hand. 36 papers, 3 seats: quota 36 // 4 + 1 = 10. A has 16, surplus 6, so each
    of A's papers goes on at 6 x 1 / 16 = 0.375: B gets 6.00000 and reaches 11. B's surplus of
    1 is shared over all B's papers: B's own five (value 1) go on at 1 x 1 / 11 = 0.0909...,
    truncated to 0.09090, and A's sixteen (value 0.375) at 0.375 / 11 = 0.03409 (truncated).
    C receives 5 x 0.09090 + 10 x 0.03409 = 0.79540; A's other six papers (AB) have no
    preference left: 6 x 0.03409 = 0.20454 non-transferable; 0.00006 is lost to rounding.
    """
    ballots = election(
        "ABCDE", ("AB", 6), ("ABC", 10), ("BC", 5), ("C", 7), ("DB", 2), ("E", 6), seats=3
    )
    result = scottish_stv(ballots)
    first, a_surplus, b_surplus = result.rounds[:3]
    assert first.quota == Decimal("10.00000")
    assert first.elected == ("A",)
    assert a_surplus.action == "surplus of A"
    assert a_surplus.transfers["B"] == Decimal("6.00000")
    assert a_surplus.elected == ("B",)
    assert a_surplus.loss_to_rounding == Decimal("0.00000")
    assert b_surplus.action == "surplus of B"
    assert "1.00000 → 0.09090" in b_surplus.note
    assert "0.37500 → 0.03409" in b_surplus.note
    assert b_surplus.transfers == {
        "B": Decimal("-1.00000"),
        "C": Decimal("0.79540"),
        "exhausted": Decimal("0.20454"),
    }
    assert b_surplus.votes["C"] == Decimal("7.79540")
    assert b_surplus.loss_to_rounding == Decimal("0.00006")
    # D's papers (D, B) find no continuing candidate after D; then E goes, and C, the last
    # continuing candidate for the last vacancy, is elected (rule 52).
    assert result.rounds[3].excluded == ("D",)
    assert result.rounds[3].transfers["exhausted"] == Decimal("2.00000")
    assert result.elected == ("A", "B", "C")
    assert result.final["C"] == Decimal("7.79540")


def test_exclusion_tie_settled_by_the_earlier_stage() -> None:
    """Rule 51(2)(a): B and C tie at stage 2; at stage 1 C had fewer, so C is excluded."""
    ballots = election("FBCD", ("F", 4), ("B", 3), ("C", 2), ("DC", 1))
    result = scottish_stv(ballots)
    assert [s.excluded for s in result.rounds[1:3]] == [("D",), ("C",)]
    (tie,) = result.ties
    assert set(tie.contenders) == {"B", "C"}
    assert tie.resolved_by == "earlier stage 1"
    assert tie.chosen == ("C",)
    assert tie.seed is None
    assert "stage 1" in result.rounds[2].note
    assert result.elected == ("F",)


def test_exclusion_tie_equal_at_all_stages_goes_to_lot() -> None:
    """Rule 51(2)(b): A and B always equal: the lot (draw_lots with the seed) decides."""
    ballots = election("ABC", ("AC", 2), ("BC", 2), ("C", 3))
    outcomes = set()
    for seed in range(8):
        result = scottish_stv(ballots, tie_seed=seed)
        (tie,) = result.ties
        loser = draw_lots(["A", "B"], seed, "stage 2: exclusion")[0]
        assert tie.resolved_by == "lot"
        assert tie.seed == seed
        assert tie.chosen == (loser,)
        assert result.rounds[1].excluded == (loser,)
        assert f"seed {seed}" in result.rounds[1].note
        outcomes.add(loser)
        assert result.elected == ("C",)  # C gets the loser's 2 papers: 5 >= quota 4
    assert outcomes == {"A", "B"}


def test_lot_without_a_seed_uses_and_records_seed_zero() -> None:
    ballots = election("ABC", ("AC", 2), ("BC", 2), ("C", 3))
    result = scottish_stv(ballots)
    (tie,) = result.ties
    assert (tie.resolved_by, tie.seed) == ("lot", 0)
    assert "the default" in result.rounds[1].note
    seeded = scottish_stv(ballots, tie_seed=0)
    assert (result.elected, result.final, result.ties) == (
        seeded.elected,
        seeded.final,
        seeded.ties,
    )


def test_equal_surpluses_ordered_by_lot_at_the_first_stage() -> None:
    """Rule 49(3): equal surpluses with no earlier stage: the lot orders the transfers."""
    ballots = election("ABCD", ("AC", 5), ("BD", 5), ("C", 1), ("D", 1), seats=3)
    result = scottish_stv(ballots, tie_seed=5)
    assert result.rounds[0].elected == ("A", "B")
    tie = result.ties[0]
    assert tie.at == "stage 2: order of surpluses"
    assert (tie.contenders, tie.resolved_by, tie.seed) == (("A", "B"), "lot", 5)
    first = draw_lots(["A", "B"], 5, "stage 2: order of surpluses")[0]
    assert tie.chosen == (first,)
    assert result.rounds[1].action == f"surplus of {first}"


def test_rule_52_no_transfer_once_continuing_equal_vacancies() -> None:
    """A reaches the quota; B and C are the two continuing candidates for two vacancies."""
    ballots = election("ABC", ("AB", 10), ("B", 1), ("C", 1), seats=3)
    result = scottish_stv(ballots)
    assert len(result.rounds) == 1
    assert result.rounds[0].elected == ("A", "B", "C")
    assert "rule 52" in result.rounds[0].note
    assert result.final["A"] == Decimal("10.00000")  # surplus never transferred


def test_withdrawn_candidates_are_passed_over() -> None:
    ballots = BallotSet(
        candidates=("A", "B", "C"),
        rankings=((1, 0), (2,), (1,)),
        counts=(3, 2, 1),
        seats=1,
        withdrawn=frozenset({1}),
    )
    result = scottish_stv(ballots)
    assert "B" not in result.final
    assert result.rounds[0].votes == {"A": Decimal("3.00000"), "C": Decimal("2.00000")}
    assert result.valid_ballots == 5  # the paper for B alone has no valid preference
    assert result.elected == ("A",)


def test_markers_are_read_as_cleaned() -> None:
    """An overvote ends a ballot, a skipped rank is passed over (BallotSet.cleaned)."""
    ballots = BallotSet(
        candidates=("A", "B", "C"),
        rankings=((0, OVERVOTE, 1), (SKIPPED, 1, 2), (2, SKIPPED, 0), (OVERVOTE, 0)),
        counts=(3, 2, 2, 4),
        seats=2,
    )
    assert scottish_stv(ballots) == scottish_stv(ballots.cleaned())
    assert scottish_stv(ballots).valid_ballots == 7


def test_record_shape() -> None:
    result = scottish_stv(read_blt((DROOP / "42.blt").read_text(), "42"))
    data = result.as_dict()
    assert {"method", "seats", "elected", "rounds", "final"} <= set(data)
    assert data["method"] == "scottish-stv"
    assert [stage.number for stage in result.rounds] == list(range(1, len(result.rounds) + 1))
    for stage in result.rounds:
        for value in stage.votes.values():
            assert value.as_tuple().exponent == -5


def test_too_many_seats() -> None:
    with pytest.raises(ValueError, match="cannot be filled"):
        scottish_stv(election("AB", ("A", 1)), seats=3)
