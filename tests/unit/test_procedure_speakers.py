"""The speakers' list (smolny.rules.procedure.speakers)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smolny.rules.procedure import (
    SpeakerRefused,
    SpeakersList,
    SpeakingRules,
    SpeakingShare,
    speaking_allowance,
)

# The Second Congress of Soviets, 25 October 1917 (history file): Bolsheviks 300, SRs 193,
# Mensheviks 68, Menshevik-Internationalists 14 (the Left SR split is not needed here).
CONGRESS = {"B": 300, "SR": 193, "M": 68, "MI": 14}


def test_points_of_order_go_first_then_order_of_request() -> None:
    speakers = SpeakersList.open()
    speakers = speakers.request("Martov", fraction="MI")
    speakers = speakers.request("Trotsky", fraction="B")
    speakers = speakers.request("Dan", fraction="M", point_of_order=True)
    speakers = speakers.request("Kamkov", fraction="SR")
    speakers = speakers.request("Abramovich", fraction="M", point_of_order=True)
    assert [r.speaker for r in speakers.order] == [
        "Dan",
        "Abramovich",
        "Martov",
        "Trotsky",
        "Kamkov",
    ]
    turn = speakers.next_turn()
    assert turn is not None
    assert (turn.speaker, turn.point_of_order, turn.seconds) == ("Dan", True, 180)
    speakers = speakers.finish_turn(60).finish_turn(30)
    turn = speakers.next_turn()
    assert turn is not None
    assert (turn.speaker, turn.point_of_order, turn.seconds) == ("Martov", False, 300)


def test_a_point_of_order_asked_later_still_goes_before_waiting_speakers() -> None:
    speakers = SpeakersList.open().request("a").request("b")
    speakers = speakers.finish_turn(10).request("c", point_of_order=True)
    assert [r.speaker for r in speakers.order] == ["c", "b"]


def test_nobody_is_on_the_list_twice_at_once() -> None:
    speakers = SpeakersList.open().request("Lenin")
    with pytest.raises(SpeakerRefused, match="already on the speakers' list"):
        speakers.request("Lenin")
    with pytest.raises(SpeakerRefused, match="already on the speakers' list"):
        speakers.request("Lenin", point_of_order=True)
    # after speaking, one may ask again
    again = speakers.finish_turn(100).request("Lenin")
    assert [r.speaker for r in again.order] == ["Lenin"]
    assert [s.speaker for s in again.spoken] == ["Lenin"]


def test_withdrawal() -> None:
    speakers = SpeakersList.open().request("a").request("b")
    assert [r.speaker for r in speakers.withdraw("a").order] == ["b"]
    with pytest.raises(SpeakerRefused, match="not on the speakers' list"):
        speakers.withdraw("z")


def test_empty_list() -> None:
    speakers = SpeakersList.open()
    assert speakers.next_turn() is None
    with pytest.raises(SpeakerRefused, match="nobody has the floor"):
        speakers.finish_turn(10)
    with pytest.raises(SpeakerRefused, match="names the speaker"):
        speakers.request("")


def test_overrun_is_recorded_not_hidden() -> None:
    speakers = SpeakersList.open(SpeakingRules(time_limit=120)).request("a")
    speakers = speakers.finish_turn(150)
    (heard,) = speakers.spoken
    assert heard.seconds == 150
    assert heard.overran
    with pytest.raises(ValueError, match="cannot last"):
        SpeakersList.open().request("a").finish_turn(-1)


def test_turn_shares_follow_sainte_lague() -> None:
    """10 turns over 300/193/68/14 seats. By hand, Sainte-Laguë quotients (seats / 1, 3, 5, ...):
    300, 193, 100, 68, 64.3, 60, 42.9, 38.6, 33.3, 27.6 are the ten largest: B 5, SR 4, M 1, MI 0.
    """
    allowance = speaking_allowance(SpeakingShare(CONGRESS, turns=10))
    assert allowance.turns == {"B": 5, "SR": 4, "M": 1, "MI": 0}
    assert allowance.seconds is None
    assert allowance.ties == ()


def test_turn_shares_limit_requests() -> None:
    rules = SpeakingRules(share=SpeakingShare(CONGRESS, turns=10))
    speakers = SpeakersList.open(rules)
    with pytest.raises(SpeakerRefused, match="MI fraction's turns are taken"):
        speakers.request("Martov", fraction="MI")
    speakers = speakers.request("Dan", fraction="M")
    with pytest.raises(SpeakerRefused, match="M fraction's turns are taken"):
        speakers.request("Abramovich", fraction="M")
    # speaking does not give the turn back
    speakers = speakers.finish_turn(100)
    with pytest.raises(SpeakerRefused, match="M fraction's turns are taken"):
        speakers.request("Abramovich", fraction="M")
    # a point of order is not a turn in the debate
    speakers = speakers.request("Martov", fraction="MI", point_of_order=True)
    assert speakers.turns_left("B") == 5
    for i in range(5):
        speakers = speakers.request(f"b{i}", fraction="B")
    assert speakers.turns_left("B") == 0
    with pytest.raises(SpeakerRefused, match="B fraction's turns"):
        speakers.request("b5", fraction="B")


def test_members_without_a_share_are_refused_when_the_debate_is_divided() -> None:
    speakers = SpeakersList.open(SpeakingRules(share=SpeakingShare(CONGRESS, turns=10)))
    with pytest.raises(SpeakerRefused, match="no fraction has no share"):
        speakers.request("someone")
    with pytest.raises(SpeakerRefused, match="Kadets has no share"):
        speakers.request("Milyukov", fraction="Kadets")


def test_time_shares_cap_each_turn_and_lapse_the_rest() -> None:
    """600 s over seats 2:1 -> 400 s and 200 s exactly."""
    rules = SpeakingRules(time_limit=300, share=SpeakingShare({"A": 2, "B": 1}, seconds=600))
    speakers = SpeakersList.open(rules)
    assert speakers.allowance is not None
    assert speakers.allowance.seconds == {"A": 400, "B": 200}
    speakers = speakers.request("a1", fraction="A").request("b1", fraction="B")
    speakers = speakers.request("a2", fraction="A").request("a3", fraction="A")
    turn = speakers.next_turn()
    assert turn is not None
    assert turn.seconds == 300
    speakers = speakers.finish_turn(300)
    turn = speakers.next_turn()
    assert turn is not None
    assert (turn.speaker, turn.seconds) == ("b1", 200)
    speakers = speakers.finish_turn(200)
    turn = speakers.next_turn()
    assert turn is not None
    assert (turn.speaker, turn.seconds) == ("a2", 100)
    speakers = speakers.finish_turn(100)
    # A's time is used up: a3 lapses
    assert speakers.next_turn() is None
    assert [r.speaker for r in speakers.lapsed] == ["a3"]
    assert speakers.seconds_left("A") == 0
    with pytest.raises(SpeakerRefused, match="A fraction's time is used up"):
        speakers.request("a4", fraction="A")


def test_a_tie_for_the_last_turn_is_reported_and_held_back_or_drawn() -> None:
    unresolved = speaking_allowance(SpeakingShare({"X": 10, "Y": 10}, turns=3))
    assert unresolved.turns == {"X": 1, "Y": 1}
    assert len(unresolved.ties) == 1
    assert not unresolved.ties[0].resolved
    drawn = speaking_allowance(SpeakingShare({"X": 10, "Y": 10}, turns=3, tie_seed=7))
    assert drawn.turns is not None
    assert sorted(drawn.turns.values()) == [1, 2]
    assert drawn.ties[0].resolved_by is not None
    assert drawn.ties[0].seed == 7


def test_bad_rules_are_refused() -> None:
    with pytest.raises(ValueError, match="positive"):
        SpeakingRules(time_limit=0)
    with pytest.raises(ValueError, match="turns, seconds or both"):
        SpeakingShare(CONGRESS)
    with pytest.raises(ValueError, match="seats"):
        SpeakingShare({}, turns=3)


@settings(max_examples=150, deadline=None)
@given(
    turns=st.integers(0, 12),
    actions=st.lists(
        st.tuples(
            st.sampled_from(["request", "finish", "withdraw"]),
            st.sampled_from(["p1", "p2", "p3", "p4", "p5", "p6"]),
            st.sampled_from(["A", "B", "C"]),
            st.booleans(),
            st.integers(0, 400),
        ),
        max_size=40,
    ),
)
def test_list_invariants(turns: int, actions: list[tuple[str, str, str, bool, int]]) -> None:
    """Whatever happens: nobody twice, points of order first, no fraction over its turns."""
    rules = SpeakingRules(share=SpeakingShare({"A": 5, "B": 3, "C": 1}, turns=turns))
    speakers = SpeakersList.open(rules)
    allowance = speakers.allowance
    assert allowance is not None
    assert allowance.turns is not None
    for action, who, fraction, point, seconds in actions:
        try:
            if action == "request":
                speakers = speakers.request(who, fraction=fraction, point_of_order=point)
            elif action == "finish":
                speakers = speakers.finish_turn(seconds)
            else:
                speakers = speakers.withdraw(who)
        except SpeakerRefused:
            pass
        names = [r.speaker for r in speakers.order]
        assert len(names) == len(set(names))
        flags = [r.point_of_order for r in speakers.order]
        assert flags == sorted(flags, reverse=True)
        for name, share in allowance.turns.items():
            heard = sum(1 for s in speakers.spoken if s.fraction == name and not s.point_of_order)
            waiting = sum(1 for r in speakers.queue if r.fraction == name)
            assert heard + waiting <= share
