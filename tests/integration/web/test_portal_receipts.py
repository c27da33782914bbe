"""The member portal hands a voter the receipt of a recall or election ballot: its tracker,
shown on the answer to the cast (outside the part of the page that live events re-read) with
a link to the vote's bulletin board, which lists the same tracker; a reload no longer shows
it (it is stored nowhere that says whose it is), and a refused cast shows none."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.urls import reverse

from smolny.councils import actions
from smolny.councils.models import Election, Mandate, Member, RecallPetition, RecallVote
from tests.integration.web.council_world import build
from tests.integration.web.test_member_portal import signed_in, url

pytestmark = pytest.mark.django_db
TRACKER = re.compile(
    r'<div id="receipt-box">\s*.*?<code>([^<]+)</code>.*?'
    r'<a href="([^"]+)" id="receipt-board">.*?</div>\s*</div>',
    re.S,
)


@pytest.fixture
def world() -> dict[str, Any]:
    return build()


def receipt_of(page: str) -> tuple[str, str]:
    """The tracker and the board's address in the receipt box (which must come before, and
    outside, the portal's live body)."""
    found = TRACKER.search(page)
    assert found is not None, page[:3000]
    assert page.index('id="receipt-box"') < page.index('id="portal-body"')
    return found.group(1), found.group(2)


def test_a_recall_ballot_shows_its_tracker_listed_on_the_board(world: dict[str, Any]) -> None:
    narva1, narva2 = signed_in("narva1"), signed_in("narva2")
    narva1.post(
        url(world, "portal-open-petition"), {"mandate": world["narva_deputy"], "confirm": "yes"}
    )
    petition = RecallPetition.objects.get()
    narva2.post(url(world, "portal-sign", petition.pk), {"confirm": "yes"})
    vote = RecallVote.objects.get(petition=petition)

    answer = narva1.post(url(world, "portal-cast", vote.pk), {"choice": "recall"})
    assert answer.status_code == 200
    page = answer.content.decode()
    assert "Your vote is cast." in page
    tracker, board = receipt_of(page)
    assert board == reverse("recall-vote-board-json", args=[world["organisation"], vote.pk])
    assert 'data-dismiss="receipt"' in page
    listed = json.loads(narva2.get(board).content)
    assert listed["status"] == "open"
    assert listed["trackers"] == [tracker]
    # A second voter's receipt is another tracker; both are on the board, whose is not said.
    other, _ = receipt_of(
        narva2.post(url(world, "portal-cast", vote.pk), {"choice": "keep"}).content.decode()
    )
    assert other != tracker
    assert sorted(json.loads(narva1.get(board).content)["trackers"]) == sorted([tracker, other])
    # Shown once: a reload shows no receipt; a refused second cast shows none either.
    assert tracker not in narva1.get(url(world, "portal")).content.decode()
    again = narva1.post(url(world, "portal-cast", vote.pk), {"choice": "keep"})
    assert again.status_code == 409
    assert 'id="receipt"' not in again.content.decode()


def test_an_election_ballot_shows_its_tracker_listed_on_the_board(world: dict[str, Any]) -> None:
    mandate = Mandate.objects.get(pk=world["narva_deputy"])
    actions.resign_mandate(actions.SYSTEM, mandate)
    election = Election.objects.get(cause=mandate)
    narva = [Member.objects.get(pk=pk) for pk in world["narva_members"]]
    for member in narva[5:7]:
        actions.nominate_candidate(actions.SYSTEM, election, member)
    narva1 = signed_in("narva1")
    ballot = url(world, "portal-election-ballot", election.pk)

    bad = narva1.post(ballot, {f"rank-{narva[5].pk}": "1", f"rank-{narva[6].pk}": "1"})
    assert bad.status_code == 400
    assert 'id="receipt"' not in bad.content.decode()

    answer = narva1.post(ballot, {f"rank-{narva[5].pk}": "2", f"rank-{narva[6].pk}": "1"})
    assert answer.status_code == 200
    page = answer.content.decode()
    assert "Your ballot is cast." in page
    tracker, board = receipt_of(page)
    assert board == reverse("election-board-json", args=[world["organisation"], election.pk])
    listed = json.loads(signed_in("narva2").get(board).content)
    assert listed["trackers"] == [tracker]
    assert tracker not in narva1.get(url(world, "portal")).content.decode()
