"""Apportionment under a fixed house size with ties, and the admin."""

from __future__ import annotations

import json

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import User
from django.test import Client, RequestFactory

from smolny.councils import actions
from smolny.councils.models import ApportionedSeats, JournalEntry
from tests.integration.councils.conftest import d, make_frame

SYS = actions.SYSTEM


@pytest.mark.django_db
def test_a_tie_for_the_last_seat_is_held_back_unless_a_seeded_lot_is_drawn() -> None:
    frame = make_frame({"Narva": 10, "Vyborg": 10, "Kolpino": 10}, at=d(3, 1))
    actions.set_representation_rule(SYS, frame.council, house_size=2, method="hamilton", at=d(3, 2))
    # Three equal constituencies, two seats: quotas 2/3 each, equal remainders.
    held = actions.apportion_council(SYS, frame.council, at=d(3, 3))
    assert held.unresolved
    assert (
        sum(ApportionedSeats.objects.filter(apportionment=held).values_list("seats", flat=True))
        == 0
    )
    assert held.ties
    assert held.ties[0]["resolved_by"] is None
    drawn = actions.apportion_council(SYS, frame.council, tie_seed=1917, at=d(3, 4))
    assert not drawn.unresolved
    seats = list(
        ApportionedSeats.objects.filter(apportionment=drawn).values_list("seats", flat=True)
    )
    assert sorted(seats) == [0, 1, 1]
    assert drawn.ties[0]["seed"] == 1917
    entry = JournalEntry.objects.order_by("-seq").first()
    assert entry is not None
    assert json.loads(entry.payload)["tie_seed"] == 1917


@pytest.mark.django_db
def test_a_rule_change_does_not_rewrite_earlier_apportionments() -> None:
    frame = make_frame({"Narva": 45, "Vyborg": 25}, at=d(3, 1))
    first = actions.apportion_council(SYS, frame.council, at=d(3, 2))
    actions.set_representation_rule(SYS, frame.council, per=5, at=d(4, 1))
    second = actions.apportion_council(SYS, frame.council, at=d(4, 2))
    assert (first.house_size, second.house_size) == (4 + 2, 9 + 5)
    from smolny.councils.queries import seats_at

    narva = frame.constituencies["Narva"]
    assert (seats_at(narva, d(3, 15)), seats_at(narva, d(4, 15))) == (4, 9)


def test_every_councils_model_is_in_the_admin_and_read_only() -> None:
    request = RequestFactory().get("/")
    for model in apps.get_app_config("councils").get_models():
        assert model in admin.site._registry, model.__name__
        model_admin = admin.site._registry[model]
        assert not model_admin.has_add_permission(request)
        assert not model_admin.has_change_permission(request)
        assert not model_admin.has_delete_permission(request)


@pytest.mark.django_db
def test_admin_pages_open_and_corrections_go_through_actions() -> None:
    frame = make_frame({"Narva": 10}, at=d(3, 1))
    actions.apportion_council(SYS, frame.council, at=d(3, 2))
    election = actions.open_election(SYS, frame.constituencies["Narva"], at=d(3, 3))
    member = frame.members["Narva"][0]
    actions.record_election_result(SYS, election, [member], at=d(3, 4))
    mandate = actions.seat_deputy(SYS, election, member, at=d(3, 5))
    staff = User.objects.create_superuser("admin", "admin@example.org", "pw")
    client = Client()
    client.login(username="admin", password="pw")
    for model in apps.get_app_config("councils").get_models():
        url = f"/admin/councils/{model._meta.model_name}/"
        assert client.get(url).status_code == 200, url
    assert client.get("/admin/councils/journalentry/1/change/").status_code == 200
    assert client.post("/admin/councils/journalentry/1/delete/", {"post": "yes"}).status_code == 403
    assert JournalEntry.objects.filter(seq=1).exists()

    resign = {"action": "record_resignation", "_selected_action": [str(mandate.pk)]}
    # A superuser who is not a secretary of the organisation is refused by the action.
    client.post("/admin/councils/mandate/", resign)
    mandate.refresh_from_db()
    assert mandate.end is None
    actions.appoint_secretary(SYS, frame.organisation, staff, at=d(3, 6))
    entries = JournalEntry.objects.count()
    client.post("/admin/councils/mandate/", resign)
    mandate.refresh_from_db()
    assert mandate.end_reason == "resigned"
    last = JournalEntry.objects.order_by("-seq").first()
    assert last is not None
    assert (last.seq, last.action, last.actor) == (
        entries + 1,
        "resign_mandate",
        f"user:{staff.pk}:admin",
    )
