"""Card votes and proxies over HTTP: the rules set, a proxy given and cast by its holder, the
vote decided by weight and answered by weight and by head; bad bodies refused whole."""

from __future__ import annotations

import pytest

from smolny.councils.actions import card
from smolny.councils.models import OrganRules
from tests.integration.api.conftest import SYS, World, call, journal_length

pytestmark = pytest.mark.django_db


def test_a_card_vote_with_a_proxy_over_http(world: World) -> None:
    narva = world.frame.constituencies["Narva"].pk
    admin, chair, deputy = (world.client(r) for r in ("admin", "chair", "deputy"))
    rules = f"/api/organs/{world.plenum.pk}/card-rules"
    before = journal_length()
    for bad in (
        {"proxies_allowed": True, "proxy_limit": 0},
        {"proxies_allowed": True, "card_weights": {"999999": 5}},
        {"proxies_allowed": True, "card_weights": {str(narva): -1}},
        {"proxies_allowed": "yes"},
    ):
        assert call(admin, "post", rules, bad).status_code == 422, bad
    assert journal_length() == before
    answer = call(
        admin, "post", rules, {"proxies_allowed": True, "card_weights": {str(narva): 300}}
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["card_weights"] == {str(narva): 300}
    assert OrganRules.objects.get(organ=world.plenum).proxies_allowed

    sitting = world.sitting.pk
    giver, holder = world.narva(1).pk, world.narva(0).pk
    assert (
        call(deputy, "post", f"/api/sessions/{sitting}/check-out", {"member": giver}).status_code
        == 200
    )
    given = call(
        deputy, "post", f"/api/sessions/{sitting}/proxies", {"giver": giver, "holder": holder}
    )
    assert given.status_code == 201, given.content
    assert given.json()["substitute"] is False

    motion = call(
        chair, "post", f"/api/agenda/{world.item.pk}/motions", {"kind": "main", "text": "Peace."}
    )
    assert motion.status_code == 201, motion.content
    opened = call(
        chair,
        "post",
        f"/api/agenda/{world.item.pk}/votes",
        {"motion": motion.json()["next"], "method": "card vote"},
    )
    assert opened.status_code == 201, opened.content
    url = f"/api/votes/{opened.json()['id']}/card"
    own = call(chair, "post", url, {"member": holder, "choice": "for"})
    assert own.status_code == 201, own.content
    assert (own.json()["weight"], own.json()["proxy"]) == ("150", None)
    held = call(chair, "post", url, {"member": giver, "choice": "for", "holder": holder})
    assert held.status_code == 201, held.content
    assert held.json()["proxy"] == holder
    # The giver, outside the hall, has no card left to cast; nobody casts it twice.
    assert call(deputy, "post", url, {"member": giver, "choice": "against"}).status_code == 409
    card.cast_card_vote(SYS, opened.json()["id"], world.vyborg(0), "against")
    closed = call(chair, "post", f"/api/votes/{opened.json()['id']}/close", {})
    assert closed.status_code == 200, closed.content
    body = closed.json()
    assert (body["for_votes"], body["against"]) == (2, 1)
    assert body["by_weight"]["for"] == "300"
    assert body["by_weight"]["against"] == "30"
    assert body["outcome"] == "carried"
