"""Ed25519 keys, key certificates, signing, countersigning and offline verification.

Trust model (one level of certification, documented so that a reader can check it by hand):

- Each organisation has a **root key**. Its public half is what members pin (``smolny directive
  verify --trust KEY`` or ``--keyring FILE``); its private half certifies organ keys and nothing
  else.
- Each organ holds its own **organ key**, certified by the root for a validity window
  ``[valid_from, valid_until)``. Rotating a key means certifying a new one and closing the old
  certificate's window; the file carries the certificate, so it verifies offline.
- A directive is signed by its issuing organ's key; a countersignature by the countersigning
  organ's key, each with its own certificate. Every certificate must be signed by the root
  the file names, and the root must belong to the directive's organisation.

What verification proves, honestly:

- **With a pinned root**, the directive was signed by a key the organisation's root certified
  for the organ it names, and nothing signed has changed since.
- **Without a pin**, only that the file is *self-consistent*: anyone can make a root key and a
  self-consistent file claiming any organisation. :class:`Verification` then says
  ``root_pinned=False``; the CLI prints "consistent, but not authenticated: pin the root",
  with the root key the file names in the form ``--trust`` takes, and exits 3 (never 0).
- A key is checked against its window at the *claimed* ``issued_at`` (or ``countersigned_at``).
  That stops an expired key being used for a directive dated after its rotation, but a holder of
  an old private key can still backdate: a stolen key needs a revocation list or a trusted
  timestamp, which this format does not provide (the database's hash-chained journal records
  when each directive was really entered).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field, replace
from datetime import datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

from smolny.directives.document import (
    DIRECTIVE_FIELDS,
    Countersignature,
    Directive,
    IssuerSignature,
    KeyCertificate,
    Named,
    RootKey,
    SignedDirective,
    certificate_message,
    countersignature_message,
    directive_digest,
    directive_message,
    field_digests,
    key_id,
)

# ---------------------------------------------------------------------------------------------
# Keys
# ---------------------------------------------------------------------------------------------


def generate_organ_key() -> tuple[bytes, bytes]:
    """A new Ed25519 key pair as raw bytes: ``(private_bytes, public_bytes)``, 32 bytes each."""
    private = Ed25519PrivateKey.generate()
    return (
        private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption()),
        private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw),
    )


#: A root key is the same kind of key; the name says what it is for.
generate_root_key = generate_organ_key


def public_key_of(private_key: bytes) -> bytes:
    """The raw public key of a raw private key."""
    return (
        Ed25519PrivateKey.from_private_bytes(private_key)
        .public_key()
        .public_bytes(Encoding.Raw, PublicFormat.Raw)
    )


def sign_bytes(private_key: bytes, message: bytes) -> bytes:
    """The raw Ed25519 signature of *message* (the one primitive everything here signs with)."""
    return Ed25519PrivateKey.from_private_bytes(private_key).sign(message)


def signature_holds(public_key: bytes, signature: bytes, message: bytes) -> bool:
    """Whether *signature* is *public_key*'s signature of *message*."""
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


def root_key(organisation: Named, public_key: bytes) -> RootKey:
    """The root key record a signed file names."""
    return RootKey(organisation, key_id(public_key), public_key)


def certify_key(
    root_private: bytes,
    organ: Named,
    public_key: bytes,
    valid_from: datetime,
    valid_until: datetime | None = None,
    *,
    organisation_id: str,
) -> KeyCertificate:
    """The root's certificate for *organ*'s *public_key*, valid ``[valid_from, valid_until)``."""
    if valid_from.tzinfo is None or (valid_until is not None and valid_until.tzinfo is None):
        raise ValueError("validity instants need a UTC offset")
    if valid_until is not None and valid_until <= valid_from:
        raise ValueError("a key's validity must end after it starts")
    unsigned = KeyCertificate(
        organisation_id=organisation_id,
        organ=organ,
        key_id=key_id(public_key),
        public_key=public_key,
        valid_from=valid_from,
        valid_until=valid_until,
        issuer_key_id=key_id(public_key_of(root_private)),
        signature=b"",
    )
    return replace(unsigned, signature=sign_bytes(root_private, certificate_message(unsigned)))


# ---------------------------------------------------------------------------------------------
# Signing
# ---------------------------------------------------------------------------------------------


def _check_holder(private_key: bytes, certificate: KeyCertificate) -> None:
    if public_key_of(private_key) != certificate.public_key:
        raise ValueError(f"the private key is not the one certificate {certificate.key_id} names")


