"""``smolny directive``: signed directives.

Contract (DESIGN.md): ``smolny directive verify FILE`` checks a signed directive file offline and
exits 0 when it is authentic, 1 when it is not (each failed check on standard error, naming its
field), 2 when the file cannot be read or is malformed (naming the line and field). Without a
pinned root (``--trust KEY``, ``--keyring FILE``) it can only say the file is self-consistent,
and says so on standard output. The verify path imports no Django.

The ``directive`` command holds one sub-subcommand per action; ``list`` and ``export`` (which
need the database) are added as further ``_register_*`` functions beside ``verify``.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from smolny.commands import InputError, fail

if TYPE_CHECKING:
    from smolny.directives import SignedDirective, Verification

HELP = "check signed directives"
DESCRIPTION = """\
Signed directives: orders issued by an organ, signed with the organ's Ed25519 key, whose key
is certified by the organisation's root key.
"""
VERIFY_DESCRIPTION = """\
Check a signed directive file offline: the organ key's certificate against the root key, the
issuing organ, the signature over every field, each countersignature, and the keys' validity.
Exit 0 when authentic, 1 when not (the reasons on standard error), 2 when the file is
unreadable or malformed.

Without --trust or --keyring the root key is the one the file names, so the file can only be
found self-consistent ("self-consistent, root not pinned"): pin the organisation's root key to
know the directive comes from it. A keyring file holds one root public key a line (base64),
optionally followed by a label; lines starting with # are comments.

Example: smolny directive verify order.json --trust qhMvXXDuahdgH5niSl0KiiE6zPyq32ecSrfl7vH65ds=
"""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``directive`` parser and its actions."""
    parser = subparsers.add_parser(
        "directive",
        help=HELP,
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = parser.add_subparsers(dest="directive_action", metavar="ACTION")
    _register_verify(actions)

    def handle_missing_action(args: argparse.Namespace) -> int:
        parser.print_help(sys.stderr)
        return 2

    parser.set_defaults(handler=handle_missing_action)


def _register_verify(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = actions.add_parser(
        "verify",
        help="check a signed directive file offline",
        description=VERIFY_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("file", metavar="FILE", help="the signed directive file (- for stdin)")
    parser.add_argument(
        "--trust",
        metavar="ROOTKEY",
        action="append",
        default=[],
        help="a pinned root public key (base64); may be given more than once",
    )
    parser.add_argument(
        "--keyring", metavar="FILE", help="a file of pinned root public keys, one a line"
    )
    parser.set_defaults(handler=handle_verify)


def _read_text(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    try:
        with open(path, encoding="utf-8") as stream:
            return stream.read()
    except UnicodeDecodeError as error:
        raise InputError(
            f"not UTF-8 text: {error.reason} at byte {error.start}", file=path
        ) from None
    except OSError as error:
        raise InputError(f"cannot read: {error.strerror or error}", file=path) from None


def _trusted_roots(args: argparse.Namespace) -> frozenset[bytes] | None:
    from smolny.directives.document import DocumentError, parse_public_key, read_keyring

    if not args.trust and args.keyring is None:
        return None
    keys: set[bytes] = set()
    try:
        for index, text in enumerate(args.trust, start=1):
            keys.add(parse_public_key(text, file="--trust", line=None, field=f"ROOTKEY #{index}"))
        if args.keyring is not None:
            keys |= read_keyring(_read_text(args.keyring), args.keyring)
    except DocumentError as error:
        raise InputError(error.message, file=error.file, line=error.line) from None
    return frozenset(keys)


def _report(signed: SignedDirective, verification: Verification) -> list[str]:
    directive, certificate = signed.directive, signed.certificate
    lines = [
        f"{verification.summary}: directive {directive.id} issued by organ "
        f"{directive.issuer.id} ({directive.issuer.name}) at {directive.issued_at.isoformat()}",
        f"  domain {directive.domain}; addressees: "
        + ", ".join(f"{a.kind} {a.id} ({a.name})" for a in directive.addressees),
        f"  signed with key {certificate.key_id} of organ {certificate.organ.id}",
    ]
    for organ, at in verification.countersigned_by:
        lines.append(f"  countersigned by organ {organ.id} ({organ.name}) at {at.isoformat()}")
    pin = "pinned" if verification.root_pinned else "not pinned"
    lines.append(
        f"  root key {signed.root.key_id} of organisation {signed.root.organisation.id} "
        f"({signed.root.organisation.name}): {pin}"
    )
    return lines


def handle_verify(args: argparse.Namespace) -> int:
    """Verify FILE: exit 0 authentic, 1 not authentic, 2 unreadable or malformed."""
    from smolny.directives import DocumentError, loads, verify

    try:
        trusted = _trusted_roots(args)
        name = "<stdin>" if args.file == "-" else args.file
        text = _read_text(args.file)
        try:
            signed = loads(text, name)
        except DocumentError as error:
            raise InputError(error.message, file=error.file, line=error.line) from None
    except InputError as error:
        return fail(error)
    verification = verify(signed, trusted)
    if not verification.authentic:
        print(f"not authentic: directive {signed.directive.id}")
        print(f"smolny: {name}: not authentic", file=sys.stderr)
        for reason in verification.reasons:
            print(f"  {reason}", file=sys.stderr)
        return 1
    print("\n".join(_report(signed, verification)))
    return 0
