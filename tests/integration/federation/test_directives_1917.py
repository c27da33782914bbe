"""Directives on the database, re-enacting 1917 (history/petrograd-1917.md, "Orders and
authority"), and signed files that `smolny directive verify` must refuse when altered.

Dates are the history file's (Julian) dates used as plain UTC instants; times of day the
sources do not give are chosen inside the day they give.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from smolny.cli import main
from smolny.councils import actions
from smolny.councils.actions import ActionError, NotAllowed
from smolny.councils.models import Council, JournalEntry, Organ
from smolny.directives import document as doc
from smolny.directives.signing import sign_bytes
from smolny.federation import actions as fed
from smolny.federation import keys
from smolny.federation.models import Directive, OrganKey, RootKey, Unit
from smolny.federation.queries import directive_standings, export_text, status_of
from smolny.journal.chain import verify_journal
from smolny.rules.authority import Status
from tests.integration.federation.conftest import SYS, d


@dataclass
class Petrograd:
    soviet: Council
    commission: Organ  # the Duma's Military Commission
    staff: Organ  # the Petrograd Military District Staff
    mrc: Organ  # the Soviet's Military Revolutionary Committee
    volhynian: Unit
    pavlovsky: Unit
    junkers: Unit  # a junker school: under neither the Soviet nor the MRC


def organ(council: Council, name: str, kind: str = Organ.COMMISSION) -> Organ:
    return actions.form_organ(
        SYS, council, name, kind=kind, seat_rule=Organ.ELECTION, seats=1, at=d(2, 28)
    )


def petrograd(name: str = "Petrograd 1917") -> Petrograd:
    org = actions.create_organisation(SYS, name, at=d(2, 27))
    soviet = actions.create_council(SYS, org, "Petrograd Soviet", at=d(2, 27))
    duma = actions.create_council(SYS, org, "State Duma", at=d(2, 27))
    government = actions.create_council(SYS, org, "Provisional Government", at=d(2, 27))
    world = Petrograd(
        soviet=soviet,
        commission=organ(duma, "Military Commission"),
        staff=organ(government, "Petrograd Military District Staff", Organ.EXECUTIVE),
        mrc=organ(soviet, "Military Revolutionary Committee"),
        volhynian=fed.create_unit(SYS, org, "Volhynian Regiment", at=d(2, 28)),
        pavlovsky=fed.create_unit(SYS, org, "Pavlovsky Regiment", at=d(2, 28)),
        junkers=fed.create_unit(SYS, org, "Vladimir Junker School", at=d(2, 28)),
    )
    for body in (world.commission, world.staff, world.mrc):
        fed.rotate_organ_key(SYS, body, at=d(3, 1))
    for unit in (world.volhynian, world.pavlovsky):
        fed.place_under(SYS, unit, soviet, at=d(3, 1))
        fed.place_under(SYS, unit, world.mrc, at=d(10, 12))
    return world


def ref(body: Council | Organ | Unit) -> str:
    kind = {Council: "council", Organ: "organ", Unit: "unit"}[type(body)]
    return f"{kind}:{body.pk}"


@pytest.mark.django_db
def test_order_no_1_a_countermanded_commission_directive_does_not_bind() -> None:
    w = petrograd()
    fed.set_authority_rule(SYS, "precedence", w.soviet, others=[w.commission], at=d(3, 1))
    directive = fed.issue_directive(
        SYS,
        w.commission,
        "Officers are to take back command of the regiments' weapons.",
        [w.volhynian, w.junkers],
        domain="political",
        at=d(3, 2, 10),
    )
    volhynian, junkers = ref(w.volhynian), ref(w.junkers)
    assert status_of(directive, volhynian, d(3, 2, 12)) is Status.BINDING
    fed.countermand_directive(
        SYS, directive, w.soviet, note="contradicts Order No. 1", at=d(3, 2, 18)
    )
    standing = {s.addressee: s for s in directive_standings(directive, d(3, 3))}
    assert standing[volhynian].status is Status.COUNTERMANDED
    assert ref(w.soviet) in standing[volhynian].reason
    # The junker school is not under the Soviet: Order No. 1 does not reach it.
    assert standing[junkers].status is Status.BINDING
    # Before the countermand the directive bound the regiment.
    assert status_of(directive, volhynian, d(3, 2, 17)) is Status.BINDING
    with pytest.raises(NotAllowed, match="already"):
        fed.countermand_directive(SYS, directive, w.soviet, at=d(3, 4))


@pytest.mark.django_db
def test_mrc_rule_staff_directive_without_countersignature_is_not_binding_after_22_october(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    w = petrograd()
    fed.set_authority_rule(SYS, "countersignature", w.mrc, at=d(10, 22, 0))
    pavlovsky, junkers = ref(w.pavlovsky), ref(w.junkers)
    early = fed.issue_directive(
        SYS,
        w.staff,
        "The Pavlovsky Regiment is to hold its barracks.",
        [w.pavlovsky, w.junkers],
        domain="military",
        at=d(10, 20, 9),
    )
    assert status_of(early, pavlovsky, d(10, 21)) is Status.BINDING
    assert status_of(early, pavlovsky, d(10, 22, 0)) is Status.AWAITING_COUNTERSIGNATURE
    assert status_of(early, junkers, d(10, 22, 0)) is Status.BINDING

    signed = fed.issue_directive(
        SYS,
        w.staff,
        "Patrols to the bridges.",
        [w.pavlovsky],
        domain="military",
        at=d(10, 22, 9),
    )
    assert status_of(signed, pavlovsky, d(10, 22, 10)) is Status.AWAITING_COUNTERSIGNATURE
    fed.countersign_directive(SYS, signed, w.mrc, at=d(10, 22, 14))
    assert status_of(signed, pavlovsky, d(10, 22, 13)) is Status.AWAITING_COUNTERSIGNATURE
    assert status_of(signed, pavlovsky, d(10, 22, 14)) is Status.BINDING
    with pytest.raises(NotAllowed, match="own directive"):
        fed.countersign_directive(SYS, signed, w.staff, at=d(10, 22, 15))

    # The exported file carries the MRC's countersignature and verifies offline against the
    # pinned root.
    path = tmp_path / "patrols.json"
    assert main(["directive", "export", str(signed.pk)]) == 0
    path.write_text(capsys.readouterr().out, encoding="utf-8")
    root = base64.b64encode(bytes(RootKey.objects.get().public_key)).decode()
    assert main(["directive", "verify", str(path), "--trust", root]) == 0
    out = capsys.readouterr().out
    assert out.startswith("authentic: directive")
    assert f"countersigned by organ {w.mrc.pk}" in out


@pytest.mark.django_db
def test_mrc_veto_of_23_october_binds_exactly_until_its_withdrawal_that_night() -> None:
    w = petrograd()
    junkers = ref(w.junkers)
    before = fed.issue_directive(
        SYS,
        w.staff,
        "Cadets to the Winter Palace.",
        [w.junkers],
        domain="military",
        at=d(10, 23, 8),
    )
    grant = fed.grant_veto(SYS, w.mrc, issuers=[w.staff], domains=["military"], at=d(10, 23, 10))
    between = fed.issue_directive(
        SYS, w.staff, "Raise the bridges.", [w.junkers], domain="military", at=d(10, 23, 15)
    )
    with pytest.raises(NotAllowed, match="holds no veto"):
        fed.veto_directive(SYS, between, w.soviet, at=d(10, 23, 16))
    fed.veto_directive(SYS, between, w.mrc, at=d(10, 23, 16))
    fed.withdraw_veto(SYS, grant, at=d(10, 23, 23, 30))

    assert status_of(between, junkers, d(10, 23, 15, 30)) is Status.BINDING
    assert status_of(between, junkers, d(10, 23, 16)) is Status.VETOED
    assert status_of(between, junkers, d(10, 23, 23, 29)) is Status.VETOED
    assert status_of(between, junkers, d(10, 23, 23, 30)) is Status.BINDING
    assert status_of(between, junkers, d(10, 24)) is Status.BINDING
    # The directive issued before the grant was never vetoed.
    assert status_of(before, junkers, d(10, 23, 20)) is Status.BINDING
    # After the withdrawal the MRC holds no veto.
    with pytest.raises(NotAllowed, match="holds no veto"):
        fed.veto_directive(SYS, before, w.mrc, at=d(10, 24))
    # A veto of another class (political) is not covered by the grant.
    political = fed.issue_directive(
        SYS,
        w.staff,
        "Close the Bolshevik papers.",
        [w.junkers],
        domain="political",
        at=d(10, 23, 17),
    )
    with pytest.raises(NotAllowed, match="holds no veto"):
        fed.veto_directive(SYS, political, w.mrc, at=d(10, 23, 18))
    checked, broken = verify_journal()
    assert broken is None
    actions_done = set(JournalEntry.objects.values_list("action", flat=True))
    assert {"grant_veto", "veto_directive", "withdraw_veto", "issue_directive"} <= actions_done
    assert checked == JournalEntry.objects.count()


def exported(directive: Directive, capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    assert main(["directive", "export", str(directive.pk)]) == 0
    data: dict[str, object] = json.loads(capsys.readouterr().out)
    return data


def verify_file(
    data: dict[str, object], path: Path, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, str]:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    status = main(["directive", "verify", str(path)])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.mark.django_db
@pytest.mark.parametrize("alteration", ["text", "addressees", "signer", "domain"])
def test_an_altered_export_is_not_authentic(
    alteration: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    w = petrograd()
    directive = fed.issue_directive(
        SYS,
        w.commission,
        "Return to barracks.",
        [w.volhynian],
        domain="political",
        at=d(3, 2, 10),
    )
    data = exported(directive, capsys)
    status, out, _ = verify_file(data, tmp_path / "intact.json", capsys)
    assert status == 3
    assert out.startswith("consistent, but not authenticated: pin the root")
    content = data["directive"]
    assert isinstance(content, dict)
    if alteration == "text":
        content["text"] = "Hand over your rifles to the officers."
    elif alteration == "addressees":
        content["addressees"].append(
            {"kind": "unit", "id": str(w.pavlovsky.pk), "name": w.pavlovsky.name}
        )
    elif alteration == "signer":
        content["issuer"] = {"id": str(w.staff.pk), "name": w.staff.name}
    else:
        content["domain"] = "military"
    status, out, err = verify_file(data, tmp_path / "altered.json", capsys)
    assert status == 1
    assert out.startswith("not authentic")
    field = "issuer" if alteration == "signer" else alteration
    assert f"directive.{field}" in err


@pytest.mark.django_db
def test_signed_with_another_organs_key_is_not_authentic(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The Kerensky-as-Lvov case: a message presented as one organ's, made by another."""
    w = petrograd()
    genuine = fed.issue_directive(
        SYS, w.staff, "Stand by.", [w.pavlovsky], domain="military", at=d(8, 26, 10)
    )
    signed = doc.loads(export_text(genuine))
    forged_content = doc.Directive(
        id="forged-1",
        organisation=signed.directive.organisation,
        issuer=doc.Named(str(w.mrc.pk), w.mrc.name),  # claims the MRC ...
        issued_at=d(8, 26, 11),
        domain="military",
        text="Open fire.",
        addressees=signed.directive.addressees,
    )
    staff_key = OrganKey.objects.get(organ=w.staff)  # ... made with the Staff's key
    private = keys.unseal(staff_key.private_sealed, staff_key.key_id)
    fields = doc.field_digests(forged_content)
    forged = doc.SignedDirective(
        forged_content,
        doc.IssuerSignature(
            staff_key.key_id, fields, sign_bytes(private, doc.directive_message(fields))
        ),
        signed.certificate,
        signed.root,
    )
    status, out, err = verify_file(json.loads(doc.dumps(forged)), tmp_path / "lvov.json", capsys)
    assert status == 1
    assert out.startswith("not authentic")
    assert "directive.issuer: signed by key of organ" in err
    # And the genuine one, pinned, is authentic.
    root = base64.b64encode(bytes(RootKey.objects.get().public_key)).decode()
    path = tmp_path / "genuine.txt"
    path.write_text(export_text(genuine), encoding="utf-8")
    assert main(["directive", "verify", str(path), "--trust", root]) == 0
    capsys.readouterr()


