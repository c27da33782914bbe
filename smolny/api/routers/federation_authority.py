"""Authority: an organisation's units, its hierarchy, its countersignature and precedence
rules, and veto grants, which together decide whom a directive binds; and its root key,
which a member pins to verify exported directives offline.

Rules are dated rows: setting one applies it from ``at``, ending one closes its window, so
a directive's status at a past instant is still answered by the rules then in force.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status

from smolny.api.auth import caller
from smolny.api.common import Message, Timed, lookup
from smolny.api.federation_schemas import (
    AuthorityOut,
    AuthorityRuleIn,
    AuthorityRuleOut,
    RootKeyOut,
    SubordinationIn,
    SubordinationOut,
    UnitIn,
    UnitOut,
    VetoGrantIn,
    VetoGrantOut,
    b64,
    body_of,
)
from smolny.councils.models import Organisation
from smolny.directives.document import key_id
from smolny.federation import actions as fed
from smolny.federation.models import AuthorityRule, RootKey, Subordination, Unit, VetoGrant

router = Router(tags=["authority"])
REFUSALS = {403: Message, 404: Message, 409: Message, 422: Message}


def unit_out(u: Unit) -> UnitOut:
    return UnitOut(id=u.pk, organisation=u.organisation_id, name=u.name, ref=f"unit:{u.pk}")


def subordination_out(s: Subordination) -> SubordinationOut:
    return SubordinationOut(id=s.pk, unit=s.unit, body=s.body, start=s.start, end=s.end)


def rule_out(r: AuthorityRule) -> AuthorityRuleOut:
    return AuthorityRuleOut(
        id=r.pk,
        kind=r.kind,
        body=r.body,
        others=r.others,
        domains=r.domains,
        start=r.start,
        end=r.end,
    )


def grant_out(g: VetoGrant) -> VetoGrantOut:
    return VetoGrantOut(
        id=g.pk, holder=g.holder, issuers=g.issuers, domains=g.domains, start=g.start, end=g.end
    )


@router.post("/units", response={201: UnitOut, **REFUSALS})
def create_unit(request: HttpRequest, body: UnitIn) -> Status[UnitOut]:
    """A unit that receives directives (a regiment, a branch, a workshop)."""
    organisation = lookup(Organisation, body.organisation, "organisation")
    return Status(201, unit_out(fed.create_unit(caller(request), organisation, body.name)))


@router.post("/subordinations", response={201: SubordinationOut, **REFUSALS})
def place_under(request: HttpRequest, body: SubordinationIn) -> Status[SubordinationOut]:
    below, above = body_of(body.unit, "unit"), body_of(body.body, "body")
    row = fed.place_under(caller(request), below, above)
    return Status(201, subordination_out(row))


@router.post("/subordinations/{subordination_id}/end", response={200: SubordinationOut, **REFUSALS})
def end_subordination(request: HttpRequest, subordination_id: int, body: Timed) -> SubordinationOut:
    row = lookup(Subordination, subordination_id, "subordination")
    return subordination_out(fed.end_subordination(caller(request), row))


@router.post("/rules", response={201: AuthorityRuleOut, **REFUSALS})
def set_rule(request: HttpRequest, body: AuthorityRuleIn) -> Status[AuthorityRuleOut]:
    """A countersignature or precedence rule, from ``at``."""
    others = (
        None
        if body.others is None
        else [body_of(ref, f"others.{i}") for i, ref in enumerate(body.others)]
    )
    rule = fed.set_authority_rule(
        caller(request),
        body.kind,
        body_of(body.body, "body"),
        others=others,
        domains=body.domains,
    )
    return Status(201, rule_out(rule))


@router.post("/rules/{rule_id}/end", response={200: AuthorityRuleOut, **REFUSALS})
def end_rule(request: HttpRequest, rule_id: int, body: Timed) -> AuthorityRuleOut:
    rule = lookup(AuthorityRule, rule_id, "authority rule")
    return rule_out(fed.end_authority_rule(caller(request), rule))


@router.post("/veto-grants", response={201: VetoGrantOut, **REFUSALS})
def grant_veto(request: HttpRequest, body: VetoGrantIn) -> Status[VetoGrantOut]:
    """From ``at``, the holder may veto the directives the grant covers."""
    issuers = (
        None
        if body.issuers is None
        else [body_of(ref, f"issuers.{i}") for i, ref in enumerate(body.issuers)]
    )
    grant = fed.grant_veto(
        caller(request),
        body_of(body.holder, "holder"),
        issuers=issuers,
        domains=body.domains,
    )
    return Status(201, grant_out(grant))


@router.post("/veto-grants/{grant_id}/withdraw", response={200: VetoGrantOut, **REFUSALS})
def withdraw_veto(request: HttpRequest, grant_id: int, body: Timed) -> VetoGrantOut:
    """The grant is withdrawn at ``at``: vetoes cast under it lapse from then on."""
    grant = lookup(VetoGrant, grant_id, "veto grant")
    return grant_out(fed.withdraw_veto(caller(request), grant))


@router.get("/{organisation_id}", response={200: AuthorityOut, 404: Message})
def get_authority(request: HttpRequest, organisation_id: int) -> AuthorityOut:
    """Everything the organisation has set, ended rows included (each with its window).

    (Declared last: Django tries the paths in order, and ``/units`` or ``/rules`` must not
    be taken for an organisation id.)"""
    organisation = lookup(Organisation, organisation_id, "organisation")
    root = RootKey.objects.filter(organisation=organisation).first()
    return AuthorityOut(
        organisation=organisation.pk,
        root_key=(
            RootKeyOut(
                key_id=key_id(bytes(root.public_key)),
                public_key=b64(root.public_key),
                created_at=root.created_at,
            )
            if root
            else None
        ),
        units=[unit_out(u) for u in Unit.objects.filter(organisation=organisation).order_by("pk")],
        subordinations=[
            subordination_out(s)
            for s in Subordination.objects.filter(organisation=organisation).order_by("pk")
        ],
        rules=[
            rule_out(r)
            for r in AuthorityRule.objects.filter(organisation=organisation).order_by("pk")
        ],
        veto_grants=[
            grant_out(g) for g in VetoGrant.objects.filter(organisation=organisation).order_by("pk")
        ],
    )
