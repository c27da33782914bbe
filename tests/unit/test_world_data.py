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
    assert len(rows) == 35
    world = [
        (str(v.get("reading", v["for"])), str(v["against"]), str(v.get("abstain", "–")))
        for v in votes().values()
    ]
    readings = [str(v["reading"]) for v in votes().values() if "reading" in v]
    for for_, against, abstain in rows:
        if for_ == "":
            continue  # the city Duma election: figures of an election, checked below
        if not for_.replace(",", "").isdigit():
            # recorded in words ("all", "unanimous", "overwhelmingly"): the world reads the
            # words as numbers, and says so in the vote's reading
            words = for_ if for_ != "–" else against
            assert any(words in r for r in readings), (for_, against)
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
    assert len(ids) == len(set(ids)) == 34
    titles = [s["title"] for s in WORLD["sessions"]["sitting"]]
    assert len(titles) == len(set(titles))
    for vote in votes().values():
        assert vote["history"] in ("carried", "lost", "inquorate")
        assert re.fullmatch(r"v\d\d", vote["id"])


# --- the corrections of December 2026 (each case of the book checked line by line) ---------


def sitting(key: str) -> dict[str, Any]:
    return next(s for s in WORLD["sessions"]["sitting"] if s["id"] == key)


def organ(council: str, key: str) -> dict[str, Any]:
    return next(o for o in WORLD["organs"]["organ"] if (o["council"], o["key"]) == (council, key))


def test_10_june_the_rump_of_five_decides_in_a_committee_of_nine() -> None:
    v12 = votes()["v12"]
    assert (v12["for"], v12["against"], v12["abstain"], v12["history"]) == (3, 0, 2, "carried")
    assert "inquorate" in v12["note"]
    assert "nine" in v12["note"]
    cc = organ("bolshevik-party", "cc")
    assert cc["holders"] == {"none": 9}
    assert sitting("cc-9-10-june")["organ"] == "cc"
    # five present of nine is more than half: quorate under the world's stated quorum
    assert cc["quorum"] == "1/2"
    assert 5 > 9 / 2
    leave = next(e for e in sitting("cc-9-10-june")["event"] if e["kind"] == "leave")
    assert leave["keep"] == 5


def test_the_peasants_congress_seats_1200_with_969_broken_down() -> None:
    peasants = congress("peasants")
    assert delegates("peasants") == 1200
    groups = {g["group"]: int(g["delegates"]) for g in peasants["delegations"]}
    assert groups["Not broken down"] == 231
    assert sum(groups.values()) - groups["Not broken down"] == 969
    assert groups["SRs"] == 537
    # 329 of no affiliation, the caucus of 14 among them; 103 Social Democrats, 9 Bolsheviks
    assert groups["No affiliation"] + groups["Non-party caucus voting with the Bolsheviks"] == 329
    assert groups["Social Democrats"] + groups["Bolsheviks"] == 103


def timed_records() -> list[tuple[str, dict[str, Any]]]:
    found = [("timeline", e) for e in WORLD["timeline"]["event"]]
    for s in WORLD["sessions"]["sitting"]:
        found.append((s["id"], s))
        found += [(s["id"], e) for e in s.get("event", [])]
    found += [("councils", {**c, "at": c["founded"]}) for c in WORLD["councils"]["council"]]
    return found


def local_clock(text: str) -> str:
    return data.moment(text).astimezone(data.PETROGRAD_TIME).strftime("%H:%M")


def test_recorded_clock_times_are_kept_as_the_source_gives_them() -> None:
    """A time is shown only from ``time`` (the source's words); where it is a plain clock
    time, the moment the world places the event at is exactly that time."""
    plain = re.compile(r"(\d{1,2})(?::(\d\d))? (a\.m\.|p\.m\.)")
    shown = 0
    for where, record in timed_records():
        if "time" not in record:
            continue
        shown += 1
        assert "T" in record["at"], (where, record)
        exact = plain.fullmatch(record["time"])
        if exact:
            hour = int(exact[1]) % 12 + (12 if exact[3] == "p.m." else 0)
            assert local_clock(record["at"]) == f"{hour:02d}:{exact[2] or '00'}", where
    assert shown >= 15
    assert votes()["v12"]["time"] == "2 a.m."
    assert votes()["v11"]["time"] == "after 8:30 p.m."
    assert local_clock(votes()["v11"]["at"]) > "20:30"
    walkout = next(e for e in sitting("preparliament-7-october")["event"])
    assert walkout["time"] == "evening"
    assert local_clock(walkout["at"]) >= "18:00"
    july = next(e for e in WORLD["timeline"]["event"] if e["at"].startswith("1917-07-03"))
    assert july["time"] == "about 3 p.m."
    founding = next(c for c in WORLD["councils"]["council"] if c["key"] == "petrograd")
    assert (founding["time"], local_clock(founding["founded"])) == ("9 p.m.", "21:00")
    # votes the source gives no time for show none
    assert "time" not in votes()["v01"]
    assert "time" not in votes()["v15"]


