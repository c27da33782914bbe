"""Constituency elections: opening one, entering its result or counting its ballots, and
by-elections."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from django.utils.translation import gettext

from smolny.councils import wording
from smolny.councils.models import (
    Constituency,
    Election,
    ElectionVoter,
    ElectionWinner,
    Mandate,
    Member,
)
from smolny.councils.models.dated import valid_at
from smolny.councils.queries import seats_at
from smolny.councils.queries.elections import eligible
from smolny.journal.actions import (
    ActionError,
    Actor,
    NotAllowed,
    action_transaction,
    fresh,
    record,
    require_secretary,
    within_action,
)
from smolny.rules.ballots import BallotSet
from smolny.rules.count import votes_str


def open_election(
    actor: Actor,
    constituency: Constituency,
    *,
    seats: int | None = None,
    at: datetime | None = None,
) -> Election:
    """Open a regular election for the seats the constituency is apportioned (or *seats*)."""
    with action_transaction(at) as at:
        constituency = fresh(constituency)
        organisation = constituency.council.organisation
        require_secretary(actor, organisation, at)
        if seats is None:
            seats = seats_at(constituency, at)
        if seats < 1:
            raise NotAllowed(
                gettext("%(constituency)s has no seats to elect (apportion first)")
                % {"constituency": constituency.name}
            )
        election = Election.objects.create(
            constituency=constituency, kind=Election.REGULAR, seats=seats, opened_at=at
        )
        record(
            actor,
            "open_election",
            {"election": election.pk, "constituency": constituency.pk, "seats": seats},
            at=at,
            organisation=organisation,
        )
    return election


def open_by_election(
    actor: Actor,
    constituency: Constituency,
    *,
    seats: int = 1,
    at: datetime | None = None,
) -> Election:
    """Open a by-election for seats of *constituency* that are vacant and not being filled.

    A mandate's end opens its by-election by itself; this is for the other vacancies (a
    seat left unfilled by a tie, or never taken up). Vacant seats: those apportioned, less
    the current mandates and the seats of elections still open.
    """
    with action_transaction(at) as at:
        constituency = fresh(constituency)
        organisation = constituency.council.organisation
        require_secretary(actor, organisation, at)
        held = Mandate.objects.filter(valid_at(at), constituency=constituency).count()
        pending = sum(
            Election.objects.filter(constituency=constituency, status=Election.OPEN).values_list(
                "seats", flat=True
            )
        )
        vacancies = seats_at(constituency, at) - held - pending
        if seats < 1 or seats > vacancies:
            raise NotAllowed(
                gettext("%(constituency)s has %(max)s vacant seat(s) not being filled")
                % {"constituency": constituency.name, "max": max(vacancies, 0)}
            )
        election = Election.objects.create(
            constituency=constituency, kind=Election.BY_ELECTION, seats=seats, opened_at=at
        )
        record(
            actor,
            "open_by_election",
            {"election": election.pk, "constituency": constituency.pk, "seats": seats},
            at=at,
            organisation=organisation,
        )
    return election


@within_action
def open_by_election_for(mandate: Mandate, at: datetime) -> Election:
    """Create the by-election for a mandate that has just ended (inside its action)."""
    return Election.objects.create(
        constituency=mandate.constituency,
        kind=Election.BY_ELECTION,
        seats=1,
        opened_at=at,
        cause=mandate,
    )


def record_election_result(
    actor: Actor,
    election: Election,
    elected: Sequence[Member],
    *,
    votes: Mapping[str, int | str] | None = None,
    method: str = "result entry",
    at: datetime | None = None,
) -> Election:
    """Declare the result: the members elected, in order, and optionally the votes.

    Each elected member's credentials are checked against the constituency (see
    :func:`eligible`); ``votes`` maps candidate names to their votes as entered.
    """
    with action_transaction(at) as at:
        election = open_for_result(actor, election, at)
        _declare(actor, election, list(elected), method, votes or {}, {}, at)
    return election


def count_election(
    actor: Actor,
    election: Election,
    ballots: BallotSet,
    *,
    method: str = "scottish-stv",
    tie_seed: int | None = None,
    at: datetime | None = None,
) -> Election:
    """Count *ballots* (candidates named by member id) and declare who was elected.

    The count is :func:`smolny.rules.stv.scottish_stv` or :func:`~smolny.rules.stv.meek_stv`
    for the election's seats. Every candidate must be eligible for the constituency. A tie
    the rules leave unresolved (no *tie_seed*) leaves its seat undeclared; the count's ties
    are kept with the result.
    """
    counter = counter_for(method)
    with action_transaction(at) as at:
        election = open_for_result(actor, election, at)
        count_and_declare(actor, election, ballots, method, counter, tie_seed, at)
    return election


Counter = Callable[..., Any]


def counter_for(method: str) -> Counter:
    """The STV count named *method* (refused before any transaction when unknown)."""
    from smolny.rules.stv import meek_stv, scottish_stv

    counters: dict[str, Counter] = {"scottish-stv": scottish_stv, "meek-stv": meek_stv}
    if method not in counters:
        raise ActionError(
            gettext("count method %(method)s: use one of %(names)s")
            % {"method": repr(method), "names": ", ".join(counters)}
        )
    return counters[method]


@within_action
def count_and_declare(
    actor: Actor,
    election: Election,
    ballots: BallotSet,
    method: str,
    counter: Counter,
    tie_seed: int | None,
    at: datetime,
    *,
    action: str = "record_election_result",
    extra: Mapping[str, Any] | None = None,
) -> None:
    """Count *ballots* (candidates named by member number) and declare, inside an action.

    Shared by :func:`count_election` (ballots sent in a file) and the close of an online
    poll (:func:`smolny.councils.actions.election_ballot.close_election_poll`), so both
    check the candidates and declare in the same way; *action* names the journal entry and
    *extra* adds to the count kept with the result.
    """
    constituency = election.constituency
    names = [n for i, n in enumerate(ballots.candidates) if i not in ballots.withdrawn]
    found = {
        m.external_id: m
        for m in Member.objects.filter(
            organisation=constituency.council.organisation_id, external_id__in=names
        ).filter(valid_at(at))
    }
    unknown = [n for n in names if n not in found]
    if unknown:
        raise ActionError(
            gettext("candidates that are not members: %(names)s")
            % {"names": ", ".join(unknown[:20])}
        )
    problems = [p for p in (eligible(found[n], constituency, at) for n in names) if p]
    if problems:
        raise NotAllowed("; ".join(problems[:20]))
    try:
        result = counter(ballots, election.seats, tie_seed=tie_seed)
    except ValueError as error:
        raise NotAllowed(
            gettext("the count cannot be made: %(error)s") % {"error": wording.refusal(str(error))}
        ) from None
    if not result.elected:
        raise NotAllowed(gettext("the count elected nobody (an unresolved tie?)"))
    count = {
        "valid_ballots": result.valid_ballots,
        "stages": len(result.rounds),
        "ties": [tie.as_dict() for tie in result.ties],
        "tie_seed": tie_seed,
        **(extra or {}),
    }
    votes = {name: votes_str(v) for name, v in result.final.items()}
    elected = [found[n] for n in result.elected]
    _declare(actor, election, elected, method, votes, count, at, action=action)


@within_action
def open_for_result(
    actor: Actor, election: Election, at: datetime, *, online: bool = False
) -> Election:
    """The election, re-read, if *actor* may declare its result now. A result entered or
    counted from a file (*online* false) is refused once members have voted online."""
    election = fresh(election)
    require_secretary(actor, election.constituency.council.organisation, at)
    if election.status != Election.OPEN:
        raise NotAllowed(gettext("the result of this election has been declared already"))
    if not online and ElectionVoter.objects.filter(election=election).exists():
        raise NotAllowed(
            gettext(
                "members have cast ballots in this election: close its poll to count "
                "them (a result cannot also be entered or counted from a file)"
            )
        )
    if at < election.opened_at:
        raise ActionError(gettext("a result cannot be declared before the election opened"))
    return election


def _declare(
    actor: Actor,
    election: Election,
    elected: list[Member],
    method: str,
    votes: Mapping[str, int | str],
    count: dict[str, Any],
    at: datetime,
    *,
    action: str = "record_election_result",
) -> None:
    """Check the elected and write the declaration and its journal entry (in the action)."""
    constituency = election.constituency
    if not elected:
        raise ActionError(gettext("an election result names at least one member elected"))
    if len(elected) > election.seats:
        raise NotAllowed(
            gettext("%(count)s elected for %(seats)s seat(s)")
            % {"count": len(elected), "seats": election.seats}
        )
    members = [fresh(m) for m in elected]
    if len({m.pk for m in members}) != len(members):
        raise ActionError(gettext("a member is named twice among the elected"))
    problems = [p for p in (eligible(m, constituency, at) for m in members) if p]
    if problems:
        raise NotAllowed("; ".join(problems))
    ElectionWinner.objects.bulk_create(
        ElectionWinner(election=election, member=m, position=i)
        for i, m in enumerate(members, start=1)
    )
    election.status = Election.DECLARED
    election.declared_at = at
    election.method = method
    election.result = {
        "elected": [m.external_id for m in members],
        "votes": {k: str(v) for k, v in votes.items()},
        **({"count": count} if count else {}),
    }
    election.save(update_fields=["status", "declared_at", "method", "result"])
    record(
        actor,
        action,
        {"election": election.pk, "method": method, **election.result},
        at=at,
        organisation=constituency.council.organisation,
    )
