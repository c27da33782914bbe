"""The member portal: what a member sees, and recall from petition to the end of a mandate.

Narva gate has a roll of 8 under a petition threshold of 1/4 (2 signatures) and a recall
quorum of 1/3 (3 voting); its deputy is the roll's first member (see council_world).
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from smolny.councils.models import (
    Election,
    JournalEntry,
    Mandate,
    RecallBallot,
    RecallPetition,
    RecallSignature,
    RecallVote,
    RecallVoter,
)
from tests.integration.web.council_world import PASSWORD, build

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> dict[str, Any]:
    return build()


def signed_in(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def text(html: bytes) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.decode()))


def url(world: dict[str, Any], name: str, *args: int) -> str:
    return reverse(name, args=[world["organisation"], *args])


def test_portal_shows_my_constituency_and_deputies(world: dict[str, Any]) -> None:
    answer = signed_in("narva1").get(url(world, "portal"))
    assert answer.status_code == 200
    page = text(answer.content)
    assert "on the roll of Narva gate" in page
    assert re.search(r"Members on the roll 8 Seats apportioned 1", page)
    assert "1/4 of the roll" in page
    assert f"Open a recall petition against {world['narva_deputy_name']}" in page
    # Only the deputies of my constituency are offered.
    assert "Putilov works worker 1" not in page


def test_portal_refuses_users_on_no_roll_and_anonymous(world: dict[str, Any]) -> None:
    answer = signed_in("outsider").get(url(world, "portal"))
    assert answer.status_code == 403
    assert "You are not on a roll" in text(answer.content)
    post = signed_in("outsider").post(
        url(world, "portal-open-petition"), {"mandate": world["narva_deputy"], "confirm": "yes"}
    )
    assert post.status_code == 403
    assert not RecallPetition.objects.exists()
    assert Client().get(url(world, "portal")).status_code == 302


def test_a_member_of_another_constituency_cannot_petition_or_sign(world: dict[str, Any]) -> None:
    before = JournalEntry.objects.count()
    answer = signed_in("putilov").post(
        url(world, "portal-open-petition"), {"mandate": world["narva_deputy"], "confirm": "yes"}
    )
    assert answer.status_code == 409
    assert "is not on the roll of Narva gate" in text(answer.content)
    assert not RecallPetition.objects.exists()
    assert JournalEntry.objects.count() == before
    signed_in("narva1").post(
        url(world, "portal-open-petition"), {"mandate": world["narva_deputy"], "confirm": "yes"}
    )
    petition = RecallPetition.objects.get()
    answer = signed_in("putilov").post(url(world, "portal-sign", petition.pk), {"confirm": "yes"})
    assert answer.status_code == 409
    assert RecallSignature.objects.filter(petition=petition).count() == 1


def test_forms_need_post_and_csrf(world: dict[str, Any]) -> None:
    assert signed_in("narva1").get(url(world, "portal-open-petition")).status_code == 405
    strict = Client(enforce_csrf_checks=True)
    assert strict.login(username="narva1", password=PASSWORD)
    answer = strict.post(
        url(world, "portal-open-petition"), {"mandate": world["narva_deputy"], "confirm": "yes"}
    )
    assert answer.status_code == 403
    assert not RecallPetition.objects.exists()


def test_recall_from_petition_to_the_end_of_the_mandate(world: dict[str, Any]) -> None:
    narva1, narva2, narva3 = (signed_in(f"narva{i}") for i in (1, 2, 3))
    opened = narva1.post(
        url(world, "portal-open-petition"), {"mandate": world["narva_deputy"], "confirm": "yes"}
    )
    assert opened.status_code == 302
    petition = RecallPetition.objects.get()
    assert (petition.roll_size, petition.threshold) == (8, 2)

    page = text(narva2.get(url(world, "portal")).content)
    assert "1 of 2 signatures needed (roll of 8)." in page
    assert "1 more opens the recall vote." in page

    # A signature withdrawn and given again; the one that reaches the threshold opens the vote.
    narva1.post(url(world, "portal-withdraw", petition.pk))
    assert RecallSignature.objects.filter(petition=petition, withdrawn_at=None).count() == 0
    narva1.post(
        url(world, "portal-sign", petition.pk),
        {"confirm": "yes", "reason": "He broke the mandate."},
    )
    # The reason shows on the petition for the other members, without the signer's name.
    card = text(narva3.get(url(world, "portal")).content)
    assert "1 signer gave a reason" in card
    assert "He broke the mandate." in card
    assert (
        'name="confirm" value="yes" required' in narva3.get(url(world, "portal")).content.decode()
    )
    again = narva1.post(url(world, "portal-sign", petition.pk), {"confirm": "yes"})
    assert again.status_code == 409
    assert "has signed this petition already" in text(again.content)
    # Unconfirmed, nothing is signed; confirmed, with a reason, the signature keeps it.
    before = RecallSignature.objects.filter(petition=petition).count()
    unconfirmed = narva2.post(url(world, "portal-sign", petition.pk), {"reason": "x"})
    assert unconfirmed.status_code == 400
    assert "Tick the box to confirm" in text(unconfirmed.content)
    assert RecallSignature.objects.filter(petition=petition).count() == before
    reason = "He voted for the war credits."
    signed = narva2.post(
        url(world, "portal-sign", petition.pk),
        {"confirm": "yes", "reason": reason},
        follow=True,
    )
    assert RecallSignature.objects.get(petition=petition, reason=reason).withdrawn_at is None
    entry = JournalEntry.objects.filter(action="sign_recall_petition").order_by("-seq").first()
    assert entry is not None
    assert json.loads(entry.payload)["reason"] == reason
    assert "the recall vote on Narva gate worker 1 is open" in text(signed.content)
    vote = RecallVote.objects.get(petition=petition)
    assert vote.roll_size == 8

    # Signatures cannot be withdrawn once the vote is open.
    late = narva1.post(url(world, "portal-withdraw", petition.pk))
    assert late.status_code == 409

    page = text(narva3.get(url(world, "portal")).content)
    assert "0 of 8 members have voted; the vote needs 3 to be valid" in page
    for client, choice in ((narva1, "recall"), (narva2, "recall"), (narva3, "keep")):
        cast = client.post(url(world, "portal-cast", vote.pk), {"choice": choice})
        assert cast.status_code == 200  # the portal with the ballot's receipt
    twice = narva1.post(url(world, "portal-cast", vote.pk), {"choice": "keep"})
    assert twice.status_code == 409
    assert RecallVoter.objects.filter(vote=vote).count() == 3
    # the choices are in sealed boxes until the close (counted there: 2 recall, 1 keep)
    assert not RecallBallot.objects.filter(vote=vote).exclude(choice="").exists()
    bad = signed_in("narva4").post(url(world, "portal-cast", vote.pk), {"choice": "maybe"})
    assert bad.status_code == 400

    # Members may not close the vote; the secretary does, and the mandate ends.
    assert narva1.post(url(world, "portal-close", vote.pk)).status_code == 403
    assert RecallVote.objects.get(pk=vote.pk).closed_at is None
    secretary = signed_in("secretary")
    assert "Close the vote and count it" in text(secretary.get(url(world, "portal")).content)
    closed = secretary.post(url(world, "portal-close", vote.pk), follow=True)
    assert "is recalled: the mandate has ended" in text(closed.content)
    vote.refresh_from_db()
    assert (vote.outcome, vote.votes_recall, vote.votes_keep) == ("recalled", 2, 1)
    mandate = Mandate.objects.get(pk=world["narva_deputy"])
    assert mandate.end is not None
    assert mandate.end_reason == Mandate.RECALLED

    # The portal now shows no deputy, the result, and the by-election; the council page too.
    page = text(narva1.get(url(world, "portal")).content)
    assert "Your constituency has no deputy at present." in page
    assert re.search(r"Narva gate worker 1 .* 2 1 recalled", page)
    assert "By-election (the seat of Narva gate worker 1)" in page
    assert Election.objects.filter(kind=Election.BY_ELECTION, cause=mandate).exists()
    council = text(narva1.get(url(world, "council", world["council"])).content)
    assert "Narva gate worker 1" not in council
    assert "3 deputies, 2 seats vacant." in council


def test_the_recall_fragment_rereads_the_state(world: dict[str, Any]) -> None:
    narva1 = signed_in("narva1")
    fragment = narva1.get(url(world, "portal-recall"))
    assert fragment.status_code == 200
    assert "No petition is collecting signatures." in text(fragment.content)
    assert "<html" not in fragment.content.decode()
    signed_in("narva2").post(
        url(world, "portal-open-petition"), {"mandate": world["narva_deputy"], "confirm": "yes"}
    )
    assert "1 of 2 signatures needed" in text(narva1.get(url(world, "portal-recall")).content)


def test_a_petition_needs_a_deputy_of_this_organisation(world: dict[str, Any]) -> None:
    narva1 = signed_in("narva1")
    for bad in ({}, {"mandate": "abc"}, {"mandate": "-1"}):
        answer = narva1.post(url(world, "portal-open-petition"), bad)
        assert answer.status_code == 400
        assert "Choose the deputy to recall." in text(answer.content)
    missing = narva1.post(url(world, "portal-open-petition"), {"mandate": "999999"})
    assert missing.status_code == 404
    assert not RecallPetition.objects.exists()


def test_a_recall_petition_is_opened_only_when_the_member_confirms(world: dict[str, Any]) -> None:
    """One tap does not start a recall: the form asks for a confirmation, and a post without
    it is refused with 400 and nothing written."""
    narva1 = signed_in("narva1")
    page = text(narva1.get(url(world, "portal")).content)
    assert f"Yes, I want to start the recall of {world['narva_deputy_name']}." in page
    before = JournalEntry.objects.count()
    answer = narva1.post(url(world, "portal-open-petition"), {"mandate": world["narva_deputy"]})
    assert answer.status_code == 400
    assert "tick the box" in text(answer.content)
    assert not RecallPetition.objects.exists()
    assert JournalEntry.objects.count() == before
