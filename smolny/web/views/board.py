"""The bulletin board of a secret vote, as a page and as the JSON ``smolny verify-vote``
reads (:mod:`smolny.councils.queries.board` says what it shows and what it does not).

Both are reader pages: whoever may read the organisation's records may read its boards."""

from __future__ import annotations

import json

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from smolny.councils.models import Election, RecallVote, Vote
from smolny.councils.queries.board import bulletin_board, election_board, recall_board
from smolny.web.access import reader_page


def _board(session_id: int, vote_id: int) -> tuple[Vote, dict[str, object]]:
    vote = get_object_or_404(
        Vote.objects.select_related("item__session__organ__council__organisation"),
        pk=vote_id,
        item__session_id=session_id,
    )
    if vote.method != Vote.SECRET:
        raise Http404("only a secret ballot has a bulletin board")
    return vote, bulletin_board(vote)


@reader_page
def page(request: HttpRequest, session_id: int, vote_id: int) -> HttpResponse:
    """The board: the sorted trackers while the vote runs, the opened ballots after."""
    vote, board = _board(session_id, vote_id)
    session = vote.item.session
    return render(
        request,
        "web/session/board.html",
        {
            "session": session,
            "organisation": session.organ.council.organisation,
            "vote": vote,
            "board": board,
        },
    )


@reader_page
def download(request: HttpRequest, session_id: int, vote_id: int) -> HttpResponse:
    """The board as JSON, to recount with ``smolny verify-vote FILE``."""
    _, board = _board(session_id, vote_id)
    response = HttpResponse(
        json.dumps(board, indent=1, ensure_ascii=False) + "\n",
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="board-vote-{vote_id}.json"'
    return response


def _json(board: dict[str, object], name: str) -> HttpResponse:
    response = HttpResponse(
        json.dumps(board, indent=1, ensure_ascii=False) + "\n",
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.json"'
    return response


@reader_page
def recall_download(request: HttpRequest, organisation_id: int, vote_id: int) -> HttpResponse:
    """A recall vote's board as JSON, for whoever may read the organisation's records."""
    vote = get_object_or_404(
        RecallVote.objects.select_related("petition__mandate__council__organisation"),
        pk=vote_id,
        petition__mandate__council__organisation_id=organisation_id,
    )
    return _json(recall_board(vote), f"board-recall-{vote_id}")


@reader_page
def election_download(request: HttpRequest, organisation_id: int, election_id: int) -> HttpResponse:
    """An election poll's board as JSON; an election decided by a result entered has none."""
    election = get_object_or_404(
        Election.objects.select_related("constituency__council__organisation"),
        pk=election_id,
        constituency__council__organisation_id=organisation_id,
    )
    try:
        board = election_board(election)
    except ValueError:
        raise Http404("this election was not decided by members' ballots here") from None
    return _json(board, f"board-election-{election_id}")
