"""The roll-call intake (smolny/api/intake.py) answers exactly as the route would.

The intake is driven here as the ASGI server drives it (scope, receive, send), in front of
Django's own ASGI application; each of its answers is compared with the answer the route
gives through Django's test client to the same request. The settling runs in the intake's
own thread, so these tests commit (``transactional_db``).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from typing import Any

import pytest
from django.core.asgi import get_asgi_application

from smolny.api import intake as intake_module
from smolny.api.intake import RollCallIntake
from smolny.councils.models import JournalEntry, NamedVote
from smolny.councils.models.sessions import Vote
from smolny.journal.chain import verify_journal
from tests.integration.api.conftest import World, build_world, call
from tests.integration.api.routes import open_vote

Request = tuple[str | None, str, Any]
"""(role whose token is sent, or None; path; JSON body, or bytes sent as they are)."""


@pytest.fixture
def world(transactional_db: None) -> World:
    return build_world()


@pytest.fixture
def intake() -> RollCallIntake:
    return RollCallIntake(get_asgi_application())


async def send_one(app: Any, world: World, request: Request) -> tuple[int, dict[str, str], Any]:
    role, path, body = request
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = [(b"host", b"testserver"), (b"content-type", b"application/json")]
    if role is not None:
        headers.append((b"authorization", f"Bearer {world.keys[role]}".encode()))
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 40000),
        "server": ("testserver", 80),
    }
    incoming = [{"type": "http.request", "body": raw, "more_body": False}]

    async def receive() -> dict[str, Any]:
        if incoming:
            return incoming.pop(0)
        await asyncio.sleep(3600)  # the client stays connected; the app must not wait here
        return {"type": "http.disconnect"}

    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await asyncio.wait_for(app(scope, receive, send), timeout=60)
    start = sent[0]
    head = {k.decode(): v.decode() for k, v in start["headers"]}
    content = b"".join(m.get("body", b"") for m in sent[1:])
    return start["status"], head, json.loads(content) if content else None


def send_together(
    app: Any, world: World, requests: Sequence[Request]
) -> list[tuple[int, dict[str, str], Any]]:
    async def together() -> list[tuple[int, dict[str, str], Any]]:
        return list(await asyncio.gather(*(send_one(app, world, r) for r in requests)))

    return asyncio.run(together())


def through_route(world: World, request: Request) -> tuple[int, Any]:
    role, path, body = request
    client = world.client(role)
    if isinstance(body, bytes):
        answer = client.post(path, body, content_type="application/json")
    else:
        answer = call(client, "post", path, body)
    return answer.status_code, answer.json()


def test_a_hall_answering_at_once_is_one_batch_answered_as_the_route_would(
    world: World, intake: RollCallIntake
) -> None:
    v = open_vote(world)
    url = f"/api/votes/{v.pk}/named"
    deputy, chair, vyborg = world.narva(1).pk, world.narva(0).pk, world.vyborg(0).pk
    requests: list[Request] = [
        ("deputy", url, {"member": deputy, "choice": "for"}),
        ("deputy", url, {"member": deputy, "choice": "against"}),  # a second answer
        ("chair", url, {"member": chair, "choice": "against"}),
        ("observer", url, {"member": vyborg, "choice": "for"}),  # not theirs to give
        ("member", url, {"member": world.narva(10).pk, "choice": "for"}),  # not in the hall
        ("admin", url, {"member": vyborg, "choice": "abstain"}),  # nobody answers for another
    ]
    answers = send_together(intake, world, requests)

    assert intake.batches == 1
    assert [status for status, _, _ in answers] == [201, 409, 201, 403, 409, 403]
    assert answers[0][2] == {
        "vote": v.pk,
        "member": deputy,
        "choice": "for",
        "ranking": [],
        "fraction": "Bolsheviks",
    }
    assert answers[2][2]["fraction"] == "Bolsheviks"
    assert "may not answer the roll call for" in answers[5][2]["detail"]
    assert answers[0][1]["content-type"].startswith("application/json")
    assert answers[0][1]["x-content-type-options"] == "nosniff"
    route = world.client("observer").post(url, requests[3][2], content_type="application/json")
    for header in (
        "x-content-type-options",
        "x-frame-options",
        "referrer-policy",
        "content-security-policy",
    ):
        assert answers[3][1][header] == route.headers[header]
    # The refusals are the route's, word for word (they change nothing, so it can be asked).
    for request, (status, _, body) in zip(requests, answers, strict=True):
        if status != 201:
            assert through_route(world, request) == (status, body)
    assert "voted in this roll call already" in answers[1][2]["detail"]
    # Each accepted answer has its own journal entry, in the order the answers came.
    recorded = list(NamedVote.objects.filter(vote=v).order_by("pk"))
    assert [(n.mandate.member_id, n.choice) for n in recorded] == [
        (deputy, "for"),
        (chair, "against"),
    ]
    last = list(JournalEntry.objects.order_by("-seq")[:2])[::-1]
    assert [json.loads(e.payload)["choice"] for e in last] == ["for", "against"]
    assert {e.action for e in last} == {"cast_vote"}
    assert verify_journal()[1] is None


def test_a_hundred_copies_of_one_answer_at_once_record_one(
    world: World, intake: RollCallIntake
) -> None:
    v = open_vote(world)
    url = f"/api/votes/{v.pk}/named"
    requests: list[Request] = [
        ("deputy", url, {"member": world.narva(1).pk, "choice": "for"})
    ] * 100
    statuses = sorted(status for status, _, _ in send_together(intake, world, requests))
    assert statuses == [201] + [409] * 99
    assert NamedVote.objects.filter(vote=v).count() == 1
    assert JournalEntry.objects.filter(action="cast_vote").count() == 1


def test_what_the_intake_does_not_take_django_answers(world: World, intake: RollCallIntake) -> None:
    v = open_vote(world)
    url = f"/api/votes/{v.pk}/named"
    deputy = world.narva(1).pk
    world.keys["revoked"] = "smolny_" + "x" * 43
    requests: list[Request] = [
        (None, url, {"member": deputy, "choice": "for"}),  # no token: 401
        ("revoked", url, {"member": deputy, "choice": "for"}),  # unknown token: 401
        ("deputy", f"/api/votes/{v.pk + 1000}/named", {"member": deputy, "choice": "for"}),
        ("deputy", url, {"member": 10**9, "choice": "for"}),  # no such member: 404
        ("deputy", url, {"member": deputy, "choice": "maybe"}),  # not a choice: 422
        ("deputy", url, {"member": deputy, "choice": "for", "extra": 1}),  # 422
        ("deputy", url, {"member": str(deputy), "choice": "for"}),  # a string: 422
        ("deputy", url, b'{"member": '),  # not JSON
        ("deputy", url, {"member": deputy, "choice": ["for"]}),  # a ranking, not preferential
    ]
    for request in requests:
        status, _, body = send_together(intake, world, [request])[0]
        assert (status, body) == through_route(world, request), request
        assert status in (400, 401, 404, 422), (request, status, body)
    assert not NamedVote.objects.filter(vote=v).exists()
    # A body with a time of its own goes to the route, which refuses it: a live vote is cast
    # at the server's clock.
    timed = ("deputy", url, {"member": deputy, "choice": "for", "at": "1917-09-09T19:30:00Z"})
    status, _, body = send_together(intake, world, [timed])[0]
    assert status == 422
    assert "server's clock" in str(body)
    assert Vote.objects.get(pk=v.pk).named.count() == 0


def test_a_batch_that_fails_is_answered_by_django_one_by_one(
    world: World, intake: RollCallIntake, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(requests: list[Any]) -> list[Any]:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(intake_module, "_settle", broken)
    v = open_vote(world)
    url = f"/api/votes/{v.pk}/named"
    requests: list[Request] = [
        ("deputy", url, {"member": world.narva(1).pk, "choice": "for"}),
        ("chair", url, {"member": world.narva(0).pk, "choice": "for"}),
        ("deputy", url, {"member": world.narva(1).pk, "choice": "for"}),
    ]
    # One at a time: the test database (SQLite in memory, shared between threads) refuses
    # Django's request threads writing at once, which a database file does not.
    statuses = [send_together(intake, world, [r])[0][0] for r in requests]
    assert statuses == [201, 201, 409]
    assert intake.batches == 3
    assert NamedVote.objects.filter(vote=v).count() == 2
