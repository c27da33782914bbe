"""Organs: forming one under its seat rule, and filling or vacating its seats.

Seat rules (the vocabulary's *seat rule*):

- ``proportional``: the seats (less any ex officio seats) are allotted between the council's
  fractions by their strength at the time — the deputies sitting with each — through
  :func:`smolny.rules.seats.allot_seats`, with refusals (held vacant or redistributed, as
  the organ's ``refused`` setting says) and reservations. A fraction then names the holders
  of its seats (``nominees`` now, or :func:`fill_organ_seat` later).
- ``election``: the council elects the holders; the result is entered as ``elected``.
- ``ex-officio``: every seat is held by office (``ex_officio``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from django.utils.translation import gettext

from smolny.councils import wording
from smolny.councils.models import Council, Fraction, FractionMembership, Mandate, Organ, OrganSeat
from smolny.councils.models.dated import valid_at
from smolny.councils.queries.organs import fraction_strengths
from smolny.journal.actions import (
    ActionError,
    Actor,
    NotAllowed,
    action_transaction,
    fresh,
    record,
    require_secretary,
)
from smolny.rules.seats import FractionStanding, SeatAllotment, allot_seats


def _current_mandate(mandate: Mandate, council: Council, at: datetime) -> Mandate:
    mandate = fresh(mandate)
    if mandate.council_id != council.pk or not mandate.current_at(at):
        raise NotAllowed(
            gettext("%(member)s holds no current mandate in %(council)s")
            % {"member": mandate.member.name, "council": council.name}
        )
    return mandate


def _fraction_of(mandate: Mandate, at: datetime) -> int | None:
    membership = FractionMembership.objects.filter(valid_at(at), mandate=mandate).first()
    return membership.fraction_id if membership else None


def form_organ(
    actor: Actor,
    council: Council,
    name: str,
    *,
    kind: str,
    seat_rule: str,
    seats: int,
    method: str = "sainte-lague",
    refused: str = "vacant",
    refusing: Iterable[str] = (),
    reserving: Iterable[str] = (),
    ex_officio: Sequence[Mandate] = (),
    elected: Sequence[Mandate] = (),
    nominees: Mapping[str, Sequence[Mandate]] | None = None,
    tie_seed: int | None = None,
    at: datetime | None = None,
) -> Organ:
    """Form an organ of *council* and fill its seats under *seat_rule* (see the module)."""
    name = name.strip()
    if not name:
        raise ActionError(gettext("an organ needs a name"))
    if kind not in dict(Organ.KINDS):
        raise ActionError(
            gettext("organ kind %(kind)s: use one of %(names)s")
            % {"kind": repr(kind), "names": ", ".join(dict(Organ.KINDS))}
        )
    if seat_rule not in dict(Organ.SEAT_RULES):
        raise ActionError(
            gettext("seat rule %(seat_rule)s: use one of %(names)s")
            % {"seat_rule": repr(seat_rule), "names": ", ".join(dict(Organ.SEAT_RULES))}
        )
    if seats < 1:
        raise ActionError(gettext("an organ needs at least one seat"))
    refusing, reserving = set(refusing), set(reserving)
    nominees = dict(nominees or {})
    with action_transaction(at) as at:
        council = fresh(council)
        require_secretary(actor, council.organisation, at)
        if Organ.objects.filter(council=council, name=name).exists():
            raise NotAllowed(
                gettext("%(council)s has an organ named %(name)s already")
                % {"council": council.name, "name": repr(name)}
            )
        office = [_current_mandate(m, council, at) for m in ex_officio]
        chosen = [_current_mandate(m, council, at) for m in elected]
        holders = [m.pk for m in office + chosen] + [m.pk for ms in nominees.values() for m in ms]
        if len(set(holders)) != len(holders):
            raise NotAllowed(gettext("a deputy is named for more than one seat of the organ"))
        plan: list[dict[str, Any]] = []  # one dict per seat, in seat order
        plan += [
            {"status": OrganSeat.HELD, "how": OrganSeat.EX_OFFICIO, "holder": m} for m in office
        ]
        allotment: dict[str, Any] = {}
        if seat_rule == Organ.EX_OFFICIO:
            if len(office) != seats or chosen or nominees:
                raise NotAllowed(
                    gettext("an ex officio organ of %(seats)s seats needs %(seats)s office holders")
                    % {"seats": seats}
                )
        elif seat_rule == Organ.ELECTION:
            if nominees:
                raise NotAllowed(gettext("an elected organ has no fraction nominees"))
            if len(office) + len(chosen) > seats:
                raise NotAllowed(
                    gettext("%(amount)s holders for %(seats)s seats")
                    % {"amount": len(office) + len(chosen), "seats": seats}
                )
            plan += [
                {"status": OrganSeat.HELD, "how": OrganSeat.ELECTED, "holder": m} for m in chosen
            ]
            plan += [
                {"status": OrganSeat.VACANT, "how": OrganSeat.ELECTED}
                for _ in range(seats - len(plan))
            ]
        else:
            if chosen:
                raise NotAllowed(gettext("a proportional organ's seats are allotted, not elected"))
            standing = fraction_strengths(council, at)
            by_name = {f.name: f for f, _ in standing}
            unknown = (refusing | reserving | set(nominees)) - set(by_name)
            if unknown:
                raise NotAllowed(
                    gettext("no such fraction in %(council)s: %(names)s")
                    % {"council": council.name, "names": ", ".join(sorted(unknown))}
                )
            try:
                result = allot_seats(
                    [
                        FractionStanding(f.name, n, f.name in refusing, f.name in reserving)
                        for f, n in standing
                    ],
                    seats,
                    method,
                    ex_officio=len(office),
                    refused=refused,  # type: ignore[arg-type]
                    tie_seed=tie_seed,
                )
            except ValueError as error:
                raise NotAllowed(wording.refusal(str(error))) from None
            plan += _proportional_plan(result, standing, nominees, refusing, at)
            allotment = {
                "strength": {f.name: n for f, n in standing},
                "entitled": result.entitled,
                "taken": result.taken,
                "reserved": result.reserved,
                "vacant": result.vacant,
                "ties": [t.as_dict() for t in result.ties],
            }
        organ = Organ.objects.create(
            council=council,
            name=name,
            kind=kind,
            seat_rule=seat_rule,
            seats=seats,
            method=method if seat_rule == Organ.PROPORTIONAL else "",
            refused=refused,
            ex_officio=len(office),
            allotment=allotment,
            start=at,
        )
        OrganSeat.objects.bulk_create(
            OrganSeat(
                organ=organ,
                number=i,
                status=p["status"],
                how=p["how"],
                fraction=p.get("fraction"),
                holder=p.get("holder"),
                start=at,
            )
            for i, p in enumerate(plan, start=1)
        )
        record(
            actor,
            "form_organ",
            {
                "council": council.pk,
                "organ": organ.pk,
                "name": name,
                "kind": kind,
                "seat_rule": seat_rule,
                "seats": seats,
                "allotment": allotment,
                "holders": {
                    str(i): p["holder"].member.external_id
                    for i, p in enumerate(plan, start=1)
                    if p.get("holder") is not None
                },
            },
            at=at,
            organisation=council.organisation,
        )
    return organ


def _proportional_plan(
    result: SeatAllotment,
    standing: list[tuple[Fraction, int]],
    nominees: dict[str, Sequence[Mandate]],
    refusing: set[str],
    at: datetime,
) -> list[dict[str, Any]]:
    """Seats in order: each fraction's taken seats (nominees first), reserved, refused; then
    seats left vacant by an unresolved tie.

    Refused seats are marked as the refusing fraction's only when they were held vacant:
    ``vacant`` then contains them (rule 4 of :mod:`smolny.rules.seats`); when they were
    redistributed, the fractions that took seats hold more than their entitlement.
    """
    refused_total = sum(result.entitled[n] for n in refusing)
    redistributed = refused_total > 0 and result.vacant < refused_total
    plan: list[dict[str, Any]] = []
    vacant_left = result.vacant
    for fraction, _ in standing:
        named = list(nominees.get(fraction.name, ()))
        if len(named) > result.taken[fraction.name]:
            raise NotAllowed(
                gettext("%(fraction)s names %(count)s holders for %(taken)s seat(s)")
                % {
                    "fraction": fraction.name,
                    "count": len(named),
                    "taken": result.taken[fraction.name],
                }
            )
        for m in named:
            if _fraction_of(m, at) != fraction.pk:
                raise NotAllowed(
                    gettext("%(member)s does not sit with %(fraction)s")
                    % {"member": m.member.name, "fraction": fraction.name}
                )
        for i in range(result.taken[fraction.name]):
            seat: dict[str, Any] = {"how": OrganSeat.ALLOTTED, "fraction": fraction}
            if i < len(named):
                seat.update(status=OrganSeat.HELD, holder=named[i])
            else:
                seat.update(status=OrganSeat.VACANT)
            plan.append(seat)
        plan += [
            {"status": OrganSeat.RESERVED, "how": OrganSeat.ALLOTTED, "fraction": fraction}
            for _ in range(result.reserved[fraction.name])
        ]
        if (
            not redistributed
            and not result.taken[fraction.name]
            and not result.reserved[fraction.name]
        ):
            n = min(result.entitled[fraction.name], vacant_left)
            vacant_left -= n
            plan += [
                {"status": OrganSeat.REFUSED, "how": OrganSeat.ALLOTTED, "fraction": fraction}
                for _ in range(n)
            ]
    plan += [{"status": OrganSeat.VACANT, "how": OrganSeat.ALLOTTED} for _ in range(vacant_left)]
    return plan


def _current_row(organ: Organ, number: int) -> OrganSeat:
    row = OrganSeat.objects.filter(organ=organ, number=number, end=None).first()
    if row is None:
        raise NotAllowed(
            gettext("%(organ)s has no seat %(number)s") % {"organ": organ.name, "number": number}
        )
    return row


def fill_organ_seat(
    actor: Actor, organ: Organ, number: int, mandate: Mandate, *, at: datetime | None = None
) -> OrganSeat:
    """Give seat *number* of *organ* to the deputy holding *mandate*, replacing any holder.

    A seat allotted to a fraction (taken, reserved or refused) goes only to a deputy
    sitting with that fraction.
    """
    with action_transaction(at) as at:
        organ = fresh(organ)
        require_secretary(actor, organ.council.organisation, at)
        if organ.end is not None:
            raise NotAllowed(gettext("%(organ)s has been dissolved") % {"organ": organ.name})
        mandate = _current_mandate(mandate, organ.council, at)
        row = _current_row(organ, number)
        if at < row.start:
            raise NotAllowed(gettext("a seat cannot change before its last change"))
        if OrganSeat.objects.filter(organ=organ, holder=mandate, end=None).exists():
            raise NotAllowed(
                gettext("%(member)s holds a seat of %(organ)s already")
                % {"member": mandate.member.name, "organ": organ.name}
            )
        if row.fraction_id is not None and _fraction_of(mandate, at) != row.fraction_id:
            assert row.fraction is not None
            raise NotAllowed(
                gettext(
                    "seat %(number)s of %(organ)s belongs to %(fraction)s, and %(member)s "
                    "does not sit with it"
                )
                % {
                    "number": number,
                    "organ": organ.name,
                    "fraction": row.fraction.name,
                    "member": mandate.member.name,
                }
            )
        previous = row.holder.member.external_id if row.holder else None
        row.end = at
        row.save(update_fields=["end"])
        seat = OrganSeat.objects.create(
            organ=organ,
            number=number,
            status=OrganSeat.HELD,
            how=row.how,
            fraction=row.fraction,
            holder=mandate,
            start=at,
        )
        record(
            actor,
            "fill_organ_seat",
            {
                "organ": organ.pk,
                "seat": number,
                "holder": mandate.member.external_id,
                "mandate": mandate.pk,
                "previous": previous,
                "was": row.status,
            },
            at=at,
            organisation=organ.council.organisation,
        )
    return seat


def vacate_organ_seat(
    actor: Actor, organ: Organ, number: int, *, at: datetime | None = None
) -> OrganSeat:
    """The holder of seat *number* leaves the organ (keeping their mandate); the seat is vacant."""
    with action_transaction(at) as at:
        organ = fresh(organ)
        require_secretary(actor, organ.council.organisation, at)
        row = _current_row(organ, number)
        if row.holder is None:
            raise NotAllowed(
                gettext("seat %(number)s of %(organ)s is not held")
                % {"number": number, "organ": organ.name}
            )
        row.end = at
        row.save(update_fields=["end"])
        seat = OrganSeat.objects.create(
            organ=organ,
            number=number,
            status=OrganSeat.VACANT,
            how=row.how,
            fraction=row.fraction,
            start=at,
        )
        record(
            actor,
            "vacate_organ_seat",
            {"organ": organ.pk, "seat": number, "previous": row.holder.member.external_id},
            at=at,
            organisation=organ.council.organisation,
        )
    return seat
