"""Congresses: reading one with its member councils, convocations and central executives;
the convocation setting and demands; convening; the credentials step; electing the central
executive.

A congress is a council of kind ``congress`` (created under ``/organisations/{id}/councils``,
its member councils added as constituencies with ``delegating_council``). Delegates are elected
and seated through ``/elections``; a member council recalls its delegate through
``/mandates/{id}/delegating-recall``, which opens the by-election listed here under the member
council's ``open_elections``.
"""

from __future__ import annotations

import json
from datetime import datetime

from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from ninja import Router, Status
from ninja.params.functions import Query

from smolny.api.auth import caller
from smolny.api.common import MAX_ID, TIME_QUERY, Message, Timed, lookup, parse_time
from smolny.api.errors import BadRequestField, NotFound
from smolny.api.federation_schemas import (
    CentralExecutiveOut,
    CongressOut,
    CongressSettingsIn,
    CongressSettingsOut,
    CongressSummaryOut,
    ConveneIn,
    ConvocationOut,
    ConvocationSummaryOut,
    CredentialOut,
    DelegateOut,
    DelegationOut,
    DemandIn,
    DemandOut,
    ExecutiveIn,
    ExecutiveTermOut,
    FindingOut,
    MemberCouncilOut,
    credential_out,
)
from smolny.api.routers.organs import mandates
from smolny.api.schemas import organ_composition_out
from smolny.councils.models import Council, Election, JournalEntry, Mandate, Organ
from smolny.councils.queries import organ_composition
from smolny.federation import actions as fed
from smolny.federation.models import (
    CentralExecutive,
    Convocation,
    ConvocationDemand,
    Credential,
)
from smolny.federation.queries import (
    current_central_executive,
    delegation_seats,
    demand_share,
    represented_membership,
)
from smolny.rules.ballots import BallotSet
from smolny.web.access import readable_organisations

router = Router(tags=["congresses"])
convocations = Router(tags=["congresses"])
REFUSALS = {403: Message, 404: Message, 409: Message, 422: Message}
ORGANISATION_QUERY = Query(None, ge=1, le=MAX_ID, description="only this organisation's")


def congress_of(congress_id: int) -> Council:
    """The congress with this id (a council of another kind is not one: 404)."""
    council = lookup(Council, congress_id, "congress")
    if council.kind != Council.CONGRESS:
        raise NotFound("congress", congress_id)
    return council


def demand_out(d: ConvocationDemand) -> DemandOut:
    return DemandOut(
        id=d.pk,
        congress=d.congress_id,
        council=d.council_id,
        council_name=d.council.name,
        made_at=d.made_at,
        membership=d.membership,
        decision=d.decision,
        convocation=d.convocation_id,
    )


def convocation_summary(c: Convocation) -> ConvocationSummaryOut:
    return ConvocationSummaryOut(
        id=c.pk,
        number=c.number,
        convened_at=c.convened_at,
        convened_by=c.convened_by,
        convening_organ=c.convening_organ_id,
        credentials_checked_at=c.credentials_checked_at,
    )


def _member_councils(congress: Council, at: datetime) -> list[MemberCouncilOut]:
    membership = represented_membership(congress, at)
    rows = congress.constituencies.filter(
        delegating_council__isnull=False, start__lte=at
    ).select_related("delegating_council")
    open_elections: dict[int, list[int]] = {}
    for constituency_id, election_id in (
        Election.objects.filter(constituency__council=congress, status=Election.OPEN)
        .order_by("pk")
        .values_list("constituency_id", "pk")
    ):
        open_elections.setdefault(constituency_id, []).append(election_id)
    return [
        MemberCouncilOut(
            council=c.delegating_council_id,
            name=c.delegating_council.name if c.delegating_council else c.name,
            constituency=c.pk,
            membership=membership[c.delegating_council_id],
            open_elections=open_elections.get(c.pk, []),
        )
        for c in sorted(rows, key=lambda c: c.name)
        if c.current_at(at) and c.delegating_council_id in membership
    ]


@router.get("", response=list[CongressSummaryOut])
def list_congresses(
    request: HttpRequest, organisation: int | None = ORGANISATION_QUERY
) -> list[CongressSummaryOut]:
    """Every congress of the organisations the caller may read (of one, if asked), by name."""
    now = timezone.now()
    rows = Council.objects.filter(
        kind=Council.CONGRESS, organisation__in=readable_organisations(request.user)
    ).order_by("name", "pk")
    if organisation is not None:
        rows = rows.filter(organisation_id=organisation)
    answer = []
    for c in rows:
        executive = current_central_executive(c, now)
        answer.append(
            CongressSummaryOut(
                id=c.pk,
                organisation=c.organisation_id,
                name=c.name,
                convocations=c.convocations.count(),
                central_executive=executive.organ_id if executive else None,
            )
        )
    return answer


