"""Attack 8 of issue 17, the smaller findings, each now failing to succeed:

* a countersignature rule naming a council was accepted and could never be met;
* ``smolny tally --format auto`` read a malformed BLT file as CSV and exited 0;
* duplicate JSON keys in an API body were accepted (the last won);
* look-alike names ("Аlpha" with a Cyrillic А beside "Alpha") were accepted;
* a body over the size limit got a bare HTML 400.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.test import override_settings

from smolny.cli import main
from smolny.councils import actions
from smolny.councils.actions import RollImportError
from smolny.councils.models import Constituency, Council, Fraction, Member, Organisation
from smolny.federation import actions as fed
from smolny.federation.models import AuthorityRule
from smolny.journal.actions import ActionError, NotAllowed
from tests.integration.api.conftest import SYS, World, call
from tests.integration.attacks.conftest import state

pytestmark = pytest.mark.django_db


# -- a countersignature rule naming a council ------------------------------------------------


def test_a_council_countersignature_rule_is_refused_naming_its_plenum(world: World) -> None:
    council = world.frame.council
    written = state()
    with pytest.raises(
        NotAllowed, match=rf"council does not sign.*plenum \(organ:{world.plenum.pk}\)"
    ):
        fed.set_authority_rule(SYS, "countersignature", council)
    answer = call(
        world.client("admin"),
        "post",
        "/api/authority/rules",
        {"kind": "countersignature", "body": f"council:{council.pk}"},
    )
    assert answer.status_code == 409
    assert f"organ:{world.plenum.pk}" in answer.json()["detail"]
    assert state() == written
    assert not AuthorityRule.objects.exists()
    # A unit cannot countersign either; an organ (which holds a signing key) can, and a
    # council may still be named by a precedence rule (it countermands by decision).
    unit = fed.create_unit(SYS, world.frame.organisation, "Volhynian regiment")
    with pytest.raises(NotAllowed, match="units receive directives"):
        fed.set_authority_rule(SYS, "countersignature", unit)
    assert fed.set_authority_rule(SYS, "countersignature", world.plenum).body == (
        f"organ:{world.plenum.pk}"
    )
    assert fed.set_authority_rule(SYS, "precedence", council).body == f"council:{council.pk}"


# -- tally --format auto and a malformed BLT -------------------------------------------------

NAMES = '"Adams"\n"Baker"\n"Clark"\n"Election"\n'


@pytest.mark.parametrize(
    ("first_line", "field"),
    [
        ("3 2 junk", "field 3: 'junk'"),
        ("3 2 -1", "field 3: '-1'"),
        ("+3 2 4", "field 3: '4'"),
    ],
)
def test_tally_auto_reads_a_blt_looking_file_as_blt(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], first_line: str, field: str
) -> None:
    path = tmp_path / "ballots.txt"
    path.write_text(f"{first_line}\n4 1 2 0\n3 2 0\n0\n{NAMES}", encoding="utf-8")
    assert main(["tally", str(path), "--method", "scottish-stv", "--format", "auto"]) == 2
    error = capsys.readouterr().err
    assert f"{path}:1: {field}" in error


def test_tally_auto_still_reads_good_blt_with_a_comment_and_csv(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blt = tmp_path / "good.blt"
    blt.write_text(f"3 1  # three candidates, one seat\n4 1 2 0\n3 2 0\n0\n{NAMES}")
    assert main(["tally", str(blt), "--method", "scottish-stv", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["elected"] == ["Adams"]
    rankings = tmp_path / "good.csv"
    rankings.write_text("count,rank1,rank2\n4,Adams,Baker\n3,Baker\n")
    assert main(["tally", str(rankings), "--method", "plurality", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["elected"] == ["Adams"]


# -- duplicate JSON keys ---------------------------------------------------------------------


def test_a_body_naming_a_key_twice_is_refused_naming_the_key(world: World) -> None:
    client = world.client("admin")
    path = f"/api/organisations/{world.organisation_id}/councils"
    written = state()
    for body, key in (
        (
            '{"name": "Kronstadt", "name": "Kolpino"}',
            "name",
        ),
        ('{"name": "Kronstadt", "kind": "council", "kind": "congress"}', "kind"),
    ):
        answer = world.client("admin").post(path, body, content_type="application/json")
        assert answer.status_code == 422, answer.content
        assert answer["Content-Type"].startswith("application/json")
        assert answer.json()["field"] == key
        assert f"{key!r} appears more than once" in answer.json()["detail"]
    nested = '{"name": "Kronstadt", "extra": {"a": 1, "a": 2}}'
    answer = client.post(path, nested, content_type="application/json")
    assert (answer.status_code, answer.json()["field"]) == (422, "a")
    assert state() == written
    # The same body with each key once is accepted.
    assert (
        client.post(path, '{"name": "Kronstadt"}', content_type="application/json").status_code
        == 201
    )


# -- look-alike names ------------------------------------------------------------------------

CYRILLIC_A = "\u0410"


def test_look_alike_and_mixed_script_names_are_refused(world: World) -> None:
    organisation = world.frame.organisation
    council = world.frame.council
    actions.create_fraction(SYS, council, "Alpha")
    actions.create_council(SYS, organisation, "Alpha")
    written = state()
    lookalike = CYRILLIC_A + "lpha"  # the first letter is Cyrillic
    for create in (
        lambda n: actions.create_fraction(SYS, council, n),
        lambda n: actions.create_council(SYS, organisation, n),
        lambda n: actions.create_constituency(SYS, council, n),
        lambda n: actions.create_organisation(SYS, n),
    ):
        with pytest.raises(ActionError, match="mixes scripts"):
            create(lookalike)
    # Whole words in one script that look like an existing name: refused.
    cyrillic = "\u0410\u04cf\u0440\u04bb\u0430"  # А ӏ р һ а, every letter Cyrillic
    for create in (
        lambda n: actions.create_fraction(SYS, council, n),
        lambda n: actions.create_council(SYS, organisation, n),
    ):
        with pytest.raises(ActionError, match="looks like the existing 'Alpha'"):
            create(cyrillic)
    assert state() == written
    greek = "\u0391\u0399\u03a1\u0397\u0391"  # Α Ι Ρ Η Α, every letter Greek
    actions.create_fraction(SYS, council, greek)  # nothing like it yet
    with pytest.raises(ActionError, match=f"looks like the existing {greek!r}"):
        actions.create_fraction(SYS, council, "AIPHA")  # Latin, a capital I for the Iota
    # The API answers 422 with the reason.
    answer = call(
        world.client("admin"),
        "post",
        f"/api/organisations/{world.organisation_id}/councils",
        {"name": "Sm" + "\u043e" + "lny"},
    )
    assert answer.status_code == 422
    assert "mixes scripts" in answer.json()["detail"]
    # Names in other scripts, whole words side by side, stay allowed.
    actions.create_fraction(SYS, council, "Большевики")
    actions.create_council(SYS, organisation, "Petrograd Совет")
    assert Fraction.objects.filter(name="Большевики").exists()
    assert Council.objects.filter(name="Petrograd Совет").exists()
    assert not Organisation.objects.filter(name=lookalike).exists()
    assert not Constituency.objects.filter(name=lookalike).exists()


def test_a_roll_with_a_look_alike_member_name_is_refused_line_by_line(world: World) -> None:
    existing = world.narva(5).name
    twin = existing.replace("a", "\u0430", 1)  # one Cyrillic а in a Latin word
    assert twin != existing
    roll = (
        "member_id,name,constituency\n"
        f"N-9001,{twin},Narva\n"
        "N-9002,Ivan Petrov,Narva\n"
        "N-9003,lvan Petrov,Narva\n"  # a small L for the capital I
        f"N-9004,{existing},Narva\n"  # the same name: two people may share one
    )
    members = Member.objects.count()
    with pytest.raises(RollImportError) as refused:
        actions.import_roll(SYS, world.frame.council, roll.splitlines(keepends=True))
    errors = {(e.line, e.field): e.message for e in refused.value.errors}
    assert set(errors) == {(2, "name"), (4, "name")}
    assert "mixes scripts" in errors[(2, "name")]
    assert "looks like 'Ivan Petrov'" in errors[(4, "name")]
    assert Member.objects.count() == members


# -- an oversize body ------------------------------------------------------------------------


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_an_oversize_body_gets_a_json_413_naming_the_limit(world: World) -> None:
    path = f"/api/organisations/{world.organisation_id}/councils"
    body = json.dumps({"name": "x" * 2000})
    written = state()
    answer = world.client("admin").post(path, body, content_type="application/json")
    assert answer.status_code == 413
    assert answer["Content-Type"].startswith("application/json")
    refusal = answer.json()
    assert refusal["limit"] == 1000
    assert "the limit is 1,000 bytes" in refusal["detail"]
    assert f"{len(body):,} bytes" in refusal["detail"]
    assert state() == written
    # Under the limit, the same route answers as ever.
    small = world.client("admin").post(
        path, '{"name": "Kronstadt"}', content_type="application/json"
    )
    assert small.status_code == 201
