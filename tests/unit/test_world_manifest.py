"""Worlds as data, without a database: manifests, dates, and planning a world of data alone."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from smolny.worlds import petrograd1917
from smolny.worlds.data import WorldDataError, manifests, read_manifest
from smolny.worlds.runner import manifest, plan


def test_both_bundled_worlds_are_found_by_their_manifests() -> None:
    found = manifests()
    assert set(found) == {"petrograd-1917", "valley-teachers"}
    assert found["petrograd-1917"].steps == "smolny.worlds.petrograd1917.steps"
    assert found["valley-teachers"].steps is None


def test_dates_follow_the_calendar_and_offset_the_manifest_states() -> None:
    valley = manifest("valley-teachers")
    assert valley.moment("2025-02-17T18:30") == datetime(2025, 2, 17, 17, 30, tzinfo=UTC)
    assert valley.moment("2025-02-17") == datetime(2025, 2, 17, 11, 0, tzinfo=UTC)
    # 25 October 1917 Old Style is 7 November New Style, at Petrograd's UTC+2:01.
    old = manifest("petrograd-1917").moment("1917-10-25T22:40")
    assert old == datetime(1917, 11, 7, 20, 39, tzinfo=UTC)
    assert old == petrograd1917.moment("1917-10-25T22:40")
    with pytest.raises(WorldDataError, match=r"here: date '2025-02-30'"):
        valley.moment("2025-02-30", "here")


def test_a_bad_manifest_is_refused_with_its_file(tmp_path: Path) -> None:
    (tmp_path / "world.toml").write_text(
        'name = "x"\ntitle = "X"\nfiles = []\ncalendar = "french republican"\n'
    )
    with pytest.raises(WorldDataError, match="calendar 'french republican'"):
        read_manifest(tmp_path)
    (tmp_path / "world.toml").write_text('name = "x"\ntitle = "X"\nfiles = "a"\n')
    with pytest.raises(WorldDataError, match="files: a list of file names"):
        read_manifest(tmp_path)


def test_the_world_of_data_alone_plans_in_date_order() -> None:
    valley = manifest("valley-teachers")
    steps = plan(valley, valley.read_world())
    assert len(steps) == 14
    assert [s.at for s in steps] == sorted(s.at for s in steps)
    labels = [s.label for s in steps]
    assert labels[0] == "organisation Valley Teachers' Federation"
    # The recall's vote closes before the by-election it opens is counted.
    assert labels.index("recall vote: carver-recall") < labels.index("election: carver-2025")


def test_bad_data_in_a_world_of_data_alone_names_the_record() -> None:
    valley = manifest("valley-teachers")
    data = valley.read_world()
    del data["elections"]["election"][1]["at"]
    with pytest.raises(
        WorldDataError, match=r"elections\.toml: \[\[election\]\] 2: missing field 'at'"
    ):
        plan(valley, data)
    data = valley.read_world()
    data["recall"]["recall"][0]["closes"] = "2025-01-01T00:00"
    with pytest.raises(WorldDataError, match="the recall closes before it opens"):
        plan(valley, data)
