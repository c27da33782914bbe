"""Item 7 of issue 17: any account read every organisation's records. Now a stranger to an
organisation (a member of another one) gets 404 for its records, in pages and API alike,
unless the organisation keeps a public record."""

from __future__ import annotations

import pytest
from django.test import Client

from smolny.councils import actions
from smolny.councils.models import Member, Organisation, RecallPetition, Vote
from smolny.federation import actions as fed
from smolny.rules.majority import Tally
from tests.integration.api.conftest import SYS, World
from tests.integration.api.federation_routes import directive, executive
from tests.integration.councils.conftest import d

pytestmark = pytest.mark.django_db


def stranger(world: World) -> Client:
    """The outsider, secretary of an organisation of their own (B), signed in to the pages."""
    actions.create_organisation(world.users["outsider"], "Organisation B")
    client = Client()
    client.force_login(world.users["outsider"])
    return client


def api_reads(world: World) -> list[str]:
    member = Member.objects.filter(organisation_id=world.organisation_id).first()
    assert member is not None
    reads = [
        f"/api/organisations/{world.organisation_id}",
        f"/api/organisations/{world.organisation_id}/councils",
        f"/api/councils/{world.council_id}",
        f"/api/councils/{world.council_id}/composition",
        f"/api/members/{member.pk}",
        f"/api/sessions/{world.sitting.pk}",
        f"/api/sessions/{world.sitting.pk}/agenda",
        f"/api/organs/{world.plenum.pk}",
        f"/api/recall/petitions/{world.petition.pk}",
        f"/api/elections/{world.open_election.pk}",
    ]
    vote = Vote.objects.filter(item__session__organ__council=world.council_id).first()
    if vote is not None:
        reads.append(f"/api/votes/{vote.pk}")
    return reads


def test_a_member_of_another_organisation_reads_nothing_of_it(world: World) -> None:
    pages = api = stranger(world)
    for url in api_reads(world):
        assert api.get(url).status_code == 404, url
        assert world.client("admin").get(url).status_code == 200, url
    for url in (
        f"/o/{world.organisation_id}/",
        f"/o/{world.organisation_id}/journal/",
        f"/sessions/{world.sitting.pk}/minutes",
    ):
        assert pages.get(url).status_code == 404, url
    listed = [o["id"] for o in api.get("/api/organisations").json()]
    assert world.organisation_id not in listed
    assert len(listed) == 1  # B, its own
    entries = api.get(f"/api/journal?organisation={world.organisation_id}").json()
    assert entries == []
    assert world.client("member").get(f"/api/journal?organisation={world.organisation_id}").json()


def test_a_public_record_stays_readable(world: World) -> None:
    Organisation.objects.filter(pk=world.organisation_id).update(public_record=True)
    api = stranger(world)
    for url in api_reads(world):
        # A member's own record stays for secretaries (403), public record or not.
        expected = 403 if url.startswith("/api/members/") else 200
        assert api.get(url).status_code == expected, url
    assert Client().get(f"/o/{world.organisation_id}/journal/").status_code == 200


def test_petition_signers_only_for_secretaries_count_for_readers(world: World) -> None:
    petition = RecallPetition.objects.get(pk=world.petition.pk)
    answer = world.client("member").get(f"/api/recall/petitions/{petition.pk}").json()
    assert isinstance(answer["signatures"], int)
    assert not any(k in answer for k in ("signers", "signed_by", "members"))
    from smolny.web.access import may_see_signers

    org = Organisation.objects.get(pk=world.organisation_id)
    assert may_see_signers(world.users["admin"], org)
    assert not may_see_signers(world.users["member"], org)
    assert not may_see_signers(world.users["outsider"], org)


def test_the_journal_names_a_signer_to_secretaries_only(world: World) -> None:
    signer = Member.objects.filter(organisation_id=world.organisation_id).order_by("pk")[12]
    actions.sign_recall_petition(actions.SYSTEM, world.petition, signer)
    url = f"/api/journal?organisation={world.organisation_id}"

    def signing(role: str) -> dict[str, object]:
        entries = world.client(role).get(url).json()
        found = [e["payload"] for e in entries if e["action"] == "sign_recall_petition"]
        assert len(found) == 1
        return found[0]  # type: ignore[no-any-return]

    full = signing("admin")
    assert full["member"] == signer.external_id
    for role in ("member", "deputy", "chair"):
        seen = signing(role)
        assert seen["member"] != signer.external_id
        assert seen["petition"] == world.petition.pk  # the petition and the count stay
        assert seen["signatures"] == full["signatures"]
    page = Client()
    page.force_login(world.users["member"])
    text = page.get(f"/o/{world.organisation_id}/journal/").content.decode()
    assert "sign_recall_petition" in text
    assert signer.external_id not in text
    secretary = Client()
    secretary.force_login(world.users["admin"])
    assert (
        signer.external_id in secretary.get(f"/o/{world.organisation_id}/journal/").content.decode()
    )


