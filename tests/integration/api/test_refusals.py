"""Refusals the council system makes, as the API reports them: 409 for a rule, 422 for a
request that cannot be used, 404 for what does not exist; never a 5xx, nothing written."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.api.conftest import World, call, journal_length
from tests.integration.api.routes import recall_vote

pytestmark = pytest.mark.django_db


def refused(world: World, role: str, method: str, url: str, body: Any, status: int) -> str:
    before = journal_length()
    answer = call(world.client(role), method, url, body)
    assert answer.status_code == status, answer.content
    assert journal_length() == before
    detail: str = answer.json()["detail"]
    return detail


def test_a_roll_with_bad_lines_names_every_line_and_imports_none(world: World) -> None:
    url = f"/api/councils/{world.council_id}/roll?source=march.csv"
    text = "member_id,name,constituency\nN-1,Ivanov,Narva\nN-2,,Narva\nN-3,Petrov,Moscow\n"
    before = journal_length()
    answer = call(world.client("admin"), "post", url, text)
    assert answer.status_code == 422
    errors = answer.json()["errors"]
    assert [(e["line"], e["field"]) for e in errors] == [(3, "name"), (4, "constituency")]
    assert "march.csv" in answer.json()["detail"] or "2 bad line" in answer.json()["detail"]
    assert journal_length() == before
    for body in ("member_id,name,constituency\nN-1,Iva\x00nov,Narva\n",):
        refused(world, "admin", "post", url, body, 422)
    answer = world.client("admin").post(url, b"\xff\xfe", content_type="text/csv")
    assert answer.status_code == 422
    assert "UTF-8" in answer.json()["detail"]


def test_a_double_signature_and_a_double_recall_ballot_are_conflicts(world: World) -> None:
    sign = f"/api/recall/petitions/{world.petition.pk}/signatures"
    body = {"member": world.narva(10).pk}
    assert call(world.client("member"), "post", sign, body).status_code == 201
    assert "already" in refused(world, "member", "post", sign, body, 409)
    vote = recall_vote(world)
    ballots = f"/api/recall/votes/{vote.pk}/ballots"
    ballot = {"member": world.narva(10).pk, "recall": False}
    assert call(world.client("member"), "post", ballots, ballot).status_code == 201
    refused(world, "member", "post", ballots, ballot, 409)
    closed = call(world.client("admin"), "post", f"/api/recall/votes/{vote.pk}/close", {})
    assert closed.status_code == 200
    late = {"member": world.narva(10).pk, "recall": True}
    assert "closed" in refused(world, "member", "post", ballots, late, 409)


def test_a_member_of_another_roll_cannot_sign(world: World) -> None:
    sign = f"/api/recall/petitions/{world.petition.pk}/signatures"
    detail = refused(world, "admin", "post", sign, {"member": world.vyborg(3).pk}, 409)
    assert world.vyborg(3).name in detail or "roll" in detail


def test_resigning_twice_is_a_conflict(world: World) -> None:
    url = f"/api/mandates/{world.mandates['deputy'].pk}/resign"
    assert call(world.client("deputy"), "post", url, {}).status_code == 200
    assert "ended" in refused(world, "deputy", "post", url, {}, 409)


@pytest.mark.parametrize(
    "body",
    [
        {"name": ""},
        {"name": "x" * 201},
        {"name": "Kronstadt\x00"},
        {"name": "Kronstadt", "colour": "red"},
        {"name": 17},
        {},
    ],
)
def test_an_organisation_body_that_cannot_be_used(world: World, body: dict[str, Any]) -> None:
    answer = call(world.client("admin"), "post", "/api/organisations", body)
    assert answer.status_code == 422
    assert "name" in str(answer.json()) or "colour" in str(answer.json())


def test_seats_and_kinds_out_of_range_name_the_field(world: World) -> None:
    url = f"/api/councils/{world.council_id}/organs"
    good = {"name": "Ispolkom", "kind": "executive committee", "seat_rule": "proportional"}
    for field, value in (("seats", 0), ("seats", -3), ("kind", "politburo"), ("seats", 2**70)):
        body = {**good, "seats": 3, field: value}
        answer = call(world.client("admin"), "post", url, body)
        assert answer.status_code == 422
        assert field in str(answer.json())
    answer = call(world.client("admin"), "post", url, {**good, "seats": 3, "ex_officio": [2**70]})
    assert answer.status_code == 422


def test_a_time_without_timezone_and_an_unknown_user_are_refused(world: World) -> None:
    url = f"/api/councils/{world.council_id}/composition?at=1917-09-09T18:00:00"
    answer = world.client("member").get(url)
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["query", "at"]
    stamp = world.client("member").get(url.split("?")[0], {"at": "1234567"})
    assert stamp.status_code == 422  # seconds since 1970 are not a time here
    secretaries = f"/api/organisations/{world.organisation_id}/secretaries"
    assert "nobody" in refused(world, "admin", "post", secretaries, {"username": "nobody"}, 404)


def test_the_composition_at_a_date_is_the_record_at_that_date(world: World) -> None:
    council = world.client("member").get(
        f"/api/councils/{world.council_id}/composition?at=1917-03-05T12:00:00Z"
    )
    assert council.status_code == 200
    assert council.json()["by_fraction"] == {"Bolsheviks": 2, "SRs": 1}
    before = world.client("member").get(
        f"/api/councils/{world.council_id}/composition?at=1917-03-05T11:00:00Z"
    )
    assert before.json()["deputies"] == []


def test_ballots_are_counted_by_stv_and_a_bad_ballot_file_is_refused_by_line(
    world: World,
) -> None:
    url = f"/api/elections/{world.open_election.pk}/count?format=csv&source=vyborg.csv"
    refused(world, "admin", "post", url, "count,rank1\nmany,V-0002\n", 422)
    detail = refused(world, "admin", "post", url, "count,rank1\n3,V-9999\n", 422)
    assert "V-9999" in detail
    answer = call(world.client("admin"), "post", url, "count,rank1,rank2\n12,V-0002\n5,V-0003\n")
    assert answer.status_code == 200
    assert answer.json()["result"]["elected"] == ["V-0002"]
    assert answer.json()["status"] == "declared"


@pytest.mark.parametrize(
    "at", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"], ids=["early", "late"]
)
def test_times_beyond_the_calendar_are_refused_not_crashed_on(world: World, at: str) -> None:
    """Found by probing the edges: converting these to UTC overflows Python's datetime."""
    answer = world.client("member").get(f"/api/councils/{world.council_id}/composition", {"at": at})
    assert answer.status_code == 422
    assert "out of range" in answer.json()["detail"]
    fraction = {"name": "Anarchists", "at": at}
    refused(world, "admin", "post", f"/api/councils/{world.council_id}/fractions", fraction, 422)


