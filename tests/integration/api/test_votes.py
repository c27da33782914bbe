"""Votes over HTTP: who may vote, once, while the vote is open; the secret ballot's receipt."""

from __future__ import annotations

import pytest
from django.test import Client

from smolny.api.auth import create_token
from smolny.councils import actions
from smolny.councils.actions import session
from tests.integration.api.conftest import SYS, World, call, journal_length, make_user
from tests.integration.api.routes import open_vote
from tests.integration.councils.conftest import d

pytestmark = pytest.mark.django_db


def refused(world: World, role: str, url: str, body: dict[str, object], status: int) -> str:
    before = journal_length()
    answer = call(world.client(role), "post", url, body)
    assert answer.status_code == status, answer.content
    assert journal_length() == before
    detail: str = answer.json()["detail"]
    return detail


def test_a_deputy_votes_once_an_observer_never_and_nobody_after_the_close(world: World) -> None:
    v = open_vote(world)
    url = f"/api/votes/{v.pk}/named"
    mine = {"member": world.narva(1).pk, "choice": "for"}
    answer = call(world.client("deputy"), "post", url, mine)
    assert answer.status_code == 201
    assert answer.json()["fraction"] == "Bolsheviks"
    refused(world, "deputy", url, {**mine, "choice": "against"}, 409)
    # The member is in the hall but holds no mandate: an observer, refused by name.
    session.check_in(SYS, world.sitting, [world.narva(10)])
    detail = refused(world, "member", url, {"member": world.narva(10).pk, "choice": "for"}, 409)
    assert world.narva(10).name in detail
    # Another user cannot vote in a deputy's name.
    refused(world, "observer", url, {"member": world.vyborg(0).pk, "choice": "for"}, 403)
    refused(world, "chair", url, {"member": world.vyborg(0).pk, "choice": "for"}, 403)
    closed = call(world.client("chair"), "post", f"/api/votes/{v.pk}/close", {})
    assert closed.status_code == 200
    assert closed.json()["for_votes"] == 1
    late = {"member": world.narva(0).pk, "choice": "for"}
    refused(world, "chair", url, late, 409)


def test_a_recalled_deputy_loses_the_vote_at_that_moment(world: World) -> None:
    from tests.integration.councils.test_recall import vote_on

    v = open_vote(world)
    vote_on(world.frame, world.mandates["vyborg"], recall=20, keep=1)
    # The recalled deputy answers for themself (nobody may answer for them): refused, by name.
    user = make_user("vyborg")
    actions.link_member_user(SYS, world.vyborg(0), user)
    client = Client(headers={"authorization": f"Bearer {create_token(user, 'phone')[1]}"})
    before = journal_length()
    answer = call(
        client, "post", f"/api/votes/{v.pk}/named", {"member": world.vyborg(0).pk, "choice": "for"}
    )
    assert answer.status_code == 409, answer.content
    assert journal_length() == before
    assert world.vyborg(0).name in answer.json()["detail"]


def test_a_secret_ballot_receipt_shows_the_ballot_counted_after_the_close(world: World) -> None:
    v = open_vote(world, "secret ballot")
    url = f"/api/votes/{v.pk}/secret"
    answer = call(
        world.client("deputy"), "post", url, {"member": world.narva(1).pk, "choice": "against"}
    )
    assert answer.status_code == 201
    code = answer.json()["receipt"]
    refused(world, "deputy", url, {"member": world.narva(1).pk, "choice": "for"}, 409)
    check = f"/api/votes/{v.pk}/receipt"
    assert call(world.client("observer"), "post", check, {"code": code}).json()["counted"] is False
    assert call(world.client("chair"), "post", f"/api/votes/{v.pk}/close", {}).status_code == 200
    mine = call(world.client("deputy"), "post", check, {"code": code}).json()
    assert mine == {"vote": v.pk, "counted": True}  # counted: never the choice
    forged = call(world.client("deputy"), "post", check, {"code": code[::-1]}).json()
    assert forged["counted"] is False
    record = call(world.client("member"), "get", f"/api/votes/{v.pk}").json()
    assert (record["for_votes"], record["against"], record["abstain"]) == (0, 1, 0)


def test_the_minutes_come_as_markdown_or_pdf(world: World) -> None:
    session.close_session(SYS, world.sitting, at=d(9, 9, 23))
    client = world.client("member")
    text = client.get(f"/api/sessions/{world.sitting.pk}/minutes")
    assert text["content-type"].startswith("text/markdown")
    assert "Sitting" in text.content.decode()
    pdf = client.get(f"/api/sessions/{world.sitting.pk}/minutes?format=pdf")
    assert pdf["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert client.get(f"/api/sessions/{world.sitting.pk}/minutes?format=doc").status_code == 422