def sign_directive(
    directive: Directive, organ_private_key: bytes, certificate: KeyCertificate, root: RootKey
) -> SignedDirective:
    """Sign *directive* as its issuing organ: the manifest of field digests, under *certificate*.

    Refuses (``ValueError``) a key that is not the certificate's, or a certificate of another
    organ than the directive's issuer: a forgery is never made by mistake.
    """
    _check_holder(organ_private_key, certificate)
    if certificate.organ.id != directive.issuer.id:
        raise ValueError(
            f"certificate is for organ {certificate.organ.id}, directive is issued by "
            f"{directive.issuer.id}"
        )
    if directive.issued_at.tzinfo is None:
        raise ValueError("issued_at needs a UTC offset")
    fields = field_digests(directive)
    signature = IssuerSignature(
        key_id=certificate.key_id,
        fields=fields,
        value=sign_bytes(organ_private_key, directive_message(fields)),
    )
    return SignedDirective(directive, signature, certificate, root)


def countersign(
    signed: SignedDirective,
    organ_private_key: bytes,
    certificate: KeyCertificate,
    countersigned_at: datetime,
) -> SignedDirective:
    """*signed* with one more countersignature, by the organ *certificate* names."""
    _check_holder(organ_private_key, certificate)
    if countersigned_at.tzinfo is None:
        raise ValueError("countersigned_at needs a UTC offset")
    digest = directive_digest(signed.directive)
    value = sign_bytes(
        organ_private_key, countersignature_message(certificate.organ, countersigned_at, digest)
    )
    added = Countersignature(
        organ=certificate.organ,
        countersigned_at=countersigned_at,
        directive_digest=digest,
        key_id=certificate.key_id,
        value=value,
        certificate=certificate,
    )
    return replace(signed, countersignatures=(*signed.countersignatures, added))


# ---------------------------------------------------------------------------------------------
# Verification
# ---------------------------------------------------------------------------------------------


UNPINNED = "consistent, but not authenticated: pin the root"
"""The finding for a file whose every check passed against the root it names itself."""


@dataclass(frozen=True, slots=True)
class Verification:
    """The verifier's finding.

    ``authentic`` is true when every check passed; with ``root_pinned`` false that means
    *self-consistent* only (see the module docstring). ``reasons`` names, field by field, every
    check that failed. ``countersigned_by`` lists the countersignatures that verified, as
    ``(organ, countersigned_at)``: the input the authority rules take.
    """

    authentic: bool
    reasons: list[str]
    root_pinned: bool
    directive_digest: str
    signed_by: Named | None = None
    countersigned_by: tuple[tuple[Named, datetime], ...] = field(default=())

    @property
    def summary(self) -> str:
        """One line: authentic (pinned or only self-consistent) or not authentic."""
        if not self.authentic:
            return "not authentic"
        return "authentic" if self.root_pinned else UNPINNED


def _describe_organ(organ: Named) -> str:
    return f"{organ.id} ({organ.name})"


def _window(certificate: KeyCertificate) -> str:
    end = certificate.valid_until.isoformat() if certificate.valid_until else "(open)"
    return f"from {certificate.valid_from.isoformat()} until {end}"


def _check_certificate(
    certificate: KeyCertificate, path: str, root: RootKey, used_at: datetime, use: str
) -> list[str]:
    """The certificate at *path* is the root's, self-consistent, and valid at *used_at*."""
    reasons = []
    if certificate.key_id != key_id(certificate.public_key):
        reasons.append(f"{path}.key_id: {certificate.key_id} does not belong to {path}.public_key")
    if certificate.issuer_key_id != root.key_id:
        reasons.append(
            f"{path}.issuer_key_id: certified by key {certificate.issuer_key_id}, "
            f"not by the organisation's root key {root.key_id}"
        )
    if certificate.organisation_id != root.organisation.id:
        reasons.append(
            f"{path}.organisation_id: key certified for organisation "
            f"{certificate.organisation_id}, the root is organisation {root.organisation.id}"
        )
    if not signature_holds(
        root.public_key, certificate.signature, certificate_message(certificate)
    ):
        reasons.append(
            f"{path}: the root key's signature does not verify (certificate altered or not "
            f"certified by root {root.key_id})"
        )
    valid_until = certificate.valid_until
    if used_at < certificate.valid_from or (valid_until is not None and used_at >= valid_until):
        reasons.append(
            f"{path}: key {certificate.key_id} of organ {_describe_organ(certificate.organ)} "
            f"is valid {_window(certificate)}; {use} at {used_at.isoformat()} is outside it"
        )
    return reasons


