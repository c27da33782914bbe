"""Two bulk actions for large councils (a world load, a big congress): seating thousands of
elected deputies, and regrouping them between fractions, each in one transaction with one
journal entry.

The councils app seats a deputy with :func:`smolny.councils.actions.seat_deputy` (one
election opened and declared per constituency, one action per deputy). At the Petrograd
Soviet's size, 2,811 constituencies and 3,000 deputies, that is about 8,600 actions and half
a minute on SQLite, over the world's budget; a summer of changes of side would be another
2,000 actions of :func:`~smolny.councils.actions.change_fraction`. These two functions follow
the action pattern (:mod:`smolny.journal.actions`: the journal lock first, permission,
every credential checked before anything is written, the rows, one journal entry listing
every deputy) and check what the one-by-one actions check, in bulk:

- :func:`seat_slate`: each constituency is the council's and current, its apportioned seats
  (the apportionment in force) are not exceeded, every member is on its roll and holds no
  mandate in the council, every fraction is the council's. It writes the declared election
  of each constituency (method "result entry"), its winners, the mandates and the fraction
  memberships, exactly the rows of ``open_election`` + ``record_election_result`` +
  ``seat_deputy``.
- :func:`regroup_fractions`: each mandate is current in the council; its fraction
  membership ends and the new one starts (``None``: sits with no fraction).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from django.utils.translation import gettext

from smolny.councils.bulk import insert_rows
from smolny.councils.models import (
    ApportionedSeats,
    Constituency,
    Council,
    Election,
    ElectionWinner,
    Fraction,
    FractionMembership,
    Mandate,
    Member,
)
from smolny.councils.models.dated import valid_at
from smolny.councils.queries import apportionment_at
from smolny.journal.actions import (
    Actor,
    NotAllowed,
    action_transaction,
    fresh,
    record,
    require_secretary,
)

Slate = Mapping[int, Sequence[tuple[Member, str | None]]]
"""Constituency id -> the members elected there, in order, each with the fraction they join
(``None``: no fraction)."""


def seat_slate(actor: Actor, council: Council, slate: Slate, *, at: datetime) -> int:
    """Declare the elections of *slate*'s constituencies and seat their deputies; return how
    many deputies were seated."""
    with action_transaction(at) as at:
        council = fresh(council)
        require_secretary(actor, council.organisation, at)
        constituencies = {
            c.pk: c
            for c in Constituency.objects.filter(valid_at(at), council=council, pk__in=list(slate))
        }
        missing = sorted(set(slate) - set(constituencies))
        if missing:
            raise NotAllowed(
                gettext("not current constituencies of %(council)s: %(missing)s")
                % {"council": council.name, "missing": missing[:10]}
            )
        apportionment = apportionment_at(council, at)
        if apportionment is None:
            raise NotAllowed(
                gettext("%(council)s has not been apportioned") % {"council": council.name}
            )
        seats = dict(
            ApportionedSeats.objects.filter(apportionment=apportionment).values_list(
                "constituency_id", "seats"
            )
        )
        held: dict[int, int] = {}
        for constituency_id in Mandate.objects.filter(valid_at(at), council=council).values_list(
            "constituency_id", flat=True
        ):
            held[constituency_id] = held.get(constituency_id, 0) + 1
        fractions = {f.name: f for f in Fraction.objects.filter(valid_at(at), council=council)}
        seated_already = set(
            Mandate.objects.filter(valid_at(at), council=council).values_list(
                "member_id", flat=True
            )
        )
        member_ids = [m.pk for ms in slate.values() for m, _ in ms]
        if len(set(member_ids)) != len(member_ids):
            raise NotAllowed(gettext("a member is named twice in the slate"))
        current = dict(
            Member.objects.filter(valid_at(at), pk__in=member_ids).values_list(
                "pk", "constituency_id"
            )
        )
        for constituency_id, elected in slate.items():
            name = constituencies[constituency_id].name
            if not elected:
                raise NotAllowed(gettext("%(name)s: nobody elected") % {"name": name})
            free = seats.get(constituency_id, 0) - held.get(constituency_id, 0)
            if len(elected) > free:
                raise NotAllowed(
                    gettext("%(name)s: %(count)s elected for %(free)s free seat(s)")
                    % {"name": name, "count": len(elected), "free": free}
                )
            for member, fraction in elected:
                if current.get(member.pk) != constituency_id:
                    raise NotAllowed(
                        gettext("%(member)s is not on the roll of %(name)s")
                        % {"member": member.name, "name": name}
                    )
                if member.pk in seated_already:
                    raise NotAllowed(
                        gettext("%(member)s already holds a mandate in %(council)s")
                        % {"member": member.name, "council": council.name}
                    )
                if fraction is not None and fraction not in fractions:
                    raise NotAllowed(
                        gettext("%(fraction)s is not a fraction of %(council)s")
                        % {"fraction": fraction, "council": council.name}
                    )
        elections = Election.objects.bulk_create(
            [
                Election(
                    constituency_id=constituency_id,
                    kind=Election.REGULAR,
                    seats=seats[constituency_id],
                    status=Election.DECLARED,
                    opened_at=at,
                    declared_at=at,
                    method="result entry",
                    result={"elected": [m.external_id for m, _ in elected], "votes": {}},
                )
                for constituency_id, elected in slate.items()
            ],
            batch_size=1000,
        )
        election_of = {e.constituency_id: e.pk for e in elections}
        insert_rows(
            ElectionWinner,
            ("election_id", "member_id", "position"),
            (
                (election_of[c], m.pk, i)
                for c, elected in slate.items()
                for i, (m, _) in enumerate(elected, start=1)
            ),
        )
        mandates = Mandate.objects.bulk_create(
            [
                Mandate(
                    council=council,
                    constituency_id=c,
                    member=m,
                    election_id=election_of[c],
                    start=at,
                )
                for c, elected in slate.items()
                for m, _ in elected
            ],
            batch_size=1000,
        )
        joined = [f for elected in slate.values() for _, f in elected]
        insert_rows(
            FractionMembership,
            ("fraction_id", "mandate_id", "start"),
            (
                (fractions[f].pk, mandate.pk, at)
                for mandate, f in zip(mandates, joined, strict=True)
                if f is not None
            ),
        )
        record(
            actor,
            "seat_slate",
            {
                "council": council.pk,
                "elections": len(elections),
                "seated": len(mandates),
                "deputies": [
                    [constituencies[c].name, [[m.external_id, f] for m, f in elected]]
                    for c, elected in slate.items()
                ],
            },
            at=at,
            organisation=council.organisation,
        )
    return len(mandates)


def regroup_fractions(
    actor: Actor, council: Council, moves: Mapping[Mandate, str | None], *, at: datetime
) -> int:
    """Move each mandate of *moves* to its new fraction (``None``: no fraction); return how
    many moved."""
    with action_transaction(at) as at:
        council = fresh(council)
        require_secretary(actor, council.organisation, at)
        fractions = {f.name: f for f in Fraction.objects.filter(valid_at(at), council=council)}
        unknown = sorted({f for f in moves.values() if f is not None} - set(fractions))
        if unknown:
            raise NotAllowed(
                gettext("not fractions of %(council)s: %(names)s")
                % {"council": council.name, "names": ", ".join(unknown)}
            )
        ids = [m.pk for m in moves]
        current = set(
            Mandate.objects.filter(valid_at(at), council=council, pk__in=ids).values_list(
                "pk", flat=True
            )
        )
        stale = [m.member.name for m in moves if m.pk not in current]
        if stale:
            raise NotAllowed(
                gettext("no current mandate in %(council)s: %(names)s")
                % {"council": council.name, "names": ", ".join(stale[:10])}
            )
        memberships = FractionMembership.objects.filter(mandate_id__in=ids, end=None)
        if memberships.filter(start__gt=at).exists():
            raise NotAllowed(gettext("a fraction membership starts after this change"))
        memberships.update(end=at)
        insert_rows(
            FractionMembership,
            ("fraction_id", "mandate_id", "start"),
            ((fractions[f].pk, m.pk, at) for m, f in moves.items() if f is not None),
        )
        record(
            actor,
            "regroup_fractions",
            {
                "council": council.pk,
                "moves": sorted([m.member.external_id, f] for m, f in moves.items()),
            },
            at=at,
            organisation=council.organisation,
        )
    return len(moves)
