"""A public record: anyone may read an organisation's pages and follow its live channel;
acting in it still needs a signed-in user. A private one sends visitors to the sign-in page."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client, RequestFactory
from django.urls import reverse

from smolny.councils import actions
from smolny.councils.actions import NotAllowed, PermissionDenied
from smolny.councils.models import JournalEntry, Organisation
from smolny.web.live import _may_read
from tests.integration.web.council_world import build

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> dict[str, Any]:
    return build()


def reading_pages(world: dict[str, Any]) -> list[str]:
    org = world["organisation"]
    return [
        reverse("organisation", args=[org]),
        reverse("council", args=[org, world["council"]]),
        reverse("journal", args=[org]),
        reverse("session-minutes", args=[world["session"]]),
        reverse("session-projector", args=[world["session"]]),
        reverse("congresses", args=[org]),
        reverse("directives", args=[org]),
    ]


def acting_pages(world: dict[str, Any]) -> list[str]:
    return [
        reverse("portal", args=[world["organisation"]]),
        reverse("session-chair", args=[world["session"]]),
        reverse("session-deputy", args=[world["session"]]),
    ]


def anonymous_may_follow(organisation_id: int) -> bool:
    request = RequestFactory().get("/live/x")
    request.user = AnonymousUser()
    return _may_read(request, f"organisation:{organisation_id}")


def test_a_private_record_sends_visitors_to_sign_in(world: dict[str, Any]) -> None:
    client = Client()
    for url in reading_pages(world) + acting_pages(world):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("sign-in")), url
    assert not anonymous_may_follow(world["organisation"])


def test_a_public_record_is_read_by_anyone_but_acted_in_by_members(
    world: dict[str, Any],
) -> None:
    organisation = Organisation.objects.get(pk=world["organisation"])
    secretary = organisation.roles.get().user
    actions.set_public_record(secretary, organisation, True)
    client = Client()
    for url in reading_pages(world):
        assert client.get(url).status_code == 200, url
    for url in acting_pages(world):
        assert client.get(url).status_code == 302, url
    assert anonymous_may_follow(world["organisation"])
    assert not anonymous_may_follow(world["organisation"] + 1000)
    # The council page shows the same figures as to a signed-in reader.
    page = client.get(reverse("council", args=[world["organisation"], world["council"]]))
    assert world["narva_deputy_name"] in page.content.decode()


def test_opening_the_record_is_the_secretarys_and_journalled(world: dict[str, Any]) -> None:
    organisation = Organisation.objects.get(pk=world["organisation"])
    from django.contrib.auth import get_user_model

    outsider = get_user_model().objects.get(username="outsider")
    with pytest.raises(PermissionDenied):
        actions.set_public_record(outsider, organisation, True)
    assert not Organisation.objects.get(pk=organisation.pk).public_record
    before = JournalEntry.objects.count()
    actions.set_public_record(actions.SYSTEM, organisation, True)
    with pytest.raises(NotAllowed):
        actions.set_public_record(actions.SYSTEM, organisation, True)
    assert JournalEntry.objects.count() == before + 1
    assert JournalEntry.objects.order_by("-seq").first().action == "set_public_record"
    actions.set_public_record(actions.SYSTEM, organisation, False)
    assert not anonymous_may_follow(organisation.pk)
