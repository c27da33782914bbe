"""Notices by email (issue 15, item 6), sent through a real SMTP server the test starts.

Convening a sitting mails each deputy with an address its notice and an .ics file (parsed
here by the rules of RFC 5545, not by the code that wrote it); a recall vote or an
election poll opening mails everyone on the roll. With the mail server down the action
still commits and the message waits, failed, for its next attempt; with the server back the
retry sends it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from smolny.cli import main
from smolny.councils import actions
from smolny.councils.actions import session as session_actions
from smolny.councils.actions.agenda import add_agenda_item
from smolny.councils.actions.election_ballot import nominate_candidate, open_election_poll
from smolny.councils.actions.founding import set_member_email
from smolny.councils.actions.organisation import appoint_secretary
from smolny.councils.models import JournalEntry, Session
from smolny.journal.actions import NotAllowed
from smolny.notices import outbox
from smolny.notices.models import OutboxLetter, OutboxMessage
from tests.integration.sessions.conftest import build_council, organ_of
from tests.mailbox import Caught, Mailbox, free_port, smtp_server

pytestmark = pytest.mark.django_db(transaction=True)  # actions commit: mail goes after

SYS = actions.SYSTEM
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def smtp_settings(port: int) -> Any:
    return override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=port,
        EMAIL_USE_TLS=False,
        EMAIL_USE_SSL=False,
        EMAIL_TIMEOUT=10,
        DEFAULT_FROM_EMAIL="secretary@harbour.test",
        SMOLNY_BASE_URL="https://council.harbour.test",
        SMOLNY_MAIL_DELIVERY="inline",
    )


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    with smtp_server() as box, smtp_settings(box.port):
        yield box


def unfold(text: str) -> list[str]:
    """RFC 5545, 3.1: every line ends with CRLF; a CRLF followed by a space or a tab is a
    fold, removed to give the content lines. Checks each physical line's length too."""
    assert text.endswith("\r\n")
    physical = text[:-2].split("\r\n")
    for line in physical:
        assert "\n" not in line, f"a bare line break in {line!r}"
        assert "\r" not in line, f"a bare line break in {line!r}"
        assert len(line.encode("utf-8")) <= 75, f"an unfolded line of more than 75 octets: {line!r}"
    lines: list[str] = []
    for line in physical:
        if line[:1] in (" ", "\t"):
            lines[-1] += line[1:]
        else:
            lines.append(line)
    return lines


def unescape(value: str) -> str:
    out, i = "", 0
    while i < len(value):
        if value[i] == "\\":
            nxt = value[i + 1]
            out += "\n" if nxt in "nN" else nxt
            i += 2
        else:
            out += value[i]
            i += 1
    return out


def properties(ics_text: str) -> tuple[list[str], dict[str, str]]:
    """The BEGIN/END structure and the VEVENT's properties (name: unescaped value)."""
    structure: list[str] = []
    event: dict[str, str] = {}
    inside = False
    for line in unfold(ics_text):
        name, _, value = line.partition(":")
        name = name.split(";")[0].upper()
        if name in ("BEGIN", "END"):
            structure.append(f"{name}:{value}")
            inside = (name, value) == ("BEGIN", "VEVENT")
            continue
        if inside:
            event[name] = value if name == "URL" else unescape(value)
    return structure, event


def calendar_of(caught: Caught) -> tuple[str, str, str]:
    """(file name, content type, text) of the message's calendar attachment, exactly as
    the bytes arrived (the CRLF line ends included)."""
    found = list(caught.message.iter_attachments())
    assert len(found) == 1
    part = found[0]
    raw = part.get_payload(decode=True)
    assert isinstance(raw, bytes)
    return str(part.get_filename()), part.get_content_type(), raw.decode("utf-8")


def give_addresses(members: list[Any]) -> dict[str, Any]:
    """Each member an address through the action; return them by address."""
    found = {}
    for i, member in enumerate(members):
        address = f"deputy{i}@harbour.test"
        set_member_email(SYS, member, address, at=NOW)
        found[address] = member
    return found


