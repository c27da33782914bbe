"""Organ keys and the organisation's root key, with the private halves sealed at rest under a
key the database does not hold.

The sealing key is 32 random bytes in a key file: the path in ``SMOLNY_KEY_FILE``, or
``sealing_key`` in the data directory (beside the default SQLite database, see
:mod:`smolny.dburl`), created on first use with mode 0600. It is never derived from a
constant nor from Django's ``SECRET_KEY``: whoever holds a copy of the database (a backup, a
stolen dump, a replica) without the key file cannot open a private key, so cannot sign or
certify anything. Back the key file up apart from the database; losing it makes the stored
private keys unreadable (rotate every organ key; the organisation's root needs a new pin).

Each sealed key is ``MAGIC || fingerprint (8 bytes) || nonce (12 bytes) || ciphertext``:
AES-256-GCM with the key id bound in as associated data, so a sealed key cannot be swapped
onto another row unnoticed. The fingerprint (the first bytes of a hash of the sealing key)
says which key file sealed it, so a key from another installation, or sealed under the old
scheme (derived from the secret key, before the key file), is refused with a message saying
so rather than as a bare decryption failure.

What the database never holds in clear is the private key; what it does hold is everything
needed to check signatures (public keys and certificates), which is public anyway.
"""

from __future__ import annotations

import binascii
import hashlib
import os
import secrets
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.utils.translation import gettext

from smolny.dburl import DEFAULT_SQLITE_PATH
from smolny.directives.document import KeyCertificate, Named, certificate_body
from smolny.journal.actions import ActionError
from smolny.secretfile import create_once

KEY_FILE_NAME = "sealing_key"
KEY_BYTES = 32
MAGIC = b"smolny-sealed-2:"
FINGERPRINT_BYTES = 8
NONCE_BYTES = 12


class SealedKeyError(ActionError):
    """A sealed private key cannot be opened here (the message says why and what to do)."""


def key_file() -> Path:
    """Where the sealing key is kept: ``SMOLNY_KEY_FILE``, else the data directory."""
    named = os.environ.get("SMOLNY_KEY_FILE", "").strip()
    return Path(named) if named else DEFAULT_SQLITE_PATH.parent / KEY_FILE_NAME


def _read_key(path: Path) -> bytes:
    text = path.read_text(encoding="ascii").strip()
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) != KEY_BYTES:
        raise SealedKeyError(
            gettext(
                "%(path)s does not hold a sealing key (%(size)s bytes in "
                "hexadecimal); restore it from its backup"
            )
            % {"path": path, "size": KEY_BYTES}
        )
    return key


def sealing_key() -> bytes:
    """The sealing key, made at random (mode 0600) the first time it is asked for.

    Written under a temporary name and linked into place, so two processes starting at once
    end with the same key (one link wins; the other reads the winner's)."""
    path = key_file()
    try:
        try:
            return _read_key(path)
        except FileNotFoundError:
            pass
        create_once(path, f"{secrets.token_bytes(KEY_BYTES).hex()}\n")
    except OSError as error:
        raise SealedKeyError(
            gettext(
                "cannot keep the sealing key in %(path)s: %(value)s; set SMOLNY_KEY_FILE "
                "to a file the server may write"
            )
            % {"path": path, "value": error.strerror or error}
        ) from error
    return _read_key(path)


def _fingerprint(key: bytes) -> bytes:
    return hashlib.sha256(b"smolny sealing key fingerprint\0" + key).digest()[:FINGERPRINT_BYTES]


def seal(private_key: bytes, key_id: str) -> bytes:
    """*private_key* encrypted under the sealing key, bound to *key_id*."""
    key = sealing_key()
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(key).encrypt(nonce, private_key, key_id.encode("ascii"))
    return MAGIC + _fingerprint(key) + nonce + sealed


def unseal(sealed: bytes | memoryview, key_id: str) -> bytes:
    """The private key sealed by :func:`seal`.

    Raises :class:`SealedKeyError` when it was sealed under the old scheme, or with another
    key file than this installation's, or when the sealed bytes or key id were altered."""
    sealed = bytes(sealed)
    if not sealed.startswith(MAGIC):
        raise SealedKeyError(
            gettext(
                "the private key %(key_id)s was sealed under the old scheme (derived "
                "from the secret key), which is no longer trusted or opened: load the "
                "world afresh, or rotate the organ keys and pin the new root"
            )
            % {"key_id": key_id}
        )
    key = sealing_key()
    body = sealed[len(MAGIC) :]
    if body[:FINGERPRINT_BYTES] != _fingerprint(key):
        raise SealedKeyError(
            gettext(
                "the private key %(key_id)s was sealed with another key file than "
                "%(key_file)s: a database copied without its key file cannot sign; point "
                "SMOLNY_KEY_FILE at the installation's key file"
            )
            % {"key_id": key_id, "key_file": key_file()}
        )
    nonce = body[FINGERPRINT_BYTES : FINGERPRINT_BYTES + NONCE_BYTES]
    try:
        return AESGCM(key).decrypt(
            nonce, body[FINGERPRINT_BYTES + NONCE_BYTES :], key_id.encode("ascii")
        )
    except InvalidTag:
        raise SealedKeyError(
            gettext(
                "the sealed private key %(key_id)s does not open: it was altered, or "
                "moved from another key's row"
            )
            % {"key_id": key_id}
        ) from None


def certificate_json(certificate: KeyCertificate) -> dict[str, Any]:
    """A key certificate as stored: the file format's certificate object."""
    return {**certificate_body(certificate), "signature": _b64(certificate.signature)}


def certificate_from_json(data: dict[str, Any]) -> KeyCertificate:
    """The key certificate stored by :func:`certificate_json`."""
    until = data["valid_until"]
    return KeyCertificate(
        organisation_id=data["organisation_id"],
        organ=Named(data["organ"]["id"], data["organ"]["name"]),
        key_id=data["key_id"],
        public_key=binascii.a2b_base64(data["public_key"]),
        valid_from=datetime.fromisoformat(data["valid_from"]),
        valid_until=datetime.fromisoformat(until) if until is not None else None,
        issuer_key_id=data["issuer_key_id"],
        signature=binascii.a2b_base64(data["signature"]),
    )


def _b64(data: bytes) -> str:
    return binascii.b2a_base64(data, newline=False).decode("ascii")
