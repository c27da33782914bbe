"""The public bulletin board of a secret vote: what anyone who may read the organisation's
records can check about a secret ballot without learning anyone's choice.

* **While the vote runs** the board lists the trackers of the ballots in the box, sorted, so
  that their order says nothing of when each was cast. A voter finds their own tracker there
  (their ballot is in the box); nobody learns a choice from it, since a tracker is a hash of
  the ballot with a nonce thrown away once hashed
  (:func:`~smolny.councils.queries.votes.tracker_of`).
* **After the close** it lists the same trackers, sorted, and apart from them the opened
  ballots, choices (or rankings) only, in the random order the close wrote them in (fresh
  random keys, see :mod:`smolny.councils.actions.ballot_box`), with the rule, the presence and
  the declared result: anyone can check that there are as many ballots as trackers and
  recount the result (``smolny verify-vote`` on the downloaded JSON).

Why a tracker never stands beside a choice. The board grows by one tracker per cast, so two
reads around a cast show which tracker is new, and the journal entry (and live event) of that
cast names the voter: a tracker is linkable to its voter by any reader of the running board.
Were the opened ballot shown under its tracker, that reader would learn the voter's choice at
the close. So the close drops the tracker from the opened ballot (the clear ballot rows hold
none either), and what a tracker proves is inclusion: the voter's ballot was in the box that
was counted, one of exactly as many ballots as trackers. That a particular ballot holds the
voter's choice unaltered is what this first step does not prove (that needs a verifiable
shuffle of the opened ballots); a voter cannot prove their choice to anyone either.

The majority rule on the board is the organ's rule as it stands when the board is read (the
vote records only its description, which the board also carries); a rule changed after the
close makes the recount disagree, which is the honest answer to "was it decided under the
rule shown here".
"""

from __future__ import annotations

from typing import Any

from smolny.councils.models import SecretBallot, SecretTracker, Vote
from smolny.councils.queries.sessions import rules_of
from smolny.rules.procedure import CallKind

FORMAT = "smolny bulletin board 1"
"""The ``format`` field of a board's JSON: ``smolny verify-vote`` reads only this format."""


def _rule(vote: Vote) -> dict[str, Any]:
    rules = rules_of(vote.item.session.organ)
    return {
        "majority_kind": rules.majority_kind,
        "majority_base": rules.majority_base,
        "majority_num": rules.majority_num,
        "majority_den": rules.majority_den,
        "majority_more_than": rules.majority_more_than,
        "casting_vote": rules.casting_vote,
        "quorum_num": rules.quorum_num,
        "quorum_den": rules.quorum_den,
        "quorum_members": rules.quorum_members,
        "quorum_more_than": rules.quorum_more_than,
    }


def bulletin_board(vote: Vote) -> dict[str, Any]:
    """The board of a secret vote as a JSON-ready dict (the page shows it, the download is it).

    Raises ``ValueError`` for a vote that is not a secret ballot: a named vote has no board,
    its ballots are on the roll by name."""
    if vote.method != Vote.SECRET:
        raise ValueError(f"vote {vote.pk} is by {vote.method}: only a secret ballot has a board")
    preferential = vote.call == CallKind.PREFERENTIAL.value
    board: dict[str, Any] = {
        "format": FORMAT,
        "vote": vote.pk,
        "session": vote.item.session_id,
        "organisation": vote.item.session.organ.council.organisation.name,
        "question": vote.question,
        "method": "preferential" if preferential else "for-against-abstain",
        "options": list(vote.options),
        "status": vote.status,
    }
    if vote.status != Vote.CLOSED:
        board["trackers"] = sorted(
            SecretTracker.objects.filter(vote=vote).values_list("tracker", flat=True)
        )
        return board
    board["trackers"] = sorted(
        SecretTracker.objects.filter(vote=vote).values_list("tracker", flat=True)
    )
    ballots: list[dict[str, Any]] = []
    rows = SecretBallot.objects.filter(vote=vote, sealed=True).order_by("key")
    for choice, ranking in rows.values_list("choice", "ranking"):
        if preferential:
            ballots.append({"ranking": list(ranking)})
        else:
            ballots.append({"choice": choice})
    board["ballots"] = ballots
    board["rule"] = _rule(vote)
    board["present"] = vote.present
    board["seated"] = vote.seated
    board["declared"] = {
        "rule": vote.rule,
        "outcome": vote.outcome,
        "for": vote.for_votes,
        "against": vote.against,
        "abstain": vote.abstain,
        "preferred": vote.preferred,
        "ties": list(vote.ties),
        "reason": vote.reason,
    }
    return board
