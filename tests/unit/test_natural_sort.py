"""Natural order of names with numbers (smolny.web.natural)."""

from __future__ import annotations

from smolny.web.natural import natural_key


def test_numbers_inside_names_sort_as_numbers() -> None:
    names = ["Company 100", "Company 11", "company 2", "Company 10", "Company 1", "Battery"]
    assert sorted(names, key=natural_key) == [
        "Battery",
        "Company 1",
        "company 2",
        "Company 10",
        "Company 11",
        "Company 100",
    ]


def test_roll_numbers_and_leading_numbers() -> None:
    assert sorted(["PW-0010", "PW-0009", "PW-0100"], key=natural_key) == [
        "PW-0009",
        "PW-0010",
        "PW-0100",
    ]
    assert sorted(["10th works", "9th works", "Works"], key=natural_key) == [
        "9th works",
        "10th works",
        "Works",
    ]
