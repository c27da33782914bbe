"""Attack 1 of issue 17, case by case: backdating a live act past a permission check.

Before the fix each of these was accepted with an earlier (or later) ``at`` and refused
without it. Now the time is the server's: the request naming ``at`` is refused with 422,
the same request without it is refused by the permission or rule that the backdating
dodged, and a request entering a "past event" instead (the Smolny-Occurred-At header) is
refused too, as none of these callers is a recorder. Nothing is written by any of them.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from django.test import Client
from django.utils import timezone

from smolny.api.common import OCCURRED_AT
from smolny.councils import actions
from smolny.councils.actions import session
from smolny.councils.models import (
    JournalEntry,
    NamedVote,
    OrganisationRole,
    SecretVoter,
)
from smolny.councils.models.sessions import AgendaItem
from tests.integration.api.conftest import SYS, World, call
from tests.integration.api.routes import narva_poll, open_vote, recall_vote
from tests.integration.attacks.conftest import FUTURE, PAST, an_hour_ago, iso, state

HEADER = f"HTTP_{OCCURRED_AT.upper().replace('-', '_')}"


def attempts(client: Client, path: str, body: dict[str, Any], when: str) -> tuple[int, int, int]:
    """The statuses of the request with ``at``, of it as a past event, and of it live."""
    timed = call(client, "post", path, {**body, "at": when})
    assert "server's clock" in timed.json()["detail"]
    entered = call(client, "post", path, body, **{HEADER: when})
    live = call(client, "post", path, body)
    return timed.status_code, entered.status_code, live.status_code


def test_a_resigned_deputy_cannot_vote_before_resigning(world: World) -> None:
    v = open_vote(world)
    before_resigning = iso(timezone.now())
    actions.resign_mandate(SYS, world.mandates["deputy"])
    written = state()
    statuses = attempts(
        world.client("deputy"),
        f"/api/votes/{v.pk}/named",
        {"member": world.narva(1).pk, "choice": "for"},
        before_resigning,
    )
    assert statuses[:2] == (422, 403)
    assert statuses[2] in (403, 409)  # no longer a deputy
    assert state() == written
    assert not NamedVote.objects.filter(vote=v).exists()


def test_a_checked_out_deputy_cannot_vote_as_if_still_in_the_hall(world: World) -> None:
    v = open_vote(world)
    while_in_hall = iso(timezone.now())
    session.check_out(SYS, world.sitting, world.narva(1))
    written = state()
    statuses = attempts(
        world.client("deputy"),
        f"/api/votes/{v.pk}/named",
        {"member": world.narva(1).pk, "choice": "for"},
        while_in_hall,
    )
    assert statuses[:2] == (422, 403)
    assert statuses[2] == 409  # not in the hall
    assert state() == written
    assert not NamedVote.objects.filter(vote=v).exists()


def test_a_replaced_chair_cannot_add_an_agenda_item(world: World) -> None:
    while_chair = iso(timezone.now())
    session.hand_over_chair(SYS, world.sitting, world.narva(1))
    written = state()
    statuses = attempts(
        world.client("chair"),
        f"/api/sessions/{world.sitting.pk}/agenda",
        {"title": "The chair's own item"},
        while_chair,
    )
    assert statuses == (422, 403, 403)
    assert state() == written
    assert not AgendaItem.objects.filter(title="The chair's own item").exists()


def test_an_ex_secretary_cannot_create_a_fraction(world: World) -> None:
    """Even holding the recorder's role, an ex-secretary enters nothing as a past event: the
    role is read at the server's clock, not at the time the request names."""
    admin = world.users["admin"]
    actions.appoint_recorder(SYS, world.frame.organisation, admin)
    role = OrganisationRole.objects.get(user=admin, role=OrganisationRole.SECRETARY)
    # Another secretary first: the last one's role does not end (issue 15, item 5).
    actions.appoint_secretary(SYS, world.frame.organisation, world.users["outsider"])
    actions.end_role(SYS, role)
    written = state()
    statuses = attempts(
        world.client("admin"),
        f"/api/councils/{world.council_id}/fractions",
        {"name": "Mezhraiontsy"},
        PAST,
    )
    assert statuses == (422, 403, 403)
    assert state() == written


