"""Recall: signing and withdrawing from a petition, the recall vote and its close."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Status

from smolny.api.auth import caller
from smolny.api.common import Message, Timed, lookup
from smolny.api.schemas import PetitionOut, RecallVoteOut, petition_out, recall_vote_out
from smolny.councils import actions
from smolny.councils.models import Member, RecallPetition, RecallVote
from smolny.councils.queries.board import recall_board

router = Router(tags=["recall"])
REFUSALS = {403: Message, 404: Message, 409: Message, 422: Message}


class PetitionerIn(Timed):
    member: int


class SignatureIn(PetitionerIn):
    """A signature: the member, and why they sign if they wish to say."""

    reason: str = Field("", max_length=500)


class RecallBallotIn(Timed):
    member: int
    recall: bool


class RecallCastOut(RecallVoteOut):
    """The recall vote after the cast, and the voter's receipt: the ballot's tracker, on
    the vote's bulletin board (``GET /api/recall/votes/{id}/board``), never the choice."""

    receipt: str


@router.get("/petitions/{petition_id}", response={200: PetitionOut, 404: Message})
def get_petition(request: HttpRequest, petition_id: int) -> PetitionOut:
    return petition_out(lookup(RecallPetition, petition_id, "recall petition"))


@router.post("/petitions/{petition_id}/signatures", response={201: PetitionOut, **REFUSALS})
def sign(request: HttpRequest, petition_id: int, body: SignatureIn) -> Status[PetitionOut]:
    """Sign, with an optional reason; if this signature reaches the threshold the recall vote
    opens (see ``vote``)."""
    petition = lookup(RecallPetition, petition_id, "recall petition")
    member = lookup(Member, body.member, "member")
    actions.sign_recall_petition(caller(request), petition, member, reason=body.reason)
    return Status(201, petition_out(lookup(RecallPetition, petition_id)))


@router.post("/petitions/{petition_id}/withdrawals", response={200: PetitionOut, **REFUSALS})
def withdraw(request: HttpRequest, petition_id: int, body: PetitionerIn) -> PetitionOut:
    petition = lookup(RecallPetition, petition_id, "recall petition")
    member = lookup(Member, body.member, "member")
    actions.withdraw_signature(caller(request), petition, member)
    return petition_out(lookup(RecallPetition, petition_id))


@router.get("/votes/{vote_id}", response={200: RecallVoteOut, 404: Message})
def get_vote(request: HttpRequest, vote_id: int) -> RecallVoteOut:
    return recall_vote_out(lookup(RecallVote, vote_id, "recall vote"))


@router.post("/votes/{vote_id}/ballots", response={201: RecallCastOut, **REFUSALS})
def cast(request: HttpRequest, vote_id: int, body: RecallBallotIn) -> Status[RecallCastOut]:
    """The member votes, in person; the answer carries their receipt (the tracker)."""
    vote = lookup(RecallVote, vote_id, "recall vote")
    member = lookup(Member, body.member, "member")
    tracker = actions.cast_recall_vote(caller(request), vote, member, body.recall)
    out = recall_vote_out(lookup(RecallVote, vote_id))
    return Status(201, RecallCastOut(**out.model_dump(), receipt=tracker))


@router.get("/votes/{vote_id}/board", response={200: dict[str, Any], 404: Message})
def board(request: HttpRequest, vote_id: int) -> dict[str, Any]:
    """The recall vote's bulletin board, for whoever may read the organisation's records:
    the sorted trackers while it runs; after the close the trackers apart from the opened
    ballots in random order, the roll, the quorum and the declared result (the JSON
    ``smolny verify-vote`` recounts)."""
    return recall_board(lookup(RecallVote, vote_id, "recall vote"))


@router.post("/votes/{vote_id}/close", response={200: RecallVoteOut, **REFUSALS})
def close(request: HttpRequest, vote_id: int, body: Timed) -> RecallVoteOut:
    vote = lookup(RecallVote, vote_id, "recall vote")
    return recall_vote_out(actions.close_recall_vote(caller(request), vote))
