"""A card vote and a proxy through the pages (Django's test client, SQLite and PostgreSQL).

An absent deputy gives a proxy from the phone; the console opens a card vote; the holder sees
the proxy held and casts it, and votes in person; another deputy may not cast it; the projector
and the minutes give the vote by weight and by head, with the proxy used; the giver revokes.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from smolny.councils.actions import SYSTEM
from smolny.councils.actions.card import set_card_rules
from smolny.councils.models import CardBallot, Organ, Proxy, Vote
from tests.session_seed import seed

pytestmark = pytest.mark.django_db(transaction=False)


def login(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password="Petrograd-1917")
    return client


def test_a_proxy_given_held_and_cast_on_the_phone_in_a_card_vote() -> None:
    s: dict[str, Any] = seed()
    set_card_rules(SYSTEM, Organ.objects.get(pk=s["organ"]), proxies_allowed=True, proxy_limit=1)
    sitting = s["session"]
    phone = f"/sessions/{sitting}/deputy"
    holder, other, giver = login("deputy1"), login("deputy2"), login("deputy3")
    for client in (holder, other):
        assert client.post(f"{phone}/check-in").status_code == 302

    page = giver.get(phone).content.decode()
    assert 'id="give-proxy"' in page
    assert f'<option value="{s["members"]["deputy1"]}">' in page
    answer = giver.post(f"{phone}/give-proxy", {"holder": s["members"]["deputy1"]})
    assert answer.status_code == 302
    assert Proxy.objects.get(session_id=sitting, end=None).holder_id == s["members"]["deputy1"]
    assert f"Your proxy is held by {s['names']['deputy1']}." in giver.get(phone).content.decode()
    refused = other.post(f"{phone}/give-proxy", {"holder": s["members"]["deputy1"]})
    assert refused.status_code == 409  # deputy2 is in the hall: votes in person
    assert "in the hall" in refused.content.decode()

    chair = login("chair")
    console = chair.get(f"/sessions/{sitting}/chair").content.decode()
    assert '<option value="card vote">' in console
    opened = chair.post(
        f"/sessions/{sitting}/chair/open-vote",
        {"item": s["item"], "motion": "M1", "method": "card vote"},
    )
    assert opened.status_code == 302
    vote = Vote.objects.get(item_id=s["item"], status=Vote.OPEN)
    assert vote.method == Vote.CARD

    panel = holder.get(f"{phone}/panel").content.decode()
    assert "You hold the proxies of:" in panel
    assert f'<input type="hidden" name="giver" value="{s["members"]["deputy3"]}">' in panel
    cast = {"vote": vote.pk, "giver": s["members"]["deputy3"], "choice": "against"}
    stolen = other.post(f"{phone}/proxy-vote", cast)
    assert stolen.status_code == 403  # only the holder casts the giver's card
    assert holder.post(f"{phone}/proxy-vote", cast).status_code == 302
    assert holder.post(f"{phone}/vote", {"vote": vote.pk, "choice": "for"}).status_code == 302
    panel = holder.get(f"{phone}/panel").content.decode()
    assert 'data-proxy-cast="against"' in panel
    assert 'data-voted="for"' in panel
    by_proxy = CardBallot.objects.get(vote=vote, proxy__isnull=False)
    assert by_proxy.mandate.member_id == s["members"]["deputy3"]
    assert by_proxy.proxy_id == s["members"]["deputy1"]

    assert chair.post(f"/sessions/{sitting}/chair/close-vote", {"vote": vote.pk}).status_code == 302
    screen = chair.get(f"/sessions/{sitting}/projector/screen").content.decode()
    assert 'data-weight="for"' in screen
    assert "By weight (the cards):" in screen
    minutes = chair.get(f"/sessions/{sitting}/minutes").content.decode().replace("\n", "")
    assert "Card vote, by weight and by head:" in minutes
    assert f"<td>{s['names']['deputy3']}</td>" in minutes
    assert f"<td>{s['names']['deputy1']}</td></tr>" in minutes  # the holder who cast it

    assert giver.post(f"{phone}/revoke-proxy").status_code == 302
    assert Proxy.objects.get(session_id=sitting).ended_by == "revoked"