def test_convening_mails_each_deputy_a_notice_with_a_calendar_file(mailbox: Mailbox) -> None:
    council = build_council({"Dockers": 3, "Crane drivers": 2}, at=NOW)
    plenum = organ_of(council, "Plenum", at=NOW)
    deputies = list(council.everyone())
    addressed = give_addresses(deputies[:4])  # the fifth deputy has no address
    outsider = council.outsiders[0]
    set_member_email(SYS, outsider, "observer@harbour.test", at=NOW)
    starts = NOW + timedelta(days=3, hours=8)
    sitting = session_actions.convene_session(
        SYS,
        plenum,
        "Quarterly plenum",
        starts_at=starts,
        ends_at=starts + timedelta(hours=3),
        place="Union hall, Pier 4; room 2",
        agenda=["Report of the executive", "Strike fund, budget"],
        at=NOW,
    )
    for address in addressed:
        caught = mailbox.wait_for(address)
        assert "Quarterly plenum" in caught.subject
        text = caught.text
        assert "Union hall, Pier 4; room 2" in text
        assert "1. Report of the executive" in text
        assert "2. Strike fund, budget" in text
        link = f"https://council.harbour.test/sessions/{sitting.pk}/deputy"
        assert link in text
        assert addressed[address].name in text
        name, content_type, ics_text = calendar_of(caught)
        assert (name, content_type) == (f"sitting-{sitting.pk}.ics", "text/calendar")
        structure, event = properties(ics_text)
        assert structure == ["BEGIN:VCALENDAR", "BEGIN:VEVENT", "END:VEVENT", "END:VCALENDAR"]
        assert event["DTSTART"] == "20261204T170000Z"
        assert event["DTEND"] == "20261204T200000Z"
        assert event["SUMMARY"] == "Plenum: Quarterly plenum"
        assert event["LOCATION"] == "Union hall, Pier 4; room 2"
        assert event["DESCRIPTION"].splitlines()[:2] == [
            "1. Report of the executive",
            "2. Strike fund, budget",
        ]
        assert event["URL"] == link
        assert event["UID"] == f"session-{sitting.pk}@council.harbour.test"
        assert event["SEQUENCE"] == "0"
        assert len(event["DTSTAMP"]) == 16
        assert event["DTSTAMP"].endswith("Z")
    # Only the deputies: the observer on the roll is not summoned.
    assert mailbox.to("observer@harbour.test") == []
    assert len(mailbox.messages) == 4
    rows = OutboxMessage.objects.filter(about=f"session:{sitting.pk}")
    assert sorted(rows.values_list("state", "attempts")) == [("sent", 1)] * 4
    entry = json.loads(JournalEntry.objects.filter(action="convene_session").latest("seq").payload)
    assert entry["notices"] == {"queued": 4, "no_address": 1}
    assert entry["agenda"] == ["Report of the executive", "Strike fund, budget"]
    assert list(Session.objects.get(pk=sitting.pk).items.values_list("title", flat=True)) == [
        "Report of the executive",
        "Strike fund, budget",
    ]


def test_a_notice_sent_again_updates_the_calendar_entry(mailbox: Mailbox) -> None:
    council = build_council({"Dockers": 2}, at=NOW)
    plenum = organ_of(council, "Plenum", at=NOW)
    (address,) = give_addresses(list(council.everyone())[:1])
    sitting = session_actions.convene_session(
        SYS, plenum, "Plenum", starts_at=NOW + timedelta(days=2), at=NOW
    )
    add_agenda_item(SYS, sitting, "Elections to the executive", at=NOW)
    session_actions.send_session_notice(SYS, sitting, at=NOW)
    first, second = mailbox.wait_for(address, count=1), mailbox.wait_for(address, count=2)
    _, one = properties(calendar_of(first)[2])
    _, two = properties(calendar_of(second)[2])
    assert one["UID"] == two["UID"]
    assert (one["SEQUENCE"], two["SEQUENCE"]) == ("0", "1")
    # Two hours when no end is given.
    assert two["DTEND"] == "20261203T110000Z"
    assert "1. Elections to the executive" in second.text
    assert "(to be set at the sitting)" in first.text


