"""``smolny tally``: count a ballot file.

Contract (docs/architecture.md)::

    smolny tally FILE --method METHOD [--seats N] [--format auto|blt|csv|long] [--json]

METHOD is scottish-stv, meek-stv, irv, schulze or plurality. The default output is a count
sheet: one row per candidate, one column per stage, then what each stage did, the ties met
and how they were settled. ``--json`` prints :meth:`CountResult.as_dict`:
``{"method", "seats", "elected", "rounds", "final", ...}`` with votes as decimal strings.

A bad file prints ``smolny: FILE:LINE: message`` and exits with status 2; nothing is
counted. The command loads no Django (and not ``rich``, whose import costs more than a
small count): a large count is dominated by reading the file and the arithmetic.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from smolny.commands import InputError, fail

if TYPE_CHECKING:
    from smolny.rules.ballots import BallotSet
    from smolny.rules.count import CountResult

HELP = "count a ballot file (Scottish STV, Meek STV, IRV, Schulze, plurality)"
DESCRIPTION = """\
Count the ballots in FILE and print a count sheet (or JSON with --json).

FILE formats (--format auto sniffs them):
  blt    the BLT format: "candidates seats", optional withdrawn line(s) of negative
         numbers, ballot lines "weight c1 c2 ... 0", a line "0", the quoted candidate
         names and the title. Candidates are numbered from 1.
  csv    one ballot per row, candidates' names in order of preference; an optional
         leading count column (a header starting with "count", or an integer first cell).
  long   header ballot_id,rank,choice; one row per marked rank; $OVERVOTE and
         $UNDERVOTE mark an overvoted and a skipped rank.

Methods:
  scottish-stv  Scottish Local Government Elections Order 2007, schedule 1 (5 places)
  meek-stv      Meek's method, the Proportional Representation Foundation reference rule
  irv           instant-runoff (one seat); see --overvote and --skipped
  schulze       Schulze, winning votes; a full ranking, the first N elected
  plurality     the N candidates with the most first preferences