def _check_root(
    signed: SignedDirective, trusted_roots: Collection[bytes] | None
) -> tuple[list[str], bool]:
    root, organisation = signed.root, signed.directive.organisation
    reasons = []
    if root.key_id != key_id(root.public_key):
        reasons.append(f"root.key_id: {root.key_id} does not belong to root.public_key")
    if root.organisation != organisation:
        reasons.append(
            f"root.organisation: the root is organisation {_describe_organ(root.organisation)}, "
            f"the directive names {_describe_organ(organisation)}"
        )
    pinned = False
    if trusted_roots is not None:
        pinned = root.public_key in set(trusted_roots)
        if not pinned:
            reasons.append(f"root.public_key: root key {root.key_id} is not a trusted root")
    return reasons, pinned


def _check_issuer(signed: SignedDirective) -> list[str]:
    directive, certificate, signature = signed.directive, signed.certificate, signed.signature
    reasons = _check_certificate(
        certificate, "certificate", signed.root, directive.issued_at, "directive issued"
    )
    if certificate.organ.id != directive.issuer.id:
        reasons.append(
            f"directive.issuer: signed by key of organ {_describe_organ(certificate.organ)}, "
            f"claims organ {_describe_organ(directive.issuer)}"
        )
    elif certificate.organ.name != directive.issuer.name:
        reasons.append(
            f"directive.issuer: name {directive.issuer.name!r} differs from the certified name "
            f"{certificate.organ.name!r}"
        )
    if signature.key_id != certificate.key_id:
        reasons.append(
            f"signature.key_id: {signature.key_id} is not the certificate's key "
            f"{certificate.key_id}"
        )
    message = directive_message(signature.fields)
    if not signature_holds(certificate.public_key, signature.value, message):
        reasons.append(
            "signature: the issuer's signature does not verify over signature.fields "
            "(signature altered, or made with another key)"
        )
        return reasons
    actual = field_digests(directive)
    for name in DIRECTIVE_FIELDS:
        if actual[name] != signature.fields[name]:
            reasons.append(
                f"directive.{name}: altered after signing (differs from the signed digest)"
            )
    return reasons


def _check_countersignature(signed: SignedDirective, index: int, digest: str) -> list[str]:
    item = signed.countersignatures[index]
    path = f"countersignatures[{index}]"
    reasons = _check_certificate(
        item.certificate, f"{path}.certificate", signed.root, item.countersigned_at, "countersigned"
    )
    if item.certificate.organ.id != item.organ.id:
        reasons.append(
            f"{path}.organ: signed by key of organ {_describe_organ(item.certificate.organ)}, "
            f"claims organ {_describe_organ(item.organ)}"
        )
    if item.key_id != item.certificate.key_id:
        reasons.append(f"{path}.key_id: {item.key_id} is not its certificate's key")
    if item.directive_digest != digest:
        reasons.append(
            f"{path}.directive_digest: countersignature by {_describe_organ(item.organ)} is over "
            "another directive, or the directive was altered"
        )
    if item.countersigned_at < signed.directive.issued_at:
        reasons.append(f"{path}.countersigned_at: before the directive was issued")
    message = countersignature_message(item.organ, item.countersigned_at, item.directive_digest)
    if not signature_holds(item.certificate.public_key, item.value, message):
        reasons.append(
            f"{path}: signature by {_describe_organ(item.organ)} does not verify (organ, "
            "countersigned_at or directive_digest altered, or another key)"
        )
    return reasons


def verify(signed: SignedDirective, trusted_roots: Collection[bytes] | None = None) -> Verification:
    """Check *signed* offline; *trusted_roots* are pinned root public keys (raw bytes).

    Checks, in order: the root (its key id, its organisation, the pin); the issuer's certificate
    (root signature, validity at ``issued_at``), that the certified organ is the issuer, the
    issuer's signature over the manifest and each field against it; then each countersignature
    likewise. Every failure is reported, each naming its field.
    """
    digest = directive_digest(signed.directive)
    reasons, pinned = _check_root(signed, trusted_roots)
    issuer_reasons = _check_issuer(signed)
    reasons += issuer_reasons
    countersigned_by = []
    for index, item in enumerate(signed.countersignatures):
        found = _check_countersignature(signed, index, digest)
        reasons += found
        if not found:
            countersigned_by.append((item.organ, item.countersigned_at))
    return Verification(
        authentic=not reasons,
        reasons=reasons,
        root_pinned=pinned,
        directive_digest=digest,
        signed_by=None if issuer_reasons else signed.certificate.organ,
        countersigned_by=tuple(countersigned_by),
    )
