"""What the federation pages show: bodies by name, directives with their standings, congresses.

Statuses are never stored: each page asks :func:`smolny.federation.queries.directive_standings`
at the moment it shows (now, or the end of the timeline's day), so the rules of authority in
force then decide, and a file that no longer verifies shows as not authentic.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from smolny.councils import wording
from smolny.councils.models import Council, Organ, Organisation
from smolny.councils.models.dated import valid_at
from smolny.directives import verify
from smolny.federation import queries
from smolny.federation.models import (
    CentralExecutive,
    CommissarAppointment,
    Commissariat,
    Convocation,
    Credential,
    Directive,
    DirectiveAct,
    Unit,
)
from smolny.rules.authority import Standing, Status
from smolny.web.templatetags.smolny_dates import when

BADGES = {
    Status.BINDING: "ok",
    Status.AWAITING_COUNTERSIGNATURE: "warn",
    Status.COUNTERMANDED: "bad",
    Status.VETOED: "bad",
    Status.NOT_AUTHENTIC: "bad",
}
"""The badge class of each status (the status is also written out: colour never alone)."""


def body_names(organisation: Organisation) -> dict[str, str]:
    """Every body of *organisation* by its rules' name (``"organ:3"`` → its name; with its
    council's in brackets when another organ has the same name, as every council's plenum)."""
    names = {f"council:{pk}": name for pk, name in organisation.councils.values_list("pk", "name")}
    organs = list(
        Organ.objects.filter(council__organisation=organisation).values_list(
            "pk", "name", "council__name"
        )
    )
    repeated = Counter(name for _, name, _ in organs)
    for pk, name, council in organs:
        names[f"organ:{pk}"] = name if repeated[name] == 1 else f"{name} ({council})"
    names |= {
        f"unit:{pk}": name
        for pk, name in Unit.objects.filter(organisation=organisation).values_list("pk", "name")
    }
    return names


@dataclass(frozen=True)
class StandingRow:
    """One addressee's standing, named for people."""

    addressee: str
    name: str
    status: str
    badge: str
    reason: str
    also: tuple[str, ...]


_REF = re.compile(r"\b(?:council|organ|unit):\d+\b")
_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[+-]\d{2}:\d{2}|Z)?")


def readable(reason: str, names: dict[str, str]) -> str:
    """A rule's reason for people: bodies by name instead of ``organ:17``, moments as the
    pages date them (dual before 1918) instead of ISO text."""

    def moment(match: re.Match[str]) -> str:
        try:
            value = datetime.fromisoformat(match.group(0))
        except ValueError:
            return match.group(0)
        return when(value if value.tzinfo else value.replace(tzinfo=UTC))

    reason = wording.standing_reason(reason)
    return _MOMENT.sub(moment, _REF.sub(lambda m: names.get(m.group(0), m.group(0)), reason))


def standing_rows(standings: tuple[Standing, ...], names: dict[str, str]) -> list[StandingRow]:
    return [
        StandingRow(
            s.addressee,
            names.get(s.addressee, s.addressee),
            s.status.value,
            BADGES[s.status],
            readable(s.reason, names),
            tuple(readable(a, names) for a in s.also),
        )
        for s in standings
    ]


def title_of(directive: Directive) -> str:
    """The directive's title: its text up to the first colon (as the world writes them), else
    the beginning of the text."""
    head, colon, _rest = directive.text.partition(":")
    if colon and len(head) <= 120:
        return head
    return directive.text if len(directive.text) <= 120 else directive.text[:117] + "…"


@dataclass(frozen=True)
class DirectiveRow:
    directive: Directive
    title: str
    standings: list[StandingRow]
    summary: str


def directive_row(directive: Directive, at: datetime, names: dict[str, str]) -> DirectiveRow:
    standings = queries.directive_standings(directive, at)
    return DirectiveRow(
        directive,
        title_of(directive),
        standing_rows(standings, names),
        queries.status_summary(standings) if standings else "",
    )


