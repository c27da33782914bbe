"""Organ keys and the organisation's root key, with the private halves encrypted at rest.

Private keys are sealed with AES-256-GCM under a key derived by HKDF-SHA256 from the
installation's secret: the environment variable ``SMOLNY_SECRET_KEY`` when set, otherwise
Django's ``settings.SECRET_KEY`` (which :mod:`smolny.settings` itself reads from
``SMOLNY_SECRET_KEY``, with an insecure development default). Each sealed key is
``nonce (12 bytes) || ciphertext``, its key id bound in as associated data, so a sealed key
cannot be swapped onto another row unnoticed. Changing the secret makes the stored private
keys unreadable: rotate every organ key (and keep the old secret until done).

What the database never holds in clear is the private key; what it does hold is everything
needed to check signatures (public keys and certificates), which is public anyway.
"""

from __future__ import annotations

import binascii
import os
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from smolny.directives.document import KeyCertificate, Named, certificate_body

INFO = b"smolny federation private keys v1"
NONCE_BYTES = 12


def _secret() -> bytes:
    from django.conf import settings

    secret = os.environ.get("SMOLNY_SECRET_KEY") or str(settings.SECRET_KEY)
    return secret.encode("utf-8")


def _aead() -> AESGCM:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=INFO).derive(_secret())
    return AESGCM(key)


def seal(private_key: bytes, key_id: str) -> bytes:
    """*private_key* encrypted under the installation's secret, bound to *key_id*."""
    nonce = os.urandom(NONCE_BYTES)
    return nonce + _aead().encrypt(nonce, private_key, key_id.encode("ascii"))


def unseal(sealed: bytes | memoryview, key_id: str) -> bytes:
    """The private key sealed by :func:`seal`; ``cryptography``'s ``InvalidTag`` when the
    secret has changed or the sealed bytes or key id were altered."""
    sealed = bytes(sealed)
    return _aead().decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], key_id.encode("ascii"))


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
