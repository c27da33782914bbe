"""The Petrograd Soviet's sitting of 9 September 1917, at full size, through the HTTP API only.

Everything is done by the secretary's API token, as a client program would: the organisation,
the council, its four constituencies and a roll of 10,003 members (one CSV upload), the
apportionment (one deputy per 10 members), the elections and their results, the 1,000
deputies seated one request each, the old presidium, the plenum's rules, the sitting with
notice, attendance, the no-confidence motion, the named roll call (the clerk's sheet in one
request), the close, the new presidium and the minutes in Markdown and PDF.

Fraction strengths are the ones the action-level test chose and documents (see
``tests/integration/sessions/test_petrograd_9_september.py``): 1,000 voting deputies present,
Bolsheviks 519, SRs 250, Mensheviks 164, 67 non-party deputies with no fraction. The vote
splits along those lines: 519 for, 250 + 164 = 414 against, 67 abstaining — the 519–414–67 of
history/petrograd-1917.md. Sainte-Laguë over 519/250/164 gives the new presidium of 7 as
4 Bolsheviks, 2 SRs, 1 Menshevik (quotients 519, 250, 173, 164, 103.8, 83.3, 74.1; the next,
57.7 and 54.7, fall outside).
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

import pytest
from django.test import Client
from pypdf import PdfReader

from smolny.api.auth import create_token
from smolny.api.common import OCCURRED_AT
from tests.integration.api.conftest import call, make_user

pytestmark = pytest.mark.django_db

STRENGTHS = {"Bolsheviks": 519, "SRs": 250, "Mensheviks": 164, "Non-party": 67}
OUTSIDERS = 2  # members of the Bolshevik district without a mandate, in the gallery
MARCH = "1917-03-01T12:00:00Z"
SEPTEMBER_9 = "1917-09-09T12:00:00Z"
AFTER = "1917-09-09T22:30:00Z"


class Api:
    """The secretary's client: every call must succeed with the expected status."""

    def __init__(self, client: Client) -> None:
        self.client = client

    def __call__(self, method: str, path: str, body: Any = None, status: int = 200) -> Any:
        # 1917 is entered as past events: the time goes in the header (a live request may
        # not choose it); the secretary founded the organisation so, and is its recorder.
        extra = {}
        if isinstance(body, dict) and "at" in body:
            body = dict(body)
            extra[f"HTTP_{OCCURRED_AT.upper().replace('-', '_')}"] = body.pop("at")
        elif "&at=" in path:
            path, _, when = path.partition("&at=")
            extra[f"HTTP_{OCCURRED_AT.upper().replace('-', '_')}"] = when
        response = call(self.client, method, f"/api{path}", body, **extra)
        assert response.status_code == status, (path, response.content[:500])
        if response["content-type"].startswith("application/json"):
            return response.json()
        return response.content


def roll_csv() -> str:
    lines = ["member_id,name,constituency"]
    for group, n in STRENGTHS.items():
        extra = OUTSIDERS if group == "Bolsheviks" else 0
        tag = group[:2].upper()
        lines += [
            f"{tag}-{i:05d},{group} worker {i},{group} district"
            for i in range(1, 10 * n + extra + 1)
        ]
    return "\n".join(lines) + "\n"


def roll_of(api: Api, constituency: int, count: int) -> list[int]:
    """The first *count* member ids of a roll, in member-number order, page by page."""
    ids: list[int] = []
    while len(ids) < count:
        page = api("get", f"/constituencies/{constituency}/members?offset={len(ids)}&limit=1000")
        assert page
        ids += [m["id"] for m in page]
    return ids[:count]


