"""The central executive: the organ a congress elects to act between congresses.

It is elected at a convocation whose credentials step has been made and which has no delegate
without accepted credentials (a sending council recalls and replaces a refused delegate first),
under the congress's seat rule:

- ``proportional``: the seats are allotted between the congress's fractions by their strength
  (:func:`smolny.councils.actions.organ.form_organ`, :func:`smolny.rules.seats.allot_seats`),
  and each fraction names its members;
- ``stv``: the delegates' ballots (candidates named by member id) are counted by Scottish STV or
  Meek STV (:mod:`smolny.rules.stv`) and the organ is formed with the elected.

The new central executive replaces the one in office (its row ends); the organ stays, as does
its history. Between congresses it may convene the congress and appoint the commissariat.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from django.utils.translation import gettext

from smolny.councils.actions.organ import form_organ
from smolny.councils.models import Mandate, Organ
from smolny.councils.models.dated import valid_at
from smolny.federation.models import CentralExecutive, Convocation
from smolny.federation.queries import uncredentialed
from smolny.journal.actions import (
    ActionError,
    Actor,
    NotAllowed,
    action_transaction,
    fresh,
    record,
    require_secretary,
)
from smolny.rules.ballots import BallotSet

SEAT_RULES = ("proportional", "stv")


def elect_central_executive(
    actor: Actor,
    convocation: Convocation,
    name: str,
    *,
    seats: int,
    seat_rule: str = "proportional",
    method: str = "sainte-lague",
    nominees: Mapping[str, Sequence[Mandate]] | None = None,
    ballots: BallotSet | None = None,
    count_method: str = "scottish-stv",
    tie_seed: int | None = None,
    at: datetime | None = None,
) -> CentralExecutive:
    """Elect the central executive of *convocation*'s congress (see the module).

    ``proportional`` takes *method* (the allotment's divisor method) and *nominees* (fraction
    name to mandates); ``stv`` takes *ballots* and *count_method*.
    """
    if seat_rule not in SEAT_RULES:
        raise ActionError(
            gettext("seat rule %(seat_rule)s: use one of %(names)s")
            % {"seat_rule": repr(seat_rule), "names": ", ".join(SEAT_RULES)}
        )
    if (seat_rule == "stv") != (ballots is not None):
        raise ActionError(gettext("ballots are given for an STV election, and only then"))
    with action_transaction(at) as at:
        convocation = fresh(convocation)
        congress = convocation.congress
        require_secretary(actor, congress.organisation, at)
        if convocation.credentials_checked_at is None:
            raise NotAllowed(
                gettext("the credentials of convocation %(number)s are unchecked")
                % {"number": convocation.number}
            )
        latest = convocation.congress.convocations.order_by("-number").first()
        if latest is not None and latest.pk != convocation.pk:
            raise NotAllowed(
                gettext("convocation %(number)s has been succeeded")
                % {"number": convocation.number}
            )
        missing = uncredentialed(convocation, at)
        if missing:
            raise NotAllowed(
                gettext("delegates without accepted credentials: %(names)s")
                % {"names": ", ".join(m.member.name for m in missing[:20])}
            )
        count: dict[str, object] = {}
        if seat_rule == "proportional":
            organ = form_organ(
                actor,
                congress,
                name,
                kind=Organ.EXECUTIVE,
                seat_rule=Organ.PROPORTIONAL,
                seats=seats,
                method=method,
                nominees=nominees,
                tie_seed=tie_seed,
                at=at,
            )
        else:
            assert ballots is not None
            elected, count = _count(congress.pk, ballots, seats, count_method, tie_seed, at)
            organ = form_organ(
                actor,
                congress,
                name,
                kind=Organ.EXECUTIVE,
                seat_rule=Organ.ELECTION,
                seats=seats,
                elected=elected,
                at=at,
            )
        CentralExecutive.objects.filter(congress=congress, end=None).update(end=at)
        executive = CentralExecutive.objects.create(
            congress=congress, convocation=convocation, organ=organ, start=at
        )
        record(
            actor,
            "elect_central_executive",
            {
                "congress": congress.pk,
                "convocation": convocation.pk,
                "organ": organ.pk,
                "seat_rule": seat_rule,
                "count": count,
            },
            at=at,
            organisation=congress.organisation,
        )
    return executive


def _count(
    congress_id: int,
    ballots: BallotSet,
    seats: int,
    method: str,
    tie_seed: int | None,
    at: datetime,
) -> tuple[list[Mandate], dict[str, object]]:
    """Count the delegates' ballots; the elected as their congress mandates."""
    from smolny.rules.stv import meek_stv, scottish_stv

    counters = {"scottish-stv": scottish_stv, "meek-stv": meek_stv}
    if method not in counters:
        raise ActionError(
            gettext("count method %(method)s: use one of %(names)s")
            % {"method": repr(method), "names": ", ".join(counters)}
        )
    mandates = {
        m.member.external_id: m
        for m in Mandate.objects.filter(valid_at(at), council_id=congress_id).select_related(
            "member"
        )
    }
    names = [n for i, n in enumerate(ballots.candidates) if i not in ballots.withdrawn]
    strangers = [n for n in names if n not in mandates]
    if strangers:
        raise NotAllowed(
            gettext("candidates who are not delegates: %(names)s")
            % {"names": ", ".join(strangers[:20])}
        )
    try:
        result = counters[method](ballots, seats, tie_seed=tie_seed)
    except ValueError as error:
        raise NotAllowed(
            gettext("the count cannot be made: %(error)s") % {"error": error}
        ) from None
    if len(result.elected) < seats and not result.ties:
        raise NotAllowed(
            gettext("the count filled %(count)s of %(seats)s seats")
            % {"count": len(result.elected), "seats": seats}
        )
    return [mandates[n] for n in result.elected], {
        "method": method,
        "elected": list(result.elected),
        "valid_ballots": result.valid_ballots,
        "ties": [t.as_dict() for t in result.ties],
        "tie_seed": tie_seed,
    }