def test_a_stranger_cannot_follow_the_organisations_channels(world: World) -> None:
    """The stream view's rule (it runs in a worker thread, which the test database's
    transaction cannot share, so the rule is called here as the view calls it)."""
    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory

    from smolny.web.live import _may_read

    stranger(world)
    channels = [
        f"organisation:{world.organisation_id}",
        f"council:{world.council_id}",
        f"organ:{world.plenum.pk}",
    ]

    def may(user: object, channel: str) -> bool:
        request = RequestFactory().get(f"/live/{channel}")
        request.user = user  # type: ignore[assignment]
        return _may_read(request, channel)

    for channel in channels:
        assert may(world.users["member"], channel), channel
        assert not may(world.users["outsider"], channel), channel
        assert not may(AnonymousUser(), channel), channel
    Organisation.objects.filter(pk=world.organisation_id).update(public_record=True)
    for channel in channels:
        assert may(AnonymousUser(), channel), channel


def federation_reads(world: World) -> list[str]:
    """One read of each federation record of the world's organisation (API, then pages)."""
    cec = executive(world)  # a congress convened, its delegates credentialed, its CEC
    convocation = cec.convocation
    commissariat = fed.create_commissariat(
        SYS, "Council of People's Commissars", appointed_by=convocation.congress, at=d(5, 7)
    )
    _, appointed = fed.appoint_commissar(
        SYS, commissariat, world.narva(5), "Labour", tally=Tally(2, 1, seated=3), at=d(5, 8)
    )
    assert appointed is not None
    made = directive(world)
    return [
        f"/api/congresses/{convocation.congress_id}",
        f"/api/congresses/{convocation.congress_id}/central-executive",
        f"/api/convocations/{convocation.pk}",
        f"/api/commissariats/{appointed.commissariat_id}",
        f"/api/commissariats/appointments/{appointed.pk}",
        f"/api/authority/{world.organisation_id}",
        f"/api/directives/{made.pk}",
        f"/api/directives/{made.pk}/export",
        f"/o/{world.organisation_id}/congresses/",
        f"/o/{world.organisation_id}/congresses/{convocation.congress_id}/",
        f"/o/{world.organisation_id}/directives/",
        f"/o/{world.organisation_id}/directives/{made.pk}/",
        f"/o/{world.organisation_id}/directives/{made.pk}/signed",
    ]


def test_the_federation_records_follow_the_organisations_privacy(world: World) -> None:
    """Congresses, convocations, the central executive, commissariats and their commissars,
    authority rules and directives, through the API and the pages: 404 to a stranger, and the
    lists leave them out; read by a member and a secretary; read by anyone once the
    organisation keeps a public record."""
    reads = federation_reads(world)
    outsider = stranger(world)
    member, secretary = Client(), Client()
    member.force_login(world.users["member"])
    secretary.force_login(world.users["admin"])
    for url in reads:
        assert outsider.get(url).status_code == 404, url
        assert member.get(url).status_code == 200, url
        assert secretary.get(url).status_code == 200, url
    for listing in ("/api/congresses", "/api/commissariats", "/api/directives"):
        assert outsider.get(listing).json() == [], listing
        assert outsider.get(f"{listing}?organisation={world.organisation_id}").json() == []
        assert world.client("member").get(listing).json(), listing
    # A record of the organisation never comes through another organisation's pages.
    other = Organisation.objects.get(name="Organisation B").pk
    made = reads[6].rsplit("/", 1)[1]
    assert outsider.get(f"/o/{other}/directives/{made}/").status_code == 404

    Organisation.objects.filter(pk=world.organisation_id).update(public_record=True)
    for url in reads:
        assert outsider.get(url).status_code == 200, url
    assert outsider.get("/api/directives").json()
