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

The recall vote (:func:`recall_board`) and the members' election poll
(:func:`election_board`) have boards of the same form: trackers while the vote runs; after the
close the trackers apart from the opened ballots (a choice to recall or keep; a ranking of
candidates by member number) in the random order the close wrote them, with what the
recount needs (the roll and the quorum; the candidates, seats, count method, withdrawals and
any lot's seed) and the declared result.
"""

from __future__ import annotations

from typing import Any

from smolny.councils.models import (
    Election,
    ElectionBallot,
    ElectionTracker,
    RecallBallot,
    RecallTracker,
    RecallVote,
    SecretBallot,
    SecretTracker,
    Vote,
)
from smolny.councils.queries.elections import live_candidates
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


def recall_board(vote: RecallVote) -> dict[str, Any]:
    """The bulletin board of a recall vote (see the module), as a JSON-ready dict."""
    mandate = vote.petition.mandate
    council = mandate.council
    board: dict[str, Any] = {
        "format": FORMAT,
        "kind": "recall",
        "vote": vote.pk,
        "organisation": council.organisation.name,
        "question": f"recall {mandate.member.name} ({mandate.member.external_id})?",
        "method": "recall",
        "options": [RecallBallot.RECALL, RecallBallot.KEEP],
        "status": "open" if vote.closed_at is None else "closed",
        "trackers": sorted(
            RecallTracker.objects.filter(vote=vote).values_list("tracker", flat=True)
        ),
    }
    if vote.closed_at is None:
        return board
    rows = RecallBallot.objects.filter(vote=vote, sealed=True).order_by("key")
    board["ballots"] = [{"choice": c} for c in rows.values_list("choice", flat=True)]
    board["roll_size"] = vote.roll_size
    board["quorum"] = str(council.recall_quorum)
    board["declared"] = {
        "outcome": vote.outcome,
        "recall": vote.votes_recall,
        "keep": vote.votes_keep,
    }
    return board


def election_board(election: Election) -> dict[str, Any]:
    """The bulletin board of an election's members' poll (see the module), as a JSON-ready
    dict. Raises ``ValueError`` for an election whose result was entered or counted from a
    file: no member voted here, so there is no box to show."""
    constituency = election.constituency
    counted = election.result.get("count", {}) if election.status != Election.OPEN else {}
    if election.status != Election.OPEN and "voters" not in counted:
        raise ValueError(
            f"election {election.pk} was decided by a result entered or counted from a file: "
            "only an election decided by members' ballots here has a board"
        )
    board: dict[str, Any] = {
        "format": FORMAT,
        "kind": "election",
        "vote": election.pk,
        "organisation": constituency.council.organisation.name,
        "question": f"{election.seats} seat(s) in {constituency.name}",
        "method": "stv",
        "candidates": [c.member.external_id for c in live_candidates(election)],
        "seats": election.seats,
        "status": "open" if election.status == Election.OPEN else "closed",
        "trackers": sorted(
            ElectionTracker.objects.filter(election=election).values_list("tracker", flat=True)
        ),
    }
    if election.status == Election.OPEN:
        return board
    rows = ElectionBallot.objects.filter(election=election, filled=True).order_by("key")
    board["ballots"] = [{"ranking": list(r)} for r in rows.values_list("ranking", flat=True)]
    board["count_method"] = election.method
    board["withdrawn"] = list(counted.get("withdrawn", []))
    board["tie_seed"] = counted.get("tie_seed")
    board["declared"] = {"elected": list(election.result.get("elected", []))}
    return board
