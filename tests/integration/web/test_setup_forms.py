"""The secretary's setup forms after the roll, through Django's test client: apportioning,
elections (candidates found by name, the result entered, an online poll opened, seating),
fractions and deputies' memberships, organs with their rules and seats, convening a sitting
with its notice; and the setup page's list of steps. Every bad form is answered 4xx with its
reason, and nothing is written (no model row, no journal entry)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from smolny.councils import actions
from smolny.councils.actions import founding
from smolny.councils.actions import session as session_actions
from smolny.councils.models import (
    AgendaItem,
    Candidate,
    Council,
    Election,
    ElectionWinner,
    Fraction,
    FractionMembership,
    JournalEntry,
    Mandate,
    Member,
    Organ,
    Organisation,
    OrganRules,
    OrganSeat,
    Session,
)
from smolny.notices.models import OutboxMessage
from tests.integration.web.test_accounts import verified_person

pytestmark = pytest.mark.django_db

BRANCHES = {"North quay": 20, "South quay": 10}
NAMES = ["Anna", "Boris", "Clara", "Dmitri", "Elena", "Fyodor", "Galina", "Ivan", "Katya", "Lev"]


def setup_council() -> tuple[Client, Organisation, Council]:
    """A founded organisation with a council of two branches, its roll (30 members) and one
    deputy per 10 members: North quay elects 2, South quay 1 (once apportioned)."""
    yana = verified_person("yana")
    org = founding.found_organisation(yana, "Harbour Workers Federation", time_zone="UTC")
    council = actions.create_council(yana, org, "Harbour council")
    actions.create_constituencies(yana, council, list(BRANCHES))
    lines = ["member_id,name,constituency\n"]
    n = 0
    for branch, size in BRANCHES.items():
        for i in range(size):
            n += 1
            lines.append(f"H{n:03d},{NAMES[i % 10]} Dockworker{n},{branch}\n")
    actions.import_roll(yana, council, lines, source="roll.csv")
    actions.set_representation_rule(yana, council, per=10)
    client = Client()
    client.force_login(yana)
    return client, org, council


def entries() -> int:
    return JournalEntry.objects.count()


def member(name: str) -> Member:
    return Member.objects.get(name=name)


def north(council: Council) -> Any:
    return council.constituencies.get(name="North quay")


def apportion(client: Client, org: Organisation, council: Council) -> None:
    answer = client.post(reverse("setup-apportion", args=[org.pk, council.pk]))
    assert answer.status_code == 302, answer.content.decode()[:2000]


def open_north(client: Client, org: Organisation, council: Council) -> Election:
    answer = client.post(
        reverse("setup-election-open", args=[org.pk, council.pk]),
        {"constituency": north(council).pk},
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    election = Election.objects.get(constituency=north(council))
    assert answer["Location"] == reverse("setup-election", args=[org.pk, election.pk])
    return election


def nominate(client: Client, org: Organisation, election: Election, name: str) -> Any:
    return client.post(
        reverse("setup-candidate", args=[org.pk, election.pk, "nominate"]),
        {"member": member(name).pk},
    )


def test_the_steps_page_lists_what_is_done_in_order() -> None:
    client, org, council = setup_council()
    page = client.get(reverse("setup-councils", args=[org.pk]))
    assert page.status_code == 200
    steps = dict(page.context["steps"])[council]
    assert [s.title for s in steps][:5] == [
        "Constituencies",
        "The roll",
        "The representation rule",
        "Seats apportioned",
        "Elections declared",
    ]
    done = {s.title: s.done for s in steps}
    assert done["The roll"]
    assert done["The representation rule"]
    assert not done["Seats apportioned"]
    assert not done["Deputies seated"]
    assert "30 members" in page.content.decode()
    apportion(client, org, council)
    page = client.get(reverse("setup-councils", args=[org.pk]))
    steps = dict(page.context["steps"])[council]
    seats = next(s for s in steps if s.title == "Seats apportioned")
    assert seats.done
    assert seats.state == "3 seats"


def test_an_election_result_entered_by_name_and_its_deputies_seated() -> None:
    client, org, council = setup_council()
    apportion(client, org, council)
    election = open_north(client, org, council)
    assert election.seats == 2

    # Candidates are found by name: the search lists only members of this branch's roll.
    found = client.get(reverse("setup-election", args=[org.pk, election.pk]), {"q": "anna"})
    names = [m.name for m in found.context["found"]]
    assert names == ["Anna Dockworker1", "Anna Dockworker11"]
    assert "Anna Dockworker21" not in found.content.decode()  # South quay's Anna
    # With htmx the matches alone come back, for the live search.
    fragment = client.get(
        reverse("setup-election", args=[org.pk, election.pk]),
        {"q": "Boris"},
        headers={"HX-Request": "true"},
    )
    assert fragment.status_code == 200
    assert "<html" not in fragment.content.decode()
    assert "Boris Dockworker2" in fragment.content.decode()
    for name in ("Anna Dockworker1", "Boris Dockworker2", "Clara Dockworker3"):
        assert nominate(client, org, election, name).status_code == 302
    # Someone of another branch cannot stand here: the action's refusal, nothing written.
    before = entries()
    answer = nominate(client, org, election, "Anna Dockworker21")
    assert answer.status_code == 409
    assert "not on the roll of North quay" in answer.content.decode()
    assert entries() == before
    assert Candidate.objects.filter(election=election).count() == 3

    url = reverse("setup-election-result", args=[org.pk, election.pk])
    votes = {f"votes-{member(n).pk}": v for n, v in (("Anna Dockworker1", "9"),)}
    votes |= {f"votes-{member('Boris Dockworker2').pk}": "7"}
    # Votes not a number: 400, the candidate named, nothing written, the typing kept.
    answer = client.post(url, {**votes, f"votes-{member('Clara Dockworker3').pk}": "many"})
    assert answer.status_code == 400
    assert "Clara Dockworker3: give a whole number of votes." in answer.content.decode()
    assert 'value="9"' in answer.content.decode()
    # A tie for the last seat: refused, the tied named.
    answer = client.post(url, {**votes, f"votes-{member('Clara Dockworker3').pk}": "7"})
    assert answer.status_code == 400
    assert "Boris Dockworker2, Clara Dockworker3 tie for the last seat" in (answer.content.decode())
    election.refresh_from_db()
    assert election.status == Election.OPEN
    assert not ElectionWinner.objects.filter(election=election).exists()
    assert entries() == before

    answer = client.post(url, {**votes, f"votes-{member('Clara Dockworker3').pk}": "3"})
    assert answer.status_code == 302, answer.content.decode()[:2000]
    election.refresh_from_db()
    assert election.status == Election.DECLARED
    assert election.result["elected"] == ["H001", "H002"]
    assert election.result["votes"] == {
        "Anna Dockworker1": "9",
        "Boris Dockworker2": "7",
        "Clara Dockworker3": "3",
    }
    # A second declaration is the action's refusal.
    again = client.post(url, {**votes, f"votes-{member('Clara Dockworker3').pk}": "3"})
    assert again.status_code == 409

    # Seating: a fraction that is not this council's is refused; then everyone elected.
    seat = reverse("setup-election-seat", args=[org.pk, election.pk])
    answer = client.post(seat, {"all": "1", "fraction": "999999"})
    assert answer.status_code == 400
    assert "Choose a fraction of this council." in answer.content.decode()
    assert not Mandate.objects.exists()
    answer = client.post(seat, {"member": member("Clara Dockworker3").pk})
    assert answer.status_code == 409
    assert "was not declared elected" in answer.content.decode()
    answer = client.post(seat, {"all": "1"})
    assert answer.status_code == 302
    seated = Mandate.objects.filter(council=council).values_list("member__name", flat=True)
    assert sorted(seated) == ["Anna Dockworker1", "Boris Dockworker2"]
    assert JournalEntry.objects.filter(action="seat_deputy").count() == 2
    answer = client.post(seat, {"all": "1"})
    assert answer.status_code == 409
    assert "Everyone elected is seated already." in answer.content.decode()


def test_bad_election_forms_write_nothing() -> None:
    client, org, council = setup_council()
    before = entries()
    # No seats apportioned yet: the action refuses to open the election.
    answer = client.post(
        reverse("setup-election-open", args=[org.pk, council.pk]),
        {"constituency": north(council).pk},
    )
    assert answer.status_code == 409
    assert "has no seats to elect (apportion first)" in answer.content.decode()
    answer = client.post(
        reverse("setup-election-open", args=[org.pk, council.pk]), {"constituency": "x"}
    )
    assert answer.status_code == 400
    assert "Choose a constituency of this council." in answer.content.decode()
    assert not Election.objects.exists()
    assert entries() == before
    apportion(client, org, council)
    election = open_north(client, org, council)
    before = entries()
    for data in ({}, {"member": "abc"}, {"member": "99999999"}):
        answer = client.post(
            reverse("setup-candidate", args=[org.pk, election.pk, "nominate"]), data
        )
        assert answer.status_code == 400
        assert "Choose a member found by name." in answer.content.decode()
    answer = client.post(reverse("setup-election-result", args=[org.pk, election.pk]), {})
    assert answer.status_code == 400
    assert "Nominate the candidates first." in answer.content.decode()
    answer = client.post(
        reverse("setup-election-close", args=[org.pk, election.pk]), {"method": "plurality"}
    )
    assert answer.status_code == 400
    assert entries() == before
    # Another person, not a secretary: 403, nothing written.
    olga = Client()
    olga.force_login(verified_person("olga"))
    answer = olga.post(
        reverse("setup-candidate", args=[org.pk, election.pk, "nominate"]),
        {"member": member("Anna Dockworker1").pk},
    )
    assert answer.status_code == 403
    assert not Candidate.objects.exists()
    assert entries() == before


def test_an_online_poll_is_opened_with_the_candidates_fixed() -> None:
    client, org, council = setup_council()
    apportion(client, org, council)
    election = open_north(client, org, council)
    poll = reverse("setup-election-poll", args=[org.pk, election.pk])
    before = entries()
    answer = client.post(poll)
    assert answer.status_code == 409
    assert "nominate the candidates before opening the poll" in answer.content.decode()
    assert entries() == before
    for name in ("Anna Dockworker1", "Boris Dockworker2", "Clara Dockworker3"):
        assert nominate(client, org, election, name).status_code == 302
    answer = client.post(poll)
    assert answer.status_code == 302
    election.refresh_from_db()
    assert election.poll_opened_at is not None
    page = client.get(reverse("setup-election", args=[org.pk, election.pk])).content.decode()
    assert "The poll is open: 0 members have voted." in page
    assert "Nominate a member" not in page
    assert nominate(client, org, election, "Elena Dockworker5").status_code == 409


def seated_council() -> tuple[Client, Organisation, Council]:
    """The council with its three deputies seated through the actions."""
    client, org, council = setup_council()
    yana = Organisation.objects.get(pk=org.pk).roles.get().user
    actions.apportion_council(yana, council)
    for constituency in council.constituencies.order_by("name"):
        election = actions.open_election(yana, constituency)
        winners = list(constituency.members.order_by("external_id")[: election.seats])
        actions.record_election_result(yana, election, winners)
        for m in winners:
            actions.seat_deputy(yana, election, m)
    return client, org, council


def test_fractions_are_formed_and_deputies_moved_between_them() -> None:
    client, org, council = seated_council()
    url = reverse("setup-fraction", args=[org.pk, council.pk])
    before = entries()
    answer = client.post(url, {"name": "  "})
    assert answer.status_code == 400
    assert not Fraction.objects.exists()
    assert client.post(url, {"name": "Dockers' Left"}).status_code == 302
    answer = client.post(url, {"name": "Dockers' Left"})
    assert answer.status_code == 409
    assert "already" in answer.content.decode()
    assert Fraction.objects.count() == 1
    assert entries() == before + 1

    page = client.get(reverse("setup-deputies", args=[org.pk, council.pk]), {"q": "boris"})
    assert [m.member.name for m, _ in page.context["deputies"]] == ["Boris Dockworker2"]
    boris = Mandate.objects.get(member__name="Boris Dockworker2")
    move = reverse("setup-deputy-fraction", args=[org.pk, council.pk, boris.pk])
    answer = client.post(move, {"fraction": "nonsense"})
    assert answer.status_code == 400
    assert not FractionMembership.objects.exists()
    left = Fraction.objects.get()
    assert client.post(move, {"fraction": left.pk}).status_code == 302
    assert FractionMembership.objects.get(end=None).mandate == boris
    assert client.post(move, {"fraction": ""}).status_code == 302
    assert not FractionMembership.objects.filter(end=None).exists()


def test_an_organ_its_rules_seats_and_a_sitting_convened_with_its_notice() -> None:
    client, org, council = seated_council()
    form = reverse("setup-organ-form", args=[org.pk, council.pk])
    organ_data = {
        "name": "Executive committee",
        "kind": "executive committee",
        "seat_rule": "election",
        "seats": "2",
        "method": "sainte-lague",
        "refused": "vacant",
    }
    before = entries()
    answer = client.post(form, {**organ_data, "seats": "0"})
    assert answer.status_code == 400
    assert not Organ.objects.exists()
    assert entries() == before
    answer = client.post(form, organ_data)
    assert answer.status_code == 302
    organ = Organ.objects.get()
    assert OrganSeat.objects.filter(organ=organ, status=OrganSeat.VACANT).count() == 2
    assert client.post(form, organ_data).status_code == 409
    assert Organ.objects.count() == 1

    # Rules: a quorum that is no share and no number is refused, nothing written.
    rules = reverse("setup-organ-rules", args=[org.pk, organ.pk])
    good = {
        "notice_hours": "48",
        "emergency_hours": "",
        "quorum": "1/2",
        "quorum_more_than": "on",
        "majority": "simple",
        "base": "votes cast",
        "fraction": "1/2",
        "more_than": "on",
    }
    before = entries()
    for bad, says in (
        ({"quorum": "1/0"}, "Write a share such as 1/2"),
        ({"quorum": "half"}, "Write a share such as 1/2"),
        ({"notice_hours": "-1"}, "greater than or equal to 0"),
    ):
        answer = client.post(rules, {**good, **bad})
        assert answer.status_code == 400, bad
        assert says in answer.content.decode()
    assert not OrganRules.objects.exists()
    assert entries() == before
    assert client.post(rules, good).status_code == 302
    saved = OrganRules.objects.get(organ=organ)
    assert saved.notice_seconds == 48 * 3600
    assert (saved.quorum_num, saved.quorum_den, saved.quorum_more_than) == (1, 2, True)

    # A seat for a deputy found by name.
    page = client.get(reverse("setup-organ", args=[org.pk, organ.pk]), {"q": "anna"})
    assert [(m.member.name, seat) for m, seat in page.context["found"]] == [
        ("Anna Dockworker1", 1),
        ("Anna Dockworker21", 1),
    ]
    anna = page.context["found"][0][0]
    seat = reverse("setup-organ-seat", args=[org.pk, organ.pk, 1, "fill"])
    answer = client.post(seat, {"mandate": "x"})
    assert answer.status_code == 400
    assert "Choose a deputy found by name." in answer.content.decode()
    assert client.post(seat, {"mandate": anna.pk}).status_code == 302
    assert OrganSeat.objects.get(organ=organ, number=1, end=None).holder == anna
    answer = client.post(
        reverse("setup-organ-seat", args=[org.pk, organ.pk, 2, "fill"]), {"mandate": anna.pk}
    )
    assert answer.status_code == 409
    assert "holds a seat" in answer.content.decode()

    # Convening: too short a notice is the action's refusal, no sitting written.
    convene = reverse("setup-convene", args=[org.pk, organ.pk])
    soon = timezone.localtime(timezone.now() + timedelta(hours=3))
    later = timezone.localtime(timezone.now() + timedelta(days=4))
    sitting = {
        "title": "First sitting",
        "starts_at": soon.strftime("%Y-%m-%dT%H:%M"),
        "place": "Union hall, Quay Street 4",
        "agenda": "Minutes\n\nThe new wage scale\n",
    }
    before = entries()
    answer = client.post(convene, sitting)
    assert answer.status_code == 409
    assert "cannot sit at" in answer.content.decode()
    answer = client.post(convene, {**sitting, "starts_at": "tomorrow"})
    assert answer.status_code == 400
    answer = client.post(
        convene, {**sitting, "place": "", "starts_at": later.strftime("%Y-%m-%dT%H:%M")}
    )
    assert answer.status_code == 400
    assert not Session.objects.exists()
    assert entries() == before
    answer = client.post(convene, {**sitting, "starts_at": later.strftime("%Y-%m-%dT%H:%M")})
    assert answer.status_code == 302, answer.content.decode()[:3000]
    made = Session.objects.get()
    assert made.place == "Union hall, Quay Street 4"
    assert made.starts_at == later.replace(second=0, microsecond=0)
    assert list(
        AgendaItem.objects.filter(session=made).order_by("position").values_list("title", flat=True)
    ) == [
        "Minutes",
        "The new wage scale",
    ]
    page = client.get(reverse("setup-organ", args=[org.pk, organ.pk])).content.decode()
    assert "First sitting" in page


def test_the_portal_nominates_by_name_or_roll_number() -> None:
    client, org, council = setup_council()
    apportion(client, org, council)
    election = open_north(client, org, council)
    url = reverse("portal-election-nominate", args=[org.pk, election.pk])
    before = entries()
    # Two Annas on North quay's roll (Anna Dockworker21 is on South quay's): which one?
    answer = client.post(url, {"member": "anna"})
    assert answer.status_code == 400
    said = answer.content.decode()
    assert "Several members of North quay match “anna”" in said
    assert "Anna Dockworker1 (H001), Anna Dockworker11 (H011)" in said
    assert "Dockworker21" not in said
    answer = client.post(url, {"member": "Zoya"})
    assert answer.status_code == 400
    assert "has the roll number “Zoya”, nor a name like it" in answer.content.decode()
    assert entries() == before
    # The full name, a part only one member has, and a roll number.
    for given in ("anna dockworker11", "Dockworker3", "H005"):
        assert client.post(url, {"member": given}).status_code == 302, given
    standing = Candidate.objects.filter(election=election).values_list("member__name", flat=True)
    assert sorted(standing) == ["Anna Dockworker11", "Clara Dockworker3", "Elena Dockworker5"]


def test_a_proportional_organ_offers_each_deputy_a_seat_of_their_fraction() -> None:
    client, org, council = seated_council()
    yana = Organisation.objects.get(pk=org.pk).roles.get().user
    left = actions.create_fraction(yana, council, "Left")
    right = actions.create_fraction(yana, council, "Right")
    for mandate in Mandate.objects.filter(council=council):
        sits = right if mandate.member.name == "Anna Dockworker21" else left
        actions.change_fraction(yana, mandate, sits)
    answer = client.post(
        reverse("setup-organ-form", args=[org.pk, council.pk]),
        {
            "name": "Presidium",
            "kind": "presidium",
            "seat_rule": "proportional",
            "seats": "3",
            "method": "sainte-lague",
            "refused": "vacant",
        },
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    organ = Organ.objects.get(name="Presidium")
    allotted = dict(
        OrganSeat.objects.filter(organ=organ, end=None).values_list("number", "fraction__name")
    )
    assert sorted(allotted.values()) == ["Left", "Left", "Right"]
    page = client.get(reverse("setup-organ", args=[org.pk, organ.pk]), {"q": "anna"})
    offered = {m.member.name: seat for m, seat in page.context["found"]}
    assert allotted[offered["Anna Dockworker1"]] == "Left"
    assert allotted[offered["Anna Dockworker21"]] == "Right"
    seat = offered["Anna Dockworker21"]
    anna = Mandate.objects.get(member__name="Anna Dockworker21")
    answer = client.post(
        reverse("setup-organ-seat", args=[org.pk, organ.pk, seat, "fill"]), {"mandate": anna.pk}
    )
    assert answer.status_code == 302
    assert OrganSeat.objects.get(organ=organ, number=seat, end=None).holder == anna


def test_a_seat_left_vacant_gets_a_by_election() -> None:
    client, org, council = setup_council()
    apportion(client, org, council)
    election = open_north(client, org, council)
    yana = Organisation.objects.get(pk=org.pk).roles.get().user
    anna = member("Anna Dockworker1")
    actions.record_election_result(yana, election, [anna])  # one elected for two seats
    actions.seat_deputy(yana, election, anna)
    page = client.get(reverse("setup-elections", args=[org.pk, council.pk])).content.decode()
    assert "Open a by-election in North quay for 1 seat" in page
    answer = client.post(
        reverse("setup-election-open", args=[org.pk, council.pk]),
        {"constituency": north(council).pk, "by_election": "1"},
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    by = Election.objects.get(constituency=north(council), kind=Election.BY_ELECTION)
    assert by.seats == 1
    # No second one while it runs: the action refuses, nothing written.
    before = entries()
    answer = client.post(
        reverse("setup-election-open", args=[org.pk, council.pk]),
        {"constituency": north(council).pk, "by_election": "1"},
    )
    assert answer.status_code == 409
    assert "0 vacant seat(s) not being filled" in answer.content.decode()
    assert entries() == before


def test_a_sittings_notice_is_sent_again_from_the_organs_page() -> None:
    client, org, council = seated_council()
    yana = Organisation.objects.get(pk=org.pk).roles.get().user
    deputies = list(Mandate.objects.filter(constituency__council=council).order_by("pk"))
    for i, mandate in enumerate(deputies):
        Member.objects.filter(pk=mandate.member_id).update(email=f"deputy{i}@harbour.example")
    organ = actions.form_organ(
        yana, council, "Plenum", kind=Organ.PLENUM, seat_rule="election", seats=3
    )
    starts = timezone.now() + timedelta(days=4)
    sitting = session_actions.convene_session(yana, organ, "Wage sitting", starts_at=starts)
    first = OutboxMessage.objects.count()
    assert first == len(deputies) == 3

    page = client.get(reverse("setup-organ", args=[org.pk, organ.pk])).content.decode()
    send = reverse("setup-send-notice", args=[org.pk, organ.pk, sitting.pk])
    assert f'action="{send}"' in page
    assert "Send the notice again" in page
    before = entries()
    answer = client.post(send)
    assert answer.status_code == 302, answer.content.decode()[:2000]
    assert answer["Location"] == reverse("setup-organ", args=[org.pk, organ.pk])
    again = list(OutboxMessage.objects.order_by("pk")[first:])
    assert sorted(m.to for m in again) == [f"deputy{i}@harbour.example" for i in range(3)]
    assert all(m.subject.startswith("Notice (again): Plenum, Wage sitting") for m in again)
    assert [e.action for e in JournalEntry.objects.order_by("seq")[before:]] == [
        "send_session_notice"
    ]
    shown = client.get(reverse("setup-organ", args=[org.pk, organ.pk])).content.decode()
    assert "The notice of Wage sitting is sent again to the deputies seated now." in shown

    # Someone who is not a secretary: refused, nothing sent or recorded.
    outsider = Client()
    outsider.force_login(verified_person("outsider"))
    before = entries()
    assert outsider.post(send).status_code == 403
    assert OutboxMessage.objects.count() == first + 3
    assert entries() == before
    # A sitting of another organ is not found through this organ's page.
    other = actions.form_organ(
        yana, council, "Presidium", kind=Organ.PRESIDIUM, seat_rule="election", seats=1
    )
    wrong = reverse("setup-send-notice", args=[org.pk, other.pk, sitting.pk])
    assert client.post(wrong).status_code == 404
    # Once closed, the sitting offers no button, and a post is the action's refusal (409).
    Session.objects.filter(pk=sitting.pk).update(status=Session.CLOSED)
    page = client.get(reverse("setup-organ", args=[org.pk, organ.pk])).content.decode()
    assert f'action="{send}"' not in page
    before = entries()
    answer = client.post(send)
    assert answer.status_code == 409
    assert "Wage sitting is closed; this needs it convened or adjourned" in answer.content.decode()
    assert OutboxMessage.objects.count() == first + 3
    assert entries() == before


def test_an_ex_officio_organ_is_formed_with_its_holders_found_by_name() -> None:
    client, org, council = seated_council()
    form = reverse("setup-organ-form", args=[org.pk, council.pk])
    organ_data = {
        "name": "Audit commission",
        "kind": "commission",
        "seat_rule": "ex-officio",
        "seats": "",
        "method": "sainte-lague",
        "refused": "vacant",
    }
    anna = Mandate.objects.get(member__name="Anna Dockworker1")
    anna21 = Mandate.objects.get(member__name="Anna Dockworker21")
    before = entries()
    # Picking: a search by name, then Add and Remove; the form comes back as typed, unwritten.
    page = client.post(form, {**organ_data, "q": "anna", "find": "1"})
    assert page.status_code == 200
    assert [m.member.name for m in page.context["holders_found"]] == [
        "Anna Dockworker1",
        "Anna Dockworker21",
    ]
    assert 'value="Audit commission"' in page.content.decode()
    page = client.post(form, {**organ_data, "q": "anna", "add": str(anna21.pk)})
    assert [m.pk for m in page.context["holders"]] == [anna21.pk]
    page = client.post(
        form, {**organ_data, "q": "anna", "holder": [anna21.pk], "add": str(anna.pk)}
    )
    assert [m.member.name for m in page.context["holders"]] == [
        "Anna Dockworker21",
        "Anna Dockworker1",
    ]
    assert page.context["holders_found"] == []
    page = client.post(
        form, {**organ_data, "holder": [anna21.pk, anna.pk], "remove": str(anna21.pk)}
    )
    assert [m.pk for m in page.context["holders"]] == [anna.pk]
    assert not Organ.objects.exists()
    assert entries() == before

    # Bad input: 400 with its reason, nothing written.
    for bad, says in (
        ({}, "Name the holders of an ex officio organ"),
        ({"holder": [anna.pk], "seats": "2"}, "1 named, 2 seats"),
        ({"holder": ["x"]}, "among the deputies found by name"),
        ({"holder": [anna.pk, 999_999]}, "among the deputies found by name"),
        ({"holder": [anna.pk], "name": ""}, "This field is required"),
        ({"seat_rule": "election", "seats": ""}, "How many seats has the organ?"),
    ):
        answer = client.post(form, {**organ_data, **bad})
        assert answer.status_code == 400, bad
        assert says in answer.content.decode(), bad
    assert not Organ.objects.exists()
    assert entries() == before

    answer = client.post(form, {**organ_data, "holder": [anna21.pk, anna.pk]})
    assert answer.status_code == 302, answer.content.decode()[:2000]
    organ = Organ.objects.get()
    assert (organ.seat_rule, organ.seats, organ.ex_officio) == (Organ.EX_OFFICIO, 2, 2)
    held = OrganSeat.objects.filter(organ=organ, end=None).order_by("number")
    assert [(s.number, s.status, s.how, s.holder_id) for s in held] == [
        (1, OrganSeat.HELD, OrganSeat.EX_OFFICIO, anna21.pk),
        (2, OrganSeat.HELD, OrganSeat.EX_OFFICIO, anna.pk),
    ]
    formed = JournalEntry.objects.latest("seq")
    assert formed.action == "form_organ"
    assert json.loads(formed.payload)["holders"] == {"1": "H021", "2": "H001"}
    assert entries() == before + 1
