"""Constituency elections: opening one, entering its result, and by-elections."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from smolny.councils.actions.base import (
    ActionError,
    Actor,
    NotAllowed,
    action_transaction,
    fresh,
    record,
    require_secretary,
)
from smolny.councils.models import Constituency, Election, ElectionWinner, Mandate, Member
from smolny.councils.models.dated import valid_at
from smolny.councils.queries import seats_at


def eligible(member: Member, constituency: Constituency, at: datetime) -> str | None:
    """Why *member* cannot stand for *constituency* at *at*, or None when they can.

    For a roll constituency: being on its roll. For a council constituency (a congress
    delegation): holding a current mandate in the delegating council.
    """
    if constituency.kind == Constituency.COUNCIL:
        delegating = constituency.delegating_council_id
        if (
            delegating is None
            or not Mandate.objects.filter(
                valid_at(at), council_id=delegating, member=member
            ).exists()
        ):
            return f"{member.name} holds no mandate in the delegating council"
        return None
    if member.constituency_id != constituency.pk or not member.current_at(at):
        return f"{member.name} is not on the roll of {constituency.name}"
    return None


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
            raise NotAllowed(f"{constituency.name} has no seats to elect (apportion first)")
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
        election = fresh(election)
        constituency = election.constituency
        organisation = constituency.council.organisation
        require_secretary(actor, organisation, at)
        if election.status != Election.OPEN:
            raise NotAllowed("the result of this election has been declared already")
        if at < election.opened_at:
            raise ActionError("a result cannot be declared before the election opened")
        if not elected:
            raise ActionError("an election result names at least one member elected")
        if len(elected) > election.seats:
            raise NotAllowed(f"{len(elected)} elected for {election.seats} seat(s)")
        members = [fresh(m) for m in elected]
        if len({m.pk for m in members}) != len(members):
            raise ActionError("a member is named twice among the elected")
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
            "votes": {k: str(v) for k, v in (votes or {}).items()},
        }
        election.save(update_fields=["status", "declared_at", "method", "result"])
        record(
            actor,
            "record_election_result",
            {"election": election.pk, "method": method, **election.result},
            at=at,
            organisation=organisation,
        )
    return election
