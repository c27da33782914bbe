"""The Petrograd 1917 world loaded through the command line, on the suite's database
(SQLite or PostgreSQL): every recorded vote decided by the engine as history records, the
load idempotent, the journal intact, compositions at dates, the replay's figures."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import pytest

from smolny import cli
from smolny.councils.models import (
    Attendance,
    Council,
    JournalEntry,
    Mandate,
    Member,
    Organ,
    Organisation,
    PresidiumReformation,
    Session,
    Vote,
)
from smolny.councils.models.dated import valid_at
from smolny.journal.chain import verify_journal
from smolny.worlds import petrograd1917 as data
from smolny.worlds.replay import NotLoaded, build_replay, organ_by_fraction

SOVIET = "Petrograd Soviet of Workers' and Soldiers' Deputies"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    status = cli.main(list(argv))
    return status, capsys.readouterr().out


def presidium_at(text: str) -> dict[str, int]:
    """The Petrograd Soviet's presidium at a Julian date, seats by fraction."""
    at = data.moment(text)
    soviet = Council.objects.get(name=SOVIET)
    organ = (
        Organ.objects.filter(valid_at(at), council=soviet, kind=Organ.PRESIDIUM)
        .order_by("-start")
        .first()
    )
    return organ_by_fraction(organ, at) if organ else {}


