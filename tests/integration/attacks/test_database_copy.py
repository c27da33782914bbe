"""Attack 2 of issue 17: forging directives with a copy of the database.

Before the fix the private keys were sealed under a key derived from the secret key, whose
development default was a constant in the source: a copy of the database was enough to
open the root key, certify a new organ key and sign a directive that ``directive verify
--trust <root>`` called authentic; and ``verify`` without ``--trust`` exited 0 for any
self-made key chain. Now the keys are sealed under a key file the database does not hold,
and an unpinned file is never a success.

"A copy of the database alone" is the same rows read by an installation with another key
file (``SMOLNY_KEY_FILE`` pointed elsewhere), which is what a thief with a dump has.
"""

from __future__ import annotations

import base64
import json
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

from smolny.cli import main
from smolny.directives import (
    certify_key,
    generate_organ_key,
    generate_root_key,
    root_key,
    sign_directive,
)
from smolny.directives import document as doc
from smolny.federation import actions as fed
from smolny.federation import keys
from smolny.federation.models import Directive, OrganKey, RootKey
from smolny.federation.queries import export_text
from tests.integration.attacks.conftest import state
from tests.integration.federation.conftest import SYS
from tests.integration.federation.test_directives_1917 import Petrograd, d, petrograd

pytestmark = pytest.mark.django_db


def issued(w: Petrograd) -> Directive:
    return fed.issue_directive(
        SYS,
        w.staff,
        "Hold the bridges.",
        [w.pavlovsky],
        domain="military",
        at=d(10, 24, 9),
    )


def test_the_key_file_is_made_on_first_use_readable_by_its_owner_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "fresh" / "sealing_key"
    monkeypatch.setenv("SMOLNY_KEY_FILE", str(path))
    assert not path.exists()
    first = keys.sealing_key()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert keys.sealing_key() == first
    assert len(first) == keys.KEY_BYTES
    assert first.hex() != settings.SECRET_KEY


def test_a_copy_of_the_database_alone_signs_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = petrograd()
    genuine = issued(w)
    root = RootKey.objects.get()
    organ_key = OrganKey.objects.get(organ=w.staff)
    # The thief's installation: the same rows, another key file.
    monkeypatch.setenv("SMOLNY_KEY_FILE", str(tmp_path / "thief" / "sealing_key"))
    with pytest.raises(keys.SealedKeyError, match="another key file"):
        keys.unseal(root.private_sealed, doc.key_id(bytes(root.public_key)))
    with pytest.raises(keys.SealedKeyError, match="another key file"):
        keys.unseal(organ_key.private_sealed, organ_key.key_id)
    before = state()
    with pytest.raises(keys.SealedKeyError):
        issued(w)
    with pytest.raises(keys.SealedKeyError):
        fed.rotate_organ_key(SYS, w.mrc, at=d(10, 25))
    assert state() == before
    # Nor does the old derivation from the secret key open anything any more.
    old = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=None,
        info=b"smolny federation private keys v1",
    ).derive(str(settings.SECRET_KEY).encode())
    sealed = bytes(root.private_sealed)
    body = sealed[len(keys.MAGIC) + keys.FINGERPRINT_BYTES :]
    with pytest.raises(InvalidTag):
        AESGCM(old).decrypt(body[:12], body[12:], doc.key_id(bytes(root.public_key)).encode())
    # Back on the installation's own key file, signing works again.
    monkeypatch.undo()
    assert keys.unseal(organ_key.private_sealed, organ_key.key_id)
    assert genuine.document


def test_a_key_sealed_under_the_old_scheme_is_refused_with_a_message(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A database from before the key file: its keys are refused, saying what to do."""
    w = petrograd()
    organ_key = OrganKey.objects.get(organ=w.staff)
    private = keys.unseal(organ_key.private_sealed, organ_key.key_id)
    old = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"smolny federation private keys v1"
    ).derive(str(settings.SECRET_KEY).encode())
    nonce = b"\0" * 12
    legacy = nonce + AESGCM(old).encrypt(nonce, private, organ_key.key_id.encode())
    OrganKey.objects.filter(pk=organ_key.pk).update(private_sealed=legacy)
    before = state()
    with pytest.raises(keys.SealedKeyError, match="old scheme"):
        issued(w)
    assert state() == before


def test_a_self_made_key_chain_is_never_authentic(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The thief makes a root key of their own, certifies an organ key with it and signs a
    directive in the organisation's name: unpinned it exits 3 (never 0), and against the
    organisation's pinned root it is not authentic."""
    w = petrograd()
    genuine = issued(w)
    signed = doc.loads(export_text(genuine))
    root_private, root_public = generate_root_key()
    organ_private, organ_public = generate_organ_key()
    certificate = certify_key(
        root_private,
        signed.directive.issuer,
        organ_public,
        datetime(1917, 10, 1, tzinfo=UTC),
        organisation_id=signed.directive.organisation.id,
    )
    forged = sign_directive(
        doc.Directive(
            id="forged",
            organisation=signed.directive.organisation,
            issuer=signed.directive.issuer,
            issued_at=d(10, 24, 10),
            domain="military",
            text="Open the bridges.",
            addressees=signed.directive.addressees,
        ),
        organ_private,
        certificate,
        root_key(signed.directive.organisation, root_public),
    )
    path = tmp_path / "forged.json"
    path.write_text(doc.dumps(forged), encoding="utf-8")
    assert main(["directive", "verify", str(path)]) == 3
    out, err = capsys.readouterr()
    assert "consistent, but not authenticated: pin the root" in err
    assert out.splitlines()[-1].endswith(base64.b64encode(root_public).decode())
    pinned = base64.b64encode(bytes(RootKey.objects.get().public_key)).decode()
    assert main(["directive", "verify", str(path), "--trust", pinned]) == 1
    capsys.readouterr()
    genuine_path = tmp_path / "genuine.json"
    genuine_path.write_text(export_text(genuine), encoding="utf-8")
    assert main(["directive", "verify", str(genuine_path)]) == 3
    printed = capsys.readouterr()[0].splitlines()[-1].rsplit("--trust ", 1)[1]
    assert printed == pinned
    assert main(["directive", "verify", str(genuine_path), "--trust", printed]) == 0
    assert json.loads(export_text(genuine))["directive"]["text"] == "Hold the bridges."
