"""Organs: proportional allotment with refusals and reservations, ex officio and elected seats."""

from __future__ import annotations

import pytest

from smolny.councils import actions
from smolny.councils.models import Mandate, Organ
from smolny.councils.queries import OrganComposition, composition
from tests.integration.councils.conftest import Frame, d, make_frame

SYS = actions.SYSTEM
STRENGTHS = {"Bolsheviks": 6, "SRs": 3, "Mensheviks": 2, "Internationalists": 1}


def twelve_deputies() -> tuple[Frame, dict[str, list[Mandate]]]:
    frame = make_frame({"Narva": 120}, at=d(3, 1), per=10)  # 12 seats
    actions.apportion_council(SYS, frame.council, at=d(3, 1, 18))
    election = actions.open_election(SYS, frame.constituencies["Narva"], at=d(3, 3))
    members = frame.members["Narva"][:12]
    actions.record_election_result(SYS, election, members, at=d(3, 4))
    by_fraction: dict[str, list[Mandate]] = {}
    it = iter(members)
    for name, n in STRENGTHS.items():
        fraction = actions.create_fraction(SYS, frame.council, name, at=d(3, 4))
        by_fraction[name] = [
            actions.seat_deputy(SYS, election, next(it), fraction=fraction, at=d(3, 5))
            for _ in range(n)
        ]
    return frame, by_fraction


def layout(organ: Organ) -> list[tuple[str, str | None]]:
    result = composition(organ, d(12, 31))
    assert isinstance(result, OrganComposition)
    return [(s.status, s.fraction) for s in result.seats]


@pytest.mark.django_db
@pytest.mark.parametrize("refused", ["vacant", "redistribute"])
def test_refused_and_reserved_seats(refused: str) -> None:
    # Sainte-Laguë, 7 seats over 6/3/2/1: quotients 6 B, 3 S, 2 B, 2 M, 1.2 B, 1 S, 1 I
    # -> B 3, S 2, M 1, I 1. The Internationalists reserve theirs; the Mensheviks refuse.
    # Redistributed: 6 seats (7 less the reserved one) over B 6, S 3: 6, 3, 2, 1.2, 1, 0.86
    # -> B 4, S 2.
    frame, _ = twelve_deputies()
    organ = actions.form_organ(
        SYS,
        frame.council,
        "Executive",
        kind=Organ.EXECUTIVE,
        seat_rule=Organ.PROPORTIONAL,
        seats=7,
        refused=refused,
        refusing=["Mensheviks"],
        reserving=["Internationalists"],
        at=d(4, 1),
    )
    assert organ.allotment["entitled"] == {
        "Bolsheviks": 3,
        "SRs": 2,
        "Mensheviks": 1,
        "Internationalists": 1,
    }
    if refused == "vacant":
        expected = (
            [("vacant", "Bolsheviks")] * 3
            + [("vacant", "SRs")] * 2
            + [("refused", "Mensheviks")]
            + [("reserved", "Internationalists")]
        )
    else:
        expected = (
            [("vacant", "Bolsheviks")] * 4
            + [("vacant", "SRs")] * 2
            + [("reserved", "Internationalists")]
        )
    assert sorted(layout(organ)) == sorted(expected)


@pytest.mark.django_db
def test_seats_go_to_deputies_of_their_fraction() -> None:
    frame, deputies = twelve_deputies()
    organ = actions.form_organ(
        SYS,
        frame.council,
        "Executive",
        kind=Organ.EXECUTIVE,
        seat_rule=Organ.PROPORTIONAL,
        seats=7,
        refusing=["Mensheviks"],
        reserving=["Internationalists"],
        nominees={"Bolsheviks": deputies["Bolsheviks"][:2]},
        at=d(4, 1),
    )
    seats = {s.number: s for s in composition(organ, d(4, 2)).seats}  # type: ignore[union-attr]
    free_b = next(n for n, s in seats.items() if s.fraction == "Bolsheviks" and s.holder is None)
    reserved = next(n for n, s in seats.items() if s.status == "reserved")
    refused = next(n for n, s in seats.items() if s.status == "refused")
    with pytest.raises(actions.NotAllowed, match="belongs to Bolsheviks"):
        actions.fill_organ_seat(SYS, organ, free_b, deputies["SRs"][0], at=d(4, 3))
    with pytest.raises(actions.NotAllowed, match="holds a seat"):
        actions.fill_organ_seat(SYS, organ, free_b, deputies["Bolsheviks"][0], at=d(4, 3))
    actions.fill_organ_seat(SYS, organ, free_b, deputies["Bolsheviks"][2], at=d(4, 3))
    # The reserving fraction takes its seat later; the refusing one changes its mind.
    actions.fill_organ_seat(SYS, organ, reserved, deputies["Internationalists"][0], at=d(5, 1))
    actions.fill_organ_seat(SYS, organ, refused, deputies["Mensheviks"][0], at=d(6, 1))
    now = {s.number: s for s in composition(organ, d(6, 2)).seats}  # type: ignore[union-attr]
    assert now[reserved].status == "held"
    assert now[refused].status == "held"
    assert sum(1 for s in now.values() if s.status == "held") == 5  # B 3, M 1, I 1
    # And on 2 April the reserved seat was still empty.
    then = {s.number: s for s in composition(organ, d(4, 2)).seats}  # type: ignore[union-attr]
    assert then[reserved].status == "reserved"