@pytest.mark.django_db
def test_load_twice_replay_and_compositions(capsys: pytest.CaptureFixture[str]) -> None:
    status, out = run(capsys, "world", "load", "petrograd-1917")
    assert status == 0, out
    assert "34 recorded votes decided as history records" in out
    entries = JournalEntry.objects.count()
    mandates = Mandate.objects.count()
    # 3,000 + Baku 183 + party 200 + Moscow 600 + Riga 150 + the congresses' 8,176 delegates
    assert mandates == 12309

    status, out = run(capsys, "world", "load", "petrograd-1917")
    assert (status, out) == (0, "petrograd-1917 is loaded already: nothing done\n")
    assert JournalEntry.objects.count() == entries
    assert Mandate.objects.count() == mandates

    status, out = run(capsys, "audit", "verify")
    assert status == 0, out
    assert verify_journal() == (entries, None)

    # rolls: 60,000 entries standing for 600,000 people, 3,000 deputies of the Soviet
    soviet = Council.objects.get(name=SOVIET)
    # a historical record: open to every visitor of `smolny serve`, no account needed
    assert soviet.organisation.public_record
    # dated Old Style and New Style, as its sources: the organisation opts into dual dates
    assert soviet.organisation.calendar == "dual"
    assert Member.objects.filter(constituency__council=soviet).count() == 60_000
    assert Mandate.objects.filter(council=soviet).count() == 3000

    status, out = run(capsys, "replay", "petrograd-1917", "--json")
    assert status == 0
    replay: dict[str, Any] = json.loads(out)
    votes = {v["id"]: v for v in replay["votes"]}
    assert len(votes) == 34
    assert all(v["outcome"] == v["history"] for v in votes.values())
    assert replay["all_votes_agree"] is True

    coalition = votes["v06"]
    assert (coalition["tallies"], coalition["outcome"]) == (
        {"for": 22, "against": 23, "abstain": 0},
        "lost",
    )
    presidium = votes["v15"]
    assert presidium["tallies"] == {"for": 519, "against": 414, "abstain": 67}
    assert (presidium["present"], presidium["seated"], presidium["outcome"]) == (
        1000,
        3000,
        "carried",
    )
    assert presidium["date"] == "9 September (22 September) 1917"
    rump = votes["v12"]
    assert (rump["present"], rump["seated"], rump["outcome"]) == (5, 9, "carried")
    assert rump["tallies"] == {"for": 3, "against": 0, "abstain": 2}
    assert "inquorate" in rump["note"]
    assert rump["time"] == "2 a.m."
    manifesto = votes["v25"]
    assert manifesto["reading"] == "nearly all"
    assert (manifesto["present"], manifesto["tallies"]["for"]) == (559, 554)
    assert votes["v24"]["date"] == "25 October (7 November) 1917"
    assert votes["v22"]["present"] == 25  # the 24/25 mystery: 25 in the hall, 24 voted first
    assert sum(votes["v21"]["tallies"].values()) == 24

    second = replay["second_congress_presidium"]
    assert second["composition"] == {
        "Bolsheviks": 14,
        "Left SRs": 7,
        "Mensheviks (refused)": 3,
        "Menshevik-Internationalists (reserved)": 1,
    }
    assert second["allotment"]["strength"] == {
        "Bolsheviks": 300,
        "Left SRs": 150,
        "Mensheviks": 68,
        "Menshevik-Internationalists": 14,
    }

    report = replay["malapportionment"]
    workers, soldiers = report["categories"]["workers"], report["categories"]["soldiers"]
    assert (workers["members"], soldiers["members"]) == (450_000, 150_000)
    assert (workers["deputies"], soldiers["deputies"]) == (1000, 2000)
    assert report["soldiers_to_workers_deputies"] == 2.0
    assert report["soldier_weight_per_worker_exact"] == "6"

    # composition at dates: the presidium before and after 25 September
    assert presidium_at("1917-03-01T12:00") == {"Mensheviks": 2, "SRs": 1}
    assert presidium_at("1917-09-01T12:00") == {"Mensheviks": 2, "SRs": 1}
    assert presidium_at("1917-09-15T12:00") == {}
    after = presidium_at("1917-09-26T12:00")
    assert after == {"Bolsheviks": 4, "SRs": 2, "Mensheviks": 1}
    assert after["Bolsheviks"] * 2 > sum(after.values())
    reformation = PresidiumReformation.objects.get(vote__item__title__startswith="No confidence")
    assert reformation.completed_at == data.moment("1917-09-25T18:00")

    status, text = run(capsys, "replay", "petrograd-1917")
    assert status == 0
    # a time only where the source gives one, in its words; a vote closes a minute after it
    # is put, but that minute is never shown
    assert "25 October (7 November) 1917 — Second All-Russian Congress of Soviets, Plenum: " in text
    assert "10 June (23 June) 1917, 2 a.m. — " in text
    assert "9 June (22 June) 1917, after 8:30 p.m. — " in text
    assert ":01" not in text
    assert not any(re.fullmatch(r"\d\d:\d\d", e["time"]) for e in replay["entries"])
    assert "34 of 34 recorded votes decided as history records." in text
    assert "2.00 times the 1,000 of 450,000 workers" in text
    assert "twice the representation of about 450,000 workers" in text
    assert "[estimate] Per head" in text
    assert "derived from estimates, not a figure of the source" in text
    # notes beside the figures: the contested record with both readings, estimates, readings
    april = text.split("Lenin's April Theses", 1)[1].split("\n\n")[0]
    assert "A contested record; both readings:" in april
    assert "without reservation" in april
    assert votes["v26"]["flags"] == ["contested"]
    assert len(votes["v26"]["readings"]) == 2
    assert "[estimate] The Left SRs' 150 delegates" in text
    assert "modelling choice" in votes["v35"]["flags"]
    # wording: unaffiliated, largest first, an organ whose members are not recorded
    assert "composition unaffiliated 1,160, SRs 1,000, Mensheviks 800, Bolsheviks 40" in text
    assert re.search(r"\bnone \d", text) is None
    assert "(1 seats" not in text
    assert (
        "Committee for Struggle Against Counterrevolution formed (its members are not recorded)"
        in text
    )
    # the Democratic Conference's account ends on the rejection of the amended motion
    conference = [v for v in replay["votes"] if v["body"] == "Democratic Conference"]
    assert [v["outcome"] for v in conference[:2]] == ["carried", "lost"]
    assert "amended" in conference[1]["question"]
    # the Second Congress walkout: the Mensheviks and the SRs, as groups
    walkouts = [e for e in replay["entries"] if e["kind"] == "walkout"]
    assert [(w["fraction"] or w["group"], w["members"]) for w in walkouts[-2:]] == [
        ("Mensheviks", 68),
        ("SRs", 43),
    ]
    assert "walkout of the SRs (43 members)" in text
    # a walkout's effect on quorum, computed from who is left in the hall
    assert (walkouts[-1]["in_hall_after"], walkouts[-1]["quorum_needed"]) == (559, 336)
    assert walkouts[-1]["quorate_after"] is True
    preparliament = walkouts[0]
    assert (preparliament["fraction"], preparliament["in_hall_after"]) == ("Bolsheviks", 464)
    assert preparliament["time"] == "evening"
    assert "464 of 517 remain in the hall; quorum more than 1/3 of 517 seated" in text
    # founding night: no composition of the Soviet is shown for 27 February
    first = next(e for e in replay["entries"] if e["kind"] == "composition" and e["body"] == SOVIET)
    assert first["date"] == "1 March (14 March) 1917"
    assert (
        Mandate.objects.filter(valid_at(data.moment("1917-02-27T23:00")), council=soviet).count()
        == 0
    )
    kinds = {e["kind"] for e in replay["entries"]}
    assert kinds == {
        "council",
        "composition",
        "organ",
        "organ-ended",
        "vote",
        "walkout",
        "directive",
        "authority",
        "election",
        "event",
    }
    # the Bolsheviks, who walked out on 7 October, are not in the hall on 24 October
    dan = Session.objects.get(title="Preparliament, 24 October 1917")
    in_hall = Attendance.objects.filter(session=dan)
    assert in_hall.count() == 251
    assert not in_hall.filter(member__mandates__fraction_memberships__fraction__name="Bolsheviks")
    directives = {e["title"]: e for e in replay["entries"] if e["kind"] == "directive"}
    assert directives["Order No. 1"]["status"] == "binding"
    assert directives["Order No. 1"]["addressed"] == 10
    assert directives["Commissars to the units"]["organ"] == "Military Revolutionary Committee"
    stamps = [e["at"] for e in replay["entries"]]
    assert stamps == sorted(stamps)

    # the pages: the Soviet's page gives the source's own figure for the soldiers' weight
    # beside its members per deputy; the Second Congress's page notes the Left SR estimate
    from django.test import Client

    reader = Client()
    page = reader.get(f"/o/{soviet.organisation_id}/councils/{soviet.pk}/", {"at": "1917-10-24"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "<strong>[estimate]</strong> The source&#x27;s own figure: about 150,000" in html
    second = Council.objects.get(name="Second All-Russian Congress of Soviets")
    html = reader.get(f"/o/{second.organisation_id}/congresses/{second.pk}/").content.decode()
    assert "The Left SR figure of 150 is an ESTIMATE" in html


@pytest.mark.django_db
def test_a_disagreement_with_history_stops_the_load_and_writes_nothing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    world = data.read_world()
    altered = copy.deepcopy(world)
    first = altered["sessions"]["sitting"][0]["event"][0]
    assert first["id"] == "v01"
    first["history"] = "lost"  # history says carried: 13-8
    monkeypatch.setattr(data, "read_world", lambda: altered)
    entries = JournalEntry.objects.count()
    status, out = run(capsys, "world", "load", "petrograd-1917")
    assert status == 1
    assert "the engine disagrees with history: v01" in out
    assert "'carried'" in out
    assert "nothing was loaded" in out
    assert JournalEntry.objects.count() == entries
    assert not Organisation.objects.exists()
    assert not Vote.objects.exists()


@pytest.mark.django_db
def test_replay_of_a_world_not_loaded_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(NotLoaded):
        build_replay()
    status = cli.main(["replay", "petrograd-1917"])
    assert status == 2
    assert "not loaded" in capsys.readouterr().err
    assert cli.main(["world", "load", "moscow-1905"]) == 2
    assert cli.main(["replay", "moscow-1905", "--json"]) == 2


def test_bad_database_urls_exit_2_naming_the_url() -> None:
    import subprocess
    import sys

    for argv in (
        ["world", "load", "petrograd-1917", "--db", "foo://x"],
        ["replay", "petrograd-1917", "--db", "foo://x"],
    ):
        done = subprocess.run(
            [sys.executable, "-m", "smolny", *argv], capture_output=True, text=True, check=False
        )
        assert done.returncode == 2
        assert "database URL 'foo://x'" in done.stderr
        assert done.stdout == ""
