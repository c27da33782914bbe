"""``smolny roll import FILE --council ID``: import a CSV roll from the command line.

Contract: the file has a header with ``member_id``, ``name`` and ``constituency`` (other
columns are ignored), in UTF-8. Every line is checked before anything is written; when any
is bad, every bad line is printed on standard error as ``FILE:LINE: FIELD: reason``,
nothing is written, and the exit status is 2. On success one line says how many members
went onto how many rolls, and the journal holds one entry with the file's SHA-256.

It runs the same action as the web page's upload and the API
(:func:`smolny.councils.actions.roll.import_roll`), reading the file a line at a time as the
page reads its uploaded copy, as the system actor (whoever runs the command has the
database itself).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from smolny.commands import InputError, fail

HELP = "the rolls: import a CSV roll into a council's constituencies"
DESCRIPTION = """\
Import a roll: a CSV file in UTF-8 with the header member_id,name,constituency (other
columns are ignored), one member a line, each constituency named as in the council. All or
nothing: when a line is bad, every bad line is reported as FILE:LINE: FIELD: reason and
nothing is written.

Exit status: 0 imported, 2 a bad file, an unknown council, or bad usage.
"""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "roll",
        help=HELP,
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = parser.add_subparsers(dest="roll_action", metavar="ACTION")
    imp = actions.add_parser(
        "import",
        help="import a CSV roll, all lines or none",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    imp.add_argument("file", metavar="FILE", help="the roll (CSV, UTF-8)")
    imp.add_argument("--council", required=True, type=int, metavar="ID", help="the council's id")
    imp.add_argument("--db", metavar="URL", help="database URL (default: SMOLNY_DATABASE_URL)")
    imp.set_defaults(handler=run_import)

    def missing_action(args: argparse.Namespace) -> int:
        parser.print_help(sys.stderr)
        return 2

    parser.set_defaults(handler=missing_action)


def _lines(path: Path) -> Iterator[str]:
    """The file's lines as the csv module wants them (no newline translation)."""
    with open(path, encoding="utf-8", newline="") as text:
        yield from text


def _first_undecodable(path: Path) -> tuple[int, int]:
    """The line number and byte offset (from 1) of the first bytes that are not UTF-8."""
    with open(path, "rb") as raw:
        for number, line in enumerate(raw, start=1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError as error:
                return number, error.start + 1
    return 1, 1


def run_import(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.is_file():
        return fail(InputError("no such file", file=args.file))
    from django.core.exceptions import ImproperlyConfigured

    from smolny.commands import setup_django
    from smolny.dburl import DatabaseURLError

    try:
        setup_django(args.db)
    except (DatabaseURLError, ImproperlyConfigured) as error:
        return fail(error)
    from django.db import DatabaseError

    from smolny.councils.actions import ActionError, RollImportError, SystemActor, import_roll
    from smolny.councils.models import Council

    council = Council.objects.filter(pk=args.council).first() if args.council > 0 else None
    if council is None:
        return fail(Exception(f"--council {args.council}: no such council"))
    try:
        result = import_roll(
            SystemActor("roll-import"), council, _lines(path), source=str(args.file)
        )
    except RollImportError as error:
        print(
            f"smolny: {args.file}: {len(error.errors)} bad line(s), nothing imported",
            file=sys.stderr,
        )
        for bad in error.errors:
            print(f"{args.file}:{bad.line}: {bad.field}: {bad.message}", file=sys.stderr)
        return 2
    except UnicodeDecodeError:
        line, column = _first_undecodable(path)
        return fail(
            InputError(
                f"line: not UTF-8 text (byte {column} of the line)", file=args.file, line=line
            )
        )
    except (ActionError, DatabaseError, OSError) as error:
        return fail(Exception(f"{args.file}: {error}"))
    print(
        f"imported {result.members} member(s) onto {result.constituencies} roll(s) of "
        f"{council.name} (sha256 {result.digest})"
    )
    return 0
