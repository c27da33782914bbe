"""The chair console runs a whole sitting (Django's test client, SQLite and PostgreSQL).

From a convened sitting to its minutes through the console's forms alone: the way on when
the sitting is not open yet (the typed text kept), check-in at the door by name, opening on
a quorum, the agenda edited, reordered and withdrawn, a main motion and an amendment seen
as a diff on the three pages, a deputy's own motions and point of order, speakers on
someone's behalf, the clock's seconds, a division with tellers, adjourning, resuming, handing
over the chair, closing; and what the minutes then say.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.test import Client

from smolny.councils.actions import SYSTEM
from smolny.councils.actions.founding import change_organisation_settings
from smolny.councils.models import (
    AgendaItem,
    Attendance,
    ChairTerm,
    JournalEntry,
    Member,
    Motion,
    Organisation,
    Session,
    Vote,
)
from smolny.rules.calendar import dual_date
from tests.session_seed import seed

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture
def s() -> dict[str, Any]:
    return seed(convened=True)


def login(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password="Petrograd-1917")
    return client


def step(client: Client, session: int, name: str, data: dict[str, Any] | None = None) -> Any:
    return client.post(f"/sessions/{session}/chair/{name}", data or {})


def ok(answer: Any) -> None:
    assert answer.status_code == 302, answer.content.decode()[:2000]


def actions_since(seq: int) -> list[str]:
    return list(
        JournalEntry.objects.filter(seq__gt=seq).order_by("seq").values_list("action", flat=True)
    )


def last_seq() -> int:
    entry = JournalEntry.objects.order_by("-seq").first()
    return entry.seq if entry else 0


def open_second_sitting(s: dict[str, Any], clerk: Client) -> int:
    """Check the seed's deputies in at the door (found by name) and open the sitting."""
    sitting = s["convened"]
    for username in ("chair", "deputy1", "deputy2", "deputy3", "deputy4"):
        name = s["names"][username]
        page = clerk.get(f"/sessions/{sitting}/chair", {"door": name.split()[0]}).content.decode()
        assert name in page
        ok(step(clerk, sitting, "door", {"member": s["members"][username]}))
    ok(step(clerk, sitting, "open", {"chair": s["members"]["chair"]}))
    return sitting


def test_a_convened_sitting_offers_open_and_a_refused_motion_keeps_its_text(
    s: dict[str, Any],
) -> None:
    clerk = login("secretary")
    sitting = s["convened"]
    ok(step(clerk, sitting, "add-item", {"title": "Bread"}))
    item = AgendaItem.objects.get(session_id=sitting)
    page = clerk.get(f"/sessions/{sitting}/chair").content.decode()
    assert 'id="open-sitting"' in page
    typed = "The Soviet takes the flour stores under its control."
    answer = step(clerk, sitting, "move-motion", {"item": item.pk, "kind": "main", "text": typed})
    assert answer.status_code == 409
    text = answer.content.decode()
    assert "is convened; this needs it open" in text
    assert 'id="way-on"' in text
    assert 'href="#sitting-heading"' in text
    assert f">{typed}</textarea>" in text  # what was typed is still in the form
    assert 'id="open-sitting"' in text
    assert not Motion.objects.filter(item=item).exists()
    # Without a quorum the sitting does not open; the refusal says why.
    refused = step(clerk, sitting, "open", {"chair": s["members"]["chair"]})
    assert refused.status_code == 409
    assert "cannot open" in refused.content.decode()
    open_second_sitting(s, clerk)
    assert Session.objects.get(pk=sitting).status == Session.OPEN
    ok(step(clerk, sitting, "move-motion", {"item": item.pk, "kind": "main", "text": typed}))
    assert Motion.objects.get(item=item).text == typed


def test_the_door_finds_members_by_name_and_checks_them_in(s: dict[str, Any]) -> None:
    clerk = login("secretary")
    sitting = s["convened"]
    name = s["names"]["deputy2"]
    found = clerk.get(f"/sessions/{sitting}/chair", {"door": name[2:8].lower()}).content.decode()
    assert name in found
    ok(step(clerk, sitting, "door", {"member": s["members"]["deputy2"]}))
    assert Attendance.objects.filter(session_id=sitting, member_id=s["members"]["deputy2"]).exists()
    # Once inside, the door no longer offers them; a second check-in is refused.
    again = clerk.get(f"/sessions/{sitting}/chair", {"door": name}).content.decode()
    door_form = f'<input type="hidden" name="member" value="{s["members"]["deputy2"]}">'
    assert door_form in found
    assert door_form not in again
    assert step(clerk, sitting, "door", {"member": s["members"]["deputy2"]}).status_code == 409


