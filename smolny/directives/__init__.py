"""Signed directives: the self-contained file, Ed25519 signing and offline verification.

:mod:`~smolny.directives.document` defines the file and what is signed (no cryptography);
:mod:`~smolny.directives.signing` makes and checks the signatures. Whether a directive binds
whom is not decided here but by the pure rules of :mod:`smolny.rules.authority`;
:func:`authority_record` hands them a verified directive.

Identifiers handed to the rules are ``"<kind>:<id>"``: the issuer and countersigning organs
as ``"organ:<id>"``, addressees as ``"council:<id>"``, ``"organ:<id>"`` or ``"unit:<id>"``, so
that councils, organs and units never collide.
"""

from __future__ import annotations

from smolny.directives.document import (
    Addressee,
    Countersignature,
    Directive,
    DocumentError,
    KeyCertificate,
    Named,
    RootKey,
    SignedDirective,
    directive_digest,
    dumps,
    loads,
    read_keyring,
)
from smolny.directives.signing import (
    Verification,
    certify_key,
    countersign,
    generate_organ_key,
    generate_root_key,
    root_key,
    sign_directive,
    verify,
)
from smolny.rules.authority import Act, DirectiveRecord

__all__ = [
    "Addressee",
    "Countersignature",
    "Directive",
    "DocumentError",
    "KeyCertificate",
    "Named",
    "RootKey",
    "SignedDirective",
    "Verification",
    "authority_record",
    "certify_key",
    "countersign",
    "directive_digest",
    "dumps",
    "generate_organ_key",
    "generate_root_key",
    "loads",
    "read_keyring",
    "root_key",
    "sign_directive",
    "verify",
]


def authority_record(
    signed: SignedDirective,
    verification: Verification,
    *,
    countermands: tuple[Act, ...] = (),
    vetoes: tuple[Act, ...] = (),
) -> DirectiveRecord:
    """The directive as :mod:`smolny.rules.authority` sees it: authentic only if verified, and
    only the countersignatures that verified. Countermands and vetoes come from the caller
    (the database), not from the file."""
    directive = signed.directive
    return DirectiveRecord(
        id=directive.id,
        issuer=f"organ:{directive.issuer.id}",
        issued_at=directive.issued_at,
        domain=directive.domain,
        addressees=tuple(f"{a.kind}:{a.id}" for a in directive.addressees),
        authentic=verification.authentic,
        countersignatures=tuple(
            Act(f"organ:{organ.id}", at) for organ, at in verification.countersigned_by
        ),
        countermands=countermands,
        vetoes=vetoes,
    )
