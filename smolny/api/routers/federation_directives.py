"""Directives: issuing, reading one with its status for each addressee, countersigning,
countermanding, vetoing, and exporting the signed file; organ keys and their rotation.

A directive's status is computed at the instant asked, never stored
(:func:`smolny.federation.queries.directive_standings`): the stored signed file is verified
against the organisation's root key and the authority rules decide, per addressee. The export
is the same text ``smolny directive export`` writes, so ``smolny directive verify`` checks it.
"""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext
from ninja import Router, Status

from smolny.api.auth import caller
from smolny.api.common import TIME_QUERY, Message, Timed, lookup, parse_time
from smolny.api.errors import BadRequestField
from smolny.api.federation_schemas import (
    ActOut,
    CountermandIn,
    CountersignIn,
    DirectiveIn,
    DirectiveOut,
    DirectiveSummaryOut,
    KeyOut,
    StandingOut,
    VerificationOut,
    VetoIn,
    act_out,
    body_of,
    key_out,
)
from smolny.api.routers.federation_congresses import ORGANISATION_QUERY
from smolny.councils.models import Council, Organ
from smolny.federation import actions as fed
from smolny.federation.bodies import Body
from smolny.federation.models import Directive, DirectiveAct
from smolny.federation.queries import (
    directive_record,
    directive_standings,
    export_text,
    status_summary,
)
from smolny.web.access import readable_organisations

router = Router(tags=["directives"])
organ_keys = Router(tags=["directives"])
REFUSALS = {403: Message, 404: Message, 409: Message, 422: Message}


def _acting(body: Body, field: str) -> Council | Organ:
    """A council or an organ: units receive directives but take no decisions on them."""
    if isinstance(body, (Council, Organ)):
        return body
    raise BadRequestField(
        field, gettext("%(body)s is a unit: only a council or an organ acts") % {"body": body}
    )


def _summary(d: Directive, at: datetime) -> DirectiveSummaryOut:
    return DirectiveSummaryOut(
        id=d.pk,
        organisation=d.organisation_id,
        issuer=d.issuer_id,
        issuer_name=d.issuer.name,
        issued_at=d.issued_at,
        domain=d.domain,
        status=status_summary(directive_standings(d, max(at, d.issued_at))),
    )


def directive_out(d: Directive, at: datetime) -> DirectiveOut:
    """The directive, the verifier's finding on its stored file, its acts, and its standing
    for each addressee at *at*."""
    if at < d.issued_at:
        raise BadRequestField(
            "at",
            gettext("directive %(directive)s was issued at %(issued_at)s")
            % {"directive": d.pk, "issued_at": d.issued_at.isoformat()},
        )
    record, verification = directive_record(d)
    standings = directive_standings(d, at)
    if verification is None:
        found = VerificationOut(
            authentic=False,
            summary="not authentic",
            reasons=["the stored file cannot be read, or the organisation has no root key"],
            signed_by=None,
            countersigned_by=[],
        )
    else:
        found = VerificationOut(
            authentic=record.authentic,
            summary=verification.summary if record.authentic else "not authentic",
            reasons=list(verification.reasons)
            or ([] if record.authentic else ["the file does not match its record"]),
            signed_by=f"organ:{verification.signed_by.id}" if verification.signed_by else None,
            countersigned_by=[f"organ:{organ.id}" for organ, _ in verification.countersigned_by],
        )
    return DirectiveOut(
        id=d.pk,
        organisation=d.organisation_id,
        issuer=d.issuer_id,
        issuer_name=d.issuer.name,
        issued_at=d.issued_at,
        domain=d.domain,
        text=d.text,
        addressees=list(d.addressees),
        at=at,
        verification=found,
        acts=[act_out(a) for a in d.acts.order_by("at", "pk")],
        standings=[
            StandingOut(
                addressee=s.addressee, status=s.status.value, reason=s.reason, also=list(s.also)
            )
            for s in standings
        ],
    )


@router.get("", response=list[DirectiveSummaryOut])
def list_directives(
    request: HttpRequest, organisation: int | None = ORGANISATION_QUERY, at: str | None = TIME_QUERY
) -> list[DirectiveSummaryOut]:
    """Directives issued by *at* (default: now), oldest first, each with its status then
    (as ``smolny directive list`` gives it); those of the organisations the caller may read."""
    when = parse_time(at) or timezone.now()
    rows = Directive.objects.filter(
        issued_at__lte=when, organisation__in=readable_organisations(request.user)
    ).select_related("issuer")
    if organisation is not None:
        rows = rows.filter(organisation_id=organisation)
    return [_summary(d, when) for d in rows.order_by("issued_at", "pk")]


