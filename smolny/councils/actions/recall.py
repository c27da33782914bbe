"""Recall, the heart of council democracy.

1. Any member on the roll of a deputy's constituency opens a recall petition (and signs it).
2. Members sign, one signature each; a signature can be withdrawn until the threshold
   (the council's petition threshold share of the roll, fixed when the petition opens) is
   reached.
3. At the threshold the recall vote opens at once; each member of the roll votes once.
4. Closing the vote decides it (:func:`smolny.rules.recall.recall_outcome`): when
   carried, the mandate ends at that moment, every organ seat it carried falls vacant and a
   by-election opens (:func:`smolny.councils.actions.mandate.end_mandate`).

A congress delegate can also be recalled by the council that delegated them
(:func:`recall_by_delegating_body`).

One signature and one ballot per member are guaranteed twice: by the checks, made under the
journal lock, and by partial unique constraints in the database.

The recall vote is secret and cast by the voter alone, in person: no secretary casts it for
a member (who would learn the choice, or choose it). Its ballots follow the session's secret
ballot (:mod:`smolny.councils.actions.ballot`), reused rather than redesigned:

* **Two tables** share only the vote: :class:`~smolny.councils.models.RecallVoter` (vote,
  member; no time, nothing of the ballot) and :class:`~smolny.councils.models.RecallBallot`
  (random key, vote, choice; no voter, no time). No foreign key joins them.
* **The journal** entry of a cast names the vote and the voter, never the choice; the
  counts appear only in the ``close_recall_vote`` entry.
* **Two looks at the table around a cast**: the rows hold sealed boxes; every cast rewrites a
  bucket of k boxes with the new one under new keys and fresh bytes
  (:mod:`smolny.councils.actions.ballot_box`, shared with the session's secret ballot and the
  members' elections), so the new ballot hides among k+1 new rows. At the close the boxes
  are opened and the cast ballots written in clear, sealed, under fresh random keys in key
  order.

The residual risks are stated in :mod:`~smolny.councils.actions.ballot_box`.
"""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from smolny.councils.actions import ballot_box
from smolny.councils.actions.ballot_box import Box
from smolny.councils.actions.mandate import end_mandate
from smolny.councils.models import (
    Constituency,
    Mandate,
    Member,
    RecallBallot,
    RecallPetition,
    RecallSignature,
    RecallTracker,
    RecallVote,
    RecallVoter,
)
from smolny.councils.queries import roll_size
from smolny.councils.queries.rolls import same_person
from smolny.councils.queries.votes import require_voter_in_person
from smolny.journal.actions import (
    ActionError,
    Actor,
    NotAllowed,
    action_transaction,
    fresh,
    record,
    require_member_or_secretary,
    require_secretary,
)
from smolny.notices.compose import recall_vote_notice
from smolny.rules.recall import recall_outcome, share_of_roll


class AlreadyDone(NotAllowed):
    """The member has signed (or voted) already: counted once."""


def _require_on_roll(member: Member, mandate: Mandate, at: datetime) -> None:
    if member.constituency_id != mandate.constituency_id or not member.current_at(at):
        raise NotAllowed(
            gettext("%(member)s is not on the roll of %(constituency)s")
            % {"member": member.name, "constituency": mandate.constituency.name}
        )


def _live_signatures(petition: RecallPetition) -> int:
    return RecallSignature.objects.filter(petition=petition, withdrawn_at=None).count()


REASON_LIMIT = 500
"""The longest reason a signer may give, in characters."""


def _add_signature(
    petition: RecallPetition, member: Member, at: datetime, reason: str = ""
) -> None:
    # Per person, not per roll entry: moving away and back gives no second signature.
    if RecallSignature.objects.filter(
        same_person(member), petition=petition, withdrawn_at=None
    ).exists():
        raise AlreadyDone(
            gettext("%(member)s has signed this petition already") % {"member": member.name}
        )
    try:
        with transaction.atomic():
            RecallSignature.objects.create(
                petition=petition, member=member, signed_at=at, reason=reason
            )
    except IntegrityError:
        raise AlreadyDone(
            gettext("%(member)s has signed this petition already") % {"member": member.name}
        ) from None


def _maybe_open_vote(petition: RecallPetition, at: datetime) -> RecallVote | None:
    """Open the recall vote when the live signatures reach the threshold."""
    if _live_signatures(petition) < petition.threshold:
        return None
    petition.status = RecallPetition.VOTE
    petition.save(update_fields=["status"])
    vote = RecallVote.objects.create(
        petition=petition, opened_at=at, roll_size=roll_size(petition.mandate.constituency, at)
    )
    # Everyone entitled to vote is told by mail, sent after the commit (smolny.notices).
    recall_vote_notice(vote, at)
    return vote


