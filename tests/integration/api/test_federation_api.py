"""The federation over HTTP: a congress of two local councils convened on demand, its
delegates elected, credentialed, one recalled and replaced; the central executive elected;
a commissar appointed and removed; directives issued, countersigned, vetoed, countermanded,
and exported as signed files that ``smolny directive verify`` accepts (and refuses once
altered).

The local councils (rolls, deputies) are made through the actions, as the federation tests
make them; every federation step after that goes through the API as a secretary. Figures
expected are worked out in the comments from the rules, not copied from answers.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from smolny.api.auth import create_token
from smolny.api.common import OCCURRED_AT
from smolny.cli import main
from smolny.councils import actions
from smolny.councils.models import Mandate
from smolny.federation.models import Directive
from tests.integration.api.conftest import call, journal_length, make_user
from tests.integration.federation.conftest import SYS, Local, d, local_council

pytestmark = pytest.mark.django_db


def t(when: datetime) -> str:
    return when.isoformat().replace("+00:00", "Z")


class Api:
    """A token client that checks each answer's status and returns its JSON."""

    def __init__(self, client: Client) -> None:
        self.client = client

    def __call__(self, method: str, path: str, body: Any = None, status: int = 200) -> Any:
        # The federation's history is entered as past events: the time goes in the header
        # (a live request may not choose it), and the secretary is also the recorder.
        extra = {}
        if isinstance(body, dict) and "at" in body:
            body = dict(body)
            extra[f"HTTP_{OCCURRED_AT.upper().replace('-', '_')}"] = body.pop("at")
        response = call(self.client, method, path, body, **extra)
        assert response.status_code == status, (path, response.status_code, response.content)
        if response["Content-Type"].startswith("application/json"):
            return response.json()
        return response.content


def secretary_and_observer(org_id: int) -> tuple[Api, Api]:
    from smolny.councils.models import Organisation

    admin, observer = make_user("secretary"), make_user("onlooker")
    actions.appoint_secretary(SYS, Organisation.objects.get(pk=org_id), admin, at=d(3, 1))
    actions.appoint_recorder(SYS, Organisation.objects.get(pk=org_id), admin, at=d(3, 1))
    clients = []
    for user in (admin, observer):
        key = create_token(user, "tests")[1]
        clients.append(Api(Client(headers={"authorization": f"Bearer {key}"})))
    return clients[0], clients[1]


def locals_() -> tuple[int, Local, Local]:
    """Alpha: 60 members, a deputy per 10 (6 deputies); Beta: 40 members (4 deputies)."""
    org = actions.create_organisation(SYS, "Soviets of the North-West", at=d(3, 1))
    alpha = local_council(org, "Alpha", 60, at=d(3, 1))
    beta = local_council(org, "Beta", 40, at=d(3, 1))
    return org.pk, alpha, beta


def elect(api: Api, constituency: int, members: list[int], fractions: list[int], at: str) -> Any:
    """Open the delegation's election, declare *members* elected, seat them: their mandates."""
    election = api("post", f"/api/constituencies/{constituency}/elections", {"at": at}, 201)
    api(
        "post",
        f"/api/elections/{election['id']}/result",
        {"elected": members, "at": at},
    )
    return [
        api(
            "post",
            f"/api/elections/{election['id']}/deputies",
            {"member": m, "fraction": f, "at": at},
            201,
        )
        for m, f in zip(members, fractions, strict=True)
    ]