@router.get("/{congress_id}", response={200: CongressOut, 404: Message})
def get_congress(
    request: HttpRequest, congress_id: int, at: str | None = TIME_QUERY
) -> CongressOut:
    """The congress at *at* (default: now): its member councils with the membership each
    represents, outstanding demands, convocations and central executives."""
    congress = congress_of(congress_id)
    when = parse_time(at) or timezone.now()
    demands = (
        ConvocationDemand.objects.filter(congress=congress, made_at__lte=when)
        .filter(Q(convocation=None) | Q(convocation__convened_at__gt=when))
        .select_related("council")
    )
    terms = CentralExecutive.objects.filter(congress=congress, start__lte=when).select_related(
        "organ"
    )
    return CongressOut(
        id=congress.pk,
        organisation=congress.organisation_id,
        name=congress.name,
        at=when,
        demand_share=str(demand_share(congress)),
        member_councils=_member_councils(congress, when),
        demands_outstanding=[demand_out(d) for d in demands.order_by("made_at", "pk")],
        convocations=[
            convocation_summary(c)
            for c in congress.convocations.filter(convened_at__lte=when).order_by("number")
        ],
        central_executives=[
            ExecutiveTermOut(
                id=t.pk,
                organ=t.organ_id,
                name=t.organ.name,
                convocation=t.convocation_id,
                start=t.start,
                end=t.end if t.end is None or t.end <= when else None,
            )
            for t in terms.order_by("start", "pk")
        ],
    )


@router.post("/{congress_id}/settings", response={200: CongressSettingsOut, **REFUSALS})
def set_settings(
    request: HttpRequest, congress_id: int, body: CongressSettingsIn
) -> CongressSettingsOut:
    congress = congress_of(congress_id)
    settings = fed.set_congress_settings(
        caller(request), congress, demand_share=body.demand_share.replace(" ", "")
    )
    return CongressSettingsOut(congress=congress.pk, demand_share=str(settings.demand_share))


@router.post("/{congress_id}/demands", response={201: DemandOut, **REFUSALS})
def demand(request: HttpRequest, congress_id: int, body: DemandIn) -> Status[DemandOut]:
    """A member council demands a convocation (see the congress's ``demand_share``)."""
    congress = congress_of(congress_id)
    council = lookup(Council, body.council, "council")
    made = fed.demand_convocation(caller(request), congress, council, decision=body.decision)
    return Status(201, demand_out(made))


@router.post("/{congress_id}/convocations", response={201: ConvocationOut, **REFUSALS})
def convene(request: HttpRequest, congress_id: int, body: ConveneIn) -> Status[ConvocationOut]:
    """Convene the congress: by its central executive, or on its member councils' demands.
    The delegates are apportioned afresh from the rolls; the previous delegates' mandates
    expire."""
    congress = congress_of(congress_id)
    by = None if body.by is None else lookup(Organ, body.by, "organ")
    convocation = fed.convene_congress(caller(request), congress, by=by, tie_seed=body.tie_seed)
    return Status(201, convocation_out(convocation))


@router.get("/{congress_id}/central-executive", response={200: CentralExecutiveOut, 404: Message})
def get_central_executive(
    request: HttpRequest, congress_id: int, at: str | None = TIME_QUERY
) -> CentralExecutiveOut:
    """The central executive in office at *at* (default: now): its seats, and how it was
    elected (the fractions' allotment, or the STV count)."""
    congress = congress_of(congress_id)
    when = parse_time(at) or timezone.now()
    executive = current_central_executive(congress, when)
    if executive is None:
        raise NotFound("central executive in office at", when.isoformat())
    return central_executive_out(executive, when)


# ---------------------------------------------------------------------------------------------
# Convocations
# ---------------------------------------------------------------------------------------------


def convocation_out(c: Convocation) -> ConvocationOut:
    """A convocation with its apportionment and the delegates seated for it (from its
    convening until the next), each with the credentials step's finding."""
    successor = (
        Convocation.objects.filter(congress=c.congress_id, number__gt=c.number)
        .order_by("number")
        .first()
    )
    delegates = Mandate.objects.filter(council=c.congress_id, start__gte=c.convened_at)
    if successor is not None:
        delegates = delegates.filter(start__lt=successor.convened_at)
    findings = {f.mandate_id: f for f in Credential.objects.filter(convocation=c)}
    return ConvocationOut(
        id=c.pk,
        congress=c.congress_id,
        number=c.number,
        convened_at=c.convened_at,
        convened_by=c.convened_by,
        convening_organ=c.convening_organ_id,
        demand=dict(c.demand),
        credentials_checked_at=c.credentials_checked_at,
        apportionment=c.apportionment_id,
        delegations=[DelegationOut(**s.__dict__) for s in delegation_seats(c)],
        delegates=[
            DelegateOut(
                mandate=m.pk,
                member=m.member_id,
                member_id=m.member.external_id,
                name=m.member.name,
                sent_by=m.constituency.delegating_council_id,
                sent_by_name=m.constituency.name,
                election=m.election_id,
                start=m.start,
                end=m.end,
                end_reason=m.end_reason,
                credentials=(
                    FindingOut(
                        accepted=findings[m.pk].accepted,
                        reason=findings[m.pk].reason,
                        checked_at=findings[m.pk].checked_at,
                    )
                    if m.pk in findings
                    else None
                ),
            )
            for m in delegates.select_related("member", "constituency").order_by(
                "constituency__name", "member__name", "pk"
            )
        ],
    )


