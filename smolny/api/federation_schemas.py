"""Request and answer schemas of the federation's routes (congresses, central executives,
commissariats, authority rules, organ keys and directives), and the functions that fill the
answers from the models and queries.

Bodies are named as the authority rules name them: ``"council:<id>"``, ``"organ:<id>"`` or
``"unit:<id>"`` (:mod:`smolny.federation.bodies`), so that a client reads and writes the same
names the directive files and the journal use.
"""

from __future__ import annotations

import binascii
from datetime import datetime
from typing import Any, Literal

from django.utils.translation import gettext
from ninja import Field, Schema

from smolny.api.common import MAX_ID, In, Timed
from smolny.api.errors import BadRequestField
from smolny.api.schemas import OrganCompositionOut
from smolny.federation.bodies import KINDS, Body
from smolny.federation.models import (
    CommissarAppointment,
    Credential,
    Decision,
    DirectiveAct,
    OrganKey,
)

BODY_PATTERN = r"^(council|organ|unit):[1-9][0-9]{0,18}$"
RATIO = r"^\s*[0-9]{1,9}\s*(/\s*[0-9]{1,9}\s*)?$"
BodyRef = str


def body_field(description: str) -> Any:
    return Field(pattern=BODY_PATTERN, max_length=40, description=description)


def body_of(ref: str, field: str) -> Body:
    """The council, organ or unit *ref* names; an unknown one is refused naming *field*.

    (Whether it belongs to the right organisation is the action's question.)"""
    kind, _, number = ref.partition(":")
    model = KINDS.get(kind)
    if model is None or not number.isascii() or not number.isdigit():
        raise BadRequestField(
            field,
            gettext("%(ref)s names no body (use council:ID, organ:ID, unit:ID)")
            % {"ref": repr(ref)},
        )
    pk = int(number)
    body = model._default_manager.filter(pk=pk).first() if 0 < pk <= MAX_ID else None
    if body is None:
        raise BadRequestField(
            field, gettext("no %(kind)s %(number)s") % {"kind": kind, "number": number}
        )
    return body


# ---------------------------------------------------------------------------------------------
# Congresses
# ---------------------------------------------------------------------------------------------


class CongressSettingsIn(Timed):
    """The share of the represented membership whose councils may demand a convocation."""

    demand_share: str = Field(pattern=RATIO, max_length=40, examples=["1/3"])


class CongressSettingsOut(Schema):
    congress: int
    demand_share: str


class DemandIn(Timed):
    """A member council (by id) demands a convocation; ``decision`` is its minute."""

    council: int
    decision: str = Field("", max_length=500)


class DemandOut(Schema):
    id: int
    congress: int
    council: int
    council_name: str
    made_at: datetime
    membership: int
    decision: str
    convocation: int | None


class ConveneIn(Timed):
    """``by``: the central executive (organ id) convening; ``null``: on the member councils'
    outstanding demands. The delegates are apportioned afresh from the rolls at ``at``."""

    by: int | None = None
    tie_seed: int | None = Field(None, ge=0, le=MAX_ID)


class MemberCouncilOut(Schema):
    council: int
    name: str
    constituency: int
    membership: int
    open_elections: list[int] = Field(description="elections (regular or by-) still open")


class ConvocationSummaryOut(Schema):
    id: int
    number: int
    convened_at: datetime
    convened_by: str
    convening_organ: int | None
    credentials_checked_at: datetime | None


class ExecutiveTermOut(Schema):
    id: int
    organ: int
    name: str
    convocation: int
    start: datetime
    end: datetime | None


class CongressSummaryOut(Schema):
    id: int
    organisation: int
    name: str
    convocations: int
    central_executive: int | None = Field(description="the organ in office now, if any")


class CongressOut(Schema):
    id: int
    organisation: int
    name: str
    at: datetime
    demand_share: str
    member_councils: list[MemberCouncilOut]
    demands_outstanding: list[DemandOut]
    convocations: list[ConvocationSummaryOut]
    central_executives: list[ExecutiveTermOut]


class DelegationOut(Schema):
    council: str
    membership: int
    seats: int


class CredentialOut(Schema):
    mandate: int
    member_id: str
    name: str
    checked_at: datetime
    accepted: bool
    reason: str


def credential_out(c: Credential) -> CredentialOut:
    return CredentialOut(
        mandate=c.mandate_id,
        member_id=c.mandate.member.external_id,
        name=c.mandate.member.name,
        checked_at=c.checked_at,
        accepted=c.accepted,
        reason=c.reason,
    )


class FindingOut(Schema):
    accepted: bool
    reason: str
    checked_at: datetime


class DelegateOut(Schema):
    mandate: int
    member: int
    member_id: str
    name: str
    sent_by: int | None
    sent_by_name: str
    election: int | None
    start: datetime
    end: datetime | None
    end_reason: str
    credentials: FindingOut | None


class ConvocationOut(Schema):
    id: int
    congress: int
    number: int
    convened_at: datetime
    convened_by: str
    convening_organ: int | None
    demand: dict[str, Any]
    credentials_checked_at: datetime | None
    apportionment: int
    delegations: list[DelegationOut]
    delegates: list[DelegateOut]


