"""``smolny apportion``: how many deputies each constituency sends.

Contract (docs/architecture.md)::

    smolny apportion FILE --seats N --method METHOD [--min-seats K] [--threshold PERCENT] [--json]

FILE is a CSV with the header ``name,population`` (or ``name,votes``; other columns are
ignored); the output is the CSV ``name,seats`` in input order, or with ``--json`` an object
with the seats, the house size, the method, every tie (resolved or not) and the excluded
entries. Extensions: ``--per N`` applies the councils' ratio rule instead (one deputy per N
members, at least ``--min-seats`` K, by default 1; the house size follows) and ``--tie-seed S``
breaks a tie at the last seat by a recorded, seeded lot.

Exit status: 0 on success; 1 when a tie is left unresolved (the result is printed with the
tied seats held back, and standard error says which seats and who tied); 2 on bad input,
with ``smolny: FILE:LINE: message`` naming the line and field. Nothing is printed on
standard output unless the whole input is good.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Literal, cast

from smolny.commands import InputError, fail

if TYPE_CHECKING:
    from smolny.rules.apportion import Apportionment, Method
    from smolny.rules.ties import Tie

HELP = "divide seats among constituencies in proportion to their members"
DESCRIPTION = """\
Divide the seats of a council among its constituencies (or of an organ among fractions)
in proportion to their members (or votes).

FILE is a CSV with the header `name,population` (or `name,votes`), one constituency a
row; `-` reads standard input. Output: CSV `name,seats` in input order (--json: seats,
house size, method, ties and excluded entries).

Methods: hamilton (= largest-remainder), dhondt (= jefferson), sainte-lague (= webster),
huntington-hill, adams. Huntington-Hill and Adams give every constituency at least one seat.

The ratio rule of councils: --per N gives one deputy per N members and at least
--min-seats K (default 1) to every constituency; the size of the council follows.
The Petrograd Soviet of 1917: --per 1000 --min-seats 1 (one per 1,000 workers, one per company).

A tie for the last seat(s) is never broken silently: without --tie-seed the tied seats are
held back and the exit status is 1; with --tie-seed S they are drawn by a seeded lot that
anyone can repeat, and the draw is reported.

Examples:
  smolny apportion states.csv --seats 435 --method huntington-hill
  smolny apportion examples/petrograd-1917-constituencies.csv --per 1000