def test_with_the_mail_server_down_the_action_stands_and_the_retry_sends() -> None:
    port = free_port()
    with smtp_settings(port):
        council = build_council({"Dockers": 2}, at=NOW)
        plenum = organ_of(council, "Plenum", at=NOW)
        (address,) = give_addresses(list(council.everyone())[:1])
        before = timezone.now()
        sitting = session_actions.convene_session(
            SYS, plenum, "Plenum", starts_at=NOW + timedelta(days=2), at=NOW
        )
        # The action committed: the session and its journal entry are there.
        assert Session.objects.filter(pk=sitting.pk).exists()
        assert JournalEntry.objects.filter(action="convene_session").exists()
        message = OutboxMessage.objects.get(about=f"session:{sitting.pk}")
        assert (message.state, message.attempts) == ("failed", 1)
        assert "refused" in message.error.lower() or "connect" in message.error.lower()
        assert message.next_attempt_at is not None
        assert message.next_attempt_at - before >= outbox.FIRST_PAUSE
        # Nothing is due before the pause has passed, even with the server back.
        with smtp_server(port) as box:
            assert outbox.send_due(now=timezone.now()).sent == 0
            later = timezone.now() + outbox.FIRST_PAUSE + timedelta(seconds=1)
            assert outbox.send_due(now=later).sent == 1
            caught = box.wait_for(address)
        assert "Plenum" in caught.subject
        message.refresh_from_db()
        assert (message.state, message.attempts, message.error) == ("sent", 2, "")
        # Sent once: a second round finds nothing to send.
        assert outbox.send_due(now=later + timedelta(days=1)).sent == 0


def test_the_pause_doubles_up_to_a_limit_and_a_message_is_given_up() -> None:
    assert [outbox.pause_after(n) for n in (1, 2, 3)] == [
        timedelta(minutes=1),
        timedelta(minutes=2),
        timedelta(minutes=4),
    ]
    assert outbox.pause_after(30) == outbox.LONGEST_PAUSE
    port = free_port()
    with smtp_settings(port):
        council = build_council({"Dockers": 2}, at=NOW)
        plenum = organ_of(council, "Plenum", at=NOW)
        give_addresses(list(council.everyone())[:1])
        session_actions.convene_session(
            SYS, plenum, "Plenum", starts_at=NOW + timedelta(days=2), at=NOW
        )
        moment = timezone.now()
        for _ in range(outbox.MAX_ATTEMPTS - 1):
            moment += outbox.LONGEST_PAUSE
            assert outbox.send_due(now=moment).failed == 1
        message = OutboxMessage.objects.get()
        assert message.attempts == outbox.MAX_ATTEMPTS
        assert message.next_attempt_at is None  # given up
        assert outbox.send_due(now=moment + timedelta(days=30)).failed == 0
        # Asked again (the outbox page's button, smolny mail retry): sent once the server is up.
        assert outbox.retry(council.frame.organisation, now=moment) == 1
        with smtp_server(port) as box:
            assert outbox.send_due(now=moment).sent == 1
            assert len(box.messages) == 1


def test_a_recall_vote_opening_mails_everyone_on_the_roll(mailbox: Mailbox) -> None:
    council = build_council({"Dockers": 1}, at=NOW, outsiders=3)
    mandate = council.deputies["Dockers"][0]
    roll = council.frame.members["Dockers district"]
    addressed = give_addresses(roll)
    others = [m for m in roll if m.pk != mandate.member_id]
    petition = actions.open_recall_petition(SYS, mandate, others[0], at=NOW)
    assert OutboxMessage.objects.count() == 0  # no vote yet, no mail
    vote = None
    signers = iter(others[1:])
    while vote is None:
        vote = actions.sign_recall_petition(SYS, petition, next(signers), at=NOW)
    for address in addressed:
        caught = mailbox.wait_for(address)
        assert mandate.member.name in caught.subject
        assert f"https://council.harbour.test/o/{council.frame.organisation.pk}/portal/" in (
            caught.text
        )
    assert len(mailbox.messages) == len(roll) == 13
    assert set(OutboxMessage.objects.values_list("kind", flat=True)) == {"recall vote"}


