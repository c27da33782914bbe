"""The ``smolny`` command.

Each subcommand lives in its own module under ``smolny.commands`` with two functions:
``register(subparsers)`` adds its parser, and the parser's ``handler`` default is a
function ``(args) -> int`` returning the exit status. Command modules import nothing heavy
at module level, so that ``smolny tally`` and ``smolny apportion`` start without loading
Django; the commands that need the database call :func:`smolny.commands.setup_django`.

The command-line contract in docs/architecture.md is stable: outside tools rely on it.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

import smolny

# Order here is the order of ``smolny --help``.
COMMANDS: tuple[str, ...] = (
    "date",
    "tally",
    "verify-vote",
    "audit",
    "apportion",
    "directive",
    "serve",
    "world",
    "roll",
    "replay",
    "backup",
    "restore",
    "mail",
)

EPILOG = """\
Databases: --db takes sqlite:///PATH or postgres://USER@HOST:PORT/NAME; the environment
variable SMOLNY_DATABASE_URL does the same; the default is
~/.local/share/smolny/smolny.sqlite3.
Exit status: 0 on success, 1 when a check fails, 2 on bad input or usage.
"""


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """Build the parser from the command modules: all of them, or only the command *only*.

    ``smolny tally FILE`` needs the tally parser alone; building every command's parser
    would import every command module (the world command lists the bundled worlds, for
    one), which a count that takes a fraction of a second would notice.
    """
    parser = argparse.ArgumentParser(
        prog="smolny",
        description="Smolny: software for council democracy.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"smolny {smolny.__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS if only is None else (only,):
        module = importlib.import_module(f"smolny.commands.{name.replace('-', '_')}")
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    words = list(sys.argv[1:] if argv is None else argv)
    # The command named first is the only one whose parser is built; anything else (no
    # command, --help, --version, a misspelt name) gets the full parser and its messages.
    parser = build_parser(words[0] if words and words[0] in COMMANDS else None)
    args = parser.parse_args(words)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    try:
        status: int = handler(args)
    except BrokenPipeError:
        # `smolny ... | head` closing the pipe early is not an error of ours.
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        return 130
    return status


if __name__ == "__main__":
    raise SystemExit(main())
