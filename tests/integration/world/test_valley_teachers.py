"""The second bundled world, valley-teachers: data alone, loaded by the generic runner.

Each outcome is checked against what its data files say, read here independently of the
runner: the branches' apportioned seats, each election's elected, the recall and the
by-election it opened, the executive's holders, and the roll-call votes of the sitting. The
journal verifies, a second load does nothing, a disagreement writes nothing, the load's
progress reaches the log, and the council's page serves.
"""

from __future__ import annotations

import logging
import tomllib
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from smolny import cli
from smolny.councils.models import (
    Apportionment,
    Council,
    Election,
    FractionMembership,
    JournalEntry,
    Mandate,
    Member,
    NamedVote,
    Organ,
    Organisation,
    OrganSeat,
    RecallVote,
    Vote,
)
from smolny.councils.models.dated import valid_at
from smolny.journal.chain import verify_journal
from smolny.worlds import data as worlddata
from smolny.worlds.runner import manifest

NAME = "valley-teachers"
FOLDER = Path(worlddata.__file__).parent / "valleyteachers"


def table(file: str, name: str) -> list[dict[str, Any]]:
    """A table of the world's data, read straight from its file."""
    with (FOLDER / f"{file}.toml").open("rb") as handle:
        found: list[dict[str, Any]] = tomllib.load(handle)[name]
    return found


def load(capsys: pytest.CaptureFixture[str]) -> str:
    status = cli.main(["world", "load", NAME])
    out = capsys.readouterr().out
    assert status == 0, out
    return out


