"""A secretary of a freshly founded organisation sets up its council in Chromium: creates the
council and its three branches, uploads a roll of 120 members (first a file with one bad line:
refused, the line named, nothing written), and sets one deputy per 10 members after watching
the live preview of the apportionment. No API call, no admin page; axe-core finds no serious
violation on any page visited.

The founding steps and the server are those of :mod:`tests.e2e.test_accounts_browser`.
"""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import LiveServer, serious
from tests.e2e.test_accounts_browser import (
    accessible,
    harbour_server,
    mailbox,
    sign_up_and_found,
)
from tests.mailbox import Mailbox

__all__ = ["harbour_server", "mailbox"]

BRANCHES = {"North quay branch": 50, "South quay branch": 40, "Dry dock branch": 30}


def roll_bytes(bad_line: int | None = None) -> bytes:
    """The roll as a file; with *bad_line*, that line names a branch that does not exist."""
    lines = ["member_id,name,constituency"]
    for branch, size in BRANCHES.items():
        for _ in range(size):
            n = len(lines)
            branch_named = "Lighthouse branch" if n + 1 == bad_line else branch
            lines.append(f"HWF-{n:03d},Docker {n:03d},{branch_named}")
    return ("\n".join(lines) + "\n").encode()


def upload(page: Any, content: bytes) -> None:
    page.get_by_label("Roll (CSV)").set_input_files(
        {"name": "harbour-roll.csv", "mimeType": "text/csv", "buffer": content}
    )
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_load_state()


def test_a_secretary_sets_up_the_council_in_the_browser(
    harbour_server: LiveServer,
    mailbox: Mailbox,
    desktop: Any,
    axe: Any,
    screenshot: Any,
) -> None:
    server = harbour_server
    page = desktop.new_page()
    sign_up_and_found(page, server, mailbox, axe)

    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Setup").click()
    assert "no council yet" in page.locator("main").inner_text()
    accessible(page, axe, serious)
    page.get_by_label("Name").fill("Federation Council")
    page.get_by_role("button", name="Create the council").click()
    assert page.locator("h1").inner_text() == "Federation Council"
    assert "is created" in page.locator(".messages").inner_text()
    for branch in BRANCHES:
        page.get_by_label("Constituency name").fill(branch)
        page.get_by_role("button", name="Create the constituency").click()
        assert f"{branch} is created" in page.locator(".messages").inner_text()
    accessible(page, axe, serious)

    # A roll with one bad line: refused, the line named, nothing written.
    page.get_by_role("link", name="Upload the roll").click()
    accessible(page, axe, serious)
    upload(page, roll_bytes(bad_line=57))
    errors = page.locator("table.roll-errors tbody tr")
    assert errors.count() == 1
    assert errors.first.inner_text().split("\t")[:2] == ["57", "constituency"]
    assert "Lighthouse branch" in errors.first.inner_text()
    assert page.get_by_role("button", name="Import the roll").count() == 0
    accessible(page, axe, serious)
    page.get_by_role("link", name="Back to the council").click()
    counts = page.locator("table.setup-constituencies tbody td")
    assert counts.all_inner_texts() == ["0", "0", "0"]

    # The good roll: the preview, then the import.
    page.get_by_role("link", name="Upload the roll").click()
    upload(page, roll_bytes())
    assert "120 new members in 3 constituencies" in page.locator("main").inner_text()
    accessible(page, axe, serious)
    screenshot(page, "roll-upload-preview")
    page.get_by_role("button", name="Import the roll").click()
    assert "120 members are on the rolls of 3 constituencies" in (
        page.locator(".messages").inner_text()
    )
    # Constituencies in order of name: Dry dock, North quay, South quay.
    assert counts.all_inner_texts() == ["30", "50", "40"]

    # One deputy per 10 members: the preview follows the typing, then the rule is saved.
    page.get_by_label("Members per deputy").fill("10")
    preview = page.locator("#rule-preview table tbody tr")
    preview.first.wait_for()
    assert page.locator("#rule-preview caption").inner_text() == "12 deputies for 120 members"
    seats = {row.split("\t")[0]: row.split("\t")[2] for row in preview.all_inner_texts()}
    assert seats == {"Dry dock branch": "3", "North quay branch": "5", "South quay branch": "4"}
    accessible(page, axe, serious)
    screenshot(page, "council-rule-preview")
    page.get_by_role("button", name="Save the rule").click()
    assert "The representation rule is saved." in page.locator(".messages").inner_text()
    assert "one deputy per 10 members" in page.locator("main").inner_text()
    accessible(page, axe, serious)
