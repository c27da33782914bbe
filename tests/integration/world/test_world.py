"""The Petrograd 1917 world loaded through the command line, on the suite's database
(SQLite or PostgreSQL): every recorded vote decided by the engine as history records, the
load idempotent, the journal intact, compositions at dates, the replay's figures."""

from __future__ import annotations

import copy
import json
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
    assert "24 recorded votes decided as history records" in out
    entries = JournalEntry.objects.count()
    mandates = Mandate.objects.count()
    assert mandates == 8631  # 3,000 + 183 + 200 + the congresses' 5,248 delegates

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
    assert len(votes) == 24
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
    assert (rump["present"], rump["seated"], rump["outcome"]) == (5, 21, "inquorate")
    assert "quorum 11" in rump["reason"]
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
    assert "25 October (7 November) 1917, 23:31" in text
    assert "24 of 24 recorded votes decided as history records." in text
    assert "2.00 times the 1,000 of 450,000 workers" in text
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
