"""Apportioning a council's seats to its constituencies from the current rolls."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext

from smolny.councils.bulk import insert_rows
from smolny.councils.models import (
    ApportionedSeats,
    Apportionment,
    Council,
    RepresentationRule,
)
from smolny.councils.models.dated import valid_at
from smolny.councils.queries import constituency_rows, roll_counts
from smolny.journal.actions import (
    Actor,
    NotAllowed,
    action_transaction,
    fresh,
    record,
    require_secretary,
)


def apportion_council(
    actor: Actor,
    council: Council,
    *,
    tie_seed: int | None = None,
    at: datetime | None = None,
) -> Apportionment:
    """Apportion *council*'s seats under its representation rule in force at *at*.

    The populations are the rolls as they stand at *at*. A tie at the last seat is broken
    only by a seeded lot (*tie_seed*); otherwise the tied seats are held back and the
    apportionment is marked unresolved, its ties recorded.
    """
    from smolny.rules.apportion import apportion, ratio_rule

    with action_transaction(at) as at:
        council = fresh(council)
        require_secretary(actor, council.organisation, at)
        rule = RepresentationRule.objects.filter(valid_at(at), council=council).first()
        if rule is None:
            raise NotAllowed(
                gettext("%(council)s has no representation rule in force")
                % {"council": council.name}
            )
        constituencies = constituency_rows(council, at)
        if not constituencies:
            raise NotAllowed(
                gettext("%(council)s has no constituencies") % {"council": council.name}
            )
        counts = roll_counts(council, at, only=constituencies)
        populations = [counts[c.pk] for c in constituencies]
        try:
            if rule.kind == RepresentationRule.RATIO:
                assert rule.per is not None
                result = ratio_rule(populations, rule.per, rule.minimum, rule.rounding)  # type: ignore[arg-type]
            else:
                assert rule.house_size is not None
                result = apportion(
                    populations,
                    rule.house_size,
                    rule.method,
                    min_seats=rule.min_seats,
                    tie_seed=tie_seed,
                    labels=[c.name for c in constituencies],
                    context=f"{council.name} apportionment",
                )
        except ValueError as error:
            raise NotAllowed(
                gettext("%(council)s: %(error)s") % {"council": council.name, "error": error}
            ) from None
        ties = [t.as_dict() for t in result.ties]
        apportionment = Apportionment.objects.create(
            council=council,
            at=at,
            rule=rule,
            house_size=result.house_size,
            population=sum(populations),
            ties=ties,
            unresolved=result.unresolved,
        )
        insert_rows(
            ApportionedSeats,
            ("apportionment_id", "constituency_id", "population", "seats"),
            (
                (apportionment.pk, c.pk, p, s)
                for c, p, s in zip(constituencies, populations, result.seats, strict=True)
            ),
        )
        record(
            actor,
            "apportion_council",
            {
                "council": council.pk,
                "apportionment": apportionment.pk,
                "rule": str(rule),
                "house_size": result.house_size,
                "population": sum(populations),
                "seats": [
                    [c.pk, p, s]
                    for c, p, s in zip(constituencies, populations, result.seats, strict=True)
                ],
                "ties": ties,
                "tie_seed": tie_seed,
            },
            at=at,
            organisation=council.organisation,
        )
    return apportionment