def test_the_agenda_is_renamed_reordered_and_withdrawn(s: dict[str, Any]) -> None:
    clerk = login("secretary")
    sitting = s["convened"]
    for title in ("Bread", "Peace", "Land"):
        ok(step(clerk, sitting, "add-item", {"title": title}))
    items = {i.title: i for i in AgendaItem.objects.filter(session_id=sitting)}
    before = last_seq()
    ok(
        step(
            clerk, sitting, "edit-item", {"item": items["Land"].pk, "title": "Land to the peasants"}
        )
    )
    ok(step(clerk, sitting, "move-item", {"item": items["Land"].pk, "direction": "up"}))
    ok(step(clerk, sitting, "move-item", {"item": items["Land"].pk, "direction": "up"}))
    ok(step(clerk, sitting, "withdraw-item", {"item": items["Peace"].pk}))
    order = list(
        AgendaItem.objects.filter(session_id=sitting)
        .order_by("position")
        .values_list("title", "position", "state")
    )
    assert order == [
        ("Land to the peasants", 1, "open"),
        ("Bread", 2, "open"),
        ("Peace", 3, "withdrawn"),
    ]
    assert actions_since(before) == [
        "edit_agenda_item",
        "move_agenda_item",
        "move_agenda_item",
        "withdraw_agenda_item",
    ]
    # The first item cannot move further up; a withdrawn item cannot be renamed.
    land = items["Land"].pk
    assert step(clerk, sitting, "move-item", {"item": land, "direction": "up"}).status_code == 422
    peace = items["Peace"].pk
    answer = step(clerk, sitting, "edit-item", {"item": peace, "title": "Peace now"})
    assert answer.status_code == 409


def test_an_amendment_is_a_diff_on_console_phone_and_projector_and_carries(
    s: dict[str, Any],
) -> None:
    clerk = login("secretary")
    sitting = open_second_sitting(s, clerk)
    chair = login("chair")  # in the chair now: the console is theirs
    ok(step(chair, sitting, "add-item", {"title": "Bread"}))
    item = AgendaItem.objects.get(session_id=sitting)
    main = "The Soviet takes the flour stores under its control."
    ok(step(chair, sitting, "move-motion", {"item": item.pk, "kind": "main", "text": main}))
    amendment = {"item": item.pk, "kind": "amendment", "parent": "M1"}
    ok(step(chair, sitting, "move-motion", {**amendment, "strike": "flour", "text": "grain"}))
    deputy = login("deputy1")
    pages = {
        "console": chair.get(f"/sessions/{sitting}/chair").content.decode(),
        "phone": deputy.get(f"/sessions/{sitting}/deputy").content.decode(),
        "projector": login("observer").get(f"/sessions/{sitting}/projector").content.decode(),
    }
    for where, page in pages.items():
        assert 'data-diff="A1"' in page, where
        assert "flour</del>" in page, where
        assert "grain</ins>" in page, where
    # The vote due is the amendment's; it carries by a show of hands counted by the chair.
    ok(
        step(
            chair,
            sitting,
            "open-vote",
            {"item": item.pk, "motion": "A1", "method": "show of hands"},
        )
    )
    vote = Vote.objects.get(item=item, status=Vote.OPEN)
    assert "grain</ins>" in deputy.get(f"/sessions/{sitting}/deputy/panel").content.decode()
    ok(step(chair, sitting, "counts", {"vote": vote.pk, "for": 4, "against": 1, "abstain": 0}))
    ok(step(chair, sitting, "close-vote", {"vote": vote.pk}))
    page = chair.get(f"/sessions/{sitting}/chair").content.decode()
    assert "Vote due now: shall motion M1, as amended, be adopted?" in page
    # The carried amendment still shows what it changed (not a diff against its own result).
    carried = page[page.index('data-diff="A1"') :]
    assert "flour</del>" in carried[:400]
    assert "grain</ins>" in carried[:400]
    # A division needs two different tellers from the hall.
    division = {"item": item.pk, "motion": "M1", "method": "division"}
    ok(step(chair, sitting, "open-vote", division))
    vote = Vote.objects.get(item=item, status=Vote.OPEN)
    counts = {"vote": vote.pk, "for": 4, "against": 0, "abstain": 1}
    same = {"teller1": s["members"]["deputy1"], "teller2": s["members"]["deputy1"]}
    assert step(chair, sitting, "counts", {**counts, **same}).status_code == 400
    tellers = {"teller1": s["members"]["deputy1"], "teller2": s["members"]["deputy2"]}
    ok(step(chair, sitting, "counts", {**counts, **tellers}))
    ok(step(chair, sitting, "close-vote", {"vote": vote.pk}))
    vote.refresh_from_db()
    assert vote.outcome == "carried"
    ids = Member.objects.filter(pk__in=tellers.values()).values_list("external_id", flat=True)
    assert sorted(vote.tellers) == sorted(ids)
    minutes = chair.get(f"/sessions/{sitting}/minutes").content.decode()
    assert "Adopted text (as amended)" in minutes
    assert (
        f"Tellers: {s['names']['deputy1']}" in minutes
        or f"Tellers: {s['names']['deputy2']}" in minutes
    )
    assert "The Soviet takes the grain stores under its control." in minutes


