"""The world's bulk actions refuse what the one-by-one actions refuse, and write nothing then:
seats beyond the apportionment, members off the constituency's roll, deputies seated twice,
unknown fractions; regrouping keeps one fraction per mandate and journals the moves."""

from __future__ import annotations

import pytest

from smolny.councils import actions
from smolny.councils.actions import NotAllowed
from smolny.councils.actions.slate import Slate, regroup_fractions, seat_slate
from smolny.councils.models import (
    Election,
    ElectionWinner,
    FractionMembership,
    JournalEntry,
    Mandate,
)
from smolny.councils.models.dated import valid_at
from smolny.councils.queries import council_composition
from smolny.journal.chain import verify_journal
from tests.integration.councils.conftest import Frame, d, make_frame

SYS = actions.SYSTEM


def frame() -> Frame:
    """Two works of 25 and 12 members, one deputy per 10: 2 seats and 1 seat."""
    f = make_frame({"Putilov works": 25, "Obukhov works": 12}, at=d(3, 1), per=10)
    actions.apportion_council(SYS, f.council, at=d(3, 1))
    actions.create_fraction(SYS, f.council, "Bolsheviks", at=d(3, 1))
    actions.create_fraction(SYS, f.council, "Mensheviks", at=d(3, 1))
    return f


@pytest.mark.django_db
def test_seat_slate_writes_what_the_single_actions_write() -> None:
    f = frame()
    putilov, obukhov = f.constituencies["Putilov works"], f.constituencies["Obukhov works"]
    p, o = f.members["Putilov works"], f.members["Obukhov works"]
    seated = seat_slate(
        SYS,
        f.council,
        {putilov.pk: [(p[0], "Bolsheviks"), (p[1], None)], obukhov.pk: [(o[0], "Mensheviks")]},
        at=d(3, 2),
    )
    assert seated == 3
    assert council_composition(f.council, d(3, 2)).by_fraction() == {
        "Bolsheviks": 1,
        "Mensheviks": 1,
        None: 1,
    }
    election = Election.objects.get(constituency=putilov)
    assert (election.status, election.seats, election.method) == ("declared", 2, "result entry")
    assert list(
        ElectionWinner.objects.filter(election=election)
        .order_by("position")
        .values_list("member__external_id", flat=True)
    ) == [p[0].external_id, p[1].external_id]
    assert Mandate.objects.get(member=p[0]).election == election
    entry = JournalEntry.objects.order_by("-seq").first()
    assert entry is not None
    assert entry.action == "seat_slate"
    assert verify_journal()[1] is None
    # the ordinary action now finds every seat of the Obukhov works filled
    by_election = actions.open_election(SYS, obukhov, seats=1, at=d(3, 3))
    actions.record_election_result(SYS, by_election, [o[1]], at=d(3, 3))
    with pytest.raises(NotAllowed, match="all 1 seat"):
        actions.seat_deputy(SYS, by_election, o[1], at=d(3, 3))


@pytest.mark.django_db
def test_seat_slate_refuses_and_writes_nothing() -> None:
    f = frame()
    putilov, obukhov = f.constituencies["Putilov works"], f.constituencies["Obukhov works"]
    p, o = f.members["Putilov works"], f.members["Obukhov works"]
    before = JournalEntry.objects.count()
    cases: list[tuple[Slate, str]] = [
        ({obukhov.pk: [(o[0], None), (o[1], None)]}, "2 elected for 1 free seat"),
        ({putilov.pk: [(o[0], None)]}, "is not on the roll of Putilov works"),
        ({putilov.pk: [(p[0], "Kadets")]}, "Kadets is not a fraction"),
        ({putilov.pk: [(p[0], None), (p[0], None)]}, "named twice"),
        ({putilov.pk: []}, "nobody elected"),
        ({10**9: [(p[0], None)]}, "not current constituencies"),
    ]
    for slate, message in cases:
        with pytest.raises(NotAllowed, match=message):
            seat_slate(SYS, f.council, slate, at=d(3, 2))
    assert JournalEntry.objects.count() == before
    assert not Mandate.objects.exists()
    assert not Election.objects.exists()
    seat_slate(SYS, f.council, {putilov.pk: [(p[0], None)]}, at=d(3, 2))
    with pytest.raises(NotAllowed, match="already holds a mandate"):
        seat_slate(SYS, f.council, {putilov.pk: [(p[0], None)]}, at=d(3, 3))
    with pytest.raises(NotAllowed, match="already holds"):
        seat_slate(
            SYS, f.council, {obukhov.pk: [(o[0], None)], putilov.pk: [(p[0], None)]}, at=d(3, 3)
        )


@pytest.mark.django_db
def test_regroup_fractions_moves_deputies_at_a_date() -> None:
    f = frame()
    putilov = f.constituencies["Putilov works"]
    p = f.members["Putilov works"]
    seat_slate(SYS, f.council, {putilov.pk: [(p[0], "Mensheviks"), (p[1], None)]}, at=d(3, 2))
    first, second = Mandate.objects.filter(council=f.council).order_by("pk")
    with pytest.raises(NotAllowed, match="Kadets"):
        regroup_fractions(SYS, f.council, {first: "Kadets"}, at=d(8, 31))
    moved = regroup_fractions(
        SYS, f.council, {first: "Bolsheviks", second: "Bolsheviks"}, at=d(8, 31)
    )
    assert moved == 2
    assert council_composition(f.council, d(8, 30)).by_fraction() == {"Mensheviks": 1, None: 1}
    assert council_composition(f.council, d(9, 1)).by_fraction() == {"Bolsheviks": 2}
    assert FractionMembership.objects.filter(valid_at(d(9, 1)), mandate=first).count() == 1
    regroup_fractions(SYS, f.council, {first: None}, at=d(9, 5))
    assert council_composition(f.council, d(9, 6)).by_fraction() == {"Bolsheviks": 1, None: 1}
    with pytest.raises(NotAllowed, match="starts after"):
        regroup_fractions(SYS, f.council, {second: "Mensheviks"}, at=d(8, 1))