def test_a_federation_over_http(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    org, alpha, beta = locals_()
    api, onlooker = secretary_and_observer(org)

    # -- The congress: a council of kind congress whose constituencies are Alpha and Beta.
    congress = api(
        "post",
        f"/api/organisations/{org}/councils",
        {"name": "Regional Congress", "kind": "congress", "at": t(d(3, 2))},
        201,
    )
    c = congress["id"]
    api("post", f"/api/councils/{c}/representation-rule", {"per": 20, "at": t(d(3, 2))}, 201)
    for local in (alpha, beta):
        api(
            "post",
            f"/api/councils/{c}/constituencies",
            {"name": local.council.name, "delegating_council": local.council.pk, "at": t(d(3, 2))},
            201,
        )
    listed = api("get", f"/api/congresses?organisation={org}")
    assert [(x["id"], x["convocations"], x["central_executive"]) for x in listed] == [(c, 0, None)]
    read = api("get", f"/api/congresses/{c}?at={t(d(3, 2, 13))}")
    assert read["demand_share"] == "1/3"
    assert [(m["name"], m["membership"]) for m in read["member_councils"]] == [
        ("Alpha", 60),
        ("Beta", 40),
    ]
    delegation = {m["name"]: m["constituency"] for m in read["member_councils"]}

    # -- Convocation on demand: half the membership is needed; Beta alone represents 40 of 100.
    assert api("post", f"/api/congresses/{c}/settings", {"demand_share": "1/2"}) == {
        "congress": c,
        "demand_share": "1/2",
    }
    api("post", f"/api/congresses/{c}/demands", {"council": beta.council.pk, "at": t(d(3, 3))}, 201)
    before = journal_length()
    refused = api("post", f"/api/congresses/{c}/convocations", {"at": t(d(3, 4))}, 409)
    assert "represent 40 of 100 members; 1/2 is needed" in refused["detail"]
    assert journal_length() == before
    api(
        "post",
        f"/api/congresses/{c}/demands",
        {"council": alpha.council.pk, "decision": "minute 12", "at": t(d(3, 4))},
        201,
    )
    assert len(api("get", f"/api/congresses/{c}")["demands_outstanding"]) == 2
    convocation = api("post", f"/api/congresses/{c}/convocations", {"at": t(d(3, 5))}, 201)
    assert convocation["number"] == 1
    assert convocation["convened_by"] == "demand of member councils"
    assert convocation["demand"]["membership"] == 100
    # One delegate per 20 members represented: Alpha 60 // 20 = 3, Beta 40 // 20 = 2.
    assert {(s["council"], s["membership"], s["seats"]) for s in convocation["delegations"]} == {
        ("Alpha", 60, 3),
        ("Beta", 40, 2),
    }
    assert api("get", f"/api/congresses/{c}")["demands_outstanding"] == []
    outstanding = api("get", f"/api/congresses/{c}?at={t(d(3, 4, 18))}")["demands_outstanding"]
    assert [x["council_name"] for x in outstanding] == ["Beta", "Alpha"]
    assert {x["convocation"] for x in outstanding} == {convocation["id"]}
    cv = convocation["id"]

    # -- The member councils elect delegates from their deputies; the congress seats them.
    fractions = {
        name: api("post", f"/api/councils/{c}/fractions", {"name": name, "at": t(d(3, 5))}, 201)[
            "id"
        ]
        for name in ("Bolsheviks", "SRs")
    }
    b, s = fractions["Bolsheviks"], fractions["SRs"]
    a_members = [m.member_id for m in alpha.deputies]
    b_members = [m.member_id for m in beta.deputies]
    sent_a = elect(api, delegation["Alpha"], a_members[:3], [b, b, s], t(d(3, 6)))
    sent_b = elect(api, delegation["Beta"], b_members[:2], [b, s], t(d(3, 6)))
    # Beta's second delegate resigns the Beta mandate before the credentials step.
    resigning = Mandate.objects.get(council=beta.council, member_id=b_members[1])
    api("post", f"/api/mandates/{resigning.pk}/resign", {"at": t(d(3, 7))})

    found = api("post", f"/api/convocations/{cv}/credentials", {"at": t(d(3, 8))}, 201)
    assert len(found) == 5
    refused_ids = [f["mandate"] for f in found if not f["accepted"]]
    assert refused_ids == [sent_b[1]["id"]]
    read = api("get", f"/api/convocations/{cv}")
    by_mandate = {x["mandate"]: x for x in read["delegates"]}
    assert (
        "holds no mandate in the delegating council"
        in (by_mandate[sent_b[1]["id"]]["credentials"]["reason"])
    )
    assert by_mandate[sent_a[0]["id"]]["credentials"]["accepted"] is True
    assert read["credentials_checked_at"] == "1917-03-08T12:00:00Z"

    nominees = {"Bolsheviks": [sent_a[0]["id"], sent_b[0]["id"]], "SRs": [sent_a[2]["id"]]}
    executive_in = {"name": "Regional Executive", "seats": 3, "nominees": nominees}
    refused = api(
        "post",
        f"/api/convocations/{cv}/central-executive",
        {**executive_in, "at": t(d(3, 9))},
        409,
    )
    assert "without accepted credentials" in refused["detail"]

    # -- Beta recalls its delegate; the by-election it opens elects a current Beta deputy.
    recalled = api(
        "post",
        f"/api/mandates/{sent_b[1]['id']}/delegating-recall",
        {"decision": "resigned from Beta", "at": t(d(3, 9))},
    )
    assert recalled["end_reason"] == "recalled by delegating body"
    (beta_row,) = [
        m for m in api("get", f"/api/congresses/{c}")["member_councils"] if m["name"] == "Beta"
    ]
    (by_election,) = beta_row["open_elections"]
    api(
        "post",
        f"/api/elections/{by_election}/result",
        {"elected": [b_members[2]], "at": t(d(3, 10))},
    )
    replacement = api(
        "post",
        f"/api/elections/{by_election}/deputies",
        {"member": b_members[2], "fraction": s, "at": t(d(3, 10))},
        201,
    )
    (finding,) = api("post", f"/api/convocations/{cv}/credentials", {"at": t(d(3, 11))}, 201)
    assert (finding["mandate"], finding["accepted"]) == (replacement["id"], True)

    # -- The central executive, 3 seats by Sainte-Laguë over Bolsheviks 3, SRs 2: quotients
    # 3 (B), 2 (S), 1 (B), then 0.67 (S) -> Bolsheviks 2, SRs 1.
    assert onlooker("post", f"/api/convocations/{cv}/central-executive", executive_in, 403)
    executive = api(
        "post",
        f"/api/convocations/{cv}/central-executive",
        {**executive_in, "at": t(d(3, 12))},
        201,
    )
    assert executive["allotment"]["entitled"] == {"Bolsheviks": 2, "SRs": 1}
    assert executive["seat_rule"] == "proportional"
    assert executive["convocation_number"] == 1
    ce = executive["organ"]
    in_office = api("get", f"/api/congresses/{c}/central-executive")
    assert in_office["organ"] == ce
    holders = {seat["mandate"] for seat in in_office["composition"]["seats"]}
    assert holders == {sent_a[0]["id"], sent_b[0]["id"], sent_a[2]["id"]}
    api("get", f"/api/congresses/{c}/central-executive?at={t(d(3, 11))}", status=404)

    # -- The commissariat, answerable to the central executive (3 seats held).
    sovnarkom = api(
        "post",
        "/api/commissariats",
        {"name": "Council of Commissars", "appointed_by": f"organ:{ce}", "at": t(d(3, 13))},
        201,
    )
    k = sovnarkom["id"]
    commissar = alpha.deputies[3].member_id
    made = api(
        "post",
        f"/api/commissariats/{k}/appointments",
        {
            "member": commissar,
            "portfolio": "Labour",
            "tally": {"votes_for": 2, "votes_against": 1},
            "at": t(d(3, 14)),
        },
        201,
    )
    assert made["decision"]["outcome"] == "carried"
    assert made["decision"]["seated"] == 3
    assert made["decision"]["body"] == f"organ:{ce}"
    appointment = made["appointment"]["id"]
    lost = api(
        "post",
        f"/api/commissariats/{k}/appointments",
        {
            "member": alpha.deputies[4].member_id,
            "portfolio": "Food",
            "tally": {"votes_for": 1, "votes_against": 1},
            "at": t(d(3, 14)),
        },
        201,
    )
    assert (lost["decision"]["outcome"], lost["appointment"]) == ("tied — lost", None)
    # Removal by an absolute majority of the members seated (more than 3/2): 1 of 3 with
    # one against fails; 2 of 3 carries.
    absolute = {"majority": "absolute", "base": "members seated"}
    kept = api(
        "post",
        f"/api/commissariats/appointments/{appointment}/removal",
        {"tally": {"votes_for": 1, "votes_against": 0}, "rule": absolute, "at": t(d(3, 15))},
        201,
    )
    assert kept["decision"]["outcome"] == "lost"
    assert kept["appointment"]["end"] is None
    removed = api(
        "post",
        f"/api/commissariats/appointments/{appointment}/removal",
        {"tally": {"votes_for": 2, "votes_against": 1}, "rule": absolute, "at": t(d(3, 16))},
        201,
    )
    assert removed["decision"]["outcome"] == "carried"
    assert removed["appointment"]["end"] == "1917-03-16T12:00:00Z"
    during = api("get", f"/api/commissariats/{k}?at={t(d(3, 15))}")
    assert [p["portfolio"] for p in during["posts"]] == ["Labour"]
    assert during["answerable_to"] == f"organ:{ce}"
    now = api("get", f"/api/commissariats/{k}")
    assert now["posts"] == []
    assert [(h["portfolio"], h["removed_by"]) for h in now["history"]] == [
        ("Labour", removed["decision"]["id"])
    ]

    # -- Directives. A regiment under Alpha's executive, whose countersignature it needs.
    alpha_exec = api(
        "post",
        f"/api/councils/{alpha.council.pk}/organs",
        {
            "name": "Alpha Executive",
            "kind": "executive committee",
            "seat_rule": "election",
            "seats": 1,
            "at": t(d(3, 2)),
        },
        201,
    )["id"]
    regiment = api(
        "post",
        "/api/authority/units",
        {"organisation": org, "name": "Alpha Regiment", "at": t(d(3, 2))},
        201,
    )
    api(
        "post",
        "/api/authority/subordinations",
        {"unit": regiment["ref"], "body": f"organ:{alpha_exec}", "at": t(d(3, 2))},
        201,
    )
    api(
        "post",
        "/api/authority/rules",
        {"kind": "countersignature", "body": f"organ:{alpha_exec}", "at": t(d(3, 2))},
        201,
    )
    for organ in (ce, alpha_exec):
        api("post", f"/api/organs/{organ}/keys", {"at": t(d(3, 12))}, 201)
    order = api(
        "post",
        "/api/directives",
        {
            "issuer": ce,
            "text": "Elect company committees.",
            "domain": "military",
            "addressees": [regiment["ref"], f"council:{beta.council.pk}"],
            "at": t(d(3, 20)),
        },
        201,
    )
    o = order["id"]
    standing = {s["addressee"]: s for s in order["standings"]}
    assert standing[regiment["ref"]]["status"] == "awaiting countersignature"
    assert f"organ:{alpha_exec}" in standing[regiment["ref"]]["reason"]
    assert standing[f"council:{beta.council.pk}"]["status"] == "binding"
    assert order["verification"]["authentic"] is True
    listed = api("get", f"/api/directives?organisation={org}")
    assert [(x["id"], x["status"]) for x in listed] == [
        (o, f"{regiment['ref']}: awaiting countersignature; council:{beta.council.pk}: binding")
    ]

    signed = api(
        "post",
        f"/api/directives/{o}/countersignatures",
        {"organ": alpha_exec, "at": t(d(3, 21))},
        201,
    )
    assert (signed["kind"], signed["body"]) == ("countersignature", f"organ:{alpha_exec}")
    after = api("get", f"/api/directives/{o}")
    assert {s["status"] for s in after["standings"]} == {"binding"}
    assert after["verification"]["countersigned_by"] == [f"organ:{alpha_exec}"]
    earlier = api("get", f"/api/directives/{o}?at={t(d(3, 20, 18))}")
    assert earlier["standings"][0]["status"] == "awaiting countersignature"

    # -- The export is the CLI's file, and verifies offline against the pinned root.
    exported = api("get", f"/api/directives/{o}/export")
    assert isinstance(exported, dict)
    response = call(api.client, "get", f"/api/directives/{o}/export")
    assert main(["directive", "export", str(o)]) == 0
    assert response.content == capsys.readouterr().out.encode("utf-8")
    root = api("get", f"/api/authority/{org}")["root_key"]["public_key"]
    good = tmp_path / "order.json"
    good.write_bytes(response.content)
    assert main(["directive", "verify", str(good), "--trust", root]) == 0
    assert "authentic: directive" in capsys.readouterr().out
    data = json.loads(response.content)
    data["directive"]["text"] = "Obey the officers."
    bad = tmp_path / "altered.json"
    bad.write_text(json.dumps(data))
    assert main(["directive", "verify", str(bad), "--trust", root]) == 1
    assert "directive.text: altered after signing" in capsys.readouterr().err

    # -- The issuer withdraws it: countermanded for every addressee.
    api(
        "post",
        f"/api/directives/{o}/countermands",
        {"body": f"organ:{ce}", "note": "superseded", "at": t(d(3, 22))},
        201,
    )
    withdrawn = api("get", f"/api/directives/{o}")
    assert {s["status"] for s in withdrawn["standings"]} == {"countermanded"}
    assert "withdrawn by its issuer" in withdrawn["standings"][0]["reason"]
    assert api("get", f"/api/directives?organisation={org}")[0]["status"] == "countermanded"

    # -- A veto: Alpha's executive may veto the central executive's military directives.
    grant = api(
        "post",
        "/api/authority/veto-grants",
        {
            "holder": f"organ:{alpha_exec}",
            "issuers": [f"organ:{ce}"],
            "domains": ["military"],
            "at": t(d(3, 23)),
        },
        201,
    )
    second = api(
        "post",
        "/api/directives",
        {
            "issuer": ce,
            "text": "Send two companies to the front.",
            "domain": "military",
            "addressees": [f"council:{beta.council.pk}"],
            "at": t(d(3, 24)),
        },
        201,
    )
    assert second["standings"][0]["status"] == "binding"
    api(
        "post",
        f"/api/directives/{second['id']}/vetoes",
        {"holder": f"organ:{alpha_exec}", "at": t(d(3, 25))},
        201,
    )
    assert api("get", f"/api/directives/{second['id']}")["standings"][0]["status"] == "vetoed"
    api(
        "post",
        f"/api/authority/veto-grants/{grant['id']}/withdraw",
        {"at": t(d(3, 26))},
    )
    assert api("get", f"/api/directives/{second['id']}")["standings"][0]["status"] == "binding"
    vetoed_then = api("get", f"/api/directives/{second['id']}?at={t(d(3, 25, 18))}")
    assert vetoed_then["standings"][0]["status"] == "vetoed"

    # -- A stored file altered behind the API's back is reported, not trusted.
    row = Directive.objects.get(pk=second["id"])
    Directive.objects.filter(pk=row.pk).update(
        document=row.document.replace("two companies", "ten companies")
    )
    forged = api("get", f"/api/directives/{second['id']}")
    assert forged["verification"]["authentic"] is False
    assert forged["standings"][0]["status"] == "not authentic"

    # -- Keys: rotating the central executive's key closes the old one's window.
    rotated = api("post", f"/api/organs/{ce}/keys", {"at": t(d(4, 1))}, 201)
    keys = api("get", f"/api/organs/{ce}/keys")
    assert [k["end"] for k in keys] == ["1917-04-01T12:00:00Z", None]
    assert keys[1]["key_id"] == rotated["key_id"]

    # -- Every change is in the journal, and the chain holds.
    assert api("get", "/api/journal/verify")["intact"] is True


def test_bad_requests_are_refused_and_write_nothing() -> None:
    """Unknown ids 404, unusable fields 422 naming the field, refusals of the rules 409; the
    journal keeps its length through all of them."""
    org, alpha, _ = locals_()
    api, onlooker = secretary_and_observer(org)
    organ = actions.form_organ(
        SYS,
        alpha.council,
        "Alpha Executive",
        kind="executive committee",
        seat_rule="election",
        seats=1,
        at=d(3, 2),
    )
    before = journal_length()
    huge = 2**63
    # A council that is not a congress is no congress; ids beyond any column are unknown.
    for path in (
        f"/api/congresses/{alpha.council.pk}",
        f"/api/congresses/{huge}",
        f"/api/convocations/{huge}",
        f"/api/commissariats/{huge}",
        f"/api/commissariats/appointments/{huge}",
        f"/api/directives/{huge}",
        f"/api/directives/{huge}/export",
        f"/api/organs/{huge}/keys",
        f"/api/authority/{huge}",
    ):
        assert "detail" in api("get", path, status=404), path
    assert api("get", f"/api/congresses?organisation={huge}", status=422)
    assert api("post", f"/api/congresses/{huge}/convocations", {}, 404)
    assert api("post", f"/api/congresses/{alpha.council.pk}/demands", {"council": 1}, 404)

    def field_of(path: str, body: Any, status: int = 422) -> Any:
        answer = api("post", path, body, status)
        return answer.get("field") or answer["detail"]

    fixed = {"issuer": organ.pk, "text": "Stand firm.", "domain": "military"}
    assert field_of("/api/directives", {**fixed, "addressees": ["regiment:1"]})
    assert field_of("/api/directives", {**fixed, "addressees": ["unit:99999"]}) == "addressees.0"
    assert field_of("/api/directives", {**fixed, "addressees": []})
    assert field_of("/api/directives", {**fixed, "issuer": "1", "addressees": ["unit:1"]})
    assert field_of("/api/directives", {**fixed, "addressees": ["unit:1"], "signed": True})
    assert journal_length() == before
    # Bodies are named as the rules name them; a unit takes no acts.
    unit = api("post", "/api/authority/units", {"organisation": org, "name": "Guards"}, 201)
    before = journal_length()
    assert field_of("/api/authority/veto-grants", {"holder": "organ:0"})
    assert field_of("/api/authority/rules", {"kind": "rank", "body": f"organ:{organ.pk}"})
    assert field_of("/api/authority/rules", {"kind": "precedence", "body": "organ:x"})
    # No key yet: the directive cannot be signed (409), and nothing is half-written.
    refused = api("post", "/api/directives", {**fixed, "addressees": [unit["ref"]]}, 409)
    assert "has no key in force" in refused["detail"]
    assert Directive.objects.count() == 0

    commissariat_in = {"name": "Commissars", "appointed_by": f"council:{alpha.council.pk}"}
    assert "not a congress" in api("post", "/api/commissariats", commissariat_in, 409)["detail"]
    assert field_of("/api/commissariats", {**commissariat_in, "appointed_by": unit["ref"]}) == (
        "appointed_by"
    )
    assert journal_length() == before

    # A congress and its convocation, to refuse bad decisions and elections on.
    congress = actions.create_council(
        SYS, alpha.council.organisation, "Congress", kind="congress", at=d(3, 2)
    )
    actions.set_representation_rule(SYS, congress, per=20, minimum=1, at=d(3, 2))
    actions.create_constituency(
        SYS, congress, "Alpha", delegating_council=alpha.council, at=d(3, 2)
    )
    commissariat = api(
        "post",
        "/api/commissariats",
        {"name": "Commissars", "appointed_by": f"council:{congress.pk}"},
        201,
    )
    before = journal_length()
    appoint = f"/api/commissariats/{commissariat['id']}/appointments"
    member = alpha.deputies[0].member_id
    tally = {"votes_for": 2, "votes_against": 1, "seated": 3}
    assert field_of(appoint, {"member": member, "portfolio": "War"}) == "tally"
    assert field_of(appoint, {"member": member, "portfolio": "War", "tally": tally, "vote": 1})
    assert (
        field_of(appoint, {"member": member, "portfolio": "War", "tally": {**tally, "seated": 1}})
        == "tally"
    )
    assert (
        field_of(
            appoint,
            {
                "member": member,
                "portfolio": "War",
                "tally": tally,
                "rule": {"majority": "simple", "base": "members seated"},
            },
        )
        == "rule"
    )
    assert (
        field_of(
            appoint,
            {"member": member, "portfolio": "War", "tally": tally, "rule": {"quorum": "1/0"}},
        )
        == "rule.quorum"
    )
    # Found by schemathesis: a casting vote under a rule that gives the chair none was a 500.
    casting = {"votes_for": 1, "votes_against": 1, "seated": 3, "casting": "for"}
    refused = api("post", appoint, {"member": member, "portfolio": "War", "tally": casting}, 422)
    assert "gives the chair no casting vote" in refused["detail"]
    assert api("post", appoint, {"member": huge, "portfolio": "War", "tally": tally}, 404)
    assert api(
        "post",
        appoint,
        {"member": member, "portfolio": "War", "tally": tally, "vote": None, "extra": 1},
        422,
    )
    assert onlooker("post", appoint, {"member": member, "portfolio": "War", "tally": tally}, 403)
    assert journal_length() == before

    convene = f"/api/congresses/{congress.pk}/convocations"
    assert "represent 0 of 60" in api("post", convene, {}, 409)["detail"]
    assert api("post", convene, {"by": organ.pk}, 409)["detail"].endswith(
        "is not the central executive of Congress"
    )
    assert field_of(f"/api/congresses/{congress.pk}/settings", {"demand_share": "3/2"})
    assert field_of(f"/api/congresses/{congress.pk}/settings", {"demand_share": "one half"})
    assert journal_length() == before


def test_a_central_executive_elected_by_stv() -> None:
    """Five delegates' ballots counted by Scottish STV for two seats: quota floor(5/3)+1 = 2."""
    from smolny.federation import actions as fed
    from tests.integration.federation.conftest import delegation, elect_delegates

    org, alpha, beta = locals_()
    api, _ = secretary_and_observer(org)
    congress = actions.create_council(
        SYS, alpha.council.organisation, "Congress", kind="congress", at=d(3, 2)
    )
    actions.set_representation_rule(SYS, congress, per=20, minimum=1, at=d(3, 2))
    for local in (alpha, beta):
        actions.create_constituency(
            SYS, congress, local.council.name, delegating_council=local.council, at=d(3, 2)
        )
    fed.demand_convocation(SYS, congress, alpha.council, at=d(3, 3))
    convocation = fed.convene_congress(SYS, congress, at=d(3, 4))
    sent = []
    for local in (alpha, beta):
        sent += elect_delegates(
            delegation(congress, local.council), [m.member for m in local.deputies], at=d(3, 5)
        )
    ids = [m.member.external_id for m in sent]
    path = f"/api/convocations/{convocation.pk}/central-executive"
    stv = {"name": "Presidium", "seats": 2, "seat_rule": "stv", "at": t(d(3, 7))}
    ballots = [{"count": 3, "ranking": [ids[0], ids[1]]}, {"count": 2, "ranking": [ids[4]]}]
    before = journal_length()
    unchecked = api("post", path, {**stv, "ballots": ballots}, 409)
    assert "credentials" in unchecked["detail"]
    fed.check_credentials(SYS, convocation, at=d(3, 6))
    before = journal_length()
    twice = api("post", path, {**stv, "ballots": [{"ranking": [ids[0], ids[0]]}]}, 422)
    assert twice["field"] == "ballots.0.ranking"
    assert api("post", path, {**stv, "seat_rule": "proportional", "ballots": ballots}, 422)
    assert api("post", path, {**stv}, 422)["field"] == "ballots"
    stranger = api("post", path, {**stv, "ballots": [{"ranking": ["Alpha-0060"]}]}, 409)
    assert "not delegates: Alpha-0060" in stranger["detail"]
    assert journal_length() == before

    elected = api("post", path, {**stv, "ballots": ballots, "candidates": ids}, 201)
    assert elected["seat_rule"] == "stv"
    assert elected["count"]["method"] == "scottish-stv"
    assert sorted(elected["count"]["elected"]) == sorted([ids[0], ids[4]])
    held = {s["mandate"] for s in elected["composition"]["seats"]}
    assert held == {sent[0].pk, sent[4].pk}
    assert (
        api("get", f"/api/congresses/{congress.pk}/central-executive")["count"]
        == (elected["count"])
    )
