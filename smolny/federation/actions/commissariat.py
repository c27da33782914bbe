"""The commissariat: officers appointed by a congress or its central executive, each with a
portfolio, removable by a vote of the appointing body at any time.

Appointments and removals are decisions of the appointing body, each recorded as a
:class:`~smolny.federation.models.Decision`: either linked to the closed vote of a session of
that body (decided under the rules of procedure of :mod:`smolny.rules.procedure`; its figures,
rule and outcome are copied), or, for decisions taken elsewhere, the motion, the tallies as
entered, and the outcome decided by :func:`smolny.rules.majority.decide` under the majority
rule given. A decision is recorded
whether it carried or not (a failed removal is part of the record too); only a carried one
changes the commissariat. When entered tallies do not say how many members are seated, the
database does: the congress's current mandates, or the organ's held seats, at the time.

Composition history: appointments are dated rows ended by removal, never rewritten, so the
commissariat at any past date is one query (:func:`smolny.federation.queries.commissariat_at`).
"""

from __future__ import annotations

import dataclasses
from datetime import datetime

from django.utils.translation import gettext

from smolny.councils.models import (
    Council,
    Mandate,
    Member,
    Organ,
    Organisation,
    OrganSeat,
    Vote,
)
from smolny.councils.models.dated import valid_at
from smolny.federation.bodies import Body, body_ref
from smolny.federation.models import (
    CommissarAppointment,
    Commissariat,
    Decision,
)
from smolny.federation.queries import _check_appointing_body, answerable_to
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
from smolny.rules.majority import MajorityRule, Outcome, Tally, decide

OUTCOMES = frozenset(o.value for o in Outcome)


def seated(body: Body, at: datetime) -> int:
    """Members of *body* at *at*: a council's current mandates or an organ's held seats."""
    if isinstance(body, Council):
        return Mandate.objects.filter(valid_at(at), council=body).count()
    return OrganSeat.objects.filter(valid_at(at), organ_id=body.pk, status=OrganSeat.HELD).count()


@within_action
def record_decision(
    organisation: Organisation,
    body: Body,
    motion: str,
    tally: Tally,
    rule: MajorityRule,
    at: datetime,
) -> Decision:
    """Decide *tally* under *rule* and write the decision (inside the calling action)."""
    if tally.seated is None:
        try:
            tally = dataclasses.replace(tally, seated=seated(body, at))
        except ValueError as error:
            raise ActionError(
                gettext("tally for %(motion)s: %(error)s")
                % {"motion": repr(motion), "error": error}
            ) from None
    try:
        outcome = decide(tally, rule)
    except ValueError as error:  # e.g. a casting vote the rule does not give the chair
        raise ActionError(
            gettext("tally for %(motion)s: %(error)s") % {"motion": repr(motion), "error": error}
        ) from None
    return Decision.objects.create(
        organisation=organisation,
        body=body_ref(body),
        at=at,
        motion=motion[:500],
        votes_for=tally.for_,
        votes_against=tally.against,
        abstentions=tally.abstain,
        present=tally.present,
        seated=tally.seated,
        rule=rule.describe()[:200],
        outcome=outcome.outcome.value,
        reason=outcome.reason[:500],
    )


@within_action
def decision_from_vote(
    organisation: Organisation, body: Body, motion: str, vote: Vote, at: datetime
) -> Decision:
    """Record the outcome of a closed *vote* taken in a session of *body* (inside the calling
    action). For a congress, the session is one of its organs (its plenum)."""
    vote = fresh(vote)
    organ = vote.item.session.organ
    sitting_for = organ.council_id == body.pk if isinstance(body, Council) else organ == body
    if not sitting_for:
        raise NotAllowed(
            gettext("vote %(vote_id)s was taken in %(organ)s, not by %(body)s")
            % {"vote_id": vote.pk, "organ": organ, "body": body}
        )
    if vote.status != Vote.CLOSED or vote.closed_at is None:
        raise NotAllowed(gettext("vote %(vote_id)s is not closed") % {"vote_id": vote.pk})
    if vote.closed_at > at:
        raise NotAllowed(
            gettext("vote %(vote_id)s closed after %(at)s")
            % {"vote_id": vote.pk, "at": at.isoformat()}
        )
    if vote.outcome not in OUTCOMES or vote.for_votes is None or vote.against is None:
        raise NotAllowed(
            gettext("vote %(vote_id)s is not a vote for or against a motion") % {"vote_id": vote.pk}
        )
    if Decision.objects.filter(vote=vote).exists():
        raise NotAllowed(
            gettext("vote %(vote_id)s has decided another question already") % {"vote_id": vote.pk}
        )
    return Decision.objects.create(
        organisation=organisation,
        body=body_ref(body),
        at=at,
        motion=f"{motion} (vote {vote.pk}: {vote.question})"[:500],
        votes_for=vote.for_votes,
        votes_against=vote.against,
        abstentions=vote.abstain or 0,
        present=vote.present,
        seated=vote.seated,
        rule=vote.rule[:200],
        outcome=vote.outcome,
        reason=vote.reason[:500],
        vote=vote,
    )


def _decide(
    organisation: Organisation,
    body: Body,
    motion: str,
    tally: Tally | None,
    vote: Vote | None,
    rule: MajorityRule | None,
    at: datetime,
) -> Decision:
    if (tally is None) == (vote is None):
        raise ActionError(
            gettext("give the tallies of the decision, or the vote that took it (not both)")
        )
    if vote is not None:
        if rule is not None:
            raise ActionError(gettext("a vote was decided under its organ's own rule"))
        return decision_from_vote(organisation, body, motion, vote, at)
    assert tally is not None
    return record_decision(organisation, body, motion, tally, rule or MajorityRule.simple(), at)