@dataclass(frozen=True)
class ActRow:
    kind: str
    body: str
    at: datetime
    note: str


AFTER_ISSUE = timedelta(hours=1)
"""The directive page also shows the standings an hour after issue (as the replay does)."""


@dataclass(frozen=True)
class DirectiveDetail:
    row: DirectiveRow
    on_issue: DirectiveRow
    issuer: str
    signer_key: str | None
    signer: str | None
    verification: str
    problems: list[str]
    countersigned_by: list[tuple[str, datetime]]
    acts: list[ActRow]


def directive_detail(directive: Directive, at: datetime) -> DirectiveDetail:
    """The directive with its signature checked against the organisation's pinned root key."""
    names = body_names(directive.organisation)
    signer_key: str | None = None
    signer: str | None = None
    problems: list[str] = []
    countersigned: list[tuple[str, datetime]] = []
    root = queries.root_public_key(directive)
    try:
        signed = queries.signed_directive(directive)
    except (ValueError, KeyError) as error:
        verification, problems = "not authentic", [str(error)]
    else:
        signer_key = signed.signature.key_id
        signer = signed.certificate.organ.name
        finding = verify(signed, [root] if root else [])
        verification = finding.summary
        problems = list(finding.reasons)
        countersigned = [(named.name, when) for named, when in finding.countersigned_by]
    acts = [
        ActRow(a.kind, names.get(a.body, a.body), a.at, a.note)
        for a in directive.acts.order_by("at", "pk")
    ]
    return DirectiveDetail(
        row=directive_row(directive, at, names),
        on_issue=directive_row(directive, directive.issued_at + AFTER_ISSUE, names),
        issuer=f"{directive.issuer.name} ({directive.issuer.council.name})",
        signer_key=signer_key,
        signer=signer,
        verification=verification,
        problems=problems,
        countersigned_by=countersigned,
        acts=acts,
    )


# ---------------------------------------------------------------------------------------------
# Congresses
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConvocationView:
    convocation: Convocation
    delegations: list[queries.DelegationSeats]
    accepted: int
    refused: list[Credential]
    unchecked: bool


def convocations(congress: Council) -> list[ConvocationView]:
    out = []
    for c in Convocation.objects.filter(congress=congress).order_by("-number"):
        credentials = list(
            Credential.objects.filter(convocation=c).select_related("mandate__member")
        )
        out.append(
            ConvocationView(
                c,
                queries.delegation_seats(c),
                sum(1 for x in credentials if x.accepted),
                [x for x in credentials if not x.accepted],
                c.credentials_checked_at is None,
            )
        )
    return out


@dataclass(frozen=True)
class CommissariatView:
    commissariat: Commissariat
    answerable_to: str
    posts: list[queries.Post]
    history: list[CommissarAppointment]


def commissariats_of(congress: Council, at: datetime) -> list[CommissariatView]:
    """The commissariats appointed by the congress or by one of its central executives."""
    executives = CentralExecutive.objects.filter(congress=congress).values_list(
        "organ_id", flat=True
    )
    appointers = [f"council:{congress.pk}"] + [f"organ:{pk}" for pk in executives]
    names = body_names(congress.organisation)
    out = []
    for c in Commissariat.objects.filter(
        organisation=congress.organisation, appointed_by__in=appointers
    ).order_by("start", "pk"):
        history = list(c.appointments.select_related("member").order_by("start", "portfolio", "pk"))
        out.append(
            CommissariatView(
                c,
                names.get(c.appointed_by, c.appointed_by),
                queries.commissariat_at(c, at),
                history,
            )
        )
    return out


def central_executive_at(congress: Council, at: datetime) -> CentralExecutive | None:
    return (
        CentralExecutive.objects.filter(valid_at(at), congress=congress)
        .select_related("organ", "convocation")
        .first()
    )


ACT_KINDS = dict(DirectiveAct.KINDS)