def test_order_no_1_follows_the_executives_vote_of_1_march() -> None:
    order = next(d for d in WORLD["directives"]["directive"] if d["id"] == "order-1")
    vote = votes()["v01"]
    assert data.moment(order["at"]) > data.moment(vote["at"])
    assert sitting("ec-1-march")["time"] == "about 6 p.m."
    for rule in WORLD["directives"]["authority"]:
        if "Order No. 1" in rule["note"]:
            assert data.moment(rule["at"]) > data.moment(vote["at"])


def test_the_baku_soviet_first_sits_after_6_march() -> None:
    baku = next(c for c in WORLD["councils"]["council"] if c["key"] == "baku")
    assert data.moment(baku["founded"]) > data.moment("1917-03-06T23:59")
    assert "6 March" in baku["note"]


def test_the_mrc_dates() -> None:
    mrc = next(
        o
        for o in WORLD["directives"]["powers"]["organ"]
        if o["name"] == "Military Revolutionary Committee"
    )
    formed = data.moment(mrc["formed"])
    assert data.moment("1917-10-16") <= formed <= data.moment("1917-10-17T23:59")
    assert "9 October" in mrc["note"]
    assert "20 October" in mrc["note"]
    commissars = next(d for d in WORLD["directives"]["directive"] if d["id"] == "mrc-commissars")
    assert data.moment(commissars["at"]) >= data.moment("1917-10-20")
    assert data.moment(WORLD["directives"]["garrison"]["under_mrc"]) > formed
    proposed = [e for e in WORLD["timeline"]["event"] if e["at"] == "1917-10-09"]
    assert proposed
    assert "proposed" in proposed[0]["text"]


def test_the_seizures_belong_to_the_night_of_24_25_october() -> None:
    seizures = next(e for e in WORLD["timeline"]["event"] if "telegraph office" in e["text"])
    at = data.moment(seizures["at"])
    assert data.moment("1917-10-24T18:00") <= at <= data.moment("1917-10-25T03:00")
    assert "before about 3 a.m." in seizures["time"]


def test_founding_night_is_not_the_soviet_of_3000() -> None:
    soviet = next(c for c in WORLD["councils"]["council"] if c["key"] == "petrograd")
    seated = data.moment(soviet["seated"])
    assert seated >= data.moment("1917-03-01T00:00")
    assert data.moment(WORLD["fractions"]["strength"][0]["at"]) >= seated
    assert "250" in soviet["note"]
    assert "50 entitled" in soviet["note"]
    for o in WORLD["organs"]["organ"]:
        if o["council"] == "petrograd" and "holders" in o:
            assert data.moment(o["formed"]) >= seated, o["key"]
    founding = next(e for e in WORLD["timeline"]["event"] if "Room 12" in e["text"])
    assert "250" in founding["text"]
    assert "3,000" not in founding["text"].split(".")[0]


def test_the_democratic_conference_ends_on_the_rejection() -> None:
    events = [e for e in sitting("dc-19-september")["event"] if e["kind"] == "vote"]
    assert [e["id"] for e in events] == ["v16", "v34"]
    assert (events[0]["history"], events[-1]["history"]) == ("carried", "lost")
    assert data.moment(events[-1]["at"]) > data.moment(events[0]["at"])
    assert "amended" in events[-1]["question"]
    assert "Reading" in events[-1]["note"]


def test_the_second_congress_walkout_is_the_mensheviks_and_srs() -> None:
    walkouts = [e for e in sitting("second-congress")["event"] if e["kind"] == "walkout"]
    assert [w.get("fraction", w.get("group")) for w in walkouts] == ["Mensheviks", "SRs"]
    assert all("members" not in w for w in walkouts)  # groups, not named individuals
    assert "Left SRs stay" in walkouts[1]["statement"]


def test_new_bodies_and_the_september_shift() -> None:
    keys = {c["key"] for c in WORLD["councils"]["council"]}
    assert {"moscow", "riga"} <= keys
    moscow = {o["key"]: o for o in WORLD["organs"]["organ"] if o["council"] == "moscow"}
    assert moscow["ec"]["holders"] == {"none": 75}
    assert moscow["presidium"]["holders"] == {"none": 7}
    assert delegates("moscow-state-conference") == 2500
    assert organ("petrograd", "counterrevolution-committee")["formed"] == "1917-08-28"
    shift = WORLD["fractions"]["strength"][-1]
    assert "no named recall" in shift["note"]
    assert "recall" not in WORLD["sessions"]  # no invented named recalls
    v32 = votes()["v32"]
    assert (v32["for"], v32["against"]) == (276, 175)


def test_the_contested_record_of_18_april_carries_both_readings() -> None:
    v26 = votes()["v26"]
    assert v26["contested"] is True
    assert (v26["for"], v26["against"], v26["abstain"]) == (2, 13, 1)
    assert len(v26["readings"]) == 2
    assert any("without reservation" in r for r in v26["readings"])
