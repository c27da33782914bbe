"""The one lot every count breaks ties with (smolny.rules.ties.break_by_lot)."""

from __future__ import annotations

from smolny.rules.ties import break_by_lot, draw_lots, lot_key


def test_lot_follows_the_published_hash_order() -> None:
    names = ["Ada", "Bea", "Cyd", "Dov"]
    lot = break_by_lot([0, 2, 3], names, seed=7, at="seat 2")
    # Redrawn by hand from the rule: the lowest SHA-256 of "seed:context:name" wins.
    by_hand = min(["Ada", "Cyd", "Dov"], key=lambda n: lot_key(7, "seat 2", n))
    assert lot.tie.chosen == (by_hand,)
    assert names[lot.chosen[0]] == by_hand
    assert lot.tie.resolved_by == "lot"
    assert lot.tie.seed == 7
    assert lot.seed == 7
    assert lot.tie.contenders == ("Ada", "Cyd", "Dov")


def test_no_seed_draws_under_zero_and_says_so() -> None:
    lot = break_by_lot([0, 1], ["x", "y"], seed=None, at="place 1")
    assert lot.seed == 0
    assert lot.tie.seed == 0
    assert lot.tie.chosen == draw_lots(["x", "y"], 0, "place 1")[:1]


def test_several_places_are_taken_in_the_order_drawn() -> None:
    names = [f"c{i}" for i in range(6)]
    lot = break_by_lot([1, 2, 3, 4], names, seed=3, at="seat 5", places=2)
    drawn = draw_lots(["c1", "c2", "c3", "c4"], 3, "seat 5")
    assert lot.tie.chosen == drawn[:2]
    assert [names[c] for c in lot.chosen] == list(drawn[:2])


def test_a_narrowed_tie_lists_everyone_who_was_tied() -> None:
    names = ["a", "b", "c"]
    lot = break_by_lot([1, 2], names, seed=1, at="stage 3", contenders=[0, 1, 2])
    assert lot.tie.contenders == ("a", "b", "c")
    assert lot.chosen[0] in (1, 2)