def test_a_deputy_moves_motions_and_raises_a_point_of_order_from_the_phone(
    s: dict[str, Any],
) -> None:
    clerk = login("secretary")
    sitting = open_second_sitting(s, clerk)
    ok(step(clerk, sitting, "add-item", {"title": "Peace"}))
    item = AgendaItem.objects.get(session_id=sitting)
    ok(step(clerk, sitting, "move-motion", {"item": item.pk, "kind": "main", "text": "Peace now."}))
    deputy = login("deputy2")
    hx = {"HTTP_HX_REQUEST": "true"}
    url = f"/sessions/{sitting}/deputy"
    answer = deputy.post(
        url + "/move",
        {"item": item.pk, "kind": "amendment", "parent": "M1", "text": "without annexations"},
        **hx,
    )
    assert answer.status_code == 200, answer.content.decode()
    assert "Your motion A1 is moved." in answer.content.decode()
    moved = Motion.objects.get(item=item, key="A1")
    assert moved.mover_id == s["members"]["deputy2"]
    assert moved.text == "without annexations"
    # A main motion is not the deputy's to move from here; the typed text stays.
    refused = deputy.post(url + "/move", {"item": item.pk, "kind": "main", "text": "War."}, **hx)
    assert refused.status_code == 400
    answer = deputy.post(
        url + "/move", {"item": item.pk, "kind": "procedural", "procedural": "close-debate"}, **hx
    )
    assert answer.status_code == 200, answer.content.decode()
    assert Motion.objects.get(item=item, key="P1").procedural == "close-debate"
    # The point of order goes before the speakers already waiting.
    ok(step(clerk, sitting, "add-speaker", {"item": item.pk, "member": s["members"]["deputy1"]}))
    answer = deputy.post(url + "/point-of-order", {"item": item.pk}, **hx)
    assert answer.status_code == 200
    speakers = login("chair").get(f"/sessions/{sitting}/chair/part/speakers").content.decode()
    assert speakers.index(s["names"]["deputy2"]) < speakers.index(s["names"]["deputy1"])
    assert "point of order" in speakers


