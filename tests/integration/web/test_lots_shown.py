"""A seat decided by lot says so, with the seed, on the council page (issue 16, item 3)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from smolny.councils import actions
from smolny.councils.models import Organisation
from smolny.rules.ties import draw_lots
from tests.integration.councils.conftest import d, make_frame

SYS = actions.SYSTEM


@pytest.mark.django_db
def test_the_council_page_says_which_seat_went_by_lot_to_whom_under_which_seed() -> None:
    frame = make_frame({"Narva": 10, "Vyborg": 10, "Kolpino": 10}, at=d(3, 1))
    actions.set_representation_rule(SYS, frame.council, house_size=2, method="hamilton", at=d(3, 2))
    Organisation.objects.filter(pk=frame.organisation.pk).update(public_record=True)
    reader = Client()
    reader.force_login(get_user_model().objects.create_user("lot-reader", password="pw-lot-1917"))
    url = f"/o/{frame.organisation.pk}/councils/{frame.council.pk}/?at=1917-03-05"
    # Held back without a seed: no lot was drawn, nothing says one was.
    actions.apportion_council(SYS, frame.council, at=d(3, 3))
    assert "decided by lot" not in reader.get(url).content.decode()
    actions.apportion_council(SYS, frame.council, tie_seed=1917, at=d(3, 4))
    winners = draw_lots(
        ["Kolpino", "Narva", "Vyborg"], 1917, "Petrograd Soviet apportionment: seats 1-2"
    )
    page = reader.get(url).content.decode()
    said = (
        "Seats 1–2 decided by lot among Kolpino, Narva, Vyborg: it went to "
        f"{', '.join(winners[:2])} (seed 1917; anyone can redraw the lot from the seed)."
    )
    assert said in page
    russian = reader.get(url, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "решено жребием" in russian
    assert "1917" in russian