def test_pages_beyond_any_id_are_empty_or_refused(world: World) -> None:
    client = world.client("admin")
    assert client.get("/api/journal", {"after": 2**63 - 1}).json() == []
    assert client.get("/api/journal", {"after": 2**80}).status_code == 422
    roll = f"/api/constituencies/{world.frame.constituencies['Narva'].pk}/members"
    page = client.get(roll, {"offset": -5, "limit": 10**25})
    assert page.status_code == 200
    assert len(page.json()) == 30


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        ("/api/organisations", {"name": "Kronstadt", "at": 0}, "at"),
        ("/api/organisations", {"name": "Kronstadt", "at": True}, "at"),
        ("/api/auth/tokens", {"name": 5}, "name"),
    ],
)
def test_values_of_another_json_type_are_refused_not_converted(
    world: World, url: str, body: dict[str, Any], field: str
) -> None:
    """Found by schemathesis: ``"at": 0`` was read as 1970-01-01."""
    answer = call(world.client("admin"), "post", url, body)
    assert answer.status_code == 422
    assert field in str(answer.json())


def test_numbers_and_booleans_are_not_read_from_strings(world: World) -> None:
    """1.0 is an integer to JSON Schema and to the API; 1.5, "1" and 1-for-true are not."""
    vyborg = world.frame.constituencies["Vyborg"].pk
    for body in ({"by_election": 1}, {"seats": "1"}, {"seats": 1.5}, {"by_election": "no"}):
        answer = call(
            world.client("admin"), "post", f"/api/constituencies/{vyborg}/elections", body
        )
        assert answer.status_code == 422, body


def test_an_integral_float_counts_as_an_integer(world: World) -> None:
    vyborg = world.frame.constituencies["Vyborg"].pk
    body = {"by_election": True, "seats": 1.0}
    answer = call(world.client("admin"), "post", f"/api/constituencies/{vyborg}/elections", body)
    assert answer.status_code == 201
    assert answer.json()["seats"] == 1