@pytest.mark.django_db
def test_directive_list_and_a_tampered_row(capsys: pytest.CaptureFixture[str]) -> None:
    w = petrograd()
    fed.set_authority_rule(SYS, "countersignature", w.mrc, at=d(10, 22, 0))
    first = fed.issue_directive(
        SYS, w.staff, "Hold.", [w.pavlovsky, w.junkers], domain="military", at=d(10, 22, 9)
    )
    second = fed.issue_directive(
        SYS, w.commission, "March.", [w.junkers], domain="military", at=d(10, 22, 10)
    )
    assert main(["directive", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        f"{first.pk}\t{d(10, 22, 9).isoformat()}\t{w.staff.name}\t"
        f"{ref(w.pavlovsky)}: awaiting countersignature; {ref(w.junkers)}: binding",
        f"{second.pk}\t{d(10, 22, 10).isoformat()}\t{w.commission.name}\tbinding",
    ]
    # A stored file altered behind the actions' back no longer verifies: not authentic.
    text = second.document.replace("March.", "Retreat.")
    Directive.objects.filter(pk=second.pk).update(document=text)
    second.refresh_from_db()
    (standing,) = directive_standings(second, d(10, 23))
    assert standing.status is Status.NOT_AUTHENTIC
    assert main(["directive", "list"]) == 0
    assert capsys.readouterr().out.splitlines()[1].endswith("\tnot authentic")
    assert main(["directive", "export", "999999"]) == 2
    assert "no directive 999999" in capsys.readouterr().err
    assert main(["directive", "export", "x"]) == 2


@pytest.mark.django_db
def test_key_rotation_and_keys_sealed_at_rest(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    w = petrograd()
    old = OrganKey.objects.get(organ=w.mrc)
    before = fed.issue_directive(
        SYS, w.mrc, "Commissars to every unit.", [w.volhynian], domain="military", at=d(10, 21)
    )
    new = fed.rotate_organ_key(SYS, w.mrc, at=d(10, 25))
    old.refresh_from_db()
    assert old.end == d(10, 25)
    assert old.certificate["valid_until"] == d(10, 25).isoformat()
    after = fed.issue_directive(
        SYS,
        w.mrc,
        "The government is deposed.",
        [w.volhynian],
        domain="political",
        at=d(10, 25, 15),
    )
    assert json.loads(after.document)["signature"]["key_id"] == new.key_id
    assert json.loads(before.document)["signature"]["key_id"] == old.key_id
    for directive in (before, after):
        assert all(
            s.status is not Status.NOT_AUTHENTIC for s in directive_standings(directive, d(11, 1))
        )
    with pytest.raises(NotAllowed, match="at or before"):
        fed.rotate_organ_key(SYS, w.mrc, at=d(10, 25))
    # The private key is stored sealed: not in clear, and useless under another key file.
    private = keys.unseal(new.private_sealed, new.key_id)
    assert private not in bytes(new.private_sealed)
    with pytest.raises(keys.SealedKeyError, match="altered"):
        keys.unseal(new.private_sealed, old.key_id)  # moved onto another key id
    monkeypatch.setenv("SMOLNY_KEY_FILE", str(tmp_path / "another installation's key"))
    with pytest.raises(keys.SealedKeyError, match="another key file"):
        keys.unseal(new.private_sealed, new.key_id)
    # An organ without a key cannot issue.
    bare = organ(w.soviet, "Ispolkom", Organ.EXECUTIVE)
    with pytest.raises(NotAllowed, match="no key in force"):
        fed.issue_directive(SYS, bare, "Text.", [w.volhynian], domain="political", at=d(11, 1))
    with pytest.raises(ActionError, match="addressee is named twice"):
        fed.issue_directive(
            SYS, w.mrc, "Text.", [w.volhynian, w.volhynian], domain="political", at=d(11, 1)
        )
