"""Issue 15 done: a union secretary founds a federation and runs it from the browser alone.

A new person signs up (the verification mail caught by the test's SMTP server, its link
followed), founds "Harbour Workers Federation", uploads a CSV roll of 120 members in three
branches (first a file with one bad line: refused, the line named, nothing written; the
upload's progress bar moves), sets one deputy per 10 members and apportions the seats,
enters each branch's election result (candidates found by name) and seats the deputies,
invites them (each invitation mail's link followed in a browser context of its own), forms
the plenum, sets its rules and convenes a sitting (every deputy's notice caught, each with its
.ics calendar file), and a deputy on a phone-sized screen checks in.

No request goes to the HTTP API or the admin from any browser (every request is watched);
axe-core finds no serious violation on any page visited. With ``SMOLNY_SCREENSHOTS=1`` the
screenshots illustrate the README's "Run your own organisation".
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tests.e2e.conftest import LiveServer, serious
from tests.e2e.test_accounts_browser import (
    ORGANISATION,
    accessible,
    harbour_server,
    mailbox,
    sign_up_and_found,
    the_link,
)
from tests.mailbox import Mailbox, links

__all__ = ["harbour_server", "mailbox"]

BRANCHES = {"North quay branch": 50, "South quay branch": 40, "Dry dock branch": 30}
SEATS = {"North quay branch": 5, "South quay branch": 4, "Dry dock branch": 3}
FIRST = [
    "Anna", "Boris", "Clara", "Dmitri", "Elena", "Fyodor",
    "Galina", "Igor", "Katya", "Leonid", "Marina", "Nikolai",
]  # fmt: skip
LAST = [
    "Abbott",
    "Baker",
    "Carter",
    "Doyle",
    "Evans",
    "Foster",
    "Grant",
    "Hughes",
    "Quinn",
    "Jones",
]


def roll() -> list[tuple[str, str, str]]:
    """120 members (number, name, branch), every name different."""
    rows = []
    i = 0
    for branch, size in BRANCHES.items():
        for _ in range(size):
            rows.append((f"HWF-{i + 1:03d}", f"{FIRST[i % 12]} {LAST[i // 12]}", branch))
            i += 1
    return rows


def roll_bytes(bad_line: int | None = None) -> bytes:
    """The roll as a file; with *bad_line*, that line (the header is line 1) names a branch
    that does not exist."""
    lines = ["member_id,name,constituency"]
    for number, name, branch in roll():
        named = "Lighthouse branch" if len(lines) + 1 == bad_line else branch
        lines.append(f"{number},{name},{named}")
    return ("\n".join(lines) + "\n").encode()


def candidates(branch: str) -> list[str]:
    """One more candidate than the branch has seats: its first members on the roll."""
    return [name for _, name, b in roll() if b == branch][: SEATS[branch] + 1]


def address(name: str) -> str:
    return name.lower().replace(" ", ".") + "@harbour.test"


def upload(page: Any, content: bytes) -> list[Any]:
    """Choose the file and check it; the progress bar's values seen during the upload."""
    page.get_by_label("Roll (CSV)").set_input_files(
        {"name": "harbour-roll.csv", "mimeType": "text/csv", "buffer": content}
    )
    page.evaluate(
        """() => {
            const bar = document.getElementById('roll-progress');
            window.progressSeen = [];
            new MutationObserver(() => window.progressSeen.push(bar.value))
                .observe(bar, {attributes: true, attributeFilter: ['value']});
        }"""
    )
    page.get_by_role("button", name="Check the file").click()
    page.locator("section.roll-errors, section.roll-preview").wait_for(timeout=60_000)
    seen: list[Any] = page.evaluate("() => window.progressSeen")
    return seen


def said(page: Any, text: str) -> None:
    """Wait for the page's messages to say *text* (the answer to the last form); failing,
    say what the page says instead."""
    try:
        page.locator(".messages", has_text=text).wait_for()
    except Exception:  # the page's own words say why better than a timeout
        raise AssertionError(f"{page.url}: {page.locator('main').inner_text()}") from None


def watch(context: Any, requested: list[str]) -> Any:
    """Record every request of *context*'s pages (to show none went to the API or admin)."""
    context.on("request", lambda request: requested.append(request.url))
    return context