@pytest.mark.django_db
def test_nominees_must_sit_with_their_fraction() -> None:
    frame, deputies = twelve_deputies()
    with pytest.raises(actions.NotAllowed, match="does not sit with Bolsheviks"):
        actions.form_organ(
            SYS,
            frame.council,
            "Executive",
            kind=Organ.EXECUTIVE,
            seat_rule=Organ.PROPORTIONAL,
            seats=7,
            nominees={"Bolsheviks": [deputies["SRs"][0]]},
            at=d(4, 1),
        )
    assert not Organ.objects.exists()


@pytest.mark.django_db
def test_ex_officio_and_elected_organs() -> None:
    frame, deputies = twelve_deputies()
    chair, secretary = deputies["SRs"][0], deputies["Bolsheviks"][0]
    presidium = actions.form_organ(
        SYS,
        frame.council,
        "Presidium",
        kind=Organ.PRESIDIUM,
        seat_rule=Organ.EX_OFFICIO,
        seats=2,
        ex_officio=[chair, secretary],
        at=d(4, 1),
    )
    assert [(s.status, s.how) for s in composition(presidium, d(4, 2)).seats] == [  # type: ignore[union-attr]
        ("held", "ex officio"),
        ("held", "ex officio"),
    ]
    with pytest.raises(actions.NotAllowed, match="needs 3 office holders"):
        actions.form_organ(
            SYS,
            frame.council,
            "Bureau",
            kind=Organ.PRESIDIUM,
            seat_rule=Organ.EX_OFFICIO,
            seats=3,
            ex_officio=[chair],
            at=d(4, 1),
        )
    section = actions.form_organ(
        SYS,
        frame.council,
        "Soldiers' Section",
        kind=Organ.SECTION,
        seat_rule=Organ.ELECTION,
        seats=3,
        elected=[deputies["Mensheviks"][0]],
        at=d(4, 1),
    )
    assert [s.status for s in composition(section, d(4, 2)).seats] == [  # type: ignore[union-attr]
        "held",
        "vacant",
        "vacant",
    ]


@pytest.mark.django_db
def test_an_ended_mandate_cannot_take_a_seat() -> None:
    frame, deputies = twelve_deputies()
    gone = deputies["SRs"][2]
    actions.resign_mandate(SYS, gone, at=d(3, 20))
    with pytest.raises(actions.NotAllowed, match="no current mandate"):
        actions.form_organ(
            SYS,
            frame.council,
            "Section",
            kind=Organ.SECTION,
            seat_rule=Organ.ELECTION,
            seats=1,
            elected=[gone],
            at=d(4, 1),
        )


@pytest.mark.django_db
def test_every_seat_of_a_proportional_organ_is_accounted_for() -> None:
    """Over many allotments: the seat rows agree with the rule's figures, fraction by fraction."""
    import itertools

    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from smolny.rules.seats import FractionStanding, allot_seats

    frame, _ = twelve_deputies()
    names = itertools.count()
    fraction_names = list(STRENGTHS)

    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(
        seats=st.integers(1, 15),
        answers=st.lists(st.sampled_from(["take", "refuse", "reserve"]), min_size=4, max_size=4),
        refused=st.sampled_from(["vacant", "redistribute"]),
    )
    def check(seats: int, answers: list[str], refused: str) -> None:
        refusing = [n for n, a in zip(fraction_names, answers, strict=True) if a == "refuse"]
        reserving = [n for n, a in zip(fraction_names, answers, strict=True) if a == "reserve"]
        organ = actions.form_organ(
            SYS,
            frame.council,
            f"Commission {next(names)}",
            kind=Organ.COMMISSION,
            seat_rule=Organ.PROPORTIONAL,
            seats=seats,
            refused=refused,
            refusing=refusing,
            reserving=reserving,
            tie_seed=7,
            at=d(4, 1),
        )
        expected = allot_seats(
            [FractionStanding(n, s, n in refusing, n in reserving) for n, s in STRENGTHS.items()],
            seats,
            refused=refused,  # type: ignore[arg-type]
            tie_seed=7,
        )
        rows = layout(organ)
        assert len(rows) == seats
        for name in fraction_names:
            assert rows.count(("vacant", name)) == expected.taken[name]
            assert rows.count(("reserved", name)) == expected.reserved[name]
        assert (
            sum(1 for s, _ in rows if s in ("refused", "vacant") and _ is None)
            + sum(1 for s, _ in rows if s == "refused")
            == expected.vacant
        )

    check()
    assert Organ.objects.count() >= 10  # the property really ran over many allotments


@pytest.mark.django_db
def test_fraction_strength_is_taken_at_the_organs_date() -> None:
    """Deputies who left later still counted on the date the organ was formed."""
    from smolny.councils.queries.organs import fraction_strengths

    frame, deputies = twelve_deputies()
    for mandate in deputies["Bolsheviks"][:4]:
        actions.resign_mandate(SYS, mandate, at=d(5, 1))
    then = {f.name: n for f, n in fraction_strengths(frame.council, d(4, 1))}
    later = {f.name: n for f, n in fraction_strengths(frame.council, d(5, 2))}
    assert then == STRENGTHS
    assert later == {**STRENGTHS, "Bolsheviks": 2}
