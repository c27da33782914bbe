"""``smolny verify-vote``: recount a secret vote's downloaded bulletin board.

Contract::

    smolny verify-vote FILE

FILE is the JSON of a closed secret vote's bulletin board (the download link on the board's
page, or ``GET /api/votes/<id>/board``, ``GET /api/recall/votes/<id>/board``,
``GET /api/elections/<id>/board``; see :mod:`smolny.councils.queries.board`). The command
checks that the board lists as many ballots as trackers, each tracker once, and counts the
opened ballots again: a session's vote under the majority rule and the presence recorded on
the board (a preferential vote by the Schulze method, with the seed of any lot the close
recorded); a recall vote under the recall rule (the quorum of the roll, then a majority of
those voting); an election poll by its STV count, with its withdrawals and lot seed. It
compares the figures and the outcome with the result the board declares.

Exit status: 0 when the recount agrees, 1 when it does not (each difference printed), 2 when
the file is not a board this command reads. It loads no Django and reads no database: anyone
holding the file can run it.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from fractions import Fraction
from typing import Any

from smolny.commands import InputError, fail

FORMAT = "smolny bulletin board 1"
HELP = (
    "recount a secret vote's, a recall vote's or an election poll's bulletin board (JSON) and "
    "compare it with the declared result"
)
CHOICES = ("for", "against", "abstain")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "verify-vote",
        help=HELP,
        description=HELP + ". Exit 0 when it agrees, 1 when it does not, 2 for a bad file.",
    )
    parser.add_argument("file", metavar="FILE", help="the board's JSON, as downloaded")
    parser.set_defaults(handler=run)


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise InputError(f"the key {key!r} appears twice in one object")
        seen[key] = value
    return seen


def _load(path: str) -> dict[str, Any]:
    try:
        with open(path, encoding="utf-8") as handle:
            board = json.load(handle, object_pairs_hook=_no_duplicates)
    except OSError as error:
        raise InputError(f"cannot read it: {error.strerror}", file=path) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InputError(f"not JSON: {error}", file=path) from None
    except InputError as error:
        raise InputError(error.message, file=path) from None
    if not isinstance(board, dict) or board.get("format") != FORMAT:
        raise InputError(f"not a bulletin board (its format must be {FORMAT!r})", file=path)
    if board.get("status") != "closed" or not isinstance(board.get("ballots"), list):
        raise InputError("the vote is not closed: a running board has no ballots", file=path)
    if not isinstance(board.get("declared"), dict):
        raise InputError("the board has no 'declared'", file=path)
    if board.get("method") in ("recall", "stv"):
        return board
    for key in ("rule", "declared"):
        if not isinstance(board.get(key), dict):
            raise InputError(f"the board has no {key!r}", file=path)
    for key in ("present", "seated"):
        if not isinstance(board.get(key), int):
            raise InputError(f"the board's {key!r} is not a number", file=path)
    return board


def _rule(fields: dict[str, Any]) -> tuple[Any, Any]:
    """The majority rule and the quorum the board records (as the organ's rules row holds
    them; the same reading as :func:`smolny.councils.queries.sessions.majority_rule`)."""
    from smolny.rules.majority import Base, Kind, MajorityRule, Quorum

    try:
        if fields["quorum_members"] is not None:
            quorum = Quorum(int(fields["quorum_members"]), more_than=fields["quorum_more_than"])
        else:
            share = Fraction(int(fields["quorum_num"]), int(fields["quorum_den"]))
            quorum = Quorum(share, more_than=bool(fields["quorum_more_than"]))
        kind, base = Kind(fields["majority_kind"]), Base(fields["majority_base"])
        casting = bool(fields["casting_vote"])
        if kind is Kind.SIMPLE:
            return MajorityRule.simple(quorum=quorum, casting_vote=casting), quorum
        if kind is Kind.ABSOLUTE:
            return MajorityRule.absolute(base, quorum=quorum, casting_vote=casting), quorum
        share = Fraction(int(fields["majority_num"]), int(fields["majority_den"]))
        rule = MajorityRule.qualified(
            share,
            base,
            more_than=bool(fields["majority_more_than"]),
            quorum=quorum,
            casting_vote=casting,
        )
        return rule, quorum
    except (KeyError, TypeError, ValueError, ZeroDivisionError) as error:
        raise InputError(f"the board's rule cannot be read: {error}") from None


def _trackers(board: dict[str, Any]) -> list[str]:
    """The trackers against the ballots: each once, and as many ballots as trackers (a ballot
    more is a stuffed one, a ballot fewer a lost one)."""
    trackers, ballots = board.get("trackers"), board["ballots"]
    if not isinstance(trackers, list) or not all(isinstance(t, str) for t in trackers):
        raise InputError("the board lists no trackers")
    if not isinstance(ballots, list) or not all(isinstance(b, dict) for b in ballots):
        raise InputError("the board's ballots are not a list of ballots")
    counts = Counter(trackers)
    problems = [f"tracker {t} appears {n} times" for t, n in counts.items() if n > 1]
    if len(ballots) != len(trackers):
        problems.append(f"ballots: the board lists {len(ballots)} for {len(trackers)} trackers")
    return problems


def _recount_choices(board: dict[str, Any]) -> list[str]:
    from smolny.rules.procedure import close_vote

    ballots = board["ballots"]
    for number, b in enumerate(ballots, start=1):
        if b.get("choice") not in CHOICES:
            raise InputError(
                f"ballot {number}: choice {b.get('choice')!r} is not one of for, against, abstain"
            )
    counts = Counter(b["choice"] for b in ballots)
    rule, quorum = _rule(board["rule"])
    try:
        closed = close_vote(
            rule,
            for_=counts["for"],
            against=counts["against"],
            abstain=counts["abstain"],
            present=board["present"],
            seated=board["seated"],
            quorum=quorum,
        )
    except ValueError as error:  # e.g. more ballots than members present: stuffed
        return [f"the ballots cannot be counted under the board's presence: {error}"]
    declared = board["declared"]
    found = {
        "for": counts["for"],
        "against": counts["against"],
        "abstain": counts["abstain"],
        "outcome": closed.decision.outcome.value,
    }
    return [
        f"{key}: the board declares {declared.get(key)!r}, the recount gives {value!r}"
        for key, value in found.items()
        if declared.get(key) != value
    ]


def _recount_ranking(board: dict[str, Any]) -> list[str]:
    from smolny.rules.ballots import BallotSet
    from smolny.rules.procedure import (
        PREFERENTIAL_VOTE,
        CallKind,
        ProcedureError,
        VoteCall,
        check_quorum,
        count_preference,
    )

    options = board.get("options")
    if not isinstance(options, list) or not options or not all(isinstance(o, str) for o in options):
        raise InputError("a preferential board names no options")
    index = {o: i for i, o in enumerate(options)}
    rankings: list[tuple[int, ...]] = []
    for number, b in enumerate(board["ballots"], start=1):
        ranking = b.get("ranking")
        if (
            not isinstance(ranking, list)
            or not ranking
            or any(o not in index for o in ranking)
            or len(set(ranking)) != len(ranking)
        ):
            raise InputError(f"ballot {number}: ranking {ranking!r} does not rank the options")
        rankings.append(tuple(index[o] for o in ranking))
    declared = board["declared"]
    problems: list[str] = []
    if declared.get("for") != len(rankings):
        problems.append(
            f"ballots: the board declares {declared.get('for')!r}, it lists {len(rankings)}"
        )
    _, quorum = _rule(board["rule"])
    if not check_quorum(quorum, board["seated"], board["present"]).quorate:
        outcome, preferred = "inquorate", ""
    else:
        seeds = [t.get("seed") for t in declared.get("ties") or [] if t.get("resolved_by") == "lot"]
        merged = Counter(rankings)
        keys = sorted(merged)
        ballots = BallotSet(tuple(options), tuple(keys), tuple(merged[k] for k in keys))
        call = VoteCall(CallKind.PREFERENTIAL, PREFERENTIAL_VOTE, options=tuple(options))
        try:
            result = count_preference(call, ballots, tie_seed=seeds[0] if seeds else None)
        except ProcedureError as error:
            return [*problems, f"the recount decides nothing: {error}"]
        outcome, preferred = "preferred", result.preferred or ""
    if declared.get("outcome") != outcome:
        problems.append(
            f"outcome: the board declares {declared.get('outcome')!r}, the recount "
            f"gives {outcome!r}"
        )
    elif declared.get("preferred") != preferred:
        problems.append(
            f"preferred: the board declares {declared.get('preferred')!r}, the "
            f"recount gives {preferred!r}"
        )
    return problems


def _recount_recall(board: dict[str, Any]) -> list[str]:
    """A recall vote: the quorum of the roll first, then a majority of those voting
    (:func:`smolny.rules.recall.recall_outcome`)."""
    from smolny.rules.recall import recall_outcome

    for number, b in enumerate(board["ballots"], start=1):
        if b.get("choice") not in ("recall", "keep"):
            raise InputError(f"ballot {number}: choice {b.get('choice')!r} is not recall or keep")
    try:
        roll = int(board["roll_size"])
        quorum = Fraction(str(board["quorum"]))
    except (KeyError, TypeError, ValueError, ZeroDivisionError) as error:
        raise InputError(f"the board's roll or quorum cannot be read: {error}") from None
    counts = Counter(b["choice"] for b in board["ballots"])
    try:
        outcome = recall_outcome(roll, counts["recall"], counts["keep"], quorum)
    except ValueError as error:
        return [f"the ballots cannot be counted: {error}"]
    declared = board["declared"]
    found = {"recall": counts["recall"], "keep": counts["keep"], "outcome": outcome.outcome}
    return [
        f"{key}: the board declares {declared.get(key)!r}, the recount gives {value!r}"
        for key, value in found.items()
        if declared.get(key) != value
    ]


def _recount_stv(board: dict[str, Any]) -> list[str]:
    """An election poll: the rankings merged as the close merged them (in the board's order)
    and counted by the board's STV method for its seats, withdrawals and lot seed."""
    from smolny.rules.ballots import BallotSet
    from smolny.rules.stv import meek_stv, scottish_stv

    counters = {"scottish-stv": scottish_stv, "meek-stv": meek_stv}
    method = board.get("count_method")
    if method not in counters:
        raise InputError(f"count method {method!r}: this command knows {', '.join(counters)}")
    candidates, seats = board.get("candidates"), board.get("seats")
    if not isinstance(candidates, list) or not all(isinstance(c, str) for c in candidates):
        raise InputError("the board names no candidates")
    if not isinstance(seats, int) or seats < 1:
        raise InputError("the board's seats is not a number")
    seed = board.get("tie_seed")
    if seed is not None and not isinstance(seed, int):
        raise InputError("the board's tie_seed is not a number")
    index = {c: i for i, c in enumerate(candidates)}
    merged: dict[tuple[int, ...], int] = {}
    for number, b in enumerate(board["ballots"], start=1):
        ranking = b.get("ranking")
        if (
            not isinstance(ranking, list)
            or not ranking
            or any(c not in index for c in ranking)
            or len(set(ranking)) != len(ranking)
        ):
            raise InputError(f"ballot {number}: ranking {ranking!r} does not rank the candidates")
        key = tuple(index[c] for c in ranking)
        merged[key] = merged.get(key, 0) + 1
    withdrawn = frozenset(index[c] for c in board.get("withdrawn") or [] if c in index)
    ballots = BallotSet(
        candidates=tuple(candidates),
        rankings=tuple(merged),
        counts=tuple(merged.values()),
        seats=seats,
        withdrawn=withdrawn,
    )
    try:
        result = counters[method](ballots, seats, tie_seed=seed)
    except ValueError as error:
        return [f"the recount decides nothing: {error}"]
    declared = board["declared"].get("elected")
    if declared != list(result.elected):
        return [f"elected: the board declares {declared!r}, the recount gives {result.elected!r}"]
    return []


def run(args: argparse.Namespace) -> int:
    try:
        board = _load(args.file)
        problems = _trackers(board)
        if board.get("method") == "recall":
            problems += _recount_recall(board)
        elif board.get("method") == "stv":
            problems += _recount_stv(board)
        elif board.get("method") == "preferential":
            problems += _recount_ranking(board)
        elif board.get("method") == "for-against-abstain":
            problems += _recount_choices(board)
        else:
            raise InputError(f"unknown method {board.get('method')!r}")
    except InputError as error:
        if error.file is None:
            error = InputError(error.message, file=args.file)
        return fail(error)
    where = f"vote {board.get('vote')}: {len(board['ballots'])} ballots"
    if problems:
        for problem in problems:
            print(f"DISAGREES {problem}")
        print(f"{where}; the recount does not agree with the declared result")
        return 1
    declared = board["declared"]
    outcome = declared.get("outcome", declared.get("elected"))
    print(f"{where}; the recount agrees with the declared result ({outcome})")
    return 0
