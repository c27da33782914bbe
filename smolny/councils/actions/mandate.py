"""Mandates: seating a deputy, resigning, and what happens whenever a mandate ends."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils.translation import gettext

from smolny.councils.actions.election import open_by_election_for
from smolny.councils.models import (
    Election,
    ElectionWinner,
    Fraction,
    FractionMembership,
    Mandate,
    Member,
    OrganSeat,
    RecallPetition,
    RecallVote,
)
from smolny.councils.models.dated import valid_at
from smolny.councils.queries import seats_at
from smolny.councils.queries.elections import eligible
from smolny.journal.actions import (
    Actor,
    NotAllowed,
    action_transaction,
    fresh,
    record,
    require_member_or_secretary,
    require_secretary,
    within_action,
)


def seat_deputy(
    actor: Actor,
    election: Election,
    member: Member,
    *,
    fraction: Fraction | None = None,
    at: datetime | None = None,
) -> Mandate:
    """Seat a member elected in *election* as a deputy, after checking credentials.

    Credentials: declared elected in this election; still eligible for the constituency
    (on its roll, or a deputy of the delegating council); not already holding a mandate in
    the council; and a seat free under the apportionment in force.
    """
    with action_transaction(at) as at:
        election = fresh(election)
        member = fresh(member)
        constituency = election.constituency
        council = constituency.council
        require_secretary(actor, council.organisation, at)
        if not ElectionWinner.objects.filter(election=election, member=member).exists():
            raise NotAllowed(
                gettext("%(member)s was not declared elected in this election")
                % {"member": member.name}
            )
        if Mandate.objects.filter(election=election, member=member).exists():
            raise NotAllowed(
                gettext("%(member)s has been seated from this election already")
                % {"member": member.name}
            )
        problem = eligible(member, constituency, at)
        if problem:
            raise NotAllowed(problem)
        if Mandate.objects.filter(council=council, member=member, end=None).exists():
            raise NotAllowed(
                gettext("%(member)s already holds a mandate in %(council)s")
                % {"member": member.name, "council": council.name}
            )
        seated = Mandate.objects.filter(valid_at(at), constituency=constituency).count()
        seats = seats_at(constituency, at)
        if seated >= seats:
            raise NotAllowed(
                gettext("all %(seats)s seat(s) of %(constituency)s are filled")
                % {"seats": seats, "constituency": constituency.name}
            )
        if fraction is not None:
            fraction = fresh(fraction)
            if fraction.council_id != council.pk or not fraction.current_at(at):
                raise NotAllowed(
                    gettext("%(fraction)s is not a fraction of %(council)s")
                    % {"fraction": fraction.name, "council": council.name}
                )
        mandate = Mandate.objects.create(
            council=council, constituency=constituency, member=member, election=election, start=at
        )
        if fraction is not None:
            FractionMembership.objects.create(fraction=fraction, mandate=mandate, start=at)
        record(
            actor,
            "seat_deputy",
            {
                "mandate": mandate.pk,
                "council": council.pk,
                "constituency": constituency.pk,
                "member": member.external_id,
                "election": election.pk,
                "fraction": fraction.name if fraction else None,
            },
            at=at,
            organisation=council.organisation,
        )
    return mandate


@within_action
def end_mandate(mandate: Mandate, reason: str, at: datetime) -> dict[str, Any]:
    """End *mandate* at *at* inside the calling action (a recall, a resignation): what
    :func:`close_mandate` does, and a by-election opens for the seat. Returns what changed,
    for the journal."""
    changes = close_mandate(mandate, reason, at)
    by_election = open_by_election_for(mandate, at)
    return {**changes, "by_election": by_election.pk}


@within_action
def close_mandate(mandate: Mandate, reason: str, at: datetime) -> dict[str, Any]:
    """The end of a mandate, however it comes (recall, resignation, a congress's delegates
    expiring at its next convocation), inside the calling action: the mandate ends with its
    reason, its fraction membership ends, every organ seat it carried falls vacant, and a
    recall under way lapses. Whether a by-election follows is the caller's business.
    Returns what changed, for the journal."""
    if mandate.end is not None:
        raise NotAllowed(
            gettext("the mandate of %(member)s has ended already") % {"member": mandate.member.name}
        )
    if at < mandate.start:
        raise NotAllowed(gettext("a mandate cannot end before it began"))
    memberships = FractionMembership.objects.filter(mandate=mandate, end=None)
    seats = OrganSeat.objects.filter(holder=mandate, end=None)
    if memberships.filter(start__gt=at).exists() or seats.filter(start__gt=at).exists():
        raise NotAllowed(
            gettext(
                "the mandate of %(member)s has changes recorded after %(at)s: it cannot "
                "end before them"
            )
            % {"member": mandate.member.name, "at": at.isoformat()}
        )
    mandate.end = at
    mandate.end_reason = reason
    mandate.save(update_fields=["end", "end_reason"])
    memberships.update(end=at)
    lapsed = []
    for petition in RecallPetition.objects.filter(mandate=mandate).exclude(
        status=RecallPetition.CLOSED
    ):
        petition.status = RecallPetition.CLOSED
        petition.closed_at = at
        petition.save(update_fields=["status", "closed_at"])
        RecallVote.objects.filter(petition=petition, closed_at=None).update(
            closed_at=at, outcome=RecallVote.LAPSED
        )
        lapsed.append(petition.pk)
    vacated = []
    for seat in seats.select_related("organ"):
        seat.end = at
        seat.save(update_fields=["end"])
        OrganSeat.objects.create(
            organ=seat.organ,
            number=seat.number,
            status=OrganSeat.VACANT,
            how=seat.how,
            fraction=seat.fraction,
            holder=None,
            start=at,
        )
        vacated.append({"organ": seat.organ_id, "seat": seat.number})
    return {
        "mandate": mandate.pk,
        "member": mandate.member.external_id,
        "reason": reason,
        "vacated_seats": vacated,
        "lapsed_petitions": lapsed,
    }


def resign_mandate(actor: Actor, mandate: Mandate, *, at: datetime | None = None) -> Mandate:
    """A deputy resigns (or a secretary records the resignation)."""
    with action_transaction(at) as at:
        mandate = fresh(mandate)
        require_member_or_secretary(actor, mandate.member, at)
        changes = end_mandate(mandate, Mandate.RESIGNED, at)
        record(actor, "resign_mandate", changes, at=at, organisation=mandate.council.organisation)
    return mandate