def test_an_election_poll_opening_mails_the_electors_and_fixes_the_candidates(
    mailbox: Mailbox,
) -> None:
    council = build_council({"Dockers": 1}, at=NOW, outsiders=0)
    constituency = council.frame.constituencies["Dockers district"]
    roll = council.frame.members["Dockers district"]
    addressed = give_addresses(roll[:5])
    election = actions.open_election(SYS, constituency, seats=1, at=NOW)
    with pytest.raises(NotAllowed, match="nominate"):
        open_election_poll(SYS, election, at=NOW)
    nominate_candidate(SYS, election, roll[1], at=NOW)
    nominate_candidate(SYS, election, roll[2], at=NOW)
    open_election_poll(SYS, election, at=NOW)
    for address in addressed:
        caught = mailbox.wait_for(address)
        assert constituency.name in caught.subject
        assert roll[1].name in caught.text
        assert roll[2].name in caught.text
    with pytest.raises(NotAllowed, match="candidates can no longer change"):
        nominate_candidate(SYS, election, roll[3], at=NOW)
    with pytest.raises(NotAllowed, match="open already"):
        open_election_poll(SYS, election, at=NOW)
    assert JournalEntry.objects.filter(action="open_election_poll").count() == 1
    entry = json.loads(JournalEntry.objects.get(action="open_election_poll").payload)
    assert entry["notices"] == {"queued": 5, "no_address": len(roll) - 5}
    # One letter for the whole roll, addressed after the commit to the five with an address.
    letter = OutboxLetter.objects.get()
    assert (letter.recipients, letter.expanded_at is not None) == (5, True)
    assert set(letter.messages.values_list("to", flat=True)) == set(addressed)
    assert len(roll) == 10


def convened_while_down(port: int) -> tuple[Any, Any]:
    """A council whose two deputies have addresses, its plenum convened while nothing
    listens on *port*: two failed messages. Returns (council, session)."""
    council = build_council({"Dockers": 2}, at=NOW)
    plenum = organ_of(council, "Plenum", at=NOW)
    give_addresses(list(council.everyone()))
    sitting = session_actions.convene_session(
        SYS, plenum, "Plenum", starts_at=NOW + timedelta(days=2), at=NOW
    )
    return council, sitting


def test_the_secretary_sees_each_message_state_and_sends_the_failed_again() -> None:
    port = free_port()
    with smtp_settings(port):
        council, _ = convened_while_down(port)
        org = council.frame.organisation
        User = get_user_model()
        secretary = User.objects.create_user("yana", email="yana@harbour.test")
        appoint_secretary(SYS, org, secretary, at=NOW)
        stranger = User.objects.create_user("petr", email="petr@harbour.test")
        client, other = Client(), Client()
        client.force_login(secretary)
        other.force_login(stranger)
        url = reverse("outbox", args=[org.pk])
        assert other.get(url).status_code in (403, 404)
        assert other.post(reverse("outbox-retry", args=[org.pk])).status_code in (403, 404)
        page = client.get(url)
        assert page.status_code == 200
        html = page.content.decode()
        assert html.count('class="outbox-failed"') == 2
        assert "will retry" in html
        assert "deputy0@harbour.test" in html
        assert "Failed (2)" in html
        # The server is back; the secretary asks for the failed messages at once.
        with smtp_server(port) as box:
            answer = client.post(reverse("outbox-retry", args=[org.pk]))
            assert answer.status_code == 302
            box.wait_for("deputy0@harbour.test")
            box.wait_for("deputy1@harbour.test")
        html = client.get(url).content.decode()
        assert html.count('class="outbox-sent"') == 2
        assert "Sent (2)" in html
        assert "Failed (0)" in html


def test_smolny_mail_send_and_retry(capsys: pytest.CaptureFixture[str]) -> None:
    port = free_port()
    with smtp_settings(port):
        convened_while_down(port)
        # Down still: the retry fails again, says so and exits 1; the messages stay.
        assert main(["mail", "retry"]) == 1
        assert "sent 0, failed 2" in capsys.readouterr().out
        assert main(["mail", "list", "--state", "failed"]) == 0
        listed = capsys.readouterr().out.splitlines()
        assert len(listed) == 2
        assert all("\tfailed\t2\t" in line for line in listed)
        # Nothing is due yet: send leaves them for their next attempt.
        assert main(["mail", "send"]) == 0
        assert "sent 0, failed 0" in capsys.readouterr().out
        with smtp_server(port) as box:
            assert main(["mail", "retry"]) == 0
            assert "sent 2, failed 0" in capsys.readouterr().out
            assert len(box.messages) == 2
        assert set(OutboxMessage.objects.values_list("state", flat=True)) == {"sent"}