"""

_WHOLE = re.compile(r"[+-]?[0-9]+")

Rounding = Literal["floor", "nearest", "ceil"]


@dataclass(frozen=True, slots=True)
class Entry:
    """One row of the input: a constituency and where it was read."""

    name: str
    population: int
    line: int


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``apportion`` parser."""
    parser = subparsers.add_parser(
        "apportion",
        help=HELP,
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("file", metavar="FILE", help="CSV with header name,population (or votes)")
    parser.add_argument("--seats", type=int, metavar="N", help="the number of seats to fill")
    parser.add_argument("--method", metavar="METHOD", help="the apportionment method")
    parser.add_argument(
        "--min-seats",
        type=int,
        metavar="K",
        help="at least K seats for every constituency (default 0; 1 with --per)",
    )
    parser.add_argument(
        "--threshold",
        metavar="PERCENT",
        help="drop constituencies below PERCENT of the total before allocating",
    )
    parser.add_argument(
        "--per", type=int, metavar="N", help="ratio rule: one seat per N members (no --seats)"
    )
    parser.add_argument(
        "--rounding",
        choices=("floor", "nearest", "ceil"),
        help="with --per: what a part of N earns (default floor: nothing)",
    )
    parser.add_argument(
        "--tie-seed", type=int, metavar="S", help="break a tie at the last seat by a seeded lot"
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of CSV")
    parser.set_defaults(handler=handle)


# --- reading the file --------------------------------------------------------------------


def read_entries(lines: Iterable[str], file: str) -> tuple[str, list[Entry]]:
    """Parse the CSV *lines* of *file*; return the name of the count column and the rows.

    Raises :class:`InputError` naming the line and field of the first problem.
    """
    reader = csv.reader(lines)
    try:
        header = next(reader, None)
        while header is not None and not any(cell.strip() for cell in header):
            header = next(reader, None)
        if header is None:
            raise InputError("empty file: expected the header 'name,population'", file=file, line=1)
        header_line = reader.line_num
        columns = [cell.strip().lstrip("\ufeff").lower() for cell in header]
        name_at, count_at, count = _columns(columns, file, header_line)
        entries: list[Entry] = []
        first_line: dict[str, int] = {}
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            line = reader.line_num
            entry = _entry(row, len(columns), name_at, count_at, count, file, line)
            if entry.name in first_line:
                raise InputError(
                    f"field 'name': duplicate name {entry.name!r} "
                    f"(first on line {first_line[entry.name]})",
                    file=file,
                    line=line,
                )
            first_line[entry.name] = line
            entries.append(entry)
    except csv.Error as error:
        raise InputError(
            f"not a valid CSV file: {error}", file=file, line=reader.line_num
        ) from error
    if not entries:
        raise InputError("no constituencies after the header", file=file, line=header_line + 1)
    return count, entries


def _columns(columns: list[str], file: str, line: int) -> tuple[int, int, str]:
    """Positions of the name and count columns, and the count column's name."""
    found = ", ".join(repr(c) for c in columns)
    for column in columns:
        if column and columns.count(column) > 1:
            raise InputError(f"column {column!r} appears twice in the header", file=file, line=line)
    if "name" not in columns:
        raise InputError(f"missing column 'name' (the header has {found})", file=file, line=line)
    if "population" in columns and "votes" in columns:
        raise InputError(
            "the header has both 'population' and 'votes': keep one", file=file, line=line
        )
    for count in ("population", "votes"):
        if count in columns:
            return columns.index("name"), columns.index(count), count
    raise InputError(
        f"missing column 'population' (or 'votes'); the header has {found}", file=file, line=line
    )


def _entry(
    row: list[str], width: int, name_at: int, count_at: int, count: str, file: str, line: int
) -> Entry:
    if len(row) > width:
        raise InputError(
            f"{len(row)} fields but the header has {width} columns", file=file, line=line
        )
    for field, at in (("name", name_at), (count, count_at)):
        if at >= len(row) or not row[at].strip():
            raise InputError(f"field {field!r} is empty or missing", file=file, line=line)
    name = row[name_at].strip()
    raw = row[count_at].strip()
    if not _WHOLE.fullmatch(raw):
        raise InputError(f"field {count!r}: {raw!r} is not a whole number", file=file, line=line)
    value = int(raw)
    if value < 0:
        raise InputError(f"field {count!r}: {value} is negative", file=file, line=line)
    return Entry(name=name, population=value, line=line)


def load(path: str) -> tuple[str, list[Entry]]:
    """Read *path* (``-`` for standard input) whole, then parse it."""
    try:
        if path == "-":
            text = sys.stdin.read()
        else:
            with open(path, encoding="utf-8-sig", newline="") as handle:
                text = handle.read()
    except OSError as error:
        raise InputError(f"cannot read the file: {error.strerror}", file=path) from error
    except UnicodeDecodeError as error:
        raise InputError(f"not UTF-8 text: {error.reason}", file=path) from error
    return read_entries(text.splitlines(keepends=True), path)


# --- options -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Options:
    """The command line, checked."""

    method: Method | None
    seats: int | None
    per: int | None
    min_seats: int
    threshold: Decimal | None
    rounding: Rounding
    tie_seed: int | None


def options(args: argparse.Namespace) -> Options:
    """Check the options against each other; :class:`InputError` when they do not fit."""
    from smolny.rules.apportion import parse_method

    if args.min_seats is not None and args.min_seats < 0:
        raise InputError(f"--min-seats must not be negative ({args.min_seats})")
    if args.per is not None:
        clash = [
            flag
            for flag, value in (
                ("--seats", args.seats),
                ("--method", args.method),
                ("--threshold", args.threshold),
            )
            if value is not None
        ]
        if clash:
            raise InputError(
                f"--per gives the house size by the ratio rule; it does not take {', '.join(clash)}"
            )
        if args.per < 1:
            raise InputError(f"--per must be at least 1 ({args.per})")
        return Options(
            method=None,
            seats=None,
            per=args.per,
            min_seats=1 if args.min_seats is None else args.min_seats,
            threshold=None,
            rounding=cast(Rounding, args.rounding or "floor"),
            tie_seed=args.tie_seed,
        )
    if args.rounding is not None:
        raise InputError("--rounding applies only to the ratio rule (--per)")
    if args.seats is None:
        raise InputError("--seats N is required (or --per N for the ratio rule)")
    if args.seats < 0:
        raise InputError(f"--seats must not be negative ({args.seats})")
    if args.method is None:
        raise InputError("--method METHOD is required (or --per N for the ratio rule)")
    try:
        method = parse_method(args.method)
    except ValueError as error:
        raise InputError(f"--method: {error}") from error
    return Options(
        method=method,
        seats=args.seats,
        per=None,
        min_seats=args.min_seats or 0,
        threshold=_threshold(args.threshold),
        rounding="floor",
        tie_seed=args.tie_seed,
    )


def _threshold(text: str | None) -> Decimal | None:
    if text is None:
        return None
    raw = text.strip().removesuffix("%").strip()
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise InputError(f"--threshold: {text!r} is not a percentage") from None
    if not value.is_finite() or not 0 <= value <= 100:
        raise InputError(f"--threshold must be between 0 and 100 percent, not {text!r}")
    return value


# --- the count ---------------------------------------------------------------------------


def compute(opts: Options, entries: list[Entry], file: str) -> Apportionment:
    """Apportion; map a rule's objection to the line it concerns."""
    from smolny.rules.apportion import apportion, below_threshold, ratio_rule

    pops = [e.population for e in entries]
    if opts.per is not None:
        return ratio_rule(pops, opts.per, opts.min_seats, opts.rounding)
    assert opts.method is not None
    assert opts.seats is not None
    dropped = set(below_threshold(pops, opts.threshold))
    included = [e for i, e in enumerate(entries) if i not in dropped]
    minimum = max(opts.min_seats, opts.method.implied_minimum)
    if minimum and len(included) * minimum > opts.seats:
        room = opts.seats // minimum
        first_out = included[room]
        raise InputError(
            f"field 'name': more constituencies than seats: {opts.seats} seats at a minimum "
            f"of {minimum} each ({opts.method}) have room for {room}, and {first_out.name!r} "
            f"is number {room + 1}",
            file=file,
            line=first_out.line,
        )
    try:
        return apportion(
            pops,
            opts.seats,
            opts.method,
            min_seats=opts.min_seats,
            threshold=opts.threshold,
            tie_seed=opts.tie_seed,
            labels=[e.name for e in entries],
        )
    except ValueError as error:
        raise InputError(str(error), file=file) from error


def _who(names: Iterable[str]) -> str:
    listed = list(names)
    return listed[0] if len(listed) == 1 else f"{', '.join(listed[:-1])} and {listed[-1]}"


def explain(tie: Tie) -> str:
    """One line on standard error about a tie."""
    if tie.resolved:
        return (
            f"tie for {tie.at} between {_who(tie.contenders)} broken by lot "
            f"(seed {tie.seed}) in favour of {_who(tie.chosen)}"
        )
    return f"tie for {tie.at} between {_who(tie.contenders)}; rerun with --tie-seed"


def as_json(opts: Options, entries: list[Entry], result: Apportionment, column: str) -> str:
    """The ``--json`` form."""
    data: dict[str, object] = {
        "method": str(result.method) if result.method is not None else "ratio",
        "house_size": result.house_size,
        "allocated": result.allocated,
        "seats": {e.name: s for e, s in zip(entries, result.seats, strict=True)},
        "ties": [tie.as_dict() for tie in result.ties],
        "unresolved": result.unresolved,
        "excluded": [entries[i].name for i in result.excluded],
        "counted": column,
        "min_seats": opts.min_seats,
    }
    if opts.per is not None:
        data["per"] = opts.per
        data["rounding"] = opts.rounding
    else:
        data["threshold"] = None if opts.threshold is None else str(opts.threshold)
    return json.dumps(data, indent=2, ensure_ascii=False)


def handle(args: argparse.Namespace) -> int:
    """Read, apportion, print; 1 on an unresolved tie, 2 on bad input."""
    try:
        opts = options(args)
        column, entries = load(args.file)
        result = compute(opts, entries, args.file)
    except InputError as error:
        return fail(error)
    if args.json:
        print(as_json(opts, entries, result, column))
    else:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(["name", "seats"])
        writer.writerows((e.name, s) for e, s in zip(entries, result.seats, strict=True))
    sys.stdout.flush()
    for tie in result.ties:
        print(f"smolny: {explain(tie)}", file=sys.stderr)
    if result.unresolved:
        print(
            f"smolny: {result.held_back} seat(s) held back of {result.house_size}",
            file=sys.stderr,
        )
        return 1
    return 0
