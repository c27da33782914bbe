"""The ballot and world readers fuzzed for a few seconds (the long run: benchmarks/fuzz_readers.py),
and the inputs that the long runs found crashing them, kept as regression tests.

A reader promises that bad text is refused with its documented error, naming file and line.
"""

from __future__ import annotations

import pytest

from benchmarks import fuzz_readers as fuzz
from smolny.rules.ballots import BallotFileError, read_ballots
from smolny.worlds import loader
from smolny.worlds import petrograd1917 as data

SECONDS = 4.0


def test_ballot_reader_keeps_its_promise_for_a_few_seconds() -> None:
    tally = fuzz.fuzz(lambda case: fuzz.check_ballots(*case), fuzz.BALLOT_INPUTS, seconds=SECONDS)
    assert tally.tried > 100
    assert tally.read > 0
    assert tally.refused > 0


def test_world_reader_keeps_its_promise_for_a_few_seconds() -> None:
    tally = fuzz.fuzz(fuzz.check_world_input, fuzz.world_inputs(), seconds=SECONDS)
    assert tally.tried > 20
    assert tally.read > 0
    assert tally.refused > 0


# ---- what the fuzzer found ----------------------------------------------------------------


@pytest.mark.parametrize("format", ["auto", "csv", "long"])
def test_a_csv_field_beyond_the_csv_modules_limit_is_refused_with_its_line(format: str) -> None:
    """Found: ``_csv.Error: field larger than field limit`` escaped (it is no ValueError)."""
    header = "ballot_id,rank,choice\n" if format == "long" else "count,rank1\n"
    text = header + "1,1,Adam\n" + "2," + "x" * 140_000 + "\n"
    with pytest.raises(BallotFileError, match="not readable as CSV") as refused:
        read_ballots(text, "big.csv", format)
    assert refused.value.filename == "big.csv"
    assert refused.value.line == 3


def test_a_number_of_more_digits_than_python_converts_is_refused_not_crashed() -> None:
    """Found: a 140,000-digit first line raised Python's own digit-limit ValueError."""
    with pytest.raises(BallotFileError, match="two whole numbers") as refused:
        read_ballots("1" * 140_000 + ' 1\n1 1 0\n0\n"A"\n', "huge.blt", "blt")
    assert refused.value.line == 1
    assert len(str(refused.value)) < 300  # the field is named and cut short, not echoed whole
    # Leading zeros do not count against the limit: this is the number 3.
    ballots = read_ballots("0" * 5000 + "3 1\n1 1 0\n0\nA\nB\nC\n", "zeros.blt", "blt")
    assert ballots.candidates == ("A", "B", "C")


def test_a_rank_of_a_billion_is_refused_at_once() -> None:
    """Found (a hang): the long reader held every skipped rank below a mark, one by one."""
    with pytest.raises(BallotFileError, match="beyond the 10,000 ranks") as refused:
        read_ballots("ballot_id,rank,choice\n1,1,Bob\n1,1000000000,Andy\n", "far.csv", "long")
    assert refused.value.line == 3
    ballots = read_ballots("ballot_id,rank,choice\n1,3,Bob\n", "gap.csv", "long")
    assert ballots.rankings == ((-2, -2, 0),)


def world_with(file: str, change: dict[str, object]) -> dict[str, object]:
    world = {name: dict(parsed) for name, parsed in data.read_world().items()}
    world[file].update(change)
    return world


def test_a_world_file_without_its_table_names_the_file_and_table() -> None:
    """Found: an empty councils.toml raised KeyError('organisation')."""
    with pytest.raises(data.WorldDataError, match=r"councils\.toml: \[\[organisation\]\]"):
        loader.plan_world({**data.read_world(), "councils": data.parse_file("councils", "")})


def test_a_record_without_a_field_names_the_record_and_field() -> None:
    organs = data.read_world()["organs"]["organ"]
    broken = [dict(o) for o in organs]
    del broken[2]["formed"]
    with pytest.raises(data.WorldDataError) as refused:
        loader.plan_world(world_with("organs", {"organ": broken}))
    assert str(refused.value) == "organs.toml: [[organ]] 3: missing field 'formed'"


def test_a_date_of_the_wrong_type_names_the_record() -> None:
    sittings = [dict(s) for s in data.read_world()["sessions"]["sitting"]]
    sittings[0]["at"] = 1917
    with pytest.raises(data.WorldDataError, match=r"sessions\.toml: \[\[sitting\]\] 1: "):
        loader.plan_world(world_with("sessions", {"sitting": sittings}))


def test_petrograd_figures_are_checked_when_the_world_is_planned() -> None:
    petrograd = dict(data.read_world()["constituencies"]["petrograd"])
    del petrograd["roll_scale"]
    with pytest.raises(data.WorldDataError, match=r"\[petrograd\]: missing field 'roll_scale'"):
        loader.plan_world(world_with("constituencies", {"petrograd": petrograd}))


def test_the_bundled_world_plans() -> None:
    steps = loader.plan_world(data.read_world())
    assert len(steps) > 100
    assert [s[0] for s in steps] == sorted(s[0] for s in steps)


def test_an_absurd_count_of_constituencies_is_refused_not_generated() -> None:
    """Found (a hang): a group's count of 2**70 made planning generate constituencies forever."""
    petrograd = dict(data.read_world()["constituencies"]["petrograd"])
    groups = [dict(g) for g in petrograd["company_group"]]
    groups[0]["count"] = 2**70
    petrograd["company_group"] = groups
    with pytest.raises(data.WorldDataError, match=r"count: 1180591620717411303424 is not"):
        loader.plan_world(world_with("constituencies", {"petrograd": petrograd}))


def test_a_roll_scale_of_zero_is_refused_by_name() -> None:
    petrograd = {**data.read_world()["constituencies"]["petrograd"], "roll_scale": 0}
    with pytest.raises(data.WorldDataError, match="roll_scale: 0 is not a whole number from 1"):
        loader.plan_world(world_with("constituencies", {"petrograd": petrograd}))


def test_a_toml_number_beyond_pythons_digit_limit_is_a_world_data_error() -> None:
    """Found: tomllib raised Python's digit-limit ValueError for a 140,001-digit number."""
    with pytest.raises(data.WorldDataError, match=r"^councils\.toml: "):
        data.parse_file("councils", "x = " + "1" * 140_001 + "\n")
