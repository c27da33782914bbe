"""Signed directives: round trip, every field's alteration named, wrong keys, rotation, pins.

The world is Petrograd in October 1917 (history/petrograd-1917.md): the MRC, the military
district staff, and, for the forged channel of 26 August, the Minister-President and V. N. Lvov.
Dates are the history file's Julian dates, used as plain instants.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from smolny.directives import (
    Addressee,
    Directive,
    DocumentError,
    KeyCertificate,
    Named,
    RootKey,
    SignedDirective,
    authority_record,
    certify_key,
    countersign,
    dumps,
    generate_organ_key,
    generate_root_key,
    loads,
    root_key,
    sign_directive,
    verify,
)
from smolny.directives.document import directive_message, field_digests, key_id, to_json
from smolny.directives.signing import IssuerSignature, public_key_of, sign_bytes
from smolny.rules.authority import (
    AuthorityRules,
    CountersignatureRule,
    Status,
    Subordination,
    directive_status,
)

PETROGRAD = timezone(timedelta(hours=3))
ORGANISATION = Named("petrograd", "Petrograd Soviet of Workers' and Soldiers' Deputies")
MRC = Named("mrc", "Military Revolutionary Committee")
STAFF = Named("district-staff", "Petrograd Military District Staff")
PREMIER = Named("minister-president", "Minister-President A. F. Kerensky")
LVOV = Named("lvov", "V. N. Lvov")
PAVLOVSKY = Addressee("unit", "pavlovsky", "Pavlovsky Regiment")
GARRISON = Addressee("council", "garrison-conference", "Garrison conference")


def at(month: int, day: int, hour: int = 0) -> datetime:
    return datetime(1917, month, day, hour, tzinfo=PETROGRAD)


YEAR_START, YEAR_END, STAFF_ISSUED = at(1, 1), at(12, 31), at(10, 22, 9)


@dataclass(frozen=True)
class Organ:
    named: Named
    private: bytes
    certificate: KeyCertificate


@dataclass(frozen=True)
class World:
    root_private: bytes
    root: RootKey
    mrc: Organ
    staff: Organ
    premier: Organ
    lvov: Organ

    def organ(
        self,
        named: Named,
        valid_from: datetime = YEAR_START,
        valid_until: datetime | None = YEAR_END,
        root_private: bytes | None = None,
    ) -> Organ:
        private, public = generate_organ_key()
        certificate = certify_key(
            root_private or self.root_private,
            named,
            public,
            valid_from,
            valid_until,
            organisation_id=ORGANISATION.id,
        )
        return Organ(named, private, certificate)


def make_world() -> World:
    root_private, root_public = generate_root_key()
    world = World(root_private, root_key(ORGANISATION, root_public), *([None] * 4))  # type: ignore[arg-type]
    return replace(
        world,
        mrc=world.organ(MRC, valid_until=None),
        staff=world.organ(STAFF),
        premier=world.organ(PREMIER),
        lvov=world.organ(LVOV),
    )


@pytest.fixture(scope="module")
def world() -> World:
    return make_world()


def staff_directive(issued: datetime = STAFF_ISSUED, **changes: Any) -> Directive:
    base = Directive(
        id="staff-1917-10-22-1",
        organisation=ORGANISATION,
        issuer=STAFF,
        issued_at=issued,
        domain="military",
        text="The Pavlovsky Regiment will remain in barracks. — Полковник Полковников",
        addressees=(PAVLOVSKY, GARRISON),
    )
    return replace(base, **changes)


def signed_and_countersigned(world: World) -> SignedDirective:
    signed = sign_directive(
        staff_directive(), world.staff.private, world.staff.certificate, world.root
    )
    return countersign(signed, world.mrc.private, world.mrc.certificate, at(10, 22, 14))


def forge(world: World, directive: Directive, signer: Organ) -> SignedDirective:
    """What a forger does: sign the directive with the key they hold, whatever it claims."""
    fields = field_digests(directive)
    signature = IssuerSignature(
        signer.certificate.key_id, fields, sign_bytes(signer.private, directive_message(fields))
    )
    return SignedDirective(directive, signature, signer.certificate, world.root)


# ---------------------------------------------------------------------------------------------
# Round trip
# ---------------------------------------------------------------------------------------------


def test_round_trip_verifies_with_and_without_a_pin(world: World) -> None:
    signed = signed_and_countersigned(world)
    text = dumps(signed)
    again = loads(text, "order.json")
    assert again == signed
    assert dumps(again) == text
    unpinned = verify(again)
    assert unpinned.authentic
    assert unpinned.reasons == []
    assert not unpinned.root_pinned
    assert unpinned.summary == "consistent, but not authenticated: pin the root"
    assert unpinned.signed_by == STAFF
    assert unpinned.countersigned_by == ((MRC, at(10, 22, 14)),)
    pinned = verify(again, trusted_roots={world.root.public_key})
    assert pinned.authentic
    assert pinned.root_pinned
    assert pinned.summary == "authentic"


def test_the_file_is_readable_json(world: World) -> None:
    text = dumps(signed_and_countersigned(world))
    assert "Полковник" in text  # UTF-8 as itself, not \u escapes
    assert '\n  "directive": {\n' in text
    data = json.loads(text)
    assert data["directive"]["issuer"] == {"id": STAFF.id, "name": STAFF.name}
    assert data["directive"]["issued_at"] == "1917-10-22T09:00:00+03:00"
    assert base64.b64decode(data["root"]["public_key"]) == world.root.public_key


def test_key_ids_are_derived_from_the_key(world: World) -> None:
    import hashlib

    expected = "ed25519:" + hashlib.sha256(world.root.public_key).hexdigest()[:32]
    assert world.root.key_id == expected == key_id(world.root.public_key)
    assert world.staff.certificate.issuer_key_id == world.root.key_id


# ---------------------------------------------------------------------------------------------
# Every single field altered: verification fails and names the field
# ---------------------------------------------------------------------------------------------

Leaf = tuple[tuple[str | int, ...], Any]
INSTANT_FIELDS = {"issued_at", "valid_from", "valid_until", "countersigned_at"}
BYTES_FIELDS = {"public_key", "value"}


def leaves(node: Any, path: tuple[str | int, ...] = ()) -> list[Leaf]:
    if isinstance(node, dict):
        return [leaf for key, child in node.items() for leaf in leaves(child, (*path, key))]
    if isinstance(node, list):
        return [leaf for index, child in enumerate(node) for leaf in leaves(child, (*path, index))]
    return [(path, node)]


def altered(path: tuple[str | int, ...], value: Any) -> Any:
    """A different value of the same form, so that only authenticity can catch it."""
    last = path[-1]
    if value is None:
        return "1917-12-31T00:00:00+03:00"
    if isinstance(value, str) and (value.startswith(("sha256:", "ed25519:"))):
        return value[:-1] + ("0" if value[-1] != "0" else "1")
    if last in INSTANT_FIELDS:
        return (datetime.fromisoformat(value) + timedelta(seconds=1)).isoformat()
    if last in BYTES_FIELDS or (last == "signature" and path[0] != "signature"):
        raw = bytearray(base64.b64decode(value))
        raw[-1] ^= 1
        return base64.b64encode(bytes(raw)).decode()
    if last == "kind":
        return "organ" if value != "organ" else "unit"
    return value + "x"


def expected_name(path: tuple[str | int, ...]) -> str:
    if path[0] == "directive":
        return f"directive.{path[1]}"
    if path[0] == "countersignatures":
        return f"countersignatures[{path[1]}]"
    return str(path[0])


def set_leaf(data: Any, path: tuple[str | int, ...], value: Any) -> None:
    for part in path[:-1]:
        data = data[part]
    data[path[-1]] = value


def test_every_single_field_alteration_fails_and_names_the_field(world: World) -> None:
    signed = signed_and_countersigned(world)
    original = to_json(signed)
    paths = leaves(original)
    assert len(paths) > 50
    checked = 0
    for path, value in paths:
        data = json.loads(json.dumps(original))
        set_leaf(data, path, altered(path, value))
        text = json.dumps(data, indent=2, ensure_ascii=False)
        if path == ("format",):
            # The format marker cannot be altered into another well-formed value.
            with pytest.raises(DocumentError, match="field format: must be 'smolny-directive/1'"):
                loads(text, "altered.json")
            continue
        changed = loads(text, "altered.json")
        verification = verify(changed, trusted_roots={world.root.public_key})
        assert not verification.authentic, path
        name = expected_name(path)
        assert any(name in reason for reason in verification.reasons), (
            path,
            verification.reasons,
        )
        checked += 1
    assert checked == len(paths) - 1


@pytest.mark.parametrize("field", ["text", "addressees", "issuer", "issued_at", "domain", "id"])
def test_altered_directive_field_is_named_exactly(world: World, field: str) -> None:
    signed = signed_and_countersigned(world)
    changes: dict[str, Any] = {
        "text": "The Pavlovsky Regiment will march on Smolny.",
        "addressees": (PAVLOVSKY,),
        "issuer": MRC,
        "issued_at": at(10, 21, 9),
        "domain": "political",
        "id": "staff-1917-10-22-2",
    }
    tampered = replace(signed, directive=replace(signed.directive, **{field: changes[field]}))
    verification = verify(tampered)
    assert not verification.authentic
    assert f"directive.{field}: altered after signing" in " ".join(verification.reasons)
    # The countersignature no longer matches the directive either.
    assert any("countersignatures[0].directive_digest" in r for r in verification.reasons)


def test_reordering_addressees_is_an_alteration(world: World) -> None:
    signed = signed_and_countersigned(world)
    directive = replace(signed.directive, addressees=tuple(reversed(signed.directive.addressees)))
    reasons = verify(replace(signed, directive=directive)).reasons
    assert any(r.startswith("directive.addressees: altered") for r in reasons)


def test_manifest_altered_to_match_is_caught_by_the_signature(world: World) -> None:
    signed = signed_and_countersigned(world)
    directive = replace(signed.directive, text="Hand the weapons to the officers.")
    signature = replace(signed.signature, fields=field_digests(directive))
    verification = verify(replace(signed, directive=directive, signature=signature))
    assert not verification.authentic
    assert any(
        r.startswith("signature: the issuer's signature does not verify")
        for r in verification.reasons
    )


# ---------------------------------------------------------------------------------------------
# Wrong keys: Kerensky as Lvov, other roots, rotation
# ---------------------------------------------------------------------------------------------


def test_kerensky_as_lvov_signed_by_another_organs_key_fails(world: World) -> None:
    claim = Directive(
        id="hughes-1917-08-26",
        organisation=ORGANISATION,
        issuer=LVOV,
        issued_at=at(8, 26, 20),
        domain="political",
        text="I confirm the proposal transmitted through me.",
        addressees=(Addressee("organ", "stavka", "Supreme Commander (Stavka)"),),
    )
    forged = loads(dumps(forge(world, claim, world.premier)), "hughes.json")
    verification = verify(forged, trusted_roots={world.root.public_key})
    assert not verification.authentic
    assert verification.signed_by is None
    assert (
        "directive.issuer: signed by key of organ minister-president "
        "(Minister-President A. F. Kerensky), claims organ lvov (V. N. Lvov)"
    ) in verification.reasons
    # Only the claim is wrong: the signature itself and every field are intact.
    assert len(verification.reasons) == 1


def test_sign_directive_refuses_to_forge(world: World) -> None:
    claim = staff_directive(issuer=LVOV)
    with pytest.raises(ValueError, match="certificate is for organ"):
        sign_directive(claim, world.premier.private, world.premier.certificate, world.root)
    with pytest.raises(ValueError, match="private key"):
        sign_directive(staff_directive(), world.mrc.private, world.staff.certificate, world.root)
    signed = sign_directive(
        staff_directive(), world.staff.private, world.staff.certificate, world.root
    )
    with pytest.raises(ValueError, match="private key"):
        countersign(signed, world.staff.private, world.mrc.certificate, at(10, 22, 14))


def test_a_key_certified_by_another_root_fails(world: World) -> None:
    usurper_private, _ = generate_root_key()
    usurper = world.organ(STAFF, root_private=usurper_private)
    signed = sign_directive(staff_directive(), usurper.private, usurper.certificate, world.root)
    reasons = verify(signed).reasons
    assert any(r.startswith("certificate.issuer_key_id: certified by key") for r in reasons)
    assert any(
        r.startswith("certificate: the root key's signature does not verify") for r in reasons
    )


def test_a_whole_forged_hierarchy_is_only_self_consistent_until_the_root_is_pinned(
    world: World,
) -> None:
    rival_private, rival_public = generate_root_key()
    rival_root = root_key(ORGANISATION, rival_public)
    rival_staff = world.organ(STAFF, root_private=rival_private)
    signed = sign_directive(
        staff_directive(), rival_staff.private, rival_staff.certificate, rival_root
    )
    unpinned = verify(signed)
    assert unpinned.authentic
    assert unpinned.summary == "consistent, but not authenticated: pin the root"
    pinned = verify(signed, trusted_roots={world.root.public_key})
    assert not pinned.authentic
    assert pinned.reasons == [
        f"root.public_key: root key {rival_root.key_id} is not a trusted root"
    ]


def test_rotated_key_fails_for_a_directive_issued_after_its_validity(world: World) -> None:
    rotation = at(10, 20)
    old = world.organ(STAFF, valid_from=at(10, 1), valid_until=rotation)
    new = world.organ(STAFF, valid_from=rotation, valid_until=None)
    before = sign_directive(
        staff_directive(at(10, 19, 23)), old.private, old.certificate, world.root
    )
    assert verify(before).authentic
    after = sign_directive(staff_directive(at(10, 20)), old.private, old.certificate, world.root)
    verification = verify(after)
    assert not verification.authentic
    assert verification.reasons == [
        f"certificate: key {old.certificate.key_id} of organ district-staff (Petrograd Military "
        "District Staff) is valid from 1917-10-01T00:00:00+03:00 until "
        "1917-10-20T00:00:00+03:00; directive issued at 1917-10-20T00:00:00+03:00 is outside it"
    ]
    assert verify(
        sign_directive(staff_directive(at(10, 20)), new.private, new.certificate, world.root)
    ).authentic
    too_early = sign_directive(
        staff_directive(at(10, 19)), new.private, new.certificate, world.root
    )
    assert not verify(too_early).authentic


def test_certify_key_refuses_an_empty_window(world: World) -> None:
    _, public = generate_organ_key()
    with pytest.raises(ValueError, match="end after it starts"):
        certify_key(world.root_private, STAFF, public, at(10, 2), at(10, 1), organisation_id="p")
    with pytest.raises(ValueError, match="UTC offset"):
        certify_key(world.root_private, STAFF, public, datetime(1917, 10, 1), organisation_id="p")


# ---------------------------------------------------------------------------------------------
# Countersignatures
# ---------------------------------------------------------------------------------------------


def test_countersignature_with_an_expired_key_fails(world: World) -> None:
    expired = world.organ(MRC, valid_from=at(10, 12), valid_until=at(10, 22, 12))
    signed = sign_directive(
        staff_directive(), world.staff.private, world.staff.certificate, world.root
    )
    late = countersign(signed, expired.private, expired.certificate, at(10, 22, 14))
    verification = verify(late)
    assert not verification.authentic
    assert verification.countersigned_by == ()
    assert any(r.startswith("countersignatures[0].certificate: key") for r in verification.reasons)


def test_countersignature_moved_to_another_directive_fails(world: World) -> None:
    first = signed_and_countersigned(world)
    other = sign_directive(
        staff_directive(id="staff-1917-10-22-2"),
        world.staff.private,
        world.staff.certificate,
        world.root,
    )
    moved = replace(other, countersignatures=first.countersignatures)
    reasons = verify(moved).reasons
    assert reasons == [
        "countersignatures[0].directive_digest: countersignature by mrc (Military Revolutionary "
        "Committee) is over another directive, or the directive was altered"
    ]


def test_countersignature_claiming_another_organ_fails(world: World) -> None:
    signed = sign_directive(
        staff_directive(), world.staff.private, world.staff.certificate, world.root
    )
    by_premier = countersign(
        signed, world.premier.private, world.premier.certificate, at(10, 22, 14)
    )
    claimed = replace(by_premier.countersignatures[0], organ=MRC)
    reasons = verify(replace(by_premier, countersignatures=(claimed,))).reasons
    assert any(
        r.startswith("countersignatures[0].organ: signed by key of organ minister-president")
        and r.endswith("claims organ mrc (Military Revolutionary Committee)")
        for r in reasons
    )


def test_countersignature_before_the_directive_fails(world: World) -> None:
    signed = sign_directive(
        staff_directive(), world.staff.private, world.staff.certificate, world.root
    )
    early = countersign(signed, world.mrc.private, world.mrc.certificate, at(10, 22, 8))
    assert verify(early).reasons == [
        "countersignatures[0].countersigned_at: before the directive was issued"
    ]


def test_removing_a_countersignature_leaves_an_authentic_uncountersigned_directive(
    world: World,
) -> None:
    """Countersignatures are added after the issuer signs, so dropping one cannot be detected;
    it can only make the directive less binding, which the authority rules then show."""
    signed = signed_and_countersigned(world)
    dropped = replace(signed, countersignatures=())
    verification = verify(dropped)
    assert verification.authentic
    assert verification.countersigned_by == ()


# ---------------------------------------------------------------------------------------------
# From the verifier to the authority rules
# ---------------------------------------------------------------------------------------------

MRC_RULES = AuthorityRules(
    hierarchy=(Subordination("unit:pavlovsky", "organ:mrc", applies_from=at(10, 12)),),
    countersignature=(CountersignatureRule("organ:mrc", applies_from=at(10, 22)),),
)


def test_authority_record_binds_only_with_a_verified_countersignature(world: World) -> None:
    signed = signed_and_countersigned(world)
    record = authority_record(signed, verify(signed))
    assert record.issuer == "organ:district-staff"
    assert record.addressees == ("unit:pavlovsky", "council:garrison-conference")
    assert (
        directive_status(record, "unit:pavlovsky", at(10, 23), MRC_RULES).status is Status.BINDING
    )
    # A countersignature made with the wrong key does not count.
    bad = replace(
        signed.countersignatures[0],
        value=sign_bytes(world.premier.private, b"anything"),
    )
    tampered = replace(signed, countersignatures=(bad,))
    record = authority_record(tampered, verify(tampered))
    standing = directive_status(record, "unit:pavlovsky", at(10, 23), MRC_RULES)
    assert standing.status is Status.NOT_AUTHENTIC
    assert standing.also == (
        "unit:pavlovsky is under organ:mrc, whose countersignature is required "
        "(from 1917-10-22T00:00:00+03:00); organ:mrc has not countersigned",
    )


def test_authority_record_of_a_forgery_is_not_authentic(world: World) -> None:
    forged = forge(world, staff_directive(issuer=MRC), world.staff)
    record = authority_record(forged, verify(forged))
    assert not record.authentic
    assert directive_status(record, "unit:pavlovsky", at(10, 23), MRC_RULES).status is (
        Status.NOT_AUTHENTIC
    )


def test_public_key_of_matches_generation() -> None:
    private, public = generate_organ_key()
    assert public_key_of(private) == public
    assert len(private) == len(public) == 32