Ties that the rule cannot settle by its own text are always reported. With --tie-seed they
are settled by a seeded lot; without it, meek-stv defeats the tied candidate listed first in
the ballot file (as the Droop program does) and the other methods draw the lot with seed 0.
"""

METHODS = ("scottish-stv", "meek-stv", "irv", "schulze", "plurality")
_COUNTERS: dict[str, tuple[str, str]] = {
    "scottish-stv": ("smolny.rules.stv.scottish", "scottish_stv"),
    "meek-stv": ("smolny.rules.stv.meek", "meek_stv"),
    "irv": ("smolny.rules.ranked", "irv"),
    "schulze": ("smolny.rules.ranked", "schulze"),
    "plurality": ("smolny.rules.ranked", "plurality"),
}
_TITLES = {
    "scottish-stv": "Scottish STV",
    "meek-stv": "Meek STV",
    "irv": "Instant-runoff voting",
    "schulze": "Schulze (winning votes)",
    "plurality": "Plurality",
}


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is not at least 1")
    return value


def _integer(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``tally`` parser."""
    parser = subparsers.add_parser(
        "tally",
        help=HELP,
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("file", metavar="FILE", help="the ballot file")
    parser.add_argument("--method", required=True, choices=METHODS, help="the counting rule")
    parser.add_argument(
        "--seats",
        type=_positive,
        metavar="N",
        help="seats to fill (default: the BLT file's seat count, else 1)",
    )
    parser.add_argument(
        "--format", default="auto", choices=("auto", "blt", "csv", "long"), help="FILE's format"
    )
    parser.add_argument("--json", action="store_true", help="print the count as JSON")
    parser.add_argument(
        "--tie-seed",
        type=_integer,
        metavar="S",
        help="seed of the lot for ties the rule cannot settle (see Ties below; always reported)",
    )
    parser.add_argument(
        "--overvote",
        choices=("exhaust", "skip"),
        default="exhaust",
        help="irv: a ballot reaching an overvoted rank is exhausted (default) or passes over it",
    )
    parser.add_argument(
        "--skipped",
        choices=("skip", "exhaust"),
        default="skip",
        help="irv: a blank rank is passed over (default) or exhausts the ballot",
    )
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Read, count, print; exit status 2 on bad input."""
    try:
        ballots = read(args.file, args.format)
        result = count(ballots, args)
    except (InputError, ValueError) as error:
        return fail(error)
    out = sys.stdout
    if args.json:
        json.dump(result.as_dict(), out, indent=2, ensure_ascii=False)
        out.write("\n")
    else:
        out.write(count_sheet(result, ballots.title))
    return 0


def read(path: str, format: str) -> BallotSet:
    """Read the ballot file at *path*; :class:`InputError` when it cannot be opened."""
    from smolny.rules.ballots import read_ballots

    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as error:
        raise InputError(error.strerror or str(error), file=path) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise InputError(f"not UTF-8 text ({error.reason})", file=path, line=line) from None
    return read_ballots(text, path, format)


def count(ballots: BallotSet, args: argparse.Namespace) -> CountResult:
    """Run the counting rule *args.method* on *ballots*."""
    module_name, function_name = _COUNTERS[args.method]
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError:
        raise InputError(
            f"the method {args.method} is not available in this installation"
        ) from None
    counter: Callable[..., CountResult] = getattr(module, function_name)
    options: dict[str, Any] = {"tie_seed": args.tie_seed}
    seats = ballots.seats if args.seats is None else args.seats
    if args.method == "irv":
        if seats != 1 and args.seats is not None:
            raise InputError(f"irv fills one seat, not {seats}", file=args.file)
        options.update(overvote=args.overvote, skipped=args.skipped)
        return counter(ballots, **options)
    try:
        return counter(ballots, seats, **options)
    except ValueError as error:
        raise InputError(str(error), file=args.file) from None


def count_sheet(result: CountResult, title: str = "") -> str:
    """The count as plain aligned text: candidates as rows, stages as columns."""
    lines: list[str] = []
    heading = _TITLES.get(result.method, result.method)
    lines.append(f"{heading}: {title}" if title else heading)
    quota = result.rounds[0].quota if result.rounds else None
    summary = f"Seats: {result.seats}   Valid ballots: {result.valid_ballots}"
    if quota is not None and result.method != "irv":
        summary += f"   Quota: {quota}"
    lines.append(summary)
    lines.append("")
    names = list(result.final)
    for stage in result.rounds:
        for name in stage.votes:
            if name not in names:
                names.append(name)
    elected_at: dict[str, int] = {}
    excluded_at: dict[str, int] = {}
    for stage in result.rounds:
        for name in stage.elected:
            elected_at.setdefault(name, stage.number)
        for name in stage.excluded:
            excluded_at.setdefault(name, stage.number)
    # Each cell is a figure and a mark (E elected, X excluded at that stage).
    rows: list[list[tuple[str, str]]] = [
        [("", ""), *((f"Stage {s.number}", "") for s in result.rounds)]
    ]
    for name in names:
        cells = [(name, "")]
        for stage in result.rounds:
            value = stage.votes.get(name)
            mark = ""
            if elected_at.get(name) == stage.number:
                mark = "E"
            elif excluded_at.get(name) == stage.number:
                mark = "X"
            cells.append(("-" if value is None else str(value), mark))
        rows.append(cells)
    if any(s.exhausted for s in result.rounds):
        rows.append([("Non-transferable", ""), *((str(s.exhausted), "") for s in result.rounds)])
    if any(s.loss_to_rounding for s in result.rounds):
        rows.append(
            [("Loss to rounding", ""), *((str(s.loss_to_rounding), "") for s in result.rounds)]
        )
    widths = [max(len(row[i][0]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        (first, _), *rest = row
        line = first.ljust(widths[0]) + "".join(
            f"  {figure.rjust(width)} {mark or ' '}"
            for (figure, mark), width in zip(rest, widths[1:], strict=True)
        )
        lines.append(line.rstrip())
    lines.append("(E: elected at that stage; X: excluded at that stage)")
    lines.append("")
    for stage in result.rounds:
        lines.append(f"Stage {stage.number}: {stage.action}. {stage.note}".rstrip())
    lines.append("")
    if result.ranking is not None:
        lines.append("Ranking: " + ", ".join(result.ranking))
    lines.append("Elected: " + (", ".join(result.elected) or "none"))
    for tie in result.ties:
        how = tie.resolved_by or "unresolved"
        seed = f", seed {tie.seed}" if tie.seed is not None else ""
        lines.append(
            f"Tie at {tie.at}: {', '.join(tie.contenders)}; settled by {how}{seed}: "
            f"{', '.join(tie.chosen)}"
        )
    return "\n".join(lines) + "\n"
