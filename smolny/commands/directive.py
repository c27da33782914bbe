"""``smolny directive``: signed directives.

Contract: ``smolny directive verify FILE`` checks a signed directive file offline and exits 0
when it is authentic (its root pinned by ``--trust KEY`` or ``--keyring FILE``), 1 when it is
not (each failed check on standard error, naming its field), 2 when the file cannot be read or
is malformed (naming the line and field), and 3 when it is consistent but its root is not
pinned: anyone can make a root key and a consistent file, so that is never a success. Exit 3
prints the root key the file names in the form ``--trust`` takes, to be compared with the
organisation's published key before pinning it. The verify path imports no Django.

The ``directive`` command holds one sub-subcommand per action; ``list`` and ``export`` (which
need the database) are added as further ``_register_*`` functions beside ``verify``:
``smolny directive list [--db URL]`` prints one line per directive (id, date, issuing organ,
status now, tab-separated); ``smolny directive export ID [--db URL]`` writes the signed file with
its countersignatures to standard output (exit 2 for an unknown id).
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from smolny.commands import InputError, fail

if TYPE_CHECKING:
    from smolny.directives import SignedDirective, Verification

HELP = "signed directives: list, export, verify"
UNPINNED_EXIT = 3
"""Exit status of a consistent file whose root is not pinned (not a success)."""
DESCRIPTION = """\
Signed directives: orders issued by an organ, signed with the organ's Ed25519 key, whose key
is certified by the organisation's root key.
"""
VERIFY_DESCRIPTION = """\
Check a signed directive file offline: the organ key's certificate against the root key, the
issuing organ, the signature over every field, each countersignature, and the keys' validity.
Exit 0 when authentic, 1 when not (the reasons on standard error), 2 when the file is
unreadable or malformed, 3 when consistent but not authenticated.

Without --trust or --keyring the root key is the one the file names, and anyone can make a
root key: the file is only found consistent ("consistent, but not authenticated: pin the
root"), exit 3, and the root key it names is printed in the form --trust takes. Compare it
with the key the organisation publishes, then pin it to know the directive comes from it.
A keyring file holds one root public key a line (base64), optionally followed by a label;
lines starting with # are comments.

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
    _register_list(actions)
    _register_export(actions)

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
    """Verify FILE: exit 0 authentic, 1 not authentic, 2 unreadable or malformed, 3 consistent
    but not authenticated (no pinned root: the root key to pin is printed)."""
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
    if not verification.root_pinned:
        from smolny.directives.document import public_key_text

        pin = public_key_text(signed.root.public_key)
        print(f"  the root key this file names, to pin once checked: --trust {pin}")
        print(f"smolny: {name}: {verification.summary}", file=sys.stderr)
        return UNPINNED_EXIT
    return 0


LIST_DESCRIPTION = """\
List the directives in the database, one line each: id, date issued, issuing organ, and the
status now (binding, awaiting countersignature, countermanded, vetoed, not authentic). When the
addressees' statuses differ, each addressee's is given as ADDRESSEE: STATUS, separated by "; ".
The status is computed by the authority rules from the stored signed file, verified against
the organisation's root key.
"""
EXPORT_DESCRIPTION = """\
Write directive ID as the self-contained signed file (with every countersignature) on standard
output, for `smolny directive verify` to check offline.
"""


def _register_list(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = actions.add_parser(
        "list",
        help="one line per directive: id, date, issuing organ, status",
        description=LIST_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--db", metavar="URL", help="database URL (default: SMOLNY_DATABASE_URL)")
    parser.set_defaults(handler=handle_list)


def _register_export(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = actions.add_parser(
        "export",
        help="the signed directive as a self-contained file on stdout",
        description=EXPORT_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("id", metavar="ID", help="the directive's id (as `list` shows it)")
    parser.add_argument("--db", metavar="URL", help="database URL (default: SMOLNY_DATABASE_URL)")
    parser.set_defaults(handler=handle_export)


def _database(db: str | None) -> None:
    from smolny.commands import setup_django
    from smolny.dburl import DatabaseURLError

    try:
        setup_django(db)
    except DatabaseURLError as error:
        raise InputError(str(error), file="--db") from None


def handle_list(args: argparse.Namespace) -> int:
    """Print one line per directive, oldest first: id, date, issuing organ, status now."""
    try:
        _database(args.db)
    except InputError as error:
        return fail(error)
    from django.db import DatabaseError
    from django.utils import timezone

    from smolny.federation.models import Directive
    from smolny.federation.queries import directive_standings, status_summary

    now = timezone.now()
    try:
        for directive in Directive.objects.select_related("issuer").order_by("issued_at", "pk"):
            status = status_summary(directive_standings(directive, max(now, directive.issued_at)))
            print(
                f"{directive.pk}\t{directive.issued_at.isoformat()}\t"
                f"{directive.issuer.name}\t{status}"
            )
    except DatabaseError as error:
        return fail(Exception(f"cannot read the directives: {error}".strip()))
    return 0


def handle_export(args: argparse.Namespace) -> int:
    """Print directive ID's signed file; exit 2 when there is no such directive."""
    try:
        if not args.id.isdigit():
            raise InputError(f"directive id {args.id!r} is not a number", file="ID")
        _database(args.db)
    except InputError as error:
        return fail(error)
    from django.db import DatabaseError

    from smolny.federation.models import Directive
    from smolny.federation.queries import export_text

    try:
        directive = Directive.objects.filter(pk=int(args.id)).first()
    except DatabaseError as error:
        return fail(Exception(f"cannot read the directives: {error}".strip()))
    if directive is None:
        return fail(InputError(f"no directive {args.id}", file="ID"))
    sys.stdout.write(export_text(directive))
    return 0