@router.post("", response={201: DirectiveOut, **REFUSALS})
def issue(request: HttpRequest, body: DirectiveIn) -> Status[DirectiveOut]:
    """An organ issues a directive, signed with its key in force."""
    organ = lookup(Organ, body.issuer, "organ")
    addressees = [body_of(ref, f"addressees.{i}") for i, ref in enumerate(body.addressees)]
    made = fed.issue_directive(caller(request), organ, body.text, addressees, domain=body.domain)
    return Status(201, directive_out(made, made.issued_at))


@router.get("/{directive_id}", response={200: DirectiveOut, 404: Message, 422: Message})
def get_directive(
    request: HttpRequest, directive_id: int, at: str | None = TIME_QUERY
) -> DirectiveOut:
    """The directive and its status for each addressee at *at* (default: now), with the
    reason: binding, awaiting countersignature, countermanded, vetoed or not authentic."""
    directive = lookup(Directive, directive_id, "directive")
    when = parse_time(at) or max(timezone.now(), directive.issued_at)
    return directive_out(directive, when)


@router.get(
    "/{directive_id}/export",
    response={200: str, 404: Message},
    openapi_extra={
        "responses": {
            200: {
                "description": "the self-contained signed file, for smolny directive verify",
                "content": {"application/json": {"schema": {"type": "object"}}},
            }
        }
    },
)
def export(request: HttpRequest, directive_id: int) -> HttpResponse:
    """The signed file with every countersignature: the bytes ``smolny directive export``
    writes."""
    directive = lookup(Directive, directive_id, "directive")
    response = HttpResponse(
        export_text(directive).encode("utf-8"), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="directive-{directive.pk}.json"'
    return response


def _act(act: DirectiveAct) -> Status[ActOut]:
    return Status(201, act_out(act))


@router.post("/{directive_id}/countersignatures", response={201: ActOut, **REFUSALS})
def countersign(request: HttpRequest, directive_id: int, body: CountersignIn) -> Status[ActOut]:
    """An organ countersigns with its key in force; the signature joins the exported file."""
    directive = lookup(Directive, directive_id, "directive")
    organ = lookup(Organ, body.organ, "organ")
    return _act(fed.countersign_directive(caller(request), directive, organ))


@router.post("/{directive_id}/countermands", response={201: ActOut, **REFUSALS})
def countermand(request: HttpRequest, directive_id: int, body: CountermandIn) -> Status[ActOut]:
    """A council or organ countermands the directive (its issuer withdrawing it, or a body
    contradicting it; the authority rules say whom that releases)."""
    directive = lookup(Directive, directive_id, "directive")
    acting = _acting(body_of(body.body, "body"), "body")
    return _act(fed.countermand_directive(caller(request), directive, acting, note=body.note))


@router.post("/{directive_id}/vetoes", response={201: ActOut, **REFUSALS})
def veto(request: HttpRequest, directive_id: int, body: VetoIn) -> Status[ActOut]:
    """A body holding a veto grant over the directive's class vetoes it."""
    directive = lookup(Directive, directive_id, "directive")
    holder = _acting(body_of(body.holder, "holder"), "holder")
    return _act(fed.veto_directive(caller(request), directive, holder, note=body.note))


# ---------------------------------------------------------------------------------------------
# Organ keys (mounted under /organs)
# ---------------------------------------------------------------------------------------------


@organ_keys.get("/{organ_id}/keys", response={200: list[KeyOut], 404: Message})
def list_keys(request: HttpRequest, organ_id: int) -> list[KeyOut]:
    """The organ's keys, oldest first, each with its certified window and certificate."""
    organ = lookup(Organ, organ_id, "organ")
    return [key_out(k) for k in organ.keys.order_by("start", "pk")]


@organ_keys.post("/{organ_id}/keys", response={201: KeyOut, **REFUSALS})
def rotate_key(request: HttpRequest, organ_id: int, body: Timed) -> Status[KeyOut]:
    """Give the organ a new key from *at*; the key in force (if any) ends then."""
    organ = lookup(Organ, organ_id, "organ")
    return Status(201, key_out(fed.rotate_organ_key(caller(request), organ)))