@convocations.get("/{convocation_id}", response={200: ConvocationOut, 404: Message})
def get_convocation(request: HttpRequest, convocation_id: int) -> ConvocationOut:
    return convocation_out(lookup(Convocation, convocation_id, "convocation"))


@convocations.post("/{convocation_id}/credentials", response={201: list[CredentialOut], **REFUSALS})
def check_credentials(
    request: HttpRequest, convocation_id: int, body: Timed
) -> Status[list[CredentialOut]]:
    """The credentials step: every delegate seated and not yet examined is accepted or
    refused, with the reason (see :mod:`smolny.federation.actions.congress`, rule 4)."""
    convocation = lookup(Convocation, convocation_id, "convocation")
    found = fed.check_credentials(caller(request), convocation)
    return Status(201, [credential_out(c) for c in found])


def _ballots(body: ExecutiveIn) -> BallotSet | None:
    """The delegates' ballots as the count reads them (candidates by member id)."""
    if body.ballots is None:
        return None
    names = list(dict.fromkeys(body.candidates))
    for ballot in body.ballots:
        names += [n for n in ballot.ranking if n not in names]
    index = {name: i for i, name in enumerate(names)}
    rankings = []
    for i, ballot in enumerate(body.ballots):
        if len(set(ballot.ranking)) != len(ballot.ranking):
            raise BadRequestField(f"ballots.{i}.ranking", gettext("a delegate is ranked twice"))
        rankings.append(tuple(index[n] for n in ballot.ranking))
    return BallotSet(
        tuple(names), tuple(rankings), tuple(b.count for b in body.ballots), seats=body.seats
    )


@convocations.post(
    "/{convocation_id}/central-executive", response={201: CentralExecutiveOut, **REFUSALS}
)
def elect_central_executive(
    request: HttpRequest, convocation_id: int, body: ExecutiveIn
) -> Status[CentralExecutiveOut]:
    """The convocation elects the central executive, which replaces the one in office."""
    convocation = lookup(Convocation, convocation_id, "convocation")
    if body.seat_rule == "proportional" and (body.ballots is not None or body.candidates):
        raise BadRequestField("ballots", gettext("ballots are for seat_rule stv"))
    if body.seat_rule == "stv" and body.nominees:
        raise BadRequestField("nominees", gettext("nominees are for seat_rule proportional"))
    if body.seat_rule == "stv" and body.ballots is None:
        raise BadRequestField("ballots", gettext("an STV election needs the delegates' ballots"))
    executive = fed.elect_central_executive(
        caller(request),
        convocation,
        body.name,
        seats=body.seats,
        seat_rule=body.seat_rule,
        method=body.method,
        nominees={k: mandates(v, f"nominees.{k}") for k, v in body.nominees.items()} or None,
        ballots=_ballots(body),
        count_method=body.count_method,
        tie_seed=body.tie_seed,
    )
    return Status(201, central_executive_out(executive, executive.start))


def _count(executive: CentralExecutive) -> dict[str, object]:
    """The STV count of the election, as its journal entry recorded it (empty when
    proportional)."""
    entries = JournalEntry.objects.filter(action="elect_central_executive").order_by("-seq")
    for payload in entries.values_list("payload", flat=True):
        data = json.loads(payload)
        if data.get("organ") == executive.organ_id and data.get("congress") == (
            executive.congress_id
        ):
            count = data.get("count") or {}
            return dict(count) if isinstance(count, dict) else {}
    return {}


def central_executive_out(executive: CentralExecutive, at: datetime) -> CentralExecutiveOut:
    organ = executive.organ
    return CentralExecutiveOut(
        id=executive.pk,
        congress=executive.congress_id,
        organ=organ.pk,
        name=organ.name,
        convocation=executive.convocation_id,
        convocation_number=executive.convocation.number,
        start=executive.start,
        end=executive.end,
        seat_rule="proportional" if organ.seat_rule == Organ.PROPORTIONAL else "stv",
        method=organ.method,
        allotment=dict(organ.allotment),
        count=_count(executive),
        composition=organ_composition_out(organ_composition(organ, at)),
    )
