"""A secretary's roll pages (issue 15, item 4) through Django's test client: the rolls counted
on a chosen day, a member found by name, and the leave, move and rejoin buttons, each calling
its action; a refusal answered 409 with its reason and nothing written."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from smolny.councils import actions
from smolny.councils.actions import membership
from smolny.councils.models import JournalEntry, Member
from tests.integration.councils.conftest import Frame, d, make_frame

pytestmark = pytest.mark.django_db

SYS = actions.SYSTEM


def sizes(html: str) -> dict[str, int]:
    """Constituency: members, from the page's table of roll sizes."""
    rows = re.findall(r'<th scope="row">([^<]+)</th><td>(\d+)</td>', html)
    return {name: int(n) for name, n in rows}


def setup() -> tuple[Client, Frame]:
    frame = make_frame({"North quay": 12, "South quay": 8}, at=d(3, 1))
    User = get_user_model()
    secretary = User.objects.create_user("yana")
    actions.appoint_secretary(SYS, frame.organisation, secretary, at=d(3, 1))
    client = Client()
    client.force_login(secretary)
    return client, frame


def test_the_roll_page_counts_on_the_day_asked_for_and_finds_by_name() -> None:
    client, frame = setup()
    org = frame.organisation
    leaver = frame.members["North quay"][0]
    membership.leave_roll(SYS, leaver, at=d(6, 1))
    url = reverse("members", args=[org.pk])
    assert sizes(client.get(url, {"on": "1917-05-31"}).content.decode()) == {
        "North quay": 12,
        "South quay": 8,
    }
    assert sizes(client.get(url).content.decode()) == {"North quay": 11, "South quay": 8}
    page = client.get(url, {"q": leaver.name, "on": "1917-07-01"}).content.decode()
    assert reverse("member", args=[org.pk, leaver.pk]) in page
    assert "on no roll that day" in page
    bad = client.get(url, {"on": "31/05/1917"})
    assert bad.status_code == 400
    assert "is not a date" in bad.content.decode()


def test_a_secretary_moves_a_member_then_they_leave_and_rejoin() -> None:
    client, frame = setup()
    org = frame.organisation
    person = frame.members["North quay"][3]
    south = frame.constituencies["South quay"]
    page = client.get(reverse("member", args=[org.pk, person.pk])).content.decode()
    assert "On the roll of North quay" in page
    assert 'name="constituency"' in page
    moved = client.post(
        reverse("member-change", args=[org.pk, person.pk, "move"]),
        {"constituency": south.pk},
    )
    assert moved.status_code == 302
    now = Member.objects.get(external_id=person.external_id, end=None)
    assert now.constituency_id == south.pk
    assert moved["Location"] == reverse("member", args=[org.pk, now.pk])
    page = client.get(moved["Location"]).content.decode()
    assert "is on the roll of South quay now" in page
    assert page.count('<tr><th scope="row">') == 2  # two roll entries in the history
    left = client.post(
        reverse("member-change", args=[org.pk, now.pk, "leave"]),
        {"reason": "retired"},
    )
    assert left.status_code == 302
    assert not Member.objects.filter(external_id=person.external_id, end=None).exists()
    page = client.get(left["Location"]).content.decode()
    assert "On no roll now." in page
    assert "Rejoin" in page
    back = client.post(
        reverse("member-change", args=[org.pk, now.pk, "rejoin"]),
        {"constituency": south.pk},
    )
    assert back.status_code == 302
    assert Member.objects.get(external_id=person.external_id, end=None).constituency_id == (
        south.pk
    )
    assert [e.action for e in JournalEntry.objects.order_by("-seq")[:3]][::-1] == [
        "move_member",
        "leave_roll",
        "rejoin_roll",
    ]


def test_refusals_say_why_and_write_nothing_and_strangers_are_kept_out() -> None:
    client, frame = setup()
    org = frame.organisation
    north = frame.constituencies["North quay"]
    actions.apportion_council(SYS, frame.council, at=d(3, 2))
    election = actions.open_election(SYS, north, seats=1, at=d(3, 3))
    deputy = frame.members["North quay"][0]
    actions.record_election_result(SYS, election, [deputy], at=d(3, 4))
    actions.seat_deputy(SYS, election, deputy, at=d(3, 5))
    before = JournalEntry.objects.count()
    refused = client.post(
        reverse("member-change", args=[org.pk, deputy.pk, "leave"]),
    )
    assert refused.status_code == 409
    assert "the mandate ends first" in refused.content.decode()
    no_target = client.post(
        reverse("member-change", args=[org.pk, deputy.pk, "move"]),
    )
    assert no_target.status_code == 400
    assert JournalEntry.objects.count() == before
    stranger = Client()
    stranger.force_login(get_user_model().objects.create_user("petr"))
    for url in (
        reverse("members", args=[org.pk]),
        reverse("member", args=[org.pk, deputy.pk]),
    ):
        assert stranger.get(url).status_code in (403, 404)
    assert stranger.post(
        reverse("member-change", args=[org.pk, deputy.pk, "leave"])
    ).status_code in (403, 404)
    assert JournalEntry.objects.count() == before
