"""Meek STV (PR Foundation reference rule): reference counts, hand-worked figures, ties, limits.

The reference files and their expected results are the Droop program's own ``meek-prf``
counts (tests/data/stv/droop-examples/expected.json). :func:`literal_meek` below is
a second, deliberately naive reading of the rule text (every single ballot walked in Python,
no merging of rankings, no numpy) that the fast count must agree with figure for figure.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pytest

from smolny.rules.ballots import BallotSet, read_blt
from smolny.rules.stv.meek import meek_stv
from smolny.rules.ties import draw_lots

REFERENCE = Path(__file__).resolve().parents[1] / "data" / "stv" / "droop-examples"
EXPECTED = json.loads((REFERENCE / "expected.json").read_text())
NAMES = sorted(EXPECTED)


def load(name: str) -> BallotSet:
    path = REFERENCE / f"{name}.blt"
    return read_blt(path.read_text(), str(path))


# -- an independent, literal reading of the rule ----------------------------------------------


@dataclass
class LiteralRound:
    votes: dict[int, int]
    keep_factors: list[int]
    quota: int
    exhausted: int
    elected: list[int] = field(default_factory=list)
    defeated: int | None = None


@dataclass
class LiteralCount:
    elected: list[int]
    rounds: list[LiteralRound]
    final: dict[int, int]


def ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def literal_meek(ballots: BallotSet, seats: int, tie_seed: int | None = None) -> LiteralCount:
    """The reference rule step by step, one ballot at a time, in units of 10^-9."""
    one = 10**9
    n = len(ballots.candidates)
    papers: list[tuple[list[int], int]] = []  # (ranking, how many identical ballots)
    for ranking, count in zip(ballots.rankings, ballots.counts, strict=True):
        standing = [c for c in ranking if c >= 0 and c not in ballots.withdrawn]
        seen: list[int] = []
        for c in standing:
            if c not in seen:
                seen.append(c)
        if seen:
            papers.append((seen, count))
    status = ["withdrawn" if c in ballots.withdrawn else "hopeful" for c in range(n)]
    kf = [0 if c in ballots.withdrawn else one for c in range(n)]
    elected: list[int] = []
    rounds: list[LiteralRound] = []
    votes = [0] * n
    while True:
        hopeful = [c for c in range(n) if status[c] == "hopeful"]
        if not len(hopeful) > seats - len(elected) > 0:
            break
        previous: int | None = None
        while True:
            votes = [0] * n
            exhausted = 0
            for paper, count in papers:
                w = one
                for c in paper:
                    if kf[c] == 0:
                        continue
                    give = ceil_div(w * kf[c], one)
                    votes[c] += give * count
                    w -= give
                    if w <= 0:
                        break
                exhausted += w * count
            counted = sum(votes[c] for c in range(n) if status[c] in ("hopeful", "elected"))
            quota = counted // (seats + 1) + 1
            winners = [c for c in range(n) if status[c] == "hopeful" and votes[c] >= quota]
            for c in sorted(winners, key=lambda c: (-votes[c], c)):
                status[c] = "elected"
                elected.append(c)
            surplus = max(0, sum(votes[c] - quota for c in elected))
            record = LiteralRound(
                votes={c: votes[c] for c in range(n) if status[c] != "withdrawn"},
                keep_factors=list(kf),
                quota=quota,
                exhausted=exhausted,
            )
            if winners:
                record.elected = sorted(winners, key=lambda c: (-votes[c], c))
                break
            if surplus < 1000 or (previous is not None and surplus >= previous):
                hopeful = [c for c in range(n) if status[c] == "hopeful"]
                low = min(votes[c] for c in hopeful)
                tied = [c for c in hopeful if votes[c] <= low + surplus]
                if tie_seed is None:
                    loser = tied[0]
                else:
                    names = {ballots.candidates[c]: c for c in tied}
                    at = f"stage {len(rounds) + 1}: choice of the candidate to defeat"
                    loser = names[draw_lots(names, tie_seed, at)[0]]
                status[loser] = "defeated"
                kf[loser] = 0
                record.defeated = loser
                break
            previous = surplus
            for c in elected:
                kf[c] = ceil_div(ceil_div(kf[c] * quota, one) * one, votes[c])
        rounds.append(record)
    if not rounds:
        # complete before any round: the figures shown are the first preferences
        for paper, count in papers:
            votes[paper[0]] += one * count
    remaining = [c for c in range(n) if status[c] == "hopeful"]
    for c in sorted(remaining, key=lambda c: (-votes[c], c)):
        if len(elected) < seats:
            status[c] = "elected"
            elected.append(c)
    final = {c: votes[c] if status[c] == "elected" else 0 for c in range(n)}
    return LiteralCount(elected, rounds, final)


def units(value: Decimal) -> int:
    return int(value * 10**9)


def assert_agrees_with_literal(ballots: BallotSet, seats: int, tie_seed: int | None = None) -> None:
    """The fast count and the literal reading give the same figures at every round."""
    result = meek_stv(ballots, seats, tie_seed=tie_seed)
    literal = literal_meek(ballots, seats, tie_seed)
    names = ballots.candidates
    assert result.elected == tuple(names[c] for c in literal.elected)
    assert {n: units(v) for n, v in result.final.items()} == {
        names[c]: v for c, v in literal.final.items()
    }
    if not literal.rounds:
        assert len(result.rounds) == 1
        return
    assert len(result.rounds) == len(literal.rounds)
    for stage, expected in zip(result.rounds, literal.rounds, strict=True):
        for name, value in stage.votes.items():
            assert units(value) == expected.votes[names.index(name)], (stage.number, name)
        assert stage.quota is not None
        assert units(stage.quota) == expected.quota
        assert units(stage.exhausted) == expected.exhausted
        assert stage.keep_factors is not None
        for name, value in stage.keep_factors.items():
            c = names.index(name)
            if name not in stage.excluded:
                assert units(value) == expected.keep_factors[c], (stage.number, name)
        if expected.defeated is not None:
            assert stage.excluded[:1] == (names[expected.defeated],)


# -- the reference files ----------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_reference_file_elects_expected_with_final_votes(name: str) -> None:
    expected = EXPECTED[name]["meek"]
    ballots = load(name)
    result = meek_stv(ballots)
    assert result.seats == expected["seats"]
    assert set(result.elected) == set(expected["elected"])
    assert {n: format(result.final[n], "f") for n in result.elected} == expected["elected"]


def test_sc_meek_elects_olsen_where_scottish_elects_sevigny() -> None:
    result = meek_stv(load("SC"))
    assert "Kristen Olsen" in result.elected
    assert "Tom Sevigny" not in result.elected


@pytest.mark.parametrize("name", NAMES)
def test_reference_file_agrees_with_literal_reading(name: str) -> None:
    ballots = load(name)
    assert_agrees_with_literal(ballots, ballots.seats)


@pytest.mark.parametrize("name", NAMES)
def test_votes_plus_exhausted_equal_valid_ballots_at_every_stage(name: str) -> None:
    result = meek_stv(load(name))
    for stage in result.rounds:
        assert sum(stage.votes.values()) + stage.exhausted == result.valid_ballots
        assert stage.loss_to_rounding == 0
        # what a stage moves balances out: nothing is created or lost
        assert sum(stage.transfers.values(), Decimal(0)) == 0


def test_scw_withdrawn_candidate_gets_nothing() -> None:
    ballots = load("SCw")
    withdrawn = ballots.candidates[3]  # the file's "-4"
    result = meek_stv(ballots)
    assert withdrawn not in result.elected
    assert all(withdrawn not in stage.votes for stage in result.rounds)
    assert result.final[withdrawn] == 0


# -- figures worked by hand -------------------------------------------------------------------


def test_42_figures_by_hand() -> None:
    """4 ballots Castor > Pollux, 2 ballots Helen; 2 seats.

    Round 1: Castor 4, Helen 2; quota 6/3 truncated + 10^-9 = 2.000000001: Castor elected.
    Round 2, iteration 1: the same votes; surplus 1.999999999; Castor's keep factor becomes
    (1 × 2.000000001, rounded up) / 4 = 0.50000000025, rounded up to 0.500000001.
    Iteration 2: each Castor ballot keeps 0.500000001 (×4 = 2.000000004) and passes
    0.499999999 to Pollux (×4 = 1.999999996); surplus 0.000000003 < omega: Pollux, lowest
    and not tied (Helen's 2 is more than 1.999999996 + 0.000000003), is defeated; Helen
    fills the last seat (C.1).
    """
    result = meek_stv(load("42"))
    first, second = result.rounds
    assert first.votes == {"Castor": 4, "Pollux": 0, "Helen": 2}
    assert first.quota == Decimal("2.000000001")
    assert first.elected == ("Castor",)
    assert second.keep_factors is not None
    assert second.keep_factors["Castor"] == Decimal("0.500000001")
    assert second.votes == {
        "Castor": Decimal("2.000000004"),
        "Pollux": Decimal("1.999999996"),
        "Helen": 2,
    }
    assert second.excluded == ("Pollux",)
    assert second.elected == ("Helen",)
    assert second.transfers == {
        "Castor": Decimal("-1.999999996"),
        "Pollux": Decimal("1.999999996"),
    }
    assert result.ties == ()
    assert result.elected == ("Castor", "Helen")
    assert result.details["iterations"] == 3


def test_single_seat_majority_wins_at_first_preferences() -> None:
    ballots = BallotSet.merge(["A", "B", "C"], [((0,), 6), ((1, 0), 3), ((2,), 2)], seats=1)
    result = meek_stv(ballots)
    assert result.elected == ("A",)
    assert len(result.rounds) == 1
    assert result.rounds[0].action == "first preferences"


def test_surplus_transfer_by_keep_factor() -> None:
    """2 seats of 100 ballots: quota 33.333333334; A's 60 first preferences carry a surplus.

    The iterations lower A's keep factor, so A's ballots pass ever more to B until B, with 10
    first preferences, reaches the quota and overtakes C's 30. Every A ballot continues only
    to B, so A's and B's votes always add up to the 70 ballots that put them first.
    """
    ballots = BallotSet.merge(["A", "B", "C"], [((0, 1), 60), ((1,), 10), ((2,), 30)], seats=2)
    result = meek_stv(ballots)
    assert result.elected == ("A", "B")
    assert result.rounds[-1].quota == Decimal("33.333333334")
    assert result.final["A"] + result.final["B"] == 70
    assert result.final["A"] >= Decimal("33.333333334")
    assert result.final["B"] >= Decimal("33.333333334")
    assert result.final["C"] == 0  # defeated at C.2
    assert result.rounds[-1].votes["C"] == 30


def test_empty_ballots_are_not_valid() -> None:
    ballots = BallotSet.merge(["A", "B"], [((0,), 3), ((), 5), ((1,), 2)], seats=1)
    result = meek_stv(ballots)
    assert result.valid_ballots == 5
    assert result.elected == ("A",)


def test_withdrawn_candidate_is_skipped_to_next_preference() -> None:
    ballots = BallotSet.merge(["A", "B", "C"], [((0, 1), 5), ((2,), 4)], seats=1, withdrawn=[0])
    result = meek_stv(ballots)
    assert result.elected == ("B",)
    assert "A" not in result.rounds[0].votes
    assert result.rounds[0].votes["B"] == 5


def test_as_many_candidates_as_seats_elects_all_in_one_stage() -> None:
    ballots = BallotSet.merge(["A", "B"], [((0,), 1), ((1,), 3)], seats=2)
    result = meek_stv(ballots)
    assert result.elected == ("B", "A")
    assert len(result.rounds) == 1
    assert result.rounds[0].votes == {"A": 1, "B": 3}


def test_bad_seat_counts_raise() -> None:
    ballots = BallotSet.merge(["A", "B"], [((0,), 1)], seats=1, withdrawn=[1])
    with pytest.raises(ValueError, match="2 seats"):
        meek_stv(ballots, 2)
    with pytest.raises(ValueError, match="0 seats"):
        meek_stv(ballots, 0)


def test_huge_counts_use_exact_integers() -> None:
    """Past int64's range the count falls back to Python integers, still exact."""
    big = 10**10 + 7
    ballots = BallotSet.merge(
        ["A", "B", "C", "D"],
        [((0, 1, 2), 5 * big), ((1, 3), 2 * big + 1), ((2, 0), 3 * big), ((3,), big)],
        seats=2,
    )
    assert_agrees_with_literal(ballots, 2)


# -- ties (procedure T) -----------------------------------------------------------------------


TIED = BallotSet.merge(["A", "B", "C"], [((0,), 2), ((1,), 2), ((2,), 3)], seats=1)


def test_tie_without_seed_defeats_first_in_file_order_and_is_recorded() -> None:
    result = meek_stv(TIED)
    assert result.rounds[0].excluded == ("A",)
    (tie,) = result.ties
    assert set(tie.contenders) == {"A", "B"}
    assert tie.resolved_by == "ballot-file order"
    assert tie.chosen == ("A",)
    assert "tied" in result.rounds[0].note


def test_tie_with_seed_is_a_recorded_lot() -> None:
    outcomes = set()
    for seed in range(20):
        result = meek_stv(TIED, tie_seed=seed)
        (tie,) = result.ties
        drawn = draw_lots(["A", "B"], seed, tie.at)
        assert tie.resolved_by == "lot"
        assert tie.seed == seed
        assert result.rounds[0].excluded == (drawn[0],)
        assert tie.chosen == (drawn[0],)
        outcomes.add(drawn[0])
    # the lot really decides: some seeds defeat A, others B
    assert outcomes == {"A", "B"}


def test_near_tie_within_surplus_counts_as_tie() -> None:
    """B.3: a candidate whose vote is within the total surplus of the lowest is tied with it.

    After C's election (quota 6.333333334) and 10 iterations, A has 3.000000000 and D
    2.999999868 with a total surplus of 0.000000205: D is lowest, but A is within reach, so
    the two are tied, and the tie order (A listed first) defeats A, not D.
    """
    ballots = BallotSet.merge(
        ["A", "B", "C", "D"],
        [((1, 2, 3, 0), 5), ((2, 3, 0, 1), 6), ((0, 3), 3), ((2,), 5)],
        seats=2,
    )
    result = meek_stv(ballots)
    stage = result.rounds[1]
    assert stage.votes["A"] == 3
    assert stage.votes["D"] == Decimal("2.999999868")
    assert stage.excluded == ("A",)
    (tie,) = result.ties
    assert set(tie.contenders) == {"A", "D"}
    assert result.elected == ("C", "D")
    assert_agrees_with_literal(ballots, 2)
    for seed in range(4):
        assert_agrees_with_literal(ballots, 2, tie_seed=seed)


def test_markers_and_repeats_are_read_as_cleaned() -> None:
    """Skipped ranks are passed over, an overvote ends the ballot, a repeat counts once."""
    from smolny.rules.ballots import OVERVOTE, SKIPPED

    raw = BallotSet.merge(
        ["A", "B", "C", "D"],
        [
            ((SKIPPED, 0, 1), 4),
            ((1, OVERVOTE, 2), 3),
            ((2, 2, 3), 3),
            ((3, SKIPPED, 0), 2),
            ((OVERVOTE, 1), 5),
        ],
        seats=2,
    )
    marked = meek_stv(raw)
    clean = meek_stv(raw.cleaned())
    assert marked.valid_ballots == 12  # the ballot that starts with an overvote is not valid
    assert marked.elected == clean.elected
    assert marked.final == clean.final
    assert [s.votes for s in marked.rounds] == [s.votes for s in clean.rounds]


def test_long_paths_beyond_integer_keys_are_merged_by_rows() -> None:
    """With 70 candidates and 11 elected, paths no longer fit one int64 key: rows are compared."""
    from smolny.rules.stv.meek import ELECTED, HOPEFUL, _Paths

    n = 70
    up = tuple(range(n))
    down = tuple(reversed(up))
    ballots = BallotSet.merge(
        [f"C{i}" for i in range(n)], [(up, 2), (down, 3), (up, 4), ((69, 5, 0), 1)], seats=12
    )
    paths = _Paths(ballots, n, ballots.seats)
    state = [ELECTED if c < 11 else HOPEFUL for c in range(n)]
    paths.cut(state)
    got = {
        tuple(int(c) for c in row if c != n): int(count)
        for row, count in zip(paths.paths, paths.path_counts, strict=True)
    }
    assert got == {(*range(11), 11): 6, (69,): 4}
    state[69] = "defeated"
    paths.cut(state)
    got = {
        tuple(int(c) for c in row if c != n): int(count)
        for row, count in zip(paths.paths, paths.path_counts, strict=True)
    }
    assert got == {(*range(11), 11): 6, (68,): 3, (5, 0): 1}  # (5, 0) then exhausted