def test_speakers_on_someones_behalf_and_the_clocks_seconds(s: dict[str, Any]) -> None:
    clerk = login("secretary")
    sitting = open_second_sitting(s, clerk)
    chair = login("chair")
    ok(step(chair, sitting, "add-item", {"title": "Land"}))
    item = AgendaItem.objects.get(session_id=sitting)
    for username in ("deputy1", "deputy3"):
        ok(step(chair, sitting, "add-speaker", {"item": item.pk, "member": s["members"][username]}))
    deputy3 = Member.objects.get(pk=s["members"]["deputy3"])
    ok(step(chair, sitting, "remove-speaker", {"item": item.pk, "speaker": deputy3.external_id}))
    assert step(chair, sitting, "finish-turn", {"item": item.pk}).status_code == 409
    ok(step(chair, sitting, "start-clock", {"item": item.pk}))
    part = chair.get(f"/sessions/{sitting}/chair/part/speakers").content.decode()
    assert 'role="timer"' in part
    assert 'id="finish-turn"' in part
    projector = login("observer").get(f"/sessions/{sitting}/projector/screen").content.decode()
    assert 'data-clock-elapsed="' in projector
    time.sleep(1.2)
    ok(step(chair, sitting, "finish-turn", {"item": item.pk}))
    item.refresh_from_db()
    spoken = item.speakers["spoken"]
    deputy1 = Member.objects.get(pk=s["members"]["deputy1"])
    assert [t["speaker"] for t in spoken] == [deputy1.external_id]
    assert 2 <= spoken[0]["seconds"] <= 5  # the clock's seconds, rounded up, nobody typed them
    entry = JournalEntry.objects.filter(action="finish_turn").order_by("-seq").first()
    assert entry is not None
    assert entry.action == "finish_turn"
    started = JournalEntry.objects.filter(action="start_clock").order_by("-seq").first()
    assert started is not None
    assert started.seq < entry.seq
    # One clock ends one turn: pressing again finds no clock running.
    assert step(chair, sitting, "finish-turn", {"item": item.pk}).status_code == 409
    minutes = chair.get(f"/sessions/{sitting}/minutes").content.decode()
    assert deputy1.name in minutes  # speakers by name, not roll number


def test_adjourn_resume_hand_over_and_close_from_the_console(s: dict[str, Any]) -> None:
    clerk = login("secretary")
    sitting = open_second_sitting(s, clerk)
    chair = login("chair")
    before = last_seq()
    ok(step(chair, sitting, "adjourn"))
    assert Session.objects.get(pk=sitting).status == Session.ADJOURNED
    page = clerk.get(f"/sessions/{sitting}/chair").content.decode()
    assert "Resume the sitting" in page
    ok(step(clerk, sitting, "open", {"chair": s["members"]["chair"]}))
    ok(step(chair, sitting, "hand-over", {"member": s["members"]["deputy1"]}))
    term = ChairTerm.objects.get(session_id=sitting, end=None)
    assert term.member_id == s["members"]["deputy1"]
    assert chair.get(f"/sessions/{sitting}/chair").status_code == 403  # no longer in the chair
    new_chair = login("deputy1")
    ok(step(new_chair, sitting, "close"))
    assert Session.objects.get(pk=sitting).status == Session.CLOSED
    assert actions_since(before) == [
        "adjourn_session",
        "resume_session",
        "hand_over_chair",
        "close_session",
    ]
    # A closed sitting's hall is empty: the projector says the sitting is closed instead of
    # "0 of 9 present" beside the figures its votes recorded.
    screen = login("observer").get(f"/sessions/{sitting}/projector/screen").content.decode()
    assert "sitting closed" in screen
    assert "present (quorum" not in screen
    page = clerk.get(f"/sessions/{sitting}/chair").content.decode()
    assert f'href="/sessions/{sitting}/minutes"' in page
    assert 'id="open-sitting"' not in page


def test_the_secret_ballots_receipt_goes_outside_the_panel(s: dict[str, Any]) -> None:
    """The receipt comes out of band into its own box, which the panel's live re-reads never
    replace; the panel itself confirms the ballot on every re-read."""
    chair = login("chair")
    ok(
        step(
            chair,
            s["session"],
            "open-vote",
            {"item": s["item"], "motion": "M1", "method": "secret ballot"},
        )
    )
    vote = Vote.objects.get(item_id=s["item"], status=Vote.OPEN)
    deputy = login("deputy1")
    assert deputy.post(f"/sessions/{s['session']}/deputy/check-in").status_code == 302
    answer = deputy.post(
        f"/sessions/{s['session']}/deputy/vote",
        {"vote": vote.pk, "choice": "for"},
        HTTP_HX_REQUEST="true",
    )
    text = answer.content.decode()
    assert '<div id="receipt-box" hx-swap-oob="innerHTML">' in text
    assert 'id="dismiss-receipt"' in text
    panel = deputy.get(f"/sessions/{s['session']}/deputy/panel").content.decode()
    assert "receipt" not in panel.lower()  # a re-read carries no receipt box to replace it
    assert 'data-voted="secret"' in panel
    assert "Your ballot is cast." in panel
    assert "You may not vote now" not in panel


