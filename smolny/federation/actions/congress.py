"""Congresses: the convocation setting, member councils' demands, convocation and credentials.

A congress is a council (``kind="congress"``) whose constituencies are its member councils
(``create_constituency(..., delegating_council=...)``). The order of business:

1. It is convened (:func:`convene_congress`) by its current central executive, or on demand of
   member councils (:func:`demand_convocation`) representing at least the congress's
   ``demand_share`` of the membership it represents (:func:`set_congress_settings`).
2. At convocation its seats are apportioned afresh under its representation rule (a ratio with
   a minimum, or a fixed size and a method) from the rolls as they stand then: each member
   council's population is the membership it represents, so a regional congress counts the
   sum of its member councils' rolls (:func:`smolny.councils.queries.roll_counts`).
3. Member councils elect their delegates through the councils' election actions (result entry
   or a count) and the congress seats them (``seat_deputy``).
4. The credentials step (:func:`check_credentials`) examines every delegate. **The rule**: a
   delegate's credentials are accepted when the mandate comes from an election opened since
   the convocation (a mandate of an earlier congress does not carry over) and the delegate
   holds, at the time of the check, a current mandate in the council that sent them. Being
   only on a member roll of that council is not enough: a council delegates from among its
   deputies, as the soviets did.
5. A council recalls its delegate (``recall_by_delegating_body``) and the by-election that
   opens fills the seat; the replacement's credentials are checked like the others'.
6. A delegate's mandate lasts until the next convocation: convening the congress again ends
   the previous delegates' mandates as *expired* (their fraction memberships end, their organ
   seats fall vacant and any recall under way lapses, as when a mandate ends otherwise), and
   no by-election opens, since the new convocation's regular elections fill every seat. The
   outgoing central executive stays the congress's central executive, with its seats vacant,
   until the new convocation elects the next one: it answers to that congress.
"""

from __future__ import annotations

from datetime import datetime
from fractions import Fraction as Ratio

from django.utils.translation import gettext

from smolny.councils.actions.apportionment import apportion_council
from smolny.councils.actions.mandate import close_mandate
from smolny.councils.models import (
    Council,
    FractionMembership,
    Mandate,
    Organ,
    OrganSeat,
)
from smolny.councils.models.dated import valid_at
from smolny.federation.models import (
    CongressSettings,
    Convocation,
    ConvocationDemand,
    Credential,
)
from smolny.federation.queries import (
    credential_finding,
    current_central_executive,
    demand_share,
    represented_membership,
)
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


def _congress(council: Council) -> Council:
    council = fresh(council)
    if council.kind != Council.CONGRESS:
        raise NotAllowed(gettext("%(council)s is not a congress") % {"council": council.name})
    return council


def set_congress_settings(
    actor: Actor, congress: Council, *, demand_share: Ratio | str, at: datetime | None = None
) -> CongressSettings:
    """Set the share of the represented membership whose councils may demand a convocation."""
    try:
        share = Ratio(demand_share)
    except (ValueError, ZeroDivisionError):
        raise ActionError(
            gettext("demand share: %(demand_share)s is not a fraction such as 1/3")
            % {"demand_share": repr(demand_share)}
        ) from None
    if not 0 < share <= 1:
        raise ActionError(gettext("demand share: %(share)s must lie in (0, 1]") % {"share": share})
    with action_transaction(at) as at:
        congress = _congress(congress)
        require_secretary(actor, congress.organisation, at)
        settings, _ = CongressSettings.objects.update_or_create(
            congress=congress,
            defaults={"demand_share_num": share.numerator, "demand_share_den": share.denominator},
        )
        record(
            actor,
            "set_congress_settings",
            {"congress": congress.pk, "demand_share": str(share)},
            at=at,
            organisation=congress.organisation,
        )
    return settings


def demand_convocation(
    actor: Actor,
    congress: Council,
    council: Council,
    *,
    decision: str = "",
    at: datetime | None = None,
) -> ConvocationDemand:
    """Member *council* demands that *congress* be convened (*decision*: its minute)."""
    with action_transaction(at) as at:
        congress = _congress(congress)
        council = fresh(council)
        require_secretary(actor, congress.organisation, at)
        membership = represented_membership(congress, at)
        if council.pk not in membership:
            raise NotAllowed(
                gettext("%(council)s is not a member council of %(congress)s")
                % {"council": council.name, "congress": congress.name}
            )
        if ConvocationDemand.objects.filter(
            congress=congress, council=council, convocation=None
        ).exists():
            raise NotAllowed(
                gettext("%(council)s has a demand outstanding already") % {"council": council.name}
            )
        demand = ConvocationDemand.objects.create(
            congress=congress,
            council=council,
            made_at=at,
            membership=membership[council.pk],
            decision=decision,
        )
        record(
            actor,
            "demand_convocation",
            {
                "congress": congress.pk,
                "council": council.pk,
                "membership": membership[council.pk],
                "decision": decision,
            },
            at=at,
            organisation=congress.organisation,
        )
    return demand


