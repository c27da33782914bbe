"""Read-side questions of the federation, answered at any date.

A directive's status is computed, never stored: the stored signed file is verified against the
organisation's root key (pinned from the database), the acts and rules are read, and
:func:`smolny.rules.authority.directive_statuses` decides, per addressee, at the instant asked.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction as Ratio

from django.utils.translation import gettext

from smolny.councils.models import (
    Constituency,
    Council,
    Mandate,
    Organ,
)
from smolny.councils.models.dated import valid_at
from smolny.councils.queries import constituency_rows, roll_counts
from smolny.councils.queries.elections import eligible
from smolny.directives import SignedDirective, Verification, authority_record, loads, verify
from smolny.directives.document import DocumentError, dumps
from smolny.federation.bodies import Body, resolve
from smolny.federation.models import (
    AuthorityRule,
    CentralExecutive,
    CommissarAppointment,
    Commissariat,
    CongressSettings,
    Convocation,
    Credential,
    Directive,
    DirectiveAct,
    RootKey,
    Subordination,
    VetoGrant,
)
from smolny.journal.actions import (
    NotAllowed,
)
from smolny.rules import authority as rules
from smolny.rules.authority import Act, AuthorityRules, DirectiveRecord, Standing, Status


def signed_directive(directive: Directive) -> SignedDirective:
    """The directive's signed file with every countersignature recorded, in order."""
    data = json.loads(directive.document)
    data["countersignatures"] = [
        act.signed
        for act in directive.acts.filter(kind=DirectiveAct.COUNTERSIGNATURE).order_by("at", "pk")
    ]
    return loads(json.dumps(data), f"directive {directive.pk}")


def export_text(directive: Directive) -> str:
    """The self-contained signed file that ``smolny directive verify`` checks offline."""
    return dumps(signed_directive(directive))


def root_public_key(directive: Directive) -> bytes | None:
    root = RootKey.objects.filter(organisation=directive.organisation_id).first()
    return bytes(root.public_key) if root else None


def _frozen(values: list[str] | None) -> frozenset[str] | None:
    return frozenset(values) if values is not None else None


def authority_rules(organisation_id: int) -> AuthorityRules:
    """Every rule the organisation has set, each with its window (the rules pick by instant)."""
    hierarchy = tuple(
        rules.Subordination(s.unit, s.body, s.start, s.end)
        for s in Subordination.objects.filter(organisation=organisation_id).order_by("pk")
    )
    countersignature, precedence = [], []
    for r in AuthorityRule.objects.filter(organisation=organisation_id).order_by("pk"):
        if r.kind == AuthorityRule.COUNTERSIGNATURE:
            countersignature.append(
                rules.CountersignatureRule(
                    r.body, r.start, r.end, _frozen(r.others), _frozen(r.domains)
                )
            )
        else:
            precedence.append(
                rules.PrecedenceRule(r.body, r.start, r.end, _frozen(r.others), _frozen(r.domains))
            )
    vetoes = tuple(
        rules.VetoGrant(g.holder, g.start, g.end, _frozen(g.issuers), _frozen(g.domains))
        for g in VetoGrant.objects.filter(organisation=organisation_id).order_by("pk")
    )
    return AuthorityRules(hierarchy, tuple(countersignature), tuple(precedence), vetoes)


def directive_record(directive: Directive) -> tuple[DirectiveRecord, Verification | None]:
    """The directive as the rules see it, and the verifier's finding (None when the stored
    file cannot even be read: then it is not authentic)."""
    acts = list(directive.acts.order_by("at", "pk"))
    countermands = tuple(Act(a.body, a.at) for a in acts if a.kind == DirectiveAct.COUNTERMAND)
    vetoes = tuple(Act(a.body, a.at) for a in acts if a.kind == DirectiveAct.VETO)
    root = root_public_key(directive)
    try:
        signed = signed_directive(directive)
    except (DocumentError, ValueError, KeyError):
        signed = None
    if signed is None or root is None:
        record = DirectiveRecord(
            id=str(directive.pk),
            issuer=f"organ:{directive.issuer_id}",
            issued_at=directive.issued_at,
            domain=directive.domain,
            addressees=tuple(directive.addressees),
            authentic=False,
            countermands=countermands,
            vetoes=vetoes,
        )
        return record, None
    verification = verify(signed, [root])
    record = authority_record(signed, verification, countermands=countermands, vetoes=vetoes)
    if record.id != str(directive.pk) or not verification.authentic:
        # The file does not match its row (or is forged): the row's facts stand, not authentic.
        record = DirectiveRecord(
            id=str(directive.pk),
            issuer=f"organ:{directive.issuer_id}",
            issued_at=directive.issued_at,
            domain=directive.domain,
            addressees=tuple(directive.addressees),
            authentic=False,
            countermands=countermands,
            vetoes=vetoes,
        )
    return record, verification