def test_the_minutes_give_a_named_vote_name_by_name_and_no_as_amended_without_one(
    s: dict[str, Any],
) -> None:
    chair = login("chair")
    page = chair.get(f"/sessions/{s['session']}/chair").content.decode()
    assert "Vote due now: shall motion M1 be adopted?" in page  # nothing was amended
    item = {"item": s["item"], "motion": "M1", "method": "roll call"}
    ok(step(chair, s["session"], "open-vote", item))
    vote = Vote.objects.get(item_id=s["item"], status=Vote.OPEN)
    deputy = login("deputy1")
    assert deputy.post(f"/sessions/{s['session']}/deputy/check-in").status_code == 302
    answer = deputy.post(
        f"/sessions/{s['session']}/deputy/vote", {"vote": vote.pk, "choice": "against"}
    )
    assert answer.status_code == 302
    ok(step(chair, s["session"], "close-vote", {"vote": vote.pk}))
    minutes = chair.get(f"/sessions/{s['session']}/minutes").content.decode()
    assert "Dates are in the Gregorian calendar (New Style); times are UTC." in minutes
    assert "Named vote, name by name:" in minutes
    row = f"<td>{s['names']['deputy1']}</td><td>Bolsheviks</td><td>against</td>"
    assert row in minutes.replace("\n", "")
    assert "as amended" not in minutes


def test_the_minutes_of_an_organisation_keeping_both_calendars_give_the_day_in_both(
    s: dict[str, Any],
) -> None:

    organisation = Organisation.objects.get(pk=s["organisation"])
    change_organisation_settings(SYSTEM, organisation, calendar=Organisation.DUAL)
    sitting = Session.objects.get(pk=s["session"])
    minutes = login("chair").get(f"/sessions/{sitting.pk}/minutes").content.decode()
    assert f"Old Style (New Style): {dual_date(sitting.starts_at.date())}." in minutes


def test_the_motion_pdf_gives_the_amendments_their_fate_and_the_text_adopted(
    s: dict[str, Any],
) -> None:
    from io import BytesIO

    from pypdf import PdfReader

    chair = login("chair")
    amendment = {"item": s["item"], "kind": "amendment", "parent": "M1"}
    ok(step(chair, s["session"], "move-motion", {**amendment, "strike": "at once", "text": "soon"}))
    ok(
        step(
            chair,
            s["session"],
            "open-vote",
            {"item": s["item"], "motion": "A1", "method": "show of hands"},
        )
    )
    vote = Vote.objects.get(item_id=s["item"], status=Vote.OPEN)
    ok(step(chair, s["session"], "counts", {"vote": vote.pk, "for": 3, "against": 1, "abstain": 1}))
    ok(step(chair, s["session"], "close-vote", {"vote": vote.pk}))
    console = chair.get(f"/sessions/{s['session']}/chair").content.decode()
    link = f"/sessions/{s['session']}/items/{s['item']}/motion.pdf"
    assert f'href="{link}"' in console
    answer = login("observer").get(link)
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(answer.content)).pages)
    assert "Amendments" in text
    assert "at once" in text  # what A1 strikes
    assert "carried" in text  # its fate
    assert "Decision: nothing adopted" in text  # the motion itself is not yet voted on
    assert Client().get(link).status_code == 302  # not a public record: sign in first


def test_the_console_and_phone_speak_russian_including_the_rules_questions(
    s: dict[str, Any],
) -> None:
    chair = login("chair")
    console = chair.get(f"/sessions/{s['session']}/chair", HTTP_ACCEPT_LANGUAGE="ru")
    text = console.content.decode()
    assert '<html lang="ru">' in text
    assert "принять ли предложение M1?" in text  # the question the rules put, translated
    assert "shall motion" not in text
    assert "Прервать заседание" in text
    assert "Запустить часы" not in text  # nobody has the floor: no clock to start
    ok(
        step(
            chair,
            s["session"],
            "open-vote",
            {"item": s["item"], "motion": "M1", "method": "roll call"},
        )
    )
    deputy = login("deputy1")
    panel = deputy.get(
        f"/sessions/{s['session']}/deputy", HTTP_ACCEPT_LANGUAGE="ru"
    ).content.decode()
    assert "принять ли предложение M1?" in panel
    assert "По порядку ведения" not in panel  # not in the hall yet: no floor buttons
    assert ">Отметиться</button>" in panel
