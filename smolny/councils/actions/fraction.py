"""Fractions: forming one, and a deputy joining, leaving or changing fraction."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext

from smolny.councils.models import Council, Fraction, FractionMembership, Mandate
from smolny.councils.queries.names import require_distinct_name
from smolny.journal.actions import (
    ActionError,
    Actor,
    NotAllowed,
    action_transaction,
    fresh,
    record,
    require_member_or_secretary,
    require_secretary,
)


def create_fraction(
    actor: Actor, council: Council, name: str, *, at: datetime | None = None
) -> Fraction:
    name = name.strip()
    if not name:
        raise ActionError(gettext("a fraction needs a name"))
    with action_transaction(at) as at:
        council = fresh(council)
        require_secretary(actor, council.organisation, at)
        if Fraction.objects.filter(council=council, name=name).exists():
            raise NotAllowed(
                gettext("%(council)s has a fraction named %(name)s already")
                % {"council": council.name, "name": repr(name)}
            )
        require_distinct_name(
            name,
            Fraction.objects.filter(council=council).values_list("name", flat=True),
            "fraction",
        )
        fraction = Fraction.objects.create(council=council, name=name, start=at)
        record(
            actor,
            "create_fraction",
            {"council": council.pk, "fraction": fraction.pk, "name": name},
            at=at,
            organisation=council.organisation,
        )
    return fraction


def change_fraction(
    actor: Actor, mandate: Mandate, fraction: Fraction | None, *, at: datetime | None = None
) -> FractionMembership | None:
    """The deputy sits with *fraction* from *at* on (``None``: with no fraction).

    Organ seats the deputy holds are not touched: a seat allotted to a fraction stays with
    its holder until the council or the fraction changes it through the organ's actions.
    """
    with action_transaction(at) as at:
        mandate = fresh(mandate)
        require_member_or_secretary(actor, mandate.member, at)
        if mandate.end is not None:
            raise NotAllowed(
                gettext("the mandate of %(member)s has ended") % {"member": mandate.member.name}
            )
        current = FractionMembership.objects.filter(mandate=mandate, end=None).first()
        if fraction is not None:
            fraction = fresh(fraction)
            if fraction.council_id != mandate.council_id or fraction.end is not None:
                raise NotAllowed(
                    gettext("%(fraction)s is not a fraction of %(council)s")
                    % {"fraction": fraction.name, "council": mandate.council.name}
                )
        if current is not None and fraction is not None and current.fraction_id == fraction.pk:
            raise NotAllowed(
                gettext("%(member)s sits with %(fraction)s already")
                % {"member": mandate.member.name, "fraction": fraction.name}
            )
        if current is None and fraction is None:
            raise NotAllowed(
                gettext("%(member)s sits with no fraction already")
                % {"member": mandate.member.name}
            )
        if current is not None:
            if at < current.start:
                raise NotAllowed(gettext("a fraction membership cannot end before it began"))
            current.end = at
            current.save(update_fields=["end"])
        membership = None
        if fraction is not None:
            membership = FractionMembership.objects.create(
                fraction=fraction, mandate=mandate, start=at
            )
        record(
            actor,
            "change_fraction",
            {
                "mandate": mandate.pk,
                "member": mandate.member.external_id,
                "from": current.fraction.name if current else None,
                "to": fraction.name if fraction else None,
            },
            at=at,
            organisation=mandate.council.organisation,
        )
    return membership