def _box(vote: RecallVote) -> Box:
    """The recall vote's ballot box (a choice fits in 32 bytes)."""
    return Box(RecallBallot, "vote", vote, width=ballot_box.RECALL_WIDTH)


def _seal(vote: RecallVote) -> list[str]:
    """Inside the closing action, before the count: open the boxes and write the cast ballots
    in clear (sealed) under fresh random keys, in key order; return their choices."""
    choices = [str(c[0]) for c in ballot_box.open_all(_box(vote))]
    RecallBallot.objects.bulk_create(
        (
            RecallBallot(key=k, vote=vote, choice=c, sealed=True)
            for k, c in zip(ballot_box.fresh_keys(len(choices)), choices, strict=True)
        ),
        batch_size=1000,
    )
    return choices


def open_recall_petition(
    actor: Actor, mandate: Mandate, member: Member, *, at: datetime | None = None
) -> RecallPetition:
    """*member* opens a petition to recall the deputy holding *mandate*, signing it first."""
    with action_transaction(at) as at:
        mandate = fresh(mandate)
        member = fresh(member)
        require_member_or_secretary(actor, member, at)
        if mandate.constituency.kind != Constituency.ROLL:
            raise NotAllowed(
                gettext(
                    "a congress delegate is recalled by the delegating council, not by petition"
                )
            )
        if not mandate.current_at(at):
            raise NotAllowed(
                gettext("the mandate of %(member)s is not current")
                % {"member": mandate.member.name}
            )
        _require_on_roll(member, mandate, at)
        if (
            RecallPetition.objects.filter(mandate=mandate)
            .exclude(status=RecallPetition.CLOSED)
            .exists()
        ):
            raise NotAllowed(
                gettext("a recall of %(member)s is under way already")
                % {"member": mandate.member.name}
            )
        size = roll_size(mandate.constituency, at)
        threshold = share_of_roll(size, mandate.council.petition_threshold)
        petition = RecallPetition.objects.create(
            mandate=mandate, opened_by=member, opened_at=at, roll_size=size, threshold=threshold
        )
        _add_signature(petition, member, at)
        vote = _maybe_open_vote(petition, at)
        record(
            actor,
            "open_recall_petition",
            {
                "petition": petition.pk,
                "mandate": mandate.pk,
                "member": member.external_id,
                "roll_size": size,
                "threshold": threshold,
                "vote": vote.pk if vote else None,
            },
            at=at,
            organisation=mandate.council.organisation,
        )
    return petition


def sign_recall_petition(
    actor: Actor,
    petition: RecallPetition,
    member: Member,
    *,
    reason: str = "",
    at: datetime | None = None,
) -> RecallVote | None:
    """*member* signs, giving a *reason* if they wish (kept with the signature and in the
    journal); returns the recall vote if this signature reached the threshold.

    Raises :class:`AlreadyDone` when the member's signature is already on the petition.
    """
    reason = reason.strip()
    if len(reason) > REASON_LIMIT:
        raise ActionError(
            gettext("reason: at most %(limit)s characters, not %(count)s")
            % {"limit": REASON_LIMIT, "count": len(reason)}
        )
    with action_transaction(at) as at:
        petition = fresh(petition)
        member = fresh(member)
        require_member_or_secretary(actor, member, at)
        if petition.status != RecallPetition.OPEN:
            raise NotAllowed(gettext("this petition is no longer open for signatures"))
        _require_on_roll(member, petition.mandate, at)
        _add_signature(petition, member, at, reason)
        vote = _maybe_open_vote(petition, at)
        record(
            actor,
            "sign_recall_petition",
            {
                "petition": petition.pk,
                "member": member.external_id,
                "reason": reason,
                "signatures": _live_signatures(petition),
                "vote": vote.pk if vote else None,
            },
            at=at,
            organisation=petition.mandate.council.organisation,
        )
    return vote


def withdraw_signature(
    actor: Actor, petition: RecallPetition, member: Member, *, at: datetime | None = None
) -> None:
    """*member* withdraws their signature; possible only while the petition is open."""
    with action_transaction(at) as at:
        petition = fresh(petition)
        member = fresh(member)
        require_member_or_secretary(actor, member, at)
        if petition.status != RecallPetition.OPEN:
            raise NotAllowed(
                gettext("the threshold was reached: signatures can no longer be withdrawn")
            )
        signature = RecallSignature.objects.filter(
            same_person(member), petition=petition, withdrawn_at=None
        ).first()
        if signature is None:
            raise NotAllowed(
                gettext("%(member)s has not signed this petition") % {"member": member.name}
            )
        signature.withdrawn_at = at
        signature.save(update_fields=["withdrawn_at"])
        record(
            actor,
            "withdraw_signature",
            {
                "petition": petition.pk,
                "member": member.external_id,
                "signatures": _live_signatures(petition),
            },
            at=at,
            organisation=petition.mandate.council.organisation,
        )


