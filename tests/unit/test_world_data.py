"""The Petrograd 1917 world's data files: they parse, every record names its source, the
history file's inconsistencies carry notes, and the figures are those of the history file
(read independently from the tally table in tests/data/history/)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from smolny.worlds import petrograd1917 as data

HISTORY = Path(__file__).resolve().parents[1] / "data" / "history" / "petrograd-1917-tallies.md"
WORLD = data.read_world()


def records() -> list[tuple[str, dict[str, Any]]]:
    """Every record of every file that stands for a fact (with its file and kind)."""
    out: list[tuple[str, dict[str, Any]]] = []
    for kind in ("organisation", "council"):
        out += [(f"councils.toml {kind}", r) for r in WORLD["councils"][kind]]
    petrograd = WORLD["constituencies"]["petrograd"]
    out.append(("constituencies.toml petrograd", petrograd))
    for kind in ("factory", "factory_group", "company_group"):
        out += [(f"constituencies.toml {kind}", r) for r in petrograd[kind]]
    out += [("constituencies.toml delegation", r) for r in WORLD["constituencies"]["delegation"]]
    for kind in ("fraction", "strength"):
        out += [(f"fractions.toml {kind}", r) for r in WORLD["fractions"][kind]]
    out += [("organs.toml organ", r) for r in WORLD["organs"]["organ"]]
    out += [("congresses.toml congress", r) for r in WORLD["congresses"]["congress"]]
    out.append(("congresses.toml presidium", WORLD["congresses"]["second-congress-presidium"]))
    for sitting in WORLD["sessions"]["sitting"]:
        out.append(("sessions.toml sitting", sitting))
        out += [
            ("sessions.toml event", e) for e in sitting.get("event", []) if e["kind"] != "leave"
        ]
    for kind in ("reformation", "election"):
        out += [(f"sessions.toml {kind}", r) for r in WORLD["sessions"][kind]]
    directives = WORLD["directives"]
    out += [("directives.toml", r) for r in directives["directive"]]
    out += [("directives.toml authority", r) for r in directives["authority"]]
    out += [("directives.toml powers", directives["powers"]), ("garrison", directives["garrison"])]
    out += [("directives.toml organ", r) for r in directives["powers"]["organ"]]
    out += [("timeline.toml", r) for r in WORLD["timeline"]["event"]]
    return out


def votes() -> dict[str, dict[str, Any]]:
    return {
        e["id"]: e
        for s in WORLD["sessions"]["sitting"]
        for e in s.get("event", [])
        if e["kind"] == "vote"
    }


def congress(key: str) -> dict[str, Any]:
    return next(c for c in WORLD["congresses"]["congress"] if c["key"] == key)


def delegates(key: str) -> int:
    return sum(int(g["delegates"]) for g in congress(key)["delegations"])


def test_every_file_parses_and_every_record_names_a_chapter() -> None:
    chapters = {
        "Prehistory",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "Epilogue",
    }
    found = records()
    assert len(found) > 100
    for where, record in found:
        source = record.get("source", "")
        assert source, f"{where}: {record} has no source"
        named = {p.strip() for p in source.split(",")}
        assert named <= chapters, f"{where}: unknown chapter in {source!r}"


def test_a_broken_file_is_reported_with_its_name(monkeypatch: pytest.MonkeyPatch) -> None:
    class Broken:
        def joinpath(self, name: str) -> Broken:
            return self

        def read_text(self, encoding: str) -> str:
            return "[[council]]\nkey = \n"

    monkeypatch.setattr(data.resources, "files", lambda _: Broken())
    with pytest.raises(data.WorldDataError, match=r"^organs\.toml: "):
        data.read_file("organs")


def test_inconsistent_figures_are_kept_as_given_and_noted() -> None:
    first = congress("first-congress")
    assert delegates("first-congress") == 777
    named = sum(int(g["delegates"]) for g in first["delegations"] if "note" not in g)
    assert named == 693
    assert "84" in first["note"]

    conference = congress("democratic-conference")
    declared = sum(
        int(g["delegates"])
        for g in conference["delegations"]
        if g["group"] != "No declared affiliation"
    )
    assert declared == 1268
    assert "1,198" in conference["note"]
    assert "1,268" in conference["note"]
    v16 = votes()["v16"]
    assert delegates("democratic-conference") == v16["for"] + v16["against"] + v16["abstain"]

    widened = next(s for s in WORLD["sessions"]["sitting"] if s["id"] == "widened-16-october")
    assert "24" in widened["note"]
    assert "25" in widened["note"]
    v21, v22 = votes()["v21"], votes()["v22"]
    assert v21["for"] + v21["against"] + v21["abstain"] == 24
    assert v22["for"] + v22["against"] + v22["abstain"] == 25

    second = congress("second-congress")
    assert delegates("second-congress") == 670
    assert "ESTIMATE" in second["note"]
    left = next(g for g in second["delegations"] if g["group"] == "Left SRs")
    assert "estimate" in left["note"]

    for vote in votes().values():
        if "reading" in vote:
            assert "Reading" in vote["note"], vote["id"]


def history_tallies() -> list[tuple[str, str, str]]:
    """(for, against, abstentions) of each row of the history file's tally table."""
    text = HISTORY.read_text(encoding="utf-8")
    rows = []
    for line in text.splitlines():
        if not line.startswith("|") or line.startswith("|---") or "| for |" in line:
            continue
        cells = [c.strip() for c in line.strip("|").split("|")]
        rows.append((cells[3], cells[4], cells[5]))
    return rows