# ---------------------------------------------------------------------------------------------
# The central executive
# ---------------------------------------------------------------------------------------------


class TallyBallotIn(In):
    """``count`` ballots ranking delegates (by member id) in this order."""

    count: int = Field(1, ge=1, le=10**9)
    ranking: list[str] = Field(min_length=1, max_length=10_000)


class ExecutiveIn(Timed):
    """Elect the central executive. ``proportional``: seats allotted between the fractions by
    ``method``, each fraction naming its members in ``nominees`` (fraction name to mandate
    ids). ``stv``: the delegates' ``ballots`` counted by ``count_method``; ``candidates`` (member
    ids) may add delegates no ballot names."""

    name: str = Field(min_length=1, max_length=200)
    seats: int = Field(ge=1, le=10_000)
    seat_rule: Literal["proportional", "stv"] = "proportional"
    method: str = Field("sainte-lague", max_length=32)
    nominees: dict[str, list[int]] = Field(default_factory=dict)
    ballots: list[TallyBallotIn] | None = Field(None, max_length=100_000)
    candidates: list[str] = Field(default_factory=list, max_length=10_000)
    count_method: Literal["scottish-stv", "meek-stv"] = "scottish-stv"
    tie_seed: int | None = Field(None, ge=0, le=MAX_ID)


class CentralExecutiveOut(Schema):
    id: int
    congress: int
    organ: int
    name: str
    convocation: int
    convocation_number: int
    start: datetime
    end: datetime | None
    seat_rule: str = Field(description="proportional (allotted between fractions) or stv")
    method: str
    allotment: dict[str, Any]
    count: dict[str, Any] = Field(description="the STV count, when elected by one")
    composition: OrganCompositionOut


# ---------------------------------------------------------------------------------------------
# Decisions and the commissariat
# ---------------------------------------------------------------------------------------------


class TallyIn(In):
    """A decision's figures as entered; ``present`` defaults to those who voted or abstained,
    ``seated`` to the body's members at the time. ``casting``: the chair's vote on a tie."""

    votes_for: int = Field(ge=0, le=10**9)
    votes_against: int = Field(ge=0, le=10**9)
    abstentions: int = Field(0, ge=0, le=10**9)
    present: int | None = Field(None, ge=0, le=10**9)
    seated: int | None = Field(None, ge=0, le=10**9)
    casting: Literal["for", "against"] | None = None


class RuleIn(In):
    """The majority the decision needed (default: a simple majority of votes cast)."""

    majority: Literal["simple", "absolute", "qualified"] = "simple"
    base: Literal["votes cast", "members present", "members seated"] = "votes cast"
    fraction: str = Field("1/2", pattern=RATIO, max_length=40)
    more_than: bool = True
    quorum: str | None = Field(
        None, pattern=RATIO, max_length=40, description="a share of the seated, or a number"
    )
    quorum_more_than: bool = False
    casting_vote: bool = False


class DecisionIn(Timed):
    """How the appointing body decided: its ``tally`` (under ``rule``), or the closed ``vote``
    of one of its sessions that took the decision (under that organ's own rule)."""

    tally: TallyIn | None = None
    vote: int | None = None
    rule: RuleIn | None = None


class AppointIn(DecisionIn):
    member: int
    portfolio: str = Field(min_length=1, max_length=200)


class CommissariatIn(Timed):
    name: str = Field(min_length=1, max_length=200)
    appointed_by: BodyRef = body_field("the congress (council:ID) or its central executive")


class DecisionOut(Schema):
    id: int
    body: str
    at: datetime
    motion: str
    votes_for: int
    votes_against: int
    abstentions: int
    present: int | None
    seated: int | None
    rule: str
    outcome: str
    reason: str
    vote: int | None


def decision_out(d: Decision) -> DecisionOut:
    return DecisionOut(
        id=d.pk,
        body=d.body,
        at=d.at,
        motion=d.motion,
        votes_for=d.votes_for,
        votes_against=d.votes_against,
        abstentions=d.abstentions,
        present=d.present,
        seated=d.seated,
        rule=d.rule,
        outcome=d.outcome,
        reason=d.reason,
        vote=d.vote_id,
    )


class AppointmentOut(Schema):
    id: int
    commissariat: int
    member: int
    member_id: str
    name: str
    portfolio: str
    start: datetime
    end: datetime | None
    end_reason: str
    appointed_by: int
    removed_by: int | None


def appointment_out(a: CommissarAppointment) -> AppointmentOut:
    return AppointmentOut(
        id=a.pk,
        commissariat=a.commissariat_id,
        member=a.member_id,
        member_id=a.member.external_id,
        name=a.member.name,
        portfolio=a.portfolio,
        start=a.start,
        end=a.end,
        end_reason=a.end_reason,
        appointed_by=a.appointed_by_id,
        removed_by=a.removed_by_id,
    )


class DecidedOut(Schema):
    """The decision recorded, and the appointment it made or ended (none when it failed)."""

    decision: DecisionOut
    appointment: AppointmentOut | None


class PostOut(Schema):
    portfolio: str
    member_id: str
    name: str
    since: datetime


