"""The roles page (issue 15, item 5) through Django's test client: a secretary finds a person
by name and grants a role with a button, ends one, and is refused ending the last secretary's
role (409, the reason shown, nothing written); a clerk sees the page and gives up their own
role; a stranger is kept out."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from smolny.councils import actions
from smolny.councils.models import JournalEntry, OrganisationRole
from tests.integration.councils.conftest import d, make_frame

pytestmark = pytest.mark.django_db

SYS = actions.SYSTEM


def signed_in(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_a_secretary_grants_and_ends_roles_by_name_but_never_the_last_secretary() -> None:
    frame = make_frame({"North quay": 10}, at=d(3, 1))
    org = frame.organisation
    User = get_user_model()
    yana = User.objects.create_user("yana")
    actions.appoint_secretary(SYS, org, yana, at=d(3, 1))
    anna = User.objects.create_user("anna")
    member = frame.members["North quay"][4]
    actions.link_member_user(SYS, member, anna, at=d(3, 2))
    client = signed_in(yana)
    url = reverse("roles", args=[org.pk])
    page = client.get(url, {"q": member.name}).content.decode()
    assert f"{member.name} (anna)" in page
    assert f"Make {member.name} clerk" in page
    answer = client.post(reverse("roles-grant", args=[org.pk]), {"user": anna.pk, "role": "clerk"})
    assert answer.status_code == 302
    clerk = OrganisationRole.objects.get(user=anna, role="clerk", end=None)
    page = client.get(url).content.decode()
    assert f"{member.name} (anna)" in page  # listed among the holders, by name
    assert "End anna&#x27;s role" in page or "End anna's role" in page
    # Her own page: she may give the role up, not grant.
    hers = signed_in(anna)
    own = hers.get(url).content.decode()
    assert "Give it up" in own
    assert "Give a role" not in own
    assert (
        hers.post(
            reverse("roles-grant", args=[org.pk]), {"user": anna.pk, "role": "chair"}
        ).status_code
        == 403
    )
    assert hers.post(reverse("roles-end", args=[org.pk, clerk.pk])).status_code == 302
    clerk.refresh_from_db()
    assert clerk.end is not None
    # The last secretary: refused with the reason, nothing written.
    before = JournalEntry.objects.count()
    mine = OrganisationRole.objects.get(user=yana, role="secretary")
    refused = client.post(reverse("roles-end", args=[org.pk, mine.pk]))
    assert refused.status_code == 409
    assert "appoint another secretary first" in refused.content.decode()
    assert JournalEntry.objects.count() == before
    # Another secretary, then she may go.
    assert (
        client.post(
            reverse("roles-grant", args=[org.pk]), {"user": anna.pk, "role": "secretary"}
        ).status_code
        == 302
    )
    assert client.post(reverse("roles-end", args=[org.pk, mine.pk])).status_code == 302
    assert list(
        OrganisationRole.objects.filter(organisation=org, role="secretary", end=None).values_list(
            "user__username", flat=True
        )
    ) == ["anna"]
    bad = signed_in(anna).post(reverse("roles-grant", args=[org.pk]), {"role": "clerk"})
    assert bad.status_code == 400


def test_a_stranger_is_kept_out() -> None:
    frame = make_frame({"North quay": 3}, at=d(3, 1))
    stranger = signed_in(get_user_model().objects.create_user("petr"))
    org = frame.organisation
    assert stranger.get(reverse("roles", args=[org.pk])).status_code in (403, 404)
    assert stranger.post(
        reverse("roles-grant", args=[org.pk]), {"user": 1, "role": "secretary"}
    ).status_code in (403, 404)
    assert not OrganisationRole.objects.filter(organisation=org).exists()


def test_the_clerk_works_the_door_and_the_speakers_list_on_the_console() -> None:
    from datetime import timedelta

    from django.utils import timezone

    from smolny.councils.actions import agenda, session
    from smolny.councils.models import Attendance
    from tests.integration.sessions.conftest import build_council, organ_of

    now = timezone.now()
    council = build_council({"Dockers": 3}, at=now - timedelta(days=3))
    plenum = organ_of(council, "Plenum", at=now - timedelta(days=3))
    sitting = session.convene_session(
        SYS, plenum, "Sitting", starts_at=now - timedelta(hours=1), at=now - timedelta(days=2)
    )
    olga = get_user_model().objects.create_user("olga")
    actions.appoint_clerk(SYS, council.frame.organisation, olga)
    clerk = signed_in(olga)
    deputies = list(council.everyone())
    assert clerk.get(reverse("session-chair", args=[sitting.pk])).status_code == 200
    for deputy in deputies:
        door = clerk.post(
            reverse("session-chair-step", args=[sitting.pk, "door"]), {"member": deputy.pk}
        )
        assert door.status_code == 302
    assert Attendance.objects.filter(session=sitting, end=None).count() == 3
    # Opening is not the clerk's: refused, the sitting stays convened.
    refused = clerk.post(
        reverse("session-chair-step", args=[sitting.pk, "open"]), {"chair": deputies[0].pk}
    )
    assert refused.status_code == 403
    session.open_session(SYS, sitting, chair=deputies[0])
    item = agenda.add_agenda_item(SYS, sitting, "Wages")
    listed = clerk.post(
        reverse("session-chair-step", args=[sitting.pk, "add-speaker"]),
        {"item": item.pk, "member": deputies[1].pk},
    )
    assert listed.status_code == 302
    item.refresh_from_db()
    assert [r["speaker"] for r in item.speakers["queue"]] == [deputies[1].external_id]
    assert (
        clerk.post(reverse("session-chair-step", args=[sitting.pk, "adjourn"])).status_code == 403
    )
