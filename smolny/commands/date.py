"""``smolny date``: one day in both calendars.

Contract (docs/architecture.md): ``smolny date YYYY-MM-DD --from julian|gregorian`` prints exactly
``julian=YYYY-MM-DD gregorian=YYYY-MM-DD weekday=NAME``. The 1917 sources date events in
the Julian calendar; this command is the quick way to check a date against a Gregorian one.
Bad input (a malformed or impossible date, a date outside years 1..9999 in either calendar)
exits with status 2 and a message naming the argument.
"""

from __future__ import annotations

import argparse

from smolny.commands import InputError, fail

HELP = "convert a date between the Julian and Gregorian calendars"
DESCRIPTION = """\
Convert a date between the Julian calendar (Old Style, used in Russia until February
1918) and the Gregorian calendar, and name its weekday. Prints
`julian=YYYY-MM-DD gregorian=YYYY-MM-DD weekday=NAME`.

Example: smolny date 1917-10-25 --from julian
"""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``date`` parser."""
    parser = subparsers.add_parser(
        "date",
        help=HELP,
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("date", metavar="YYYY-MM-DD", help="the date to convert")
    parser.add_argument(
        "--from",
        dest="calendar",
        required=True,
        choices=("julian", "gregorian"),
        help="the calendar the given date is in",
    )
    parser.set_defaults(handler=handle)


def convert(text: str, calendar: str) -> str:
    """The output line for *text* read in *calendar*; :class:`InputError` on bad input."""
    from smolny.rules.calendar import (
        JulianDate,
        gregorian_to_julian,
        julian_to_gregorian,
        parse_gregorian,
        weekday,
    )

    try:
        if calendar == "julian":
            julian = JulianDate.fromisoformat(text)
            gregorian = julian_to_gregorian(julian)
        else:
            gregorian = parse_gregorian(text)
            julian = gregorian_to_julian(gregorian)
    except ValueError as error:
        raise InputError(
            f"argument YYYY-MM-DD: {text!r} is not a valid {calendar.capitalize()} date: {error}"
        ) from error
    return (
        f"julian={julian.isoformat()} gregorian={gregorian.isoformat()} "
        f"weekday={weekday(gregorian)}"
    )


def handle(args: argparse.Namespace) -> int:
    """Print the date in both calendars; exit 2 on bad input."""
    try:
        line = convert(args.date, args.calendar)
    except InputError as error:
        return fail(error)
    print(line)
    return 0