def cast_recall_vote(
    actor: Actor, vote: RecallVote, member: Member, recall: bool, *, at: datetime | None = None
) -> str:
    """*member* votes, in person, to recall (``recall=True``) or to keep the deputy; once.

    Only the voter casts it (see the module). The return value is the voter's receipt: the
    ballot's tracker, listed on the vote's bulletin board while it runs and among the
    trackers of the counted ballots after the close; it proves the ballot was in the box,
    and says nothing of the choice."""
    with action_transaction(at) as at:
        vote = fresh(vote)
        member = fresh(member)
        require_voter_in_person(actor, member)
        if vote.closed_at is not None:
            raise NotAllowed(gettext("this recall vote is closed"))
        if at < vote.opened_at:
            raise NotAllowed(gettext("this recall vote had not opened yet"))
        _require_on_roll(member, vote.petition.mandate, at)
        if RecallVoter.objects.filter(same_person(member), vote=vote).exists():
            raise AlreadyDone(gettext("%(member)s has voted already") % {"member": member.name})
        try:
            with transaction.atomic():
                RecallVoter.objects.create(vote=vote, member=member)
        except IntegrityError:
            raise AlreadyDone(
                gettext("%(member)s has voted already") % {"member": member.name}
            ) from None
        content: list[object] = [RecallBallot.RECALL if recall else RecallBallot.KEEP]
        ballot_box.cast(_box(vote), content)
        tracker = ballot_box.tracker_of(f"recall:{vote.pk}", content)
        RecallTracker.objects.create(vote=vote, tracker=tracker)
        # The choice stays out of the journal: the vote is secret, only its casting is public.
        record(
            actor,
            "cast_recall_vote",
            {"vote": vote.pk, "member": member.external_id},
            at=at,
            organisation=vote.petition.mandate.council.organisation,
        )
    return tracker


def close_recall_vote(actor: Actor, vote: RecallVote, *, at: datetime | None = None) -> RecallVote:
    """Count the recall vote and apply its outcome (a secretary closes it)."""
    with action_transaction(at) as at:
        vote = fresh(vote)
        petition = vote.petition
        mandate = petition.mandate
        council = mandate.council
        require_secretary(actor, council.organisation, at)
        if vote.closed_at is not None:
            raise NotAllowed(gettext("this recall vote is closed already"))
        if at < vote.opened_at:
            raise ActionError(gettext("a vote cannot close before it opened"))
        choices = _seal(vote)
        outcome = recall_outcome(
            vote.roll_size,
            choices.count(RecallBallot.RECALL),
            choices.count(RecallBallot.KEEP),
            council.recall_quorum,
        )
        vote.closed_at = at
        vote.outcome = outcome.outcome
        vote.votes_recall = outcome.votes_recall
        vote.votes_keep = outcome.votes_keep
        vote.save(update_fields=["closed_at", "outcome", "votes_recall", "votes_keep"])
        petition.status = RecallPetition.CLOSED
        petition.closed_at = at
        petition.save(update_fields=["status", "closed_at"])
        payload = {
            "vote": vote.pk,
            "mandate": mandate.pk,
            "outcome": outcome.outcome,
            "recall": outcome.votes_recall,
            "keep": outcome.votes_keep,
            "roll_size": vote.roll_size,
            "quorum": outcome.quorum_needed,
            "reason": outcome.reason,
            "tie": outcome.tie.as_dict() if outcome.tie else None,
        }
        if outcome.carried:
            payload["ended"] = end_mandate(fresh(mandate), Mandate.RECALLED, at)
        record(actor, "close_recall_vote", payload, at=at, organisation=council.organisation)
    return vote


def recall_by_delegating_body(
    actor: Actor, mandate: Mandate, *, decision: str = "", at: datetime | None = None
) -> Mandate:
    """The council that delegated a deputy to a congress recalls them (by its decision)."""
    with action_transaction(at) as at:
        mandate = fresh(mandate)
        constituency = mandate.constituency
        if constituency.kind != Constituency.COUNCIL or constituency.delegating_council is None:
            raise NotAllowed(
                gettext("%(member)s was elected by a roll, not delegated by a council")
                % {"member": mandate.member.name}
            )
        require_secretary(actor, constituency.delegating_council.organisation, at)
        changes = end_mandate(mandate, Mandate.RECALLED_BY_DELEGATING_BODY, at)
        record(
            actor,
            "recall_by_delegating_body",
            {
                **changes,
                "delegating_council": constituency.delegating_council_id,
                "decision": decision,
            },
            at=at,
            organisation=mandate.council.organisation,
        )
    return mandate