@pytest.mark.django_db
def test_it_loads_as_its_data_says(
    capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="smolny.worlds"):
        out = load(capsys)
    assert "2 recorded votes decided as history records" in out
    steps = [r.getMessage() for r in caplog.records if r.name == "smolny.worlds"]
    assert steps[0] == "loading valley-teachers: 14 steps"
    assert steps[1].startswith("valley-teachers: step 1/14 (7%): organisation ")
    assert steps[-1].startswith("valley-teachers: step 14/14 (100%): ")

    organisation = Organisation.objects.get()
    assert organisation.name == "Valley Teachers' Federation"
    # New Style only: the organisation did not ask for dual dates.
    assert organisation.calendar == Organisation.NEW_STYLE
    council = Council.objects.get(organisation=organisation)

    # Seats apportioned from the rolls, as federation.toml says.
    branches = table("federation", "constituency")
    apportionment = Apportionment.objects.get(council=council)
    seats = dict(apportionment.entries.values_list("constituency__name", "seats"))
    assert seats == {b["name"]: b["seats"] for b in branches}
    assert seats == {b["name"]: b["roll"] // 50 for b in branches}  # the rule, by hand
    # The rolls went in by bulk insert; a column the import does not give has its default.
    members = Member.objects.filter(constituency__council=council)
    assert members.count() == sum(b["roll"] for b in branches) == 484
    assert set(members.values_list("email", flat=True)) == {""}
    named = dict(members.filter(external_id__endswith="-0001").values_list("external_id", "name"))
    assert named == {"ASH-0001": "Ada Osei", "BRK-0001": "Hana Sato", "CAR-0001": "Marta Nowak"}

    # Every election elected whom elections.toml says, in the branch it names.
    elections = table("elections", "election")
    declared = Election.objects.filter(status=Election.DECLARED).order_by("declared_at")
    assert [sorted(e.result["elected"]) for e in declared] == [
        sorted(e["elected"]) for e in elections
    ]
    assert [e.kind for e in declared] == [Election.REGULAR] * 3 + [Election.BY_ELECTION]

    # The recall: Nils Berg's mandate ended by it, its by-election filled by Olu Adeyemi.
    (recall,) = table("recall", "recall")
    vote = RecallVote.objects.get()
    assert (vote.outcome, vote.votes_recall, vote.votes_keep) == (
        recall["outcome"],
        recall["votes_recall"],
        recall["votes_keep"],
    )
    berg = Mandate.objects.get(member__external_id=recall["deputy"])
    assert berg.end == vote.closed_at
    assert berg.member.name == "Nils Berg"
    by_election = declared.last()
    assert by_election is not None
    assert by_election.cause_id == berg.pk

    # At the end: nine deputies, each with the fraction the data gives.
    end = vote.closed_at.replace(year=2026)
    current = Mandate.objects.filter(valid_at(end), council=council)
    assert current.count() == sum(seats.values()) == 9
    wanted = {k: v for e in elections for k, v in e["fractions"].items()}
    del wanted[recall["deputy"]]
    sits = dict(
        FractionMembership.objects.filter(valid_at(end), mandate__council=council).values_list(
            "mandate__member__external_id", "fraction__name"
        )
    )
    assert sits == wanted

    # The executive committee: the three deputies organs.toml names hold its seats.
    (executive,) = [o for o in table("organs", "organ") if o["key"] == "executive"]
    organ = Organ.objects.get(council=council, name=executive["name"])
    holders = OrganSeat.objects.filter(valid_at(end), organ=organ).values_list(
        "holder__member__external_id", flat=True
    )
    assert sorted(holders) == sorted(executive["members"])

    # The sitting: each roll call as sessions.toml lists it, with the recorded outcome.
    (sitting,) = table("sessions", "sitting")
    for event in sitting["event"]:
        decided = Vote.objects.get(item__title=event["question"])
        assert decided.method == Vote.ROLL_CALL
        assert decided.outcome == event["history"]
        answers = {
            choice: sorted(
                NamedVote.objects.filter(vote=decided, choice=choice).values_list(
                    "mandate__member__external_id", flat=True
                )
            )
            for choice in ("for", "against", "abstain")
        }
        assert answers == {c: sorted(event[c]) for c in ("for", "against", "abstain")}

    # The journal verifies, from the command line too; a second load does nothing.
    entries = JournalEntry.objects.count()
    assert verify_journal() == (entries, None)
    assert cli.main(["audit", "verify"]) == 0
    capsys.readouterr()
    assert cli.main(["world", "load", NAME]) == 0
    assert capsys.readouterr().out == f"{NAME} is loaded already: nothing done\n"
    assert JournalEntry.objects.count() == entries


@pytest.mark.django_db
def test_its_council_page_serves(capsys: pytest.CaptureFixture[str]) -> None:
    load(capsys)
    organisation = Organisation.objects.get(name="Valley Teachers' Federation")
    council = Council.objects.get(organisation=organisation)
    page = Client().get(reverse("council", args=[organisation.pk, council.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Federation Council" in html
    for branch in ("Ashford branch", "Brookside branch", "Carver branch"):
        assert branch in html
    # Today the by-election's winner sits for Carver; the recalled delegate does not.
    assert "9 deputies." in html
    assert "Olu Adeyemi" in html
    assert "Nils Berg" not in html


@pytest.mark.django_db
def test_a_result_other_than_the_data_stops_the_load_and_writes_nothing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    world = manifest(NAME).read_world()
    sitting = world["sessions"]["sitting"][0]
    sitting["event"][1]["history"] = "carried"  # the roll call says 3 for, 5 against
    monkeypatch.setattr(worlddata.Manifest, "read_world", lambda self: world)
    status = cli.main(["world", "load", NAME])
    out = capsys.readouterr().out
    assert status == 1
    assert "dues-increase" in out
    assert "nothing was loaded" in out
    assert not Organisation.objects.exists()
    assert not JournalEntry.objects.exists()


def test_the_world_is_data_alone() -> None:
    """No Python in its folder; its manifest names no steps module of its own."""
    assert manifest(NAME).steps is None
    assert sorted(p.suffix for p in FOLDER.iterdir()) == [".toml"] * 6
