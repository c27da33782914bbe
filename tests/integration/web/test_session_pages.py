"""The session pages through Django's test client, on SQLite and PostgreSQL.

Permissions (the chair console is the chair's and the secretaries'), the deputy's vote going
through the action exactly once, refusals shown with their reason and a 4xx status with
nothing written, CSRF enforced on every step, and what each page shows of the sitting.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from smolny.councils import actions
from smolny.councils.models import (
    Attendance,
    JournalEntry,
    Mandate,
    Member,
    NamedVote,
    SecretBallot,
    SecretVoter,
    Vote,
)
from smolny.councils.queries import votes as vote_queries
from tests.session_seed import seed

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture
def sitting() -> dict[str, Any]:
    return seed()


def client_for(username: str, *, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    assert client.login(username=username, password="Petrograd-1917")
    return client


def url(s: dict[str, Any], page: str) -> str:
    return f"/sessions/{s['session']}/{page}"


def open_named_vote(s: dict[str, Any]) -> Vote:
    chair = client_for("chair")
    answer = chair.post(
        url(s, "chair/open-vote"), {"item": s["item"], "motion": "M1", "method": "roll call"}
    )
    assert answer.status_code == 302, answer.content.decode()
    return Vote.objects.get(item_id=s["item"], status=Vote.OPEN)


def check_in(s: dict[str, Any], username: str) -> None:
    answer = client_for(username).post(url(s, "deputy/check-in"))
    assert answer.status_code == 302, answer.content.decode()


# --- the chair console ------------------------------------------------------------------


@pytest.mark.parametrize("username", ["chair", "secretary"])
def test_the_chair_and_a_secretary_open_the_console(sitting: dict[str, Any], username: str) -> None:
    answer = client_for(username).get(url(sitting, "chair"))
    assert answer.status_code == 200
    text = answer.content.decode()
    assert "Chair console" in text
    assert 'data-present="5"' in text  # five of nine deputies checked in by the seed
    assert "of 9 seated present; quorum 5" in text
    assert 'data-quorate="yes"' in text
    assert "Vote due now: shall motion M1" in text
    assert answer["X-Smolny-Process"].isdigit()


@pytest.mark.parametrize("username", ["deputy1", "observer"])
def test_anyone_else_gets_403_on_the_chair_console(sitting: dict[str, Any], username: str) -> None:
    client = client_for(username)
    assert client.get(url(sitting, "chair")).status_code == 403
    assert client.get(url(sitting, "chair/part/vote")).status_code == 403
    before = JournalEntry.objects.count()
    answer = client.post(url(sitting, "chair/add-item"), {"title": "Bread"})
    assert answer.status_code == 403
    assert JournalEntry.objects.count() == before


def test_an_anonymous_visitor_is_sent_to_sign_in(sitting: dict[str, Any]) -> None:
    for page in ("chair", "deputy", "projector"):
        answer = Client().get(url(sitting, page))
        assert answer.status_code == 302
        assert answer["Location"].startswith("/sign-in/")


def test_the_chair_opens_and_closes_a_vote_and_the_result_names_the_rule(
    sitting: dict[str, Any],
) -> None:
    vote = open_named_vote(sitting)
    assert vote.method == Vote.ROLL_CALL
    check_in(sitting, "deputy1")
    client_for("deputy1").post(url(sitting, "deputy/vote"), {"vote": vote.pk, "choice": "for"})
    chair = client_for("chair")
    answer = chair.post(url(sitting, "chair/close-vote"), {"vote": vote.pk})
    assert answer.status_code == 302
    vote.refresh_from_db()
    assert (vote.status, vote.outcome, vote.for_votes) == (Vote.CLOSED, "carried", 1)
    page = chair.get(url(sitting, "projector/screen")).content.decode()
    assert "Result: carried" in page
    assert f"Decided under the rule: {vote.rule}" in page
    assert vote.rule  # the close recorded it


def test_a_show_of_hands_is_counted_from_the_console(sitting: dict[str, Any]) -> None:
    chair = client_for("chair")
    chair.post(
        url(sitting, "chair/open-vote"),
        {"item": sitting["item"], "motion": "M1", "method": "show of hands"},
    )
    vote = Vote.objects.get(item_id=sitting["item"], status=Vote.OPEN)
    page = chair.get(url(sitting, "chair")).content.decode()
    assert "The counts have not been entered yet." in page
    too_many = chair.post(
        url(sitting, "chair/counts"), {"vote": vote.pk, "for": 9, "against": 0, "abstain": 0}
    )
    assert too_many.status_code == 409  # only 5 voting members are in the hall
    assert "only 5 voting members are in the hall" in too_many.content.decode()
    answer = chair.post(
        url(sitting, "chair/counts"), {"vote": vote.pk, "for": 2, "against": 3, "abstain": 0}
    )
    assert answer.status_code == 302
    assert chair.post(url(sitting, "chair/close-vote"), {"vote": vote.pk}).status_code == 302
    vote.refresh_from_db()
    assert (vote.for_votes, vote.against, vote.outcome) == (2, 3, "lost")
    deputy_page = client_for("deputy1").get(url(sitting, "deputy")).content.decode()
    assert "Last vote:" in deputy_page
    assert "lost" in deputy_page


def test_a_refused_chair_step_shows_the_reason_with_409_and_writes_nothing(
    sitting: dict[str, Any],
) -> None:
    open_named_vote(sitting)
    before = JournalEntry.objects.count()
    answer = client_for("chair").post(
        url(sitting, "chair/open-vote"),
        {"item": sitting["item"], "motion": "M1", "method": "roll call"},
    )
    assert answer.status_code == 409
    assert "a vote is open on this item already" in answer.content.decode()
    assert JournalEntry.objects.count() == before
    bad = client_for("chair").post(url(sitting, "chair/finish-turn"), {"item": "x"})
    assert bad.status_code == 400
    assert "item: a whole number is needed" in bad.content.decode()


def test_a_walkout_from_the_console_breaks_the_quorum(sitting: dict[str, Any]) -> None:
    from smolny.councils.models import Fraction

    chair = client_for("chair")
    bolsheviks = Fraction.objects.get(name="Bolsheviks", council_id=sitting["council"])
    answer = chair.post(url(sitting, "chair/walkout"), {"fraction": bolsheviks.pk})
    assert answer.status_code == 302
    presence = chair.get(url(sitting, "chair/part/presence")).content.decode()
    # The seed checked in the chair and another Bolshevik: both leave, 3 of 9 remain.
    assert 'data-present="3"' in presence
    assert 'data-quorate="no"' in presence


def test_agenda_item_and_speakers_from_console_and_deputy(sitting: dict[str, Any]) -> None:
    chair = client_for("chair")
    assert chair.post(url(sitting, "chair/add-item"), {"title": "Bread supply"}).status_code == 302
    check_in(sitting, "deputy2")
    answer = client_for("deputy2").post(url(sitting, "deputy/speak"), {"item": sitting["item"]})
    assert answer.status_code == 302
    speakers = chair.get(url(sitting, "chair/part/speakers")).content.decode()
    assert sitting["names"]["deputy2"] in speakers
    assert "The floor:" in speakers
    # The seconds are the clock's: a turn cannot finish before the clock has started.
    answer = chair.post(url(sitting, "chair/finish-turn"), {"item": sitting["item"]})
    assert answer.status_code == 409
    assert (
        chair.post(url(sitting, "chair/start-clock"), {"item": sitting["item"]}).status_code == 302
    )
    answer = chair.post(url(sitting, "chair/finish-turn"), {"item": sitting["item"]})
    assert answer.status_code == 302
    assert "1 turn heard." in chair.get(url(sitting, "chair/part/speakers")).content.decode()
    assert "Bread supply" in chair.get(url(sitting, "chair")).content.decode()


# --- the deputy view ------------------------------------------------------------------------


def test_a_deputys_vote_creates_exactly_one_named_vote_through_the_action(
    sitting: dict[str, Any],
) -> None:
    vote = open_named_vote(sitting)
    check_in(sitting, "deputy1")
    deputy = client_for("deputy1")
    page = deputy.get(url(sitting, "deputy")).content.decode()
    assert 'value="for"' in page
    assert "You may not vote now" not in page
    before = JournalEntry.objects.count()
    answer = deputy.post(
        url(sitting, "deputy/vote"), {"vote": vote.pk, "choice": "against"}, HTTP_HX_REQUEST="true"
    )
    assert answer.status_code == 200
    rows = NamedVote.objects.filter(vote=vote)
    assert [(r.mandate_id, r.choice, r.fraction) for r in rows] == [
        (sitting["mandates"]["deputy1"], "against", "Bolsheviks")
    ]
    entries = list(JournalEntry.objects.order_by("seq")[before:])
    assert [e.action for e in entries] == ["cast_vote"]
    text = answer.content.decode()
    # A confirmation, not a warning: no "you may not vote" box after voting.
    assert 'class="confirmation"' in text
    assert "Your vote is recorded:" in text
    assert "You may not vote now" not in text
    assert 'data-voted="against"' in text
    # voting again is refused by the action: 409 with its words, nothing written
    again = deputy.post(
        url(sitting, "deputy/vote"), {"vote": vote.pk, "choice": "for"}, HTTP_HX_REQUEST="true"
    )
    assert again.status_code == 409
    assert "has voted in this roll call already" in again.content.decode()
    assert NamedVote.objects.filter(vote=vote).count() == 1


def test_a_deputy_not_checked_in_is_told_why_and_refused_with_409(sitting: dict[str, Any]) -> None:
    vote = open_named_vote(sitting)
    deputy = client_for("deputy2")
    page = deputy.get(url(sitting, "deputy")).content.decode()
    assert "You have not checked in: only deputies in the hall vote." in page
    assert 'value="for"' not in page
    answer = deputy.post(url(sitting, "deputy/vote"), {"vote": vote.pk, "choice": "for"})
    assert answer.status_code == 409
    assert "is not in the hall" in answer.content.decode()
    assert not NamedVote.objects.filter(vote=vote).exists()


def test_an_observer_is_told_they_are_not_a_deputy(sitting: dict[str, Any]) -> None:
    vote = open_named_vote(sitting)
    check_in(sitting, "observer")
    observer = client_for("observer")
    page = observer.get(url(sitting, "deputy")).content.decode()
    assert "You are not a deputy of Plenum" in page
    answer = observer.post(url(sitting, "deputy/vote"), {"vote": vote.pk, "choice": "for"})
    assert answer.status_code == 409
    assert "an observer does not vote" in answer.content.decode()
    assert not NamedVote.objects.filter(vote=vote).exists()


def test_a_recalled_deputy_is_told_the_vote_is_no_longer_theirs(sitting: dict[str, Any]) -> None:
    vote = open_named_vote(sitting)
    check_in(sitting, "deputy4")
    mandate = Mandate.objects.get(pk=sitting["mandates"]["deputy4"])
    electors = list(Member.objects.filter(pk__in=sitting["electors"]).order_by("external_id"))
    sys = actions.SYSTEM
    petition = actions.open_recall_petition(sys, mandate, electors[0])
    recall_vote = None
    signers = iter(electors[1:])
    while recall_vote is None:
        recall_vote = actions.sign_recall_petition(sys, petition, next(signers))
    for elector in electors[:8]:
        actions.cast_recall_vote(sys, recall_vote, elector, True)
    assert actions.close_recall_vote(sys, recall_vote).outcome == "recalled"
    deputy = client_for("deputy4")
    page = deputy.get(url(sitting, "deputy/panel")).content.decode()
    assert "you were recalled by your constituency on" in page
    assert "The vote is no longer yours." in page
    assert 'value="for"' not in page
    answer = deputy.post(url(sitting, "deputy/vote"), {"vote": vote.pk, "choice": "for"})
    assert answer.status_code == 409
    assert not NamedVote.objects.filter(vote=vote).exists()
    # the seat left the house: the projector's hemicycle shows the eight seated
    screen = deputy.get(url(sitting, "projector/screen")).content.decode()
    assert screen.count('class="seat"') == 8


def test_no_open_vote_is_said_plainly(sitting: dict[str, Any]) -> None:
    check_in(sitting, "deputy1")
    page = client_for("deputy1").get(url(sitting, "deputy")).content.decode()
    assert "No vote is open." in page
    assert 'value="for"' not in page


def test_a_secret_ballot_from_the_deputy_view_gives_a_receipt_and_no_tally(
    sitting: dict[str, Any],
) -> None:
    chair = client_for("chair")
    chair.post(
        url(sitting, "chair/open-vote"),
        {"item": sitting["item"], "motion": "M1", "method": "secret ballot"},
    )
    vote = Vote.objects.get(item_id=sitting["item"], status=Vote.OPEN)
    check_in(sitting, "deputy1")
    answer = client_for("deputy1").post(
        url(sitting, "deputy/vote"), {"vote": vote.pk, "choice": "for"}, HTTP_HX_REQUEST="true"
    )
    assert answer.status_code == 200
    text = answer.content.decode()
    assert "Your ballot&#x27;s tracker" in text or "Your ballot's tracker" in text
    assert SecretVoter.objects.filter(vote=vote).count() == 1
    # the receipt shown is the ballot's tracker, as on the bulletin board it links to
    (tracker,) = vote.trackers.values_list("tracker", flat=True)
    assert f"<code>{tracker}</code>" in text
    assert url(sitting, f"votes/{vote.pk}/board") in text
    # the ballot is in a sealed box until the close: no choice in clear
    assert not SecretBallot.objects.filter(vote=vote).exclude(choice="").exists()
    screen = chair.get(url(sitting, "projector/screen")).content.decode()
    assert '<span data-tally="cast">1</span>' in screen
    assert 'data-tally="for"' not in screen  # choices only at the close


def test_a_deputy_checks_in_once(sitting: dict[str, Any]) -> None:
    check_in(sitting, "deputy1")
    assert (
        Attendance.objects.filter(
            session_id=sitting["session"], member_id=sitting["members"]["deputy1"], end=None
        ).count()
        == 1
    )
    again = client_for("deputy1").post(url(sitting, "deputy/check-in"))
    assert again.status_code == 409
    assert "already checked in" in again.content.decode()


@pytest.mark.parametrize(
    ("page", "data"),
    [
        ("deputy/check-in", {}),
        ("deputy/vote", {"choice": "for"}),
        ("chair/add-item", {"title": "Peace"}),
        ("chair/close-vote", {}),
    ],
)
def test_csrf_is_enforced_on_every_step(
    sitting: dict[str, Any], page: str, data: dict[str, Any]
) -> None:
    vote = open_named_vote(sitting)
    data = {**data, "vote": vote.pk}
    username = "chair" if page.startswith("chair") else "deputy1"
    if page == "deputy/vote":
        check_in(sitting, "deputy1")
    before = JournalEntry.objects.count()
    answer = client_for(username, csrf=True).post(url(sitting, page), data)
    assert answer.status_code == 403
    assert JournalEntry.objects.count() == before
    # the same request with the page's token goes through
    client = client_for(username, csrf=True)
    form_page = "chair" if username == "chair" else "deputy"
    client.get(url(sitting, form_page))
    token = client.cookies["csrftoken"].value
    answer = client.post(url(sitting, page), {**data, "csrfmiddlewaretoken": token})
    assert answer.status_code in (200, 302), answer.content.decode()[:500]


# --- the projector --------------------------------------------------------------------------


def test_the_projector_shows_item_speaker_tally_and_a_hemicycle_coloured_by_vote(
    sitting: dict[str, Any],
) -> None:
    vote = open_named_vote(sitting)
    for username, choice in (("deputy1", "for"), ("deputy2", "against")):
        check_in(sitting, username)
        client_for(username).post(url(sitting, "deputy/vote"), {"vote": vote.pk, "choice": choice})
    screen = client_for("observer").get(url(sitting, "projector")).content.decode()
    assert 'class="projector"' in screen
    assert "1. On the Constituent Assembly" in screen
    assert '<dd data-tally="for">1</dd>' in screen
    assert '<dd data-tally="against">1</dd>' in screen
    assert screen.count('class="seat"') == 9
    assert screen.count('data-state="for"') == 1
    assert screen.count('data-state="against"') == 1
    # deputy3 and deputy4 are not in the hall: absent; the rest wait in fraction colour
    assert screen.count('data-state="absent"') == 2
    assert screen.count('data-state=""') == 5


def test_unknown_session_and_part_are_404(sitting: dict[str, Any]) -> None:
    chair = client_for("chair")
    assert chair.get("/sessions/999999/chair").status_code == 404
    assert chair.get(url(sitting, "chair/part/nothing")).status_code == 404
    assert chair.post(url(sitting, "chair/nothing")).status_code == 404


def test_the_vote_helper_agrees_with_the_action(sitting: dict[str, Any]) -> None:
    """The page's reasons mirror :func:`entitled`: where the page lets one vote, it accepts."""
    from django.utils import timezone

    from smolny.web.views.session_state import standing

    vote = open_named_vote(sitting)
    check_in(sitting, "deputy1")
    for username in ("deputy1", "deputy2", "observer"):
        member = Member.objects.get(pk=sitting["members"][username])
        page_says = standing(vote.item.session, member, vote, timezone.now()).may_vote
        try:
            vote_queries.entitled(vote, member, timezone.now())
            action_says = True
        except actions.ActionError:
            action_says = False
        assert page_says == action_says, username


def test_the_answer_to_checking_in_goes_to_a_box_the_panels_re_reads_leave_alone(
    sitting: dict[str, Any],
) -> None:
    deputy = client_for("deputy1")
    page = deputy.get(url(sitting, "deputy")).content.decode()
    # The box is in the page, outside the panel that live events re-read.
    assert page.index('id="checked-in-box"') < page.index('id="deputy-panel"')
    answer = deputy.post(url(sitting, "deputy/check-in"), HTTP_HX_REQUEST="true")
    assert answer.status_code == 200
    text = answer.content.decode()
    box = text[text.index('<div id="checked-in-box" hx-swap-oob="innerHTML">') :]
    assert 'id="checked-in"' in box
    assert "You are checked in." in box[: box.index("</div>")]
    assert 'id="done"' not in text  # not also in the panel, where a re-read would wipe it
    assert 'data-present="yes"' in text
    # The re-read that the check-in's live event sets off brings no box to replace it with.
    reread = deputy.get(url(sitting, "deputy/panel")).content.decode()
    assert "checked-in" not in reread
    assert 'data-present="yes"' in reread