def _decision_payload(decision: Decision) -> dict[str, object]:
    return {
        "decision": decision.pk,
        "body": decision.body,
        "motion": decision.motion,
        "for": decision.votes_for,
        "against": decision.votes_against,
        "abstain": decision.abstentions,
        "present": decision.present,
        "seated": decision.seated,
        "rule": decision.rule,
        "outcome": decision.outcome,
        "reason": decision.reason,
        "vote": decision.vote_id,
    }


def create_commissariat(
    actor: Actor, name: str, *, appointed_by: Council | Organ, at: datetime | None = None
) -> Commissariat:
    """Create a council of commissars answerable to *appointed_by* (a congress or its central
    executive)."""
    name = name.strip()
    if not name:
        raise ActionError(gettext("a commissariat needs a name"))
    with action_transaction(at) as at:
        body = fresh(appointed_by)
        organisation = body.organisation if isinstance(body, Council) else body.council.organisation
        require_secretary(actor, organisation, at)
        _check_appointing_body(body, at)
        if Commissariat.objects.filter(organisation=organisation, name=name).exists():
            raise NotAllowed(
                gettext("%(organisation)s has a commissariat named %(name)s already")
                % {"organisation": organisation.name, "name": repr(name)}
            )
        commissariat = Commissariat.objects.create(
            organisation=organisation, name=name, appointed_by=body_ref(body), start=at
        )
        record(
            actor,
            "create_commissariat",
            {"commissariat": commissariat.pk, "name": name, "appointed_by": body_ref(body)},
            at=at,
            organisation=organisation,
        )
    return commissariat


def appoint_commissar(
    actor: Actor,
    commissariat: Commissariat,
    member: Member,
    portfolio: str,
    *,
    tally: Tally | None = None,
    vote: Vote | None = None,
    rule: MajorityRule | None = None,
    at: datetime | None = None,
) -> tuple[Decision, CommissarAppointment | None]:
    """The appointing body votes on appointing *member* to *portfolio*; when the motion
    carries, the appointment starts. The decision is given by its *tally* (decided here under
    *rule*, a simple majority by default) or by the closed session *vote* that took it.
    Returns the decision and the appointment (or None)."""
    portfolio = portfolio.strip()
    if not portfolio:
        raise ActionError(gettext("a commissar needs a portfolio"))
    with action_transaction(at) as at:
        commissariat = fresh(commissariat)
        member = fresh(member)
        organisation = commissariat.organisation
        require_secretary(actor, organisation, at)
        body = answerable_to(commissariat, at)
        if member.organisation_id != organisation.pk or not member.current_at(at):
            raise NotAllowed(
                gettext("%(member)s is not a member of %(organisation)s")
                % {"member": member.name, "organisation": organisation.name}
            )
        if CommissarAppointment.objects.filter(
            commissariat=commissariat, portfolio=portfolio, end=None
        ).exists():
            raise NotAllowed(
                gettext("the portfolio %(portfolio)s is held; remove its commissar first")
                % {"portfolio": repr(portfolio)}
            )
        motion = f"appoint {member.name} commissar for {portfolio}"
        decision = _decide(organisation, body, motion, tally, vote, rule, at)
        appointment = None
        if decision.outcome == "carried":
            appointment = CommissarAppointment.objects.create(
                commissariat=commissariat,
                member=member,
                portfolio=portfolio,
                appointed_by=decision,
                start=at,
            )
        record(
            actor,
            "appoint_commissar",
            {
                "commissariat": commissariat.pk,
                "member": member.external_id,
                "portfolio": portfolio,
                "appointment": appointment.pk if appointment else None,
                **_decision_payload(decision),
            },
            at=at,
            organisation=organisation,
        )
    return decision, appointment


def remove_commissar(
    actor: Actor,
    appointment: CommissarAppointment,
    *,
    tally: Tally | None = None,
    vote: Vote | None = None,
    rule: MajorityRule | None = None,
    at: datetime | None = None,
) -> Decision:
    """The appointing body votes on removing the commissar (its *tally*, or its closed session
    *vote*, as for :func:`appoint_commissar`); when it carries, the appointment ends at that
    moment."""
    with action_transaction(at) as at:
        appointment = fresh(appointment)
        commissariat = appointment.commissariat
        organisation = commissariat.organisation
        require_secretary(actor, organisation, at)
        if appointment.end is not None:
            raise NotAllowed(
                gettext("%(member)s no longer holds %(portfolio)s")
                % {"member": appointment.member.name, "portfolio": appointment.portfolio}
            )
        if at < appointment.start:
            raise NotAllowed(gettext("a commissar cannot be removed before being appointed"))
        body = answerable_to(commissariat, at)
        motion = f"remove {appointment.member.name} as commissar for {appointment.portfolio}"
        decision = _decide(organisation, body, motion, tally, vote, rule, at)
        if decision.outcome == "carried":
            appointment.end = at
            appointment.removed_by = decision
            appointment.end_reason = CommissarAppointment.REMOVED
            appointment.save(update_fields=["end", "removed_by", "end_reason"])
        record(
            actor,
            "remove_commissar",
            {
                "appointment": appointment.pk,
                "member": appointment.member.external_id,
                "portfolio": appointment.portfolio,
                "removed": decision.outcome == "carried",
                **_decision_payload(decision),
            },
            at=at,
            organisation=organisation,
        )
    return decision