def convene_congress(
    actor: Actor,
    congress: Council,
    *,
    by: Organ | None = None,
    tie_seed: int | None = None,
    at: datetime | None = None,
) -> Convocation:
    """Convene *congress*: by its central executive *by*, or (``by=None``) on the outstanding
    demands of member councils, whose represented membership, recomputed now, must reach the
    demand share. The delegates are apportioned afresh from the current rolls (see the module).
    """
    with action_transaction(at) as at:
        congress = _congress(congress)
        require_secretary(actor, congress.organisation, at)
        demand: dict[str, object] = {}
        demands = list(ConvocationDemand.objects.filter(congress=congress, convocation=None))
        if by is not None:
            by = fresh(by)
            executive = current_central_executive(congress, at)
            if executive is None or executive.organ_id != by.pk:
                raise NotAllowed(
                    gettext("%(by)s is not the central executive of %(congress)s")
                    % {"by": by.name, "congress": congress.name}
                )
            how = Convocation.BY_CENTRAL_EXECUTIVE
        else:
            membership = represented_membership(congress, at)
            total = sum(membership.values())
            demanding = sorted({d.council_id for d in demands if d.council_id in membership})
            behind = sum(membership[c] for c in demanding)
            share = demand_share(congress)
            if total == 0 or Ratio(behind, total) < share:
                raise NotAllowed(
                    gettext(
                        "the councils demanding a convocation of %(congress)s represent "
                        "%(behind)s of %(total)s members; %(share)s is needed"
                    )
                    % {"congress": congress.name, "behind": behind, "total": total, "share": share}
                )
            demand = {
                "councils": demanding,
                "membership": behind,
                "total": total,
                "share": str(share),
            }
            how = Convocation.ON_DEMAND
        expired = _expire_delegates(congress, at)
        apportionment = apportion_council(actor, congress, tie_seed=tie_seed, at=at)
        number = Convocation.objects.filter(congress=congress).count() + 1
        convocation = Convocation.objects.create(
            congress=congress,
            number=number,
            convened_at=at,
            convened_by=how,
            convening_organ=by,
            apportionment=apportionment,
            demand=demand,
        )
        ConvocationDemand.objects.filter(pk__in=[d.pk for d in demands]).update(
            convocation=convocation
        )
        record(
            actor,
            "convene_congress",
            {
                "congress": congress.pk,
                "convocation": convocation.pk,
                "number": number,
                "convened_by": how,
                "organ": by.pk if by else None,
                "apportionment": apportionment.pk,
                "demand": demand,
                "expired": expired,
            },
            at=at,
            organisation=congress.organisation,
        )
    return convocation


@within_action
def _expire_delegates(congress: Council, at: datetime) -> list[str]:
    """End the current delegates' mandates at *at* as expired (rule 6 of the module), inside
    the convening action; returns their member ids.

    Each ends by :func:`smolny.councils.actions.mandate.close_mandate`, the step a recall
    and a resignation use too, without the by-election a new convocation does not need.
    The delegates are checked together first, so that the refusal speaks of the convocation.
    """
    mandates = list(
        Mandate.objects.filter(council=congress, end=None).select_related("member").order_by("pk")
    )
    if not mandates:
        return []
    if any(m.start > at for m in mandates):
        raise NotAllowed(gettext("a delegate was seated after this convocation's time"))
    ids = [m.pk for m in mandates]
    later = FractionMembership.objects.filter(mandate__in=ids, end=None, start__gt=at).exists()
    if later or OrganSeat.objects.filter(holder__in=ids, end=None, start__gt=at).exists():
        raise NotAllowed(gettext("delegates' changes are recorded after this convocation's time"))
    for mandate in mandates:
        close_mandate(mandate, Mandate.EXPIRED, at)
    return [m.member.external_id for m in mandates]


def check_credentials(
    actor: Actor, convocation: Convocation, *, at: datetime | None = None
) -> list[Credential]:
    """Check the credentials of every delegate seated and not yet examined at *convocation*.

    May be run again: later delegates (replacements) are examined then. Returns the new
    findings, accepted and refused alike.
    """
    with action_transaction(at) as at:
        convocation = fresh(convocation)
        congress = convocation.congress
        require_secretary(actor, congress.organisation, at)
        if at < convocation.convened_at:
            raise ActionError(gettext("credentials cannot be checked before the convocation"))
        done = set(convocation.credentials.values_list("mandate_id", flat=True))
        mandates = (
            Mandate.objects.filter(valid_at(at), council=congress)
            .exclude(pk__in=done)
            .select_related("member", "election", "constituency__delegating_council")
            .order_by("constituency__name", "member__name", "pk")
        )
        findings = []
        for mandate in mandates:
            accepted, reason = credential_finding(mandate, convocation, at)
            findings.append(
                Credential(
                    convocation=convocation,
                    mandate=mandate,
                    checked_at=at,
                    accepted=accepted,
                    reason=reason[:500],
                )
            )
        if not findings:
            raise NotAllowed(gettext("no delegate is waiting for the credentials step"))
        Credential.objects.bulk_create(findings)
        if convocation.credentials_checked_at is None:
            convocation.credentials_checked_at = at
            convocation.save(update_fields=["credentials_checked_at"])
        record(
            actor,
            "check_credentials",
            {
                "convocation": convocation.pk,
                "accepted": [c.mandate.member.external_id for c in findings if c.accepted],
                "refused": {
                    c.mandate.member.external_id: c.reason for c in findings if not c.accepted
                },
            },
            at=at,
            organisation=congress.organisation,
        )
    return findings