def test_a_secretary_founds_the_federation_and_a_deputy_checks_in(
    harbour_server: LiveServer,
    mailbox: Mailbox,
    browser: Any,
    desktop: Any,
    phone: Any,
    axe: Any,
    screenshot: Any,
) -> None:
    server = harbour_server
    requested: list[str] = []
    page = watch(desktop, requested).new_page()
    page.set_default_timeout(20_000)

    # Sign up, verify the address from the mail, found the federation.
    sign_up_and_found(page, server, mailbox, axe)
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Setup").click()
    page.wait_for_url("**/setup/councils/")
    assert "no council yet" in page.locator("main").inner_text()
    accessible(page, axe, serious)
    page.get_by_label("Name").fill("Federation Council")
    page.get_by_role("button", name="Create the council").click()
    page.get_by_role("heading", name="Federation Council", level=1).wait_for()
    for branch in BRANCHES:
        page.get_by_label("Constituency name").fill(branch)
        page.get_by_role("button", name="Create the constituency").click()
        said(page, f"{branch} is created")
    accessible(page, axe, serious)

    # A roll with one bad line: refused, the line named, nothing written.
    page.get_by_role("link", name="Upload the roll").click()
    accessible(page, axe, serious)
    seen = upload(page, roll_bytes(bad_line=57))
    assert 100 in seen, seen  # the bar followed the upload to its end
    errors = page.locator("table.roll-errors tbody tr")
    assert errors.count() == 1
    assert errors.first.inner_text().split("\t")[:2] == ["57", "constituency"]
    assert "Lighthouse branch" in errors.first.inner_text()
    assert page.get_by_role("button", name="Import the roll").count() == 0
    accessible(page, axe, serious)
    page.get_by_role("link", name="Back to the council").click()
    page.wait_for_url("**/setup/councils/*/")
    counts = page.locator("table.setup-constituencies tbody td")
    assert counts.all_inner_texts() == ["0", "0", "0"]

    # The good roll: preview, import.
    page.get_by_role("link", name="Upload the roll").click()
    upload(page, roll_bytes())
    assert "120 new members in 3 constituencies" in page.locator("main").inner_text()
    accessible(page, axe, serious)
    screenshot(page, "founding-roll-preview")
    page.get_by_role("button", name="Import the roll").click()
    said(page, "120 members are on the rolls of 3 constituencies")
    assert counts.all_inner_texts() == ["30", "50", "40"]

    # One deputy per 10 members, previewed live, saved; the seats apportioned.
    page.get_by_label("Members per deputy").fill("10")
    page.locator("#rule-preview caption").wait_for()
    assert page.locator("#rule-preview caption").inner_text() == "12 deputies for 120 members"
    rows = page.locator("#rule-preview table tbody tr").all_inner_texts()
    assert {r.split("\t")[0]: r.split("\t")[2] for r in rows} == {
        "Dry dock branch": "3",
        "North quay branch": "5",
        "South quay branch": "4",
    }
    accessible(page, axe, serious)
    page.get_by_role("button", name="Save the rule").click()
    said(page, "The representation rule is saved.")
    page.get_by_role("button", name="Apportion the seats").click()
    said(page, "The seats are apportioned: 12 deputies.")
    accessible(page, axe, serious)

    # Each branch's election: candidates found by name, the votes entered, deputies seated.
    page.get_by_role("link", name="Elections", exact=True).click()
    accessible(page, axe, serious)
    deputies: list[str] = []
    for branch in BRANCHES:
        page.get_by_role("button", name=f"Open the election in {branch}").click()
        said(page, f"The election in {branch} is open for {SEATS[branch]} seats.")
        standing = candidates(branch)
        for name in standing:
            page.get_by_label(f"Find a member of {branch} by name").fill(name)
            page.get_by_role("button", name="Search").click()
            page.get_by_role("button", name=f"Nominate {name}").click()
            said(page, f"{name} is a candidate.")
        accessible(page, axe, serious)
        for votes, name in zip(range(90, 0, -10), standing, strict=False):
            page.get_by_label(f"Votes for {name}").fill(str(votes))
        page.get_by_role("button", name="Declare the result").click()
        elected = standing[: SEATS[branch]]
        said(page, f"The result is declared: {', '.join(elected)} elected.")
        page.get_by_role("button", name="Seat everyone elected").click()
        said(page, f"Seated: {', '.join(elected)}.")
        if branch == "Dry dock branch":
            screenshot(page, "founding-election-result")
        accessible(page, axe, serious)
        deputies += elected
        page.get_by_role("link", name="All elections").click()
    assert len(deputies) == 12
    page.wait_for_url("**/elections/")
    seated = page.locator("table.setup-elections tbody tr td:nth-child(4)").all_inner_texts()
    assert seated == ["3", "5", "4"]  # in order of name: Dry dock, North quay, South quay

    # The deputies invited by name; each follows the mailed link in a browser of their own
    # (the first on a phone: she checks in at the sitting later).
    nav.get_by_role("link", name="Invitations").click()
    for name in deputies:
        page.get_by_label("Name or member number").fill(name)
        page.get_by_role("button", name="Search").click()
        page.get_by_label(f"Email address of {name}").fill(address(name))
        page.get_by_role("button", name=f"Invite {name}").click()
        said(page, f"{name} is invited")
    accessible(page, axe, serious)
    phone_context = watch(phone(), requested)
    for i, name in enumerate(deputies):
        link = the_link(mailbox, address(name), "/invitation/")
        context = (
            phone_context
            if i == 0
            else watch(
                browser.new_context(viewport={"width": 1280, "height": 800}, locale="en"),
                requested,
            )
        )
        try:
            guest = context.new_page()
            guest.set_default_timeout(20_000)
            guest.goto(link)
            assert name in guest.locator("main").inner_text()
            if i == 0:
                accessible(guest, axe, serious)
            guest.get_by_label("Username").fill(f"deputy{i + 1}")
            guest.get_by_label("Password", exact=True).fill("harbour-deputy-2026")
            guest.get_by_label("Password confirmation").fill("harbour-deputy-2026")
            guest.get_by_role("button", name="Make my account").click()
            guest.wait_for_url("**/portal/")
            said(guest, f"Welcome, {name}")
            if i == 0:
                accessible(guest, axe, serious)
        finally:
            if i != 0:
                context.close()

    # The plenum, its rules, and the first sitting convened with its notice.
    nav.get_by_role("link", name="Setup").click()
    page.get_by_role("link", name="Organs and their rules").click()
    accessible(page, axe, serious)
    assert page.get_by_label("Organ name").input_value() == "Plenum"
    assert page.get_by_label("Seats", exact=True).input_value() == "12"
    page.get_by_role("button", name="Form the organ").click()
    said(page, "Plenum is formed.")
    page.get_by_label("Notice a sitting needs (hours)").fill("48")
    page.get_by_label("Quorum", exact=True).fill("1/2")
    page.get_by_role("button", name="Save the rules").click()
    said(page, "The rules of Plenum are saved.")
    london = ZoneInfo("Europe/London")
    starts = (datetime.now(london) + timedelta(days=4)).replace(
        hour=18, minute=30, second=0, microsecond=0
    )
    page.get_by_label("Title of the sitting").fill("First sitting of the Federation Council")
    page.get_by_label("Date and time").fill(starts.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Place").fill("Seafarers' Hall, 4 Quay Street")
    page.get_by_label("Agenda").fill(
        "Election of the chair\nThe new wage scale\nAny other business"
    )
    accessible(page, axe, serious)
    screenshot(page, "founding-convene")
    page.get_by_role("button", name="Convene the sitting").click()
    said(page, "is convened; the deputies are sent its notice.")
    accessible(page, axe, serious)

    # Every deputy's notice is caught, with the place, the agenda and an .ics file.
    notices = {}
    for name in deputies:
        notice = mailbox.wait_for(address(name), count=2, timeout=60)
        assert ORGANISATION in notice.text
        assert "Seafarers' Hall, 4 Quay Street" in notice.text
        assert "The new wage scale" in notice.text
        calendars = [
            part
            for part in notice.message.iter_attachments()
            if part.get_content_type() == "text/calendar"
        ]
        assert len(calendars) == 1, notice.message
        ics = calendars[0].get_content()
        ics = ics.decode() if isinstance(ics, bytes) else ics
        assert "BEGIN:VEVENT" in ics
        assert starts.astimezone(ZoneInfo("UTC")).strftime("DTSTART:%Y%m%dT%H%M%SZ") in ics
        notices[name] = notice

    # The setup page: every step but the optional fractions done.
    nav.get_by_role("link", name="Setup").click()
    page.wait_for_url("**/setup/councils/")
    states = page.locator("ol.setup-steps li")
    to_do = [s for s in states.all_inner_texts() if s.endswith("to do")]
    assert to_do == ["Fractions (optional): 0 fractions — to do"], to_do
    accessible(page, axe, serious)
    screenshot(page, "founding-setup-steps")

    # The first deputy, on her phone, follows her notice's link to the sitting and checks in.
    (sitting,) = [u for u in links(notices[deputies[0]]) if "/sessions/" in u]
    assert sitting.startswith(server.url("/sessions/")), sitting
    deputy = phone_context.pages[0]
    deputy.goto(sitting)
    assert "First sitting of the Federation Council" in deputy.locator("main").inner_text()
    accessible(deputy, axe, serious)
    deputy.get_by_role("button", name="Check in").click()
    # The answer stays, outside the panel, though the check-in's own live event re-reads the
    # panel: still there 3 s later, until she dismisses it.
    deputy.locator("[data-present=yes]").wait_for()
    assert deputy.locator("[data-present=yes]").inner_text() == "in the hall"
    assert deputy.locator("#refusal").count() == 0
    checked_in = deputy.locator("#checked-in")
    checked_in.wait_for()
    deputy.wait_for_timeout(3000)
    assert checked_in.is_visible()
    assert checked_in.inner_text().startswith("You are checked in.")
    assert deputy.locator("[data-present=yes]").inner_text() == "in the hall"
    accessible(deputy, axe, serious)
    screenshot(deputy, "founding-deputy-check-in")
    deputy.locator("#dismiss-checked-in").click()
    checked_in.wait_for(state="detached")
    assert deputy.locator("[data-present=yes]").inner_text() == "in the hall"

    strays = [u for u in requested if "/api/" in u or "/admin/" in u]
    assert strays == [], strays