def test_every_vote_of_the_history_table_is_in_the_world() -> None:
    rows = history_tallies()
    assert len(rows) == 25
    world = [
        (str(v.get("reading", v["for"])), str(v["against"]), str(v.get("abstain", "–")))
        for v in votes().values()
    ]
    for for_, against, abstain in rows:
        if for_ == "":
            continue  # the city Duma election: figures of an election, checked below
        if for_ in ("all", "nearly all"):
            assert any(w[0] == for_ for w in world), for_
            continue
        wanted = (for_.replace(",", ""), against.replace(",", ""), abstain)
        assert wanted in world, wanted
    assert len(votes()) == len(rows) - 1
    moscow = {e["id"]: e for e in WORLD["sessions"]["election"][1:]}
    assert moscow["moscow-june"]["ballots"] == 640_000
    assert moscow["moscow-september"]["shares"]["Bolsheviks"] == 49.5
    for e in moscow.values():
        assert "not the day" in e["note"]
    duma = WORLD["sessions"]["election"][0]
    assert duma["votes"] == {
        "SRs": 205000,
        "Bolsheviks": 184000,
        "Kadets": 114000,
        "Mensheviks": 24000,
    }


def test_the_march_rolls_total_the_sources_figures() -> None:
    generated = data.petrograd_constituencies(WORLD["constituencies"]["petrograd"])
    workers = sum(c.people for c in generated if c.category == "workers")
    soldiers = sum(c.people for c in generated if c.category == "soldiers")
    assert (workers, soldiers) == (450_000, 150_000)
    assert all(c.people < 1000 for c in generated if c.category == "soldiers")
    assert len({c.name for c in generated}) == len(generated)
    assert any(c.name == "Putilov works" for c in generated)


def test_the_second_congress_presidium_by_largest_remainder_by_hand() -> None:
    """14/7/3/1 from 300/150/68/14 for 25 seats: quota 532/25 = 21.28."""
    spec = WORLD["congresses"]["second-congress-presidium"]
    groups = {
        g["fraction"]: int(g["delegates"])
        for g in congress("second-congress")["delegations"]
        if "fraction" in g
    }
    total, seats = sum(groups.values()), int(spec["seats"])
    floors = {f: n * seats // total for f, n in groups.items()}
    left = seats - sum(floors.values())
    by_remainder = sorted(groups, key=lambda f: -(groups[f] * seats % total))
    for f in by_remainder[:left]:
        floors[f] += 1
    expected = spec["expected"]
    assert floors == {
        **expected["taken"],
        **expected["refused"],
        **expected["reserved"],
    }


def test_sources_dates_are_julian_and_converted_by_the_calendar() -> None:
    rising = data.moment("1917-10-25T12:00")
    assert rising.astimezone(data.PETROGRAD_TIME).date().isoformat() == "1917-11-07"
    assert rising == datetime(1917, 11, 7, 9, 59, tzinfo=UTC)
    assert data.moment("1905-10-13").astimezone(data.PETROGRAD_TIME).day == 26
    with pytest.raises(data.WorldDataError, match="1917-02-29"):
        data.moment("1917-02-29", "sessions.toml: x")


def test_vote_ids_and_sitting_titles_are_unique() -> None:
    ids = [
        e["id"]
        for s in WORLD["sessions"]["sitting"]
        for e in s.get("event", [])
        if e["kind"] == "vote"
    ]
    assert len(ids) == len(set(ids)) == 24
    titles = [s["title"] for s in WORLD["sessions"]["sitting"]]
    assert len(titles) == len(set(titles))
    for vote in votes().values():
        assert vote["history"] in ("carried", "lost", "inquorate")
        assert re.fullmatch(r"v\d\d", vote["id"])