def directive_standings(directive: Directive, at: datetime) -> tuple[Standing, ...]:
    """The status of *directive* for each addressee at *at*, with the reason."""
    record, _ = directive_record(directive)
    return rules.directive_statuses(record, at, authority_rules(directive.organisation_id))


def status_of(directive: Directive, addressee: str, at: datetime) -> Status:
    """The status for one addressee (``"unit:3"``) at *at*."""
    record, _ = directive_record(directive)
    standing = rules.directive_status(
        record, addressee, at, authority_rules(directive.organisation_id)
    )
    return standing.status


def status_summary(standings: tuple[Standing, ...]) -> str:
    """One status when every addressee shares it, else ``addressee: status`` for each."""
    found = {s.status for s in standings}
    if len(found) == 1:
        return found.pop().value
    return "; ".join(f"{s.addressee}: {s.status.value}" for s in standings)


# ---------------------------------------------------------------------------------------------
# Congresses and the commissariat
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DelegationSeats:
    council: str
    membership: int
    seats: int


def delegation_seats(convocation: Convocation) -> list[DelegationSeats]:
    """Delegates apportioned to each member council at *convocation*, with the membership
    it represented then."""
    entries = convocation.apportionment.entries.select_related(
        "constituency__delegating_council"
    ).order_by("constituency__name")
    return [
        DelegationSeats(
            str(e.constituency.delegating_council or e.constituency.name), e.population, e.seats
        )
        for e in entries
    ]


@dataclass(frozen=True)
class Post:
    portfolio: str
    member_id: str
    name: str
    since: datetime


def commissariat_at(commissariat: Commissariat, at: datetime) -> list[Post]:
    """Who held which portfolio at *at*."""
    rows = (
        CommissarAppointment.objects.filter(valid_at(at), commissariat=commissariat)
        .select_related("member")
        .order_by("portfolio")
    )
    return [Post(r.portfolio, r.member.external_id, r.member.name, r.start) for r in rows]


def _check_appointing_body(body: Body, at: datetime) -> None:
    """A congress, or the central executive of a congress in office at *at*."""
    if isinstance(body, Council):
        if body.kind != Council.CONGRESS:
            raise NotAllowed(gettext("%(body)s is not a congress") % {"body": body.name})
        return
    if (
        isinstance(body, Organ)
        and CentralExecutive.objects.filter(valid_at(at), organ=body).exists()
    ):
        return
    raise NotAllowed(
        gettext("%(body)s is neither a congress nor a central executive in office") % {"body": body}
    )


def answerable_to(commissariat: Commissariat, at: datetime) -> Body:
    """The body that appoints and removes the commissars at *at*: the congress, or the
    congress's central executive *in office at that time* (a commissariat appointed by one
    central executive answers to its successors)."""
    body = resolve(commissariat.appointed_by, commissariat.organisation)
    if isinstance(body, Organ):
        elected = CentralExecutive.objects.filter(organ_id=body.pk).first()
        if elected is not None:
            current = CentralExecutive.objects.filter(
                valid_at(at), congress_id=elected.congress_id
            ).first()
            if current is not None:
                body = current.organ
    _check_appointing_body(body, at)
    return body


DEFAULT_DEMAND_SHARE = Ratio(1, 3)


def demand_share(congress: Council) -> Ratio:
    settings = CongressSettings.objects.filter(congress=congress).first()
    return settings.demand_share if settings else DEFAULT_DEMAND_SHARE


def represented_membership(congress: Council, at: datetime) -> dict[int, int]:
    """The membership each member council represents at *at*, by council id."""
    rows = [r for r in constituency_rows(congress, at) if r.kind == Constituency.COUNCIL]
    counts = roll_counts(congress, at, only=rows)
    return {r.delegating_council_id: counts[r.pk] for r in rows}


def current_central_executive(congress: Council, at: datetime) -> CentralExecutive | None:
    return CentralExecutive.objects.filter(valid_at(at), congress=congress).first()


def credential_finding(
    mandate: Mandate, convocation: Convocation, at: datetime
) -> tuple[bool, str]:
    """The credentials rule (see the module): accepted or not, and why."""
    election = mandate.election
    if election is None or election.opened_at < convocation.convened_at:
        return False, (
            f"{mandate.member.name} was not elected for convocation {convocation.number} "
            f"(convened {convocation.convened_at.isoformat()})"
        )
    problem = eligible(mandate.member, mandate.constituency, at)
    if problem:
        return False, problem
    sender = mandate.constituency.delegating_council
    return True, f"{mandate.member.name} holds a current mandate in {sender}"


def uncredentialed(convocation: Convocation, at: datetime) -> list[Mandate]:
    """Current delegates at *at* without accepted credentials for *convocation*."""
    accepted = Credential.objects.filter(convocation=convocation, accepted=True).values_list(
        "mandate_id", flat=True
    )
    return list(
        Mandate.objects.filter(valid_at(at), council=convocation.congress_id)
        .exclude(pk__in=list(accepted))
        .select_related("member")
        .order_by("member__name")
    )
