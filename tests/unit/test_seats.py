"""An organ's seats between fractions: the 1917 presidium, ex officio, refused and reserved."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smolny.rules.apportion import apportion
from smolny.rules.seats import FractionStanding, allot_seats

# Second All-Russian Congress of Soviets, 25 October 1917 (history file): presidium of 25.
# The Left SR strength (150) is an estimate: "193 SRs, more than half of them Left SRs".
BOLSHEVIKS = "Bolsheviks"
LEFT_SRS = "Left SRs (estimate)"
MENSHEVIKS = "Mensheviks"
INTERNATIONALISTS = "Menshevik-Internationalists"


def second_congress() -> list[FractionStanding]:
    return [
        FractionStanding(BOLSHEVIKS, 300),
        FractionStanding(LEFT_SRS, 150),
        FractionStanding(MENSHEVIKS, 68, refuses=True),
        FractionStanding(INTERNATIONALISTS, 14, reserves=True),
    ]


@pytest.mark.parametrize("method", ["sainte-lague", "hamilton"])
def test_second_congress_presidium_is_14_7_3_1(method: str) -> None:
    result = allot_seats(second_congress(), 25, method)
    assert result.entitled == {BOLSHEVIKS: 14, LEFT_SRS: 7, MENSHEVIKS: 3, INTERNATIONALISTS: 1}


@pytest.mark.parametrize("method", ["sainte-lague", "hamilton"])
def test_refused_seats_held_vacant(method: str) -> None:
    result = allot_seats(second_congress(), 25, method, refused="vacant")
    assert result.taken == {BOLSHEVIKS: 14, LEFT_SRS: 7, MENSHEVIKS: 0, INTERNATIONALISTS: 0}
    assert result.vacant == 3
    assert result.reserved == {BOLSHEVIKS: 0, LEFT_SRS: 0, MENSHEVIKS: 0, INTERNATIONALISTS: 1}
    assert result.size == 25
    assert result.ties == ()


@pytest.mark.parametrize("method", ["sainte-lague", "hamilton"])
def test_refused_seats_redistributed(method: str) -> None:
    result = allot_seats(second_congress(), 25, method, refused="redistribute")
    # The 24 seats not reserved go to the two fractions taking their seats, 300:150 = 2:1,
    # which any proportional method must give as 16 and 8.
    assert result.taken == {BOLSHEVIKS: 16, LEFT_SRS: 8, MENSHEVIKS: 0, INTERNATIONALISTS: 0}
    assert result.vacant == 0
    assert result.reserved[INTERNATIONALISTS] == 1
    assert result.entitled[MENSHEVIKS] == 3
    assert result.size == 25


def test_ex_officio_seats_come_off_the_top() -> None:
    # Petrograd executive committee, 27 February 1917: 15 seats, 7 ex officio (3 presidium,
    # 4 secretariat), 8 to share; with strengths 6:2 the 8 go 6 and 2.
    fractions = [FractionStanding("Mensheviks", 6), FractionStanding("Others", 2)]
    result = allot_seats(fractions, 15, "sainte-lague", ex_officio=7)
    assert result.ex_officio == 7
    assert result.entitled == {"Mensheviks": 6, "Others": 2}
    assert result.size == 15


def test_tie_between_fractions_is_reported_by_name() -> None:
    fractions = [FractionStanding("A", 10), FractionStanding("B", 10)]
    result = allot_seats(fractions, 3, "dhondt")
    assert result.unresolved
    assert result.ties[0].contenders == ("A", "B")
    assert result.vacant == 1
    assert result.size == 3
    settled = allot_seats(fractions, 3, "dhondt", tie_seed=4)
    assert not settled.unresolved
    assert settled.vacant == 0
    assert settled.taken[settled.ties[0].chosen[0]] == 2


def test_redistribution_tie_has_its_own_context() -> None:
    fractions = [
        FractionStanding("A", 10),
        FractionStanding("B", 10),
        FractionStanding("C", 20, refuses=True),
    ]
    result = allot_seats(fractions, 4, "sainte-lague", refused="redistribute")
    # Entitled 1/1/2; the 4 seats again between A and B tie for none: 2 each, no tie.
    assert result.taken == {"A": 2, "B": 2, "C": 0}
    # Three equal fractions for 5 seats tie for seats 4-5; redistributed, the two that take
    # their seats tie again for seat 5, and that lot is drawn in its own context.
    equal = [
        FractionStanding("A", 10),
        FractionStanding("B", 10),
        FractionStanding("C", 10, refuses=True),
    ]
    odd = allot_seats(equal, 5, "sainte-lague", refused="redistribute", tie_seed=9)
    assert [t.at for t in odd.ties] == ["seats 4-5", "redistribution: seat 5"]
    assert sorted(odd.taken.values()) == [0, 2, 3]
    assert odd.taken[odd.ties[1].chosen[0]] == 3


def test_threshold_drops_a_fraction_from_the_allotment() -> None:
    fractions = [FractionStanding("Big", 960), FractionStanding("Tiny", 40)]
    result = allot_seats(fractions, 10, "sainte-lague", threshold=5)
    assert result.entitled == {"Big": 10, "Tiny": 0}


@pytest.mark.parametrize(
    ("fractions", "seats", "kwargs", "message"),
    [
        ([FractionStanding("A", 1), FractionStanding("A", 2)], 3, {}, "listed twice"),
        ([FractionStanding("", 1)], 3, {}, "needs a name"),
        ([FractionStanding("A", 1, refuses=True, reserves=True)], 3, {}, "both refuse"),
        ([FractionStanding("A", 1)], 3, {"ex_officio": 4}, "4 ex officio seats"),
        ([FractionStanding("A", 1)], 3, {"refused": "keep"}, "'vacant' or 'redistribute'"),
    ],
)
def test_bad_input(
    fractions: list[FractionStanding], seats: int, kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        allot_seats(fractions, seats, **kwargs)  # type: ignore[arg-type]


standings = st.lists(
    st.tuples(st.integers(min_value=1, max_value=500), st.sampled_from(["take", "ref", "res"])),
    min_size=1,
    max_size=7,
)


@settings(max_examples=150, deadline=None)
@given(
    rows=standings,
    seats=st.integers(min_value=0, max_value=40),
    ex_officio=st.integers(min_value=0, max_value=5),
    method=st.sampled_from(["hamilton", "dhondt", "sainte-lague"]),
    setting=st.sampled_from(["vacant", "redistribute"]),
    seed=st.one_of(st.none(), st.integers(min_value=0, max_value=100)),
)
def test_every_seat_is_accounted_for(
    rows: list[tuple[int, str]],
    seats: int,
    ex_officio: int,
    method: str,
    setting: str,
    seed: int | None,
) -> None:
    ex_officio = min(ex_officio, seats)
    fractions = [
        FractionStanding(f"F{i}", strength, refuses=kind == "ref", reserves=kind == "res")
        for i, (strength, kind) in enumerate(rows)
    ]
    result = allot_seats(
        fractions,
        seats,
        method,
        ex_officio=ex_officio,
        refused=setting,  # type: ignore[arg-type]
        tie_seed=seed,
    )
    assert result.size == seats
    assert sum(result.entitled.values()) <= seats - ex_officio
    expected = apportion(
        [s for s, _ in rows],
        seats - ex_officio,
        method,
        tie_seed=seed,
        labels=list(result.entitled),
    )
    assert tuple(result.entitled.values()) == expected.seats
    for f in fractions:
        if f.refuses:
            assert result.taken[f.name] == 0
            assert result.reserved[f.name] == 0
        elif f.reserves:
            assert result.taken[f.name] == 0
            assert result.reserved[f.name] == result.entitled[f.name]
        elif setting == "vacant" or method != "hamilton":
            # Divisor methods never take from a fraction that accepts; "vacant" changes nothing.
            assert result.taken[f.name] >= result.entitled[f.name] or result.unresolved
    if setting == "vacant" and seed is not None:
        assert result.vacant == sum(result.entitled[f.name] for f in fractions if f.refuses)


def test_redistribution_never_redraws_an_earlier_lot() -> None:
    """Found by the property above: D'Hondt, 9 seats, a three-way tie at 2 seats each.

    The entitlement's lot gave F4 its second seat; a fresh allotment of the refused seat used
    to draw a new lot that could take it away again. Redistribution continues from the
    entitlement instead, so the refused seat goes to one of the tied fractions that has not
    yet got a second seat and nobody who takes their seats loses one.
    """
    fractions = [
        FractionStanding("F0", 3, refuses=True),
        FractionStanding("F1", 6),
        FractionStanding("F2", 1),
        FractionStanding("F3", 5),
        FractionStanding("F4", 4),
        FractionStanding("F5", 6),
    ]
    result = allot_seats(fractions, 9, "dhondt", refused="redistribute", tie_seed=0)
    assert result.size == 9
    assert sum(result.taken.values()) == 9
    for name in ("F1", "F2", "F3", "F4", "F5"):
        assert result.taken[name] >= result.entitled[name]
    assert not result.unresolved
