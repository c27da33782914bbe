"""The secret ballot: who voted is recorded apart from what was chosen.

Two tables share only the vote: :class:`~smolny.councils.models.SecretVoter` (vote, mandate;
no time, no choice) and :class:`~smolny.councils.models.SecretBallot` (random key, vote,
choice, tracker; no voter, no time). The voter's receipt is the ballot's *tracker*, a hash of
its content and a random nonce thrown away once hashed
(:func:`~smolny.councils.queries.votes.tracker_of`): nobody can recompute it from a choice.
The tracker goes on the vote's public bulletin board (:mod:`smolny.councils.queries.board`)
while the vote runs, and after the close beside its opened ballot, from which anyone can
recount the result (``smolny verify-vote``). :func:`verify_receipt` answers only whether a
tracker was counted, never with which choice.

Channels of linkage, and what is done about each:

* **Foreign keys**: none between the two tables, nor from the ballot to any person.
* **Timestamps**: neither table has one. The journal entry of a cast (``cast_secret_ballot``)
  carries the vote, the voter and its time but no choice, no slot, no receipt; its live event
  is the same payload. The tally appears only in the ``close_vote`` entry.
* **Two looks at the table around a cast**: the rows hold sealed boxes, and every cast
  rewrites a bucket of k boxes with the new one under new random keys and fresh bytes
  (:mod:`smolny.councils.actions.ballot_box`, shared with the recall vote and the members'
  elections): the diff shows k+1 new rows, not which one holds the new ballot. The
  tracker is inside the box and, apart from it, on the board (see the board's module for
  what reading the board twice shows).
* **At the close** the boxes are opened (before the count), and the cast ballots written in
  clear, sealed, under fresh random keys in key order: an order owing nothing to the casting.

The residual risks are stated in :mod:`~smolny.councils.actions.ballot_box` (the key file
and two snapshots together; the database server's own row bookkeeping, which shows the
bucket rewritten, not the ballot). A voter can show their tracker to someone else, who finds
the choice beside it on the opened board: the usual price of a verifiable receipt (the
scheme is not receipt-free, so it does not stop a voter proving their vote to a buyer).
"""

from __future__ import annotations

import secrets
from datetime import datetime

from django.utils.translation import gettext

from smolny.councils import wording
from smolny.councils.actions import ballot_box
from smolny.councils.actions.ballot_box import Box
from smolny.councils.models import Member, SecretBallot, SecretTracker, SecretVoter, Vote
from smolny.councils.queries.votes import (
    Answer,
    checked_answer,
    entitled,
    get_vote,
    require_open,
    require_voter_in_person,
    tracker_of,
)
from smolny.journal.actions import (
    Actor,
    NotAllowed,
    action_transaction,
    fresh,
    record,
    within_action,
)


def _box(vote: Vote) -> Box:
    """The vote's ballot box; its width fits a full ranking of the options and a receipt."""
    return Box(SecretBallot, "vote", vote, width=ballot_box.secret_width(vote.options))


def cast_secret_ballot(
    actor: Actor, vote: Vote | int, member: Member, choice: Answer, *, at: datetime | None = None
) -> str:
    """*member* casts a secret ballot (for, against, abstain; a ranking of the options in a
    preferential vote); the return value is their receipt: the ballot's tracker (keep it),
    which goes on the vote's bulletin board now, and beside the opened ballot at the close."""
    with action_transaction(at) as at:
        vote = get_vote(vote)
        choice, ranking = checked_answer(vote, choice)
        member = fresh(member)
        require_voter_in_person(actor, member)
        if vote.method != Vote.SECRET:
            raise NotAllowed(
                gettext("this vote is by %(method)s, not a secret ballot")
                % {"method": wording.word(vote.method)}
            )
        require_open(vote)
        mandate = entitled(vote, member, at)
        if SecretVoter.objects.filter(vote=vote, mandate=mandate).exists():
            raise NotAllowed(
                gettext("%(member)s has voted in this ballot already") % {"member": member.name}
            )
        SecretVoter.objects.create(vote=vote, mandate=mandate)
        tracker = tracker_of(vote, choice, ranking, secrets.token_urlsafe(24))
        ballot_box.cast(_box(vote), [choice, ranking, tracker])
        SecretTracker.objects.create(vote=vote, tracker=tracker)
        record(
            actor,
            "cast_secret_ballot",
            {"vote": vote.pk, "member": member.external_id},
            at=at,
            organisation=vote.item.session.organ.council.organisation,
        )
    return tracker


@within_action
def seal(vote: Vote) -> None:
    """Inside the closing action, before the count: open the boxes and write the cast ballots
    in clear (sealed) under fresh random keys, in key order.

    The opened ballot keeps its choice and drops its tracker: the trackers stay in their own
    table (:class:`SecretTracker`), so no row, and no line of the bulletin board, holds a
    tracker beside a choice. A tracker was linked to its voter by anyone who watched the
    running board around a cast (the cast's journal entry names the voter); beside a choice it
    would give that voter's choice away."""
    opened = ballot_box.open_all(_box(vote))
    SecretBallot.objects.bulk_create(
        (
            SecretBallot(key=k, vote=vote, choice=c, ranking=r, receipt_hash="", sealed=True)
            for k, (c, r, _tracker) in zip(ballot_box.fresh_keys(len(opened)), opened, strict=True)
        ),
        batch_size=1000,
    )
