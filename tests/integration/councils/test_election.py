"""Constituency elections: result entry checks, and counting ballots by STV."""

from __future__ import annotations

from decimal import Decimal

import pytest

from smolny.councils import actions
from smolny.councils.models import ElectionWinner
from smolny.councils.queries import CouncilComposition, composition
from smolny.rules.ballots import BallotSet
from tests.integration.councils.conftest import d, make_frame

SYS = actions.SYSTEM


def ballots(*rows: tuple[tuple[str, ...], int], candidates: tuple[str, ...]) -> BallotSet:
    index = {c: i for i, c in enumerate(candidates)}
    return BallotSet.merge(candidates, ((tuple(index[c] for c in r), n) for r, n in rows), seats=2)


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["scottish-stv", "meek-stv"])
def test_counting_ballots_elects_and_records_the_count(method: str) -> None:
    frame = make_frame({"Narva": 20}, at=d(3, 1))  # 2 seats at one per 10
    actions.apportion_council(SYS, frame.council, at=d(3, 2))
    a, b, c = (m.external_id for m in frame.members["Narva"][:3])
    election = actions.open_election(SYS, frame.constituencies["Narva"], at=d(3, 3))
    assert election.seats == 2
    # 100 ballots, Droop quota floor(100/3) + 1 = 34. A has 50 and is elected; the surplus
    # of 16 goes on to B (A>B on every A ballot): B 30 + 16 = 46 reaches the quota. C: 20.
    votes = ballots(((a, b), 50), ((b,), 30), ((c, b), 20), candidates=(a, b, c))
    actions.count_election(SYS, election, votes, method=method, at=d(3, 4))
    election.refresh_from_db()
    assert election.result["elected"] == [a, b]
    if method == "scottish-stv":
        assert Decimal(election.result["votes"][b]) == 46
        assert Decimal(election.result["votes"][c]) == 20
    else:
        # Meek: A's keep factor converges to quota/50 with quota 100/3, so B receives
        # 50 - 100/3 = 50/3 and ends near 30 + 50/3 = 140/3.
        assert abs(Decimal(election.result["votes"][b]) - Decimal(140) / 3) < Decimal("0.0001")
    assert election.result["count"]["valid_ballots"] == 100
    winners = ElectionWinner.objects.filter(election=election).order_by("position")
    assert [w.member.external_id for w in winners] == [a, b]
    for w in winners:
        actions.seat_deputy(SYS, election, w.member, at=d(3, 5))
    seated = composition(frame.council, d(3, 6))
    assert isinstance(seated, CouncilComposition)
    assert sorted(x.member_id for x in seated.deputies) == sorted([a, b])


@pytest.mark.django_db
def test_candidates_must_be_members_of_the_constituency() -> None:
    frame = make_frame({"Narva": 20, "Vyborg": 5}, at=d(3, 1))
    actions.apportion_council(SYS, frame.council, at=d(3, 2))
    election = actions.open_election(SYS, frame.constituencies["Narva"], at=d(3, 3))
    a = frame.members["Narva"][0].external_id
    outsider = frame.members["Vyborg"][0].external_id
    with pytest.raises(actions.NotAllowed, match="not on the roll of Narva"):
        actions.count_election(
            SYS, election, ballots(((a,), 5), ((outsider,), 3), candidates=(a, outsider))
        )
    with pytest.raises(actions.ActionError, match="not members: Z-9"):
        actions.count_election(SYS, election, ballots(((a,), 5), candidates=(a, "Z-9")))
    with pytest.raises(actions.NotAllowed, match="not on the roll of Narva"):
        actions.record_election_result(SYS, election, [frame.members["Vyborg"][0]])
    with pytest.raises(actions.NotAllowed, match="3 elected for 2"):
        actions.record_election_result(SYS, election, frame.members["Narva"][:3])
    assert not ElectionWinner.objects.exists()


@pytest.mark.django_db
def test_no_more_deputies_than_seats() -> None:
    frame = make_frame({"Narva": 10}, at=d(3, 1))  # 1 seat
    actions.apportion_council(SYS, frame.council, at=d(3, 2))
    constituency = frame.constituencies["Narva"]
    first = actions.open_election(SYS, constituency, at=d(3, 3))
    actions.record_election_result(SYS, first, [frame.members["Narva"][0]], at=d(3, 4))
    actions.seat_deputy(SYS, first, frame.members["Narva"][0], at=d(3, 5))
    second = actions.open_election(SYS, constituency, seats=1, at=d(3, 6))
    actions.record_election_result(SYS, second, [frame.members["Narva"][1]], at=d(3, 7))
    with pytest.raises(actions.NotAllowed, match="all 1 seat"):
        actions.seat_deputy(SYS, second, frame.members["Narva"][1], at=d(3, 8))


@pytest.mark.django_db
def test_change_of_fraction_is_dated() -> None:
    frame = make_frame({"Narva": 10}, at=d(3, 1))
    actions.apportion_council(SYS, frame.council, at=d(3, 2))
    srs = actions.create_fraction(SYS, frame.council, "SRs", at=d(3, 2))
    left = actions.create_fraction(SYS, frame.council, "Left SRs", at=d(3, 2))
    election = actions.open_election(SYS, frame.constituencies["Narva"], at=d(3, 3))
    member = frame.members["Narva"][0]
    actions.record_election_result(SYS, election, [member], at=d(3, 4))
    mandate = actions.seat_deputy(SYS, election, member, fraction=srs, at=d(3, 5))
    actions.change_fraction(SYS, mandate, left, at=d(11, 19))
    with pytest.raises(actions.NotAllowed, match="sits with Left SRs already"):
        actions.change_fraction(SYS, mandate, left, at=d(11, 20))

    def fraction_at(month: int, day: int) -> str | None:
        result = composition(frame.council, d(month, day))
        assert isinstance(result, CouncilComposition)
        return result.deputies[0].fraction

    assert (fraction_at(6, 1), fraction_at(12, 1)) == ("SRs", "Left SRs")
    actions.change_fraction(SYS, mandate, None, at=d(12, 10))
    assert fraction_at(12, 11) is None


@pytest.mark.django_db
def test_a_by_election_only_for_seats_vacant_and_not_being_filled() -> None:
    frame = make_frame({"Narva": 30}, at=d(3, 1))  # 3 seats
    actions.apportion_council(SYS, frame.council, at=d(3, 2))
    constituency = frame.constituencies["Narva"]
    election = actions.open_election(SYS, constituency, seats=2, at=d(3, 3))
    # 3 seats, none held, 2 being filled: one vacancy.
    with pytest.raises(actions.NotAllowed, match="1 vacant seat"):
        actions.open_by_election(SYS, constituency, seats=2, at=d(3, 4))
    by_election = actions.open_by_election(SYS, constituency, at=d(3, 4))
    assert (by_election.kind, by_election.seats, by_election.cause) == ("by-election", 1, None)
    with pytest.raises(actions.NotAllowed, match="0 vacant seat"):
        actions.open_by_election(SYS, constituency, at=d(3, 5))
    actions.record_election_result(SYS, election, frame.members["Narva"][:2], at=d(3, 6))
    for member in frame.members["Narva"][:2]:
        actions.seat_deputy(SYS, election, member, at=d(3, 7))
    with pytest.raises(actions.NotAllowed, match="0 vacant seat"):
        actions.open_by_election(SYS, constituency, at=d(3, 8))
