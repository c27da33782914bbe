"""Authority rules an organisation sets: units and the hierarchy, countersignature and
precedence rules, veto grants and their withdrawal.

The rules are stored as dated rows and evaluated by :mod:`smolny.rules.authority` (see
:func:`smolny.federation.queries.authority_rules`): a rule set at *at* applies from *at*, and
ending it (or withdrawing a veto) closes its window, so a directive's status at any past
instant is still answered by the rules then in force.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.utils.translation import gettext

from smolny.councils.models import Council, Organ, Organisation
from smolny.federation.bodies import Body, body_ref, organisation_id
from smolny.federation.models import AuthorityRule, Subordination, Unit, VetoGrant
from smolny.journal.actions import (
    ActionError,
    Actor,
    NotAllowed,
    action_transaction,
    fresh,
    record,
    require_secretary,
)


def _organisation_of(*bodies: Body) -> Organisation:
    ids = {organisation_id(fresh(b)) for b in bodies}
    if len(ids) != 1:
        raise NotAllowed(gettext("the bodies belong to different organisations"))
    return Organisation.objects.get(pk=ids.pop())


def _names(values: Iterable[str] | None, what: str) -> list[str] | None:
    if values is None:
        return None
    names = sorted({v.strip() for v in values})
    if not names or not all(names):
        raise ActionError(
            gettext("%(what)s: name at least one, none empty (or give None for all)")
            % {"what": what}
        )
    return names


def create_unit(
    actor: Actor, organisation: Organisation, name: str, *, at: datetime | None = None
) -> Unit:
    """A unit that receives directives (a regiment, a branch)."""
    name = name.strip()
    if not name:
        raise ActionError(gettext("a unit needs a name"))
    with action_transaction(at) as at:
        organisation = fresh(organisation)
        require_secretary(actor, organisation, at)
        if Unit.objects.filter(organisation=organisation, name=name).exists():
            raise NotAllowed(
                gettext("%(organisation)s has a unit named %(name)s already")
                % {"organisation": organisation.name, "name": repr(name)}
            )
        unit = Unit.objects.create(organisation=organisation, name=name)
        record(
            actor, "create_unit", {"unit": unit.pk, "name": name}, at=at, organisation=organisation
        )
    return unit


def place_under(
    actor: Actor, unit: Body, body: Body, *, at: datetime | None = None
) -> Subordination:
    """From *at*, *unit* is under *body* (until :func:`end_subordination`)."""
    with action_transaction(at) as at:
        organisation = _organisation_of(unit, body)
        require_secretary(actor, organisation, at)
        below, above = body_ref(unit), body_ref(body)
        if below == above:
            raise NotAllowed(gettext("a body cannot be under itself"))
        if Subordination.objects.filter(
            organisation=organisation, unit=below, body=above, end=None
        ).exists():
            raise NotAllowed(
                gettext("%(unit)s is under %(body)s already") % {"unit": unit, "body": body}
            )
        row = Subordination.objects.create(
            organisation=organisation, unit=below, body=above, start=at
        )
        record(
            actor,
            "place_under",
            {"subordination": row.pk, "unit": below, "body": above},
            at=at,
            organisation=organisation,
        )
    return row


def end_subordination(
    actor: Actor, row: Subordination, *, at: datetime | None = None
) -> Subordination:
    """*row*'s unit is no longer under its body from *at*."""
    with action_transaction(at) as at:
        row = fresh(row)
        require_secretary(actor, row.organisation, at)
        _end(row, at)
        record(
            actor,
            "end_subordination",
            {"subordination": row.pk, "unit": row.unit, "body": row.body},
            at=at,
            organisation=row.organisation,
        )
    return row


def _end(row: AuthorityRule | Subordination | VetoGrant, at: datetime) -> None:
    if row.end is not None:
        raise NotAllowed(gettext("it has ended already"))
    if at < row.start:
        raise NotAllowed(gettext("it cannot end before it began"))
    row.end = at
    row.save(update_fields=["end"])