def test_no_confidence_in_the_presidium_9_september_1917_over_http() -> None:
    secretary = make_user("secretary")
    api = Api(Client(headers={"authorization": f"Bearer {create_token(secretary, 'e2e')[1]}"}))

    org = api("post", "/organisations", {"name": "Petrograd", "at": "1917-03-01T12:00:00Z"}, 201)
    council = api(
        "post",
        f"/organisations/{org['id']}/councils",
        {"name": "Petrograd Soviet", "at": "1917-03-01T12:00:00Z"},
        201,
    )["id"]
    api("post", f"/councils/{council}/representation-rule", {"per": 10, "at": MARCH}, 201)
    districts = {
        group: api(
            "post",
            f"/councils/{council}/constituencies",
            {"name": f"{group} district", "at": MARCH},
            201,
        )["id"]
        for group in STRENGTHS
    }
    imported = api(
        "post", f"/councils/{council}/roll?source=petrograd.csv&at={MARCH}", roll_csv(), 201
    )
    assert imported["members"] == 10 * 1000 + OUTSIDERS
    apportionment = api("post", f"/councils/{council}/apportionments", {"at": MARCH}, 201)
    assert apportionment["house_size"] == 1000
    fractions = {
        group: api("post", f"/councils/{council}/fractions", {"name": group, "at": MARCH}, 201)[
            "id"
        ]
        for group in STRENGTHS
        if group != "Non-party"
    }

    mandates: dict[str, list[int]] = {}
    members: dict[str, list[int]] = {}
    for group, n in STRENGTHS.items():
        election = api("post", f"/constituencies/{districts[group]}/elections", {"at": MARCH}, 201)
        assert election["seats"] == n
        winners = roll_of(api, districts[group], n + (OUTSIDERS if group == "Bolsheviks" else 0))
        api("post", f"/elections/{election['id']}/result", {"elected": winners[:n], "at": MARCH})
        members[group] = winners
        mandates[group] = [
            api(
                "post",
                f"/elections/{election['id']}/deputies",
                {"member": m, "fraction": fractions.get(group), "at": MARCH},
                201,
            )["id"]
            for m in winners[:n]
        ]
    composition = api("get", f"/councils/{council}/composition?at={SEPTEMBER_9}")
    assert composition["by_fraction"] == {
        "Bolsheviks": 519,
        "SRs": 250,
        "Mensheviks": 164,
        "": 67,
    }

    old = api(
        "post",
        f"/councils/{council}/organs",
        {
            "name": "Presidium",
            "kind": "presidium",
            "seat_rule": "election",
            "seats": 7,
            "elected": mandates["SRs"][:4] + mandates["Mensheviks"][:3],
            "at": MARCH,
        },
        201,
    )["id"]
    plenum = api(
        "post",
        f"/councils/{council}/organs",
        {"name": "Plenum", "kind": "plenum", "seat_rule": "election", "seats": 1, "at": MARCH},
        201,
    )["id"]
    api("post", f"/organs/{plenum}/rules", {"notice_hours": 24, "at": MARCH})
    sitting = api(
        "post",
        f"/organs/{plenum}/sessions",
        {
            "title": "Plenum of 9 September 1917",
            "starts_at": "1917-09-09T19:00:00Z",
            "at": "1917-09-07T12:00:00Z",
        },
        201,
    )
    assert sitting["regularity"] == "regular"
    s = sitting["id"]
    deputies = [m for group in STRENGTHS for m in members[group][: STRENGTHS[group]]]
    gallery = members["Bolsheviks"][519 : 519 + OUTSIDERS]
    api(
        "post",
        f"/sessions/{s}/check-in",
        {"members": deputies + gallery, "at": "1917-09-09T18:30:00Z"},
    )
    chair = members["Mensheviks"][0]
    opened = api("post", f"/sessions/{s}/open", {"chair": chair, "at": "1917-09-09T19:00:00Z"})
    assert opened["status"] == "open"
    assert opened["chair"] == chair
    item = api(
        "post",
        f"/sessions/{s}/agenda",
        {"title": "Confidence in the presidium", "at": "1917-09-09T19:05:00Z"},
        201,
    )["id"]
    docket = api(
        "post",
        f"/agenda/{item}/motions",
        {
            "kind": "procedural",
            "procedural": "no-confidence",
            "text": "The Soviet has no confidence in its presidium.",
            "mover": members["Bolsheviks"][0],
            "at": "1917-09-09T19:10:00Z",
        },
        201,
    )
    key = docket["next"]
    assert key is not None
    vote = api(
        "post",
        f"/agenda/{item}/votes",
        {"motion": key, "method": "roll call", "at": "1917-09-09T20:00:00Z"},
        201,
    )
    sheet = {str(m): "for" for m in members["Bolsheviks"][:519]}
    sheet |= {str(m): "against" for m in members["SRs"] + members["Mensheviks"]}
    sheet |= {str(m): "abstain" for m in members["Non-party"]}
    assert (
        api(
            "post",
            f"/votes/{vote['id']}/roll-call",
            {"sheet": sheet, "at": "1917-09-09T21:00:00Z"},
            201,
        )["recorded"]
        == 1000
    )
    closed = api("post", f"/votes/{vote['id']}/close", {"at": "1917-09-09T21:05:00Z"})
    assert (closed["for_votes"], closed["against"], closed["abstain"]) == (519, 414, 67)
    assert (closed["present"], closed["seated"]) == (1000, 1000)
    assert closed["outcome"] == "carried"

    # The presidium resigned: none of its seats is held any more.
    seats = api("get", f"/organs/{old}/composition?at={AFTER}")["seats"]
    assert seats == []
    new = api(
        "post",
        f"/presidium-reformations/{closed['reformation']}",
        {"name": "Presidium (9 September)", "at": "1917-09-09T22:00:00Z"},
        201,
    )
    assert new["allotment"]["taken"] == {"Bolsheviks": 4, "SRs": 2, "Mensheviks": 1}
    assert len(api("get", f"/organs/{new['id']}/composition?at={AFTER}")["seats"]) == 7
    api("post", f"/sessions/{s}/close", {"at": "1917-09-09T23:00:00Z"})

    text = api("get", f"/sessions/{s}/minutes").decode()
    for needle in (
        "Plenum of 9 September 1917",
        "1000 of 1000 deputies",
        f"{OUTSIDERS} observer(s)",
        "| 519 | 414 | 67 | 1000 | 1000 | CARRIED |",
        "| Bolsheviks | 519 | 0 | 0 |",
        "| SRs | 0 | 250 | 0 |",
        "| Mensheviks | 0 | 164 | 0 |",
        "| no fraction | 0 | 0 | 67 |",
        "No confidence carried: the Presidium (7 seats) resigned",
        "| Bolsheviks | 519 | 4 |",
        "| SRs | 250 | 2 |",
        "| Mensheviks | 164 | 1 |",
    ):
        assert needle in text, needle
    pdf = api("get", f"/sessions/{s}/minutes?format=pdf")
    assert pdf.startswith(b"%PDF")
    pdf_text = " ".join(p.extract_text() for p in PdfReader(BytesIO(pdf)).pages)
    for needle in ("Plenum of 9 September 1917", "519", "414", "CARRIED"):
        assert needle in pdf_text
    verdict = api("get", "/journal/verify")
    assert verdict["intact"] is True
    assert verdict["entries"] > 1000