class CommissariatSummaryOut(Schema):
    id: int
    organisation: int
    name: str
    appointed_by: str
    start: datetime


class CommissariatOut(CommissariatSummaryOut):
    at: datetime
    answerable_to: str | None = Field(description="the body that appoints and removes at `at`")
    posts: list[PostOut]
    history: list[AppointmentOut]


# ---------------------------------------------------------------------------------------------
# Authority: units, hierarchy, rules, vetoes; keys
# ---------------------------------------------------------------------------------------------


class UnitIn(Timed):
    organisation: int
    name: str = Field(min_length=1, max_length=200)


class UnitOut(Schema):
    id: int
    organisation: int
    name: str
    ref: str


class SubordinationIn(Timed):
    unit: BodyRef = body_field("the body placed under another")
    body: BodyRef = body_field("the body it is placed under")


class SubordinationOut(Schema):
    id: int
    unit: str
    body: str
    start: datetime
    end: datetime | None


class AuthorityRuleIn(Timed):
    """``countersignature``: directives of ``others`` (default every issuer but ``body``) to
    units under ``body`` bind only once ``body`` countersigns. ``precedence``: units under
    ``body`` obey ``others`` only in so far as ``body`` has not countermanded. ``domains``
    limits the rule (default: every domain)."""

    kind: Literal["countersignature", "precedence"]
    body: BodyRef = body_field("the body the rule is for")
    others: list[BodyRef] | None = Field(None, max_length=1000)
    domains: list[str] | None = Field(None, max_length=1000)


class AuthorityRuleOut(Schema):
    id: int
    kind: str
    body: str
    others: list[str] | None
    domains: list[str] | None
    start: datetime
    end: datetime | None


class VetoGrantIn(Timed):
    """``holder`` may veto directives of ``issuers`` (default all) in ``domains`` (default
    all)."""

    holder: BodyRef = body_field("the body given the veto")
    issuers: list[BodyRef] | None = Field(None, max_length=1000)
    domains: list[str] | None = Field(None, max_length=1000)


class VetoGrantOut(Schema):
    id: int
    holder: str
    issuers: list[str] | None
    domains: list[str] | None
    start: datetime
    end: datetime | None


class RootKeyOut(Schema):
    key_id: str
    public_key: str = Field(description="base64: pin it with smolny directive verify --trust")
    created_at: datetime


class AuthorityOut(Schema):
    organisation: int
    root_key: RootKeyOut | None
    units: list[UnitOut]
    subordinations: list[SubordinationOut]
    rules: list[AuthorityRuleOut]
    veto_grants: list[VetoGrantOut]


class KeyOut(Schema):
    organ: int
    key_id: str
    public_key: str
    start: datetime
    end: datetime | None
    certificate: dict[str, Any]


def b64(data: bytes | memoryview) -> str:
    return binascii.b2a_base64(bytes(data), newline=False).decode("ascii")


def key_out(k: OrganKey) -> KeyOut:
    return KeyOut(
        organ=k.organ_id,
        key_id=k.key_id,
        public_key=b64(k.public_key),
        start=k.start,
        end=k.end,
        certificate=dict(k.certificate),
    )


# ---------------------------------------------------------------------------------------------
# Directives
# ---------------------------------------------------------------------------------------------


class DirectiveIn(Timed):
    """``issuer`` (an organ id) issues ``text`` to ``addressees`` in ``domain``, signed with
    its key in force."""

    issuer: int
    text: str = Field(min_length=1, max_length=100_000)
    domain: str = Field(min_length=1, max_length=64)
    addressees: list[BodyRef] = Field(min_length=1, max_length=1000)


class CountersignIn(Timed):
    organ: int


class CountermandIn(Timed):
    body: BodyRef = body_field("the council or organ countermanding")
    note: str = Field("", max_length=500)


class VetoIn(Timed):
    holder: BodyRef = body_field("the council or organ vetoing, under a veto grant")
    note: str = Field("", max_length=500)


class ActOut(Schema):
    id: int
    directive: int
    kind: str
    body: str
    at: datetime
    note: str


def act_out(a: DirectiveAct) -> ActOut:
    return ActOut(id=a.pk, directive=a.directive_id, kind=a.kind, body=a.body, at=a.at, note=a.note)


class StandingOut(Schema):
    addressee: str
    status: Literal[
        "binding", "awaiting countersignature", "countermanded", "vetoed", "not authentic"
    ]
    reason: str
    also: list[str]


class VerificationOut(Schema):
    authentic: bool
    summary: str
    reasons: list[str]
    signed_by: str | None
    countersigned_by: list[str]


class DirectiveSummaryOut(Schema):
    id: int
    organisation: int
    issuer: int
    issuer_name: str
    issued_at: datetime
    domain: str
    status: str = Field(description="the addressees' status at `at`, or each one's")


class DirectiveOut(Schema):
    id: int
    organisation: int
    issuer: int
    issuer_name: str
    issued_at: datetime
    domain: str
    text: str
    addressees: list[str]
    at: datetime
    verification: VerificationOut
    acts: list[ActOut]
    standings: list[StandingOut]