def test_a_vote_dated_before_the_vote_opened_is_refused(world: World) -> None:
    """By the deputy (422 with ``at``, 403 as a past event), and by a recorder entering it
    as a past event: a vote cannot be answered before it opened (409)."""
    v = open_vote(world)
    actions.appoint_recorder(SYS, world.frame.organisation, world.users["admin"])
    written = state()
    entered = call(
        world.client("admin"),
        "post",
        f"/api/votes/{v.pk}/named",
        {"member": world.narva(1).pk, "choice": "against"},
        **{HEADER: an_hour_ago()},
    )
    assert entered.status_code == 409, entered.content
    assert "had not opened" in entered.json()["detail"]
    for path, body in (
        (
            f"/api/recall/votes/{recall_vote(world).pk}/ballots",
            {"member": world.narva(10).pk, "recall": True},
        ),
    ):
        # the recall vote opened now: a ballot entered an hour earlier is refused too
        assert call(
            world.client("admin"), "post", path, body, **{HEADER: an_hour_ago()}
        ).status_code in (403, 409)
    written = state()
    statuses = attempts(
        world.client("deputy"),
        f"/api/votes/{v.pk}/named",
        {"member": world.narva(1).pk, "choice": "for"},
        an_hour_ago(),
    )
    assert statuses[:2] in ((422, 403), (422, 409))  # not a recorder; or not open then
    assert statuses[2] == 201  # cast live, it is simply a vote now
    assert NamedVote.objects.get(vote=v).choice == "for"
    assert JournalEntry.objects.count() == written[0] + 1


def test_ballots_dated_2100_are_refused(world: World) -> None:
    """A secret ballot, an election ballot and a recall ballot, each dated 2100: refused in
    the body and as a past event (the future is none); a recorder is refused too."""
    secret = open_vote(world, "secret ballot")
    election = narva_poll(world)
    recall = recall_vote(world)
    actions.appoint_recorder(SYS, world.frame.organisation, world.users["admin"])
    written = state()
    requests = [
        (
            "deputy",
            f"/api/votes/{secret.pk}/secret",
            {"member": world.narva(1).pk, "choice": "for"},
        ),
        (
            "member",
            f"/api/elections/{election}/ballots",
            {"member": world.narva(10).pk, "ranking": [world.narva(4).pk]},
        ),
        (
            "member",
            f"/api/recall/votes/{recall.pk}/ballots",
            {"member": world.narva(10).pk, "recall": True},
        ),
    ]
    for role, path, body in requests:
        for caller in (role, "admin"):
            client = world.client(caller)
            timed = call(client, "post", path, {**body, "at": FUTURE})
            assert timed.status_code == 422, (path, timed.content)
            entered = call(client, "post", path, body, **{HEADER: FUTURE})
            assert entered.status_code == 422, (path, entered.content)
            assert "future" in json.loads(entered.content)["detail"]
    assert state() == written
    assert not SecretVoter.objects.filter(vote=secret).exists()
    # Live, at the server's clock, the voters' ballots are taken.
    for role, path, body in requests:
        assert call(world.client(role), "post", path, body).status_code == 201
    assert SecretVoter.objects.filter(vote=secret).count() == 1


def test_a_recorder_enters_a_past_event_journalled_with_both_times(world: World) -> None:
    """The separate permission: a recorder enters the minutes of a meeting held on paper.
    The entry carries the event's time and the time it was entered; a secretary without
    the recorder's role cannot do the same."""
    when = an_hour_ago()
    path = f"/api/councils/{world.council_id}/fractions"
    written = state()
    refused = call(world.client("admin"), "post", path, {"name": "Anarchists"}, **{HEADER: when})
    assert refused.status_code == 403
    assert "past events" in refused.json()["detail"]
    assert state() == written
    actions.appoint_recorder(SYS, world.frame.organisation, world.users["admin"])
    entered = call(world.client("admin"), "post", path, {"name": "Anarchists"}, **{HEADER: when})
    assert entered.status_code == 201, entered.content
    entry = JournalEntry.objects.order_by("-seq").first()
    assert entry is not None
    assert entry.action == "create_fraction"
    payload = json.loads(entry.payload)
    event = datetime.fromisoformat(payload["at"])
    entered_at = datetime.fromisoformat(payload["entered_later"])
    assert event == datetime.fromisoformat(when.replace("Z", "+00:00"))
    assert entered_at > event + timedelta(minutes=59)
    assert abs(entered_at - entry.time) < timedelta(seconds=1)
    # A live act carries no such mark.
    live = call(world.client("admin"), "post", path, {"name": "Maximalists"})
    assert live.status_code == 201
    last = JournalEntry.objects.order_by("-seq").first()
    assert last is not None
    assert "entered_later" not in json.loads(last.payload)