def _require_can_countersign(body: Body) -> None:
    """Only an organ countersigns (with its signing key): a rule requiring the
    countersignature of a council or a unit could never be met, and every directive it
    covered would wait for ever. Refused when set, naming the organ that could sign instead
    (the council's plenum)."""
    if isinstance(body, Organ):
        return
    if isinstance(body, Council):
        plenum = body.organs.filter(kind=Organ.PLENUM, end=None).order_by("pk").first()
        instead = (
            f"name the organ that countersigns for it, such as its plenum ({body_ref(plenum)})"
            if plenum is not None
            else "name one of its organs (it has no plenum yet)"
        )
        raise NotAllowed(
            gettext(
                "a countersignature of %(body)s could never be given: a council does not "
                "sign directives, its organs do; %(instead)s"
            )
            % {"body": body.name, "instead": instead}
        )
    raise NotAllowed(
        gettext(
            "a countersignature of the unit %(body)s could never be given: units "
            "receive directives and do not sign them; name an organ"
        )
        % {"body": body.name}
    )


def set_authority_rule(
    actor: Actor,
    kind: str,
    body: Body,
    *,
    others: Iterable[Body] | None = None,
    domains: Iterable[str] | None = None,
    at: datetime | None = None,
) -> AuthorityRule:
    """Set a rule from *at*.

    ``countersignature``: directives (of *others*, default every issuer but *body*) to units
    under *body* bind only when *body* has countersigned them. ``precedence``: units under
    *body* obey *others* (default every issuer but *body*) only in so far as *body* has not
    countermanded. *domains* limits the rule (default: every domain).
    """
    if kind not in dict(AuthorityRule.KINDS):
        raise ActionError(
            gettext("rule kind %(kind)s: use countersignature or precedence") % {"kind": repr(kind)}
        )
    domain_names = _names(domains, "domains")
    with action_transaction(at) as at:
        others_list = list(others) if others is not None else None
        organisation = _organisation_of(body, *(others_list or ()))
        require_secretary(actor, organisation, at)
        if kind == AuthorityRule.COUNTERSIGNATURE:
            _require_can_countersign(fresh(body))
        rule = AuthorityRule.objects.create(
            organisation=organisation,
            kind=kind,
            body=body_ref(body),
            others=sorted(body_ref(o) for o in others_list) if others_list is not None else None,
            domains=domain_names,
            start=at,
        )
        record(
            actor,
            "set_authority_rule",
            {
                "rule": rule.pk,
                "kind": kind,
                "body": rule.body,
                "others": rule.others,
                "domains": rule.domains,
            },
            at=at,
            organisation=organisation,
        )
    return rule


def end_authority_rule(
    actor: Actor, rule: AuthorityRule, *, at: datetime | None = None
) -> AuthorityRule:
    """The rule no longer applies from *at*."""
    with action_transaction(at) as at:
        rule = fresh(rule)
        require_secretary(actor, rule.organisation, at)
        _end(rule, at)
        record(
            actor,
            "end_authority_rule",
            {"rule": rule.pk, "kind": rule.kind, "body": rule.body},
            at=at,
            organisation=rule.organisation,
        )
    return rule


def grant_veto(
    actor: Actor,
    holder: Body,
    *,
    issuers: Iterable[Body] | None = None,
    domains: Iterable[str] | None = None,
    at: datetime | None = None,
) -> VetoGrant:
    """From *at*, *holder* may veto directives of *issuers* (default all) in *domains*
    (default all)."""
    domain_names = _names(domains, "domains")
    with action_transaction(at) as at:
        issuer_list = list(issuers) if issuers is not None else None
        organisation = _organisation_of(holder, *(issuer_list or ()))
        require_secretary(actor, organisation, at)
        grant = VetoGrant.objects.create(
            organisation=organisation,
            holder=body_ref(holder),
            issuers=sorted(body_ref(i) for i in issuer_list) if issuer_list is not None else None,
            domains=domain_names,
            start=at,
        )
        record(
            actor,
            "grant_veto",
            {
                "grant": grant.pk,
                "holder": grant.holder,
                "issuers": grant.issuers,
                "domains": grant.domains,
            },
            at=at,
            organisation=organisation,
        )
    return grant


def withdraw_veto(actor: Actor, grant: VetoGrant, *, at: datetime | None = None) -> VetoGrant:
    """The veto is withdrawn at *at*: vetoes cast under it lapse from then on."""
    with action_transaction(at) as at:
        grant = fresh(grant)
        require_secretary(actor, grant.organisation, at)
        _end(grant, at)
        record(
            actor,
            "withdraw_veto",
            {"grant": grant.pk, "holder": grant.holder},
            at=at,
            organisation=grant.organisation,
        )
    return grant
