"""Chromium: a recall from the member portal, from petition to the end of the mandate.

Narva gate (a roll of 8; threshold 1/4 = 2 signatures, quorum 1/3 = 3 voting) recalls its
deputy. Each person has their own browser context on a phone-sized screen: narva1 opens the
petition and keeps the portal open; narva2 signs, which reaches the threshold and opens the
recall vote, and narva1's page shows the vote without a reload (the live stream). Three
members vote, the secretary closes the vote, and the council page no longer lists the
deputy. The portal is saved as ``docs/screenshots/member-portal.png``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.e2e.conftest import LiveServer, serious, sign_in
from tests.e2e.council_setup import build_world
from tests.integration.web.council_world import PASSWORD


def portal(context: Any, server: LiveServer, world: dict[str, Any], user: str) -> Any:
    sign_in(context, server, user + world["tag"], PASSWORD)
    page = context.new_page()
    page.goto(server.url(f"/o/{world['organisation']}/portal/"))
    return page


def test_members_recall_their_deputy_in_the_browser(
    live_smolny: LiveServer,
    phone: Callable[[], Any],
    desktop: Any,
    axe: Callable[[Any], list[dict[str, Any]]],
    screenshot: Callable[[Any, str], Path],
) -> None:
    # Readable names for the screenshot; the test builds this world once per server.
    tag = "-recall"
    world = {"tag": tag, **build_world(live_smolny, tag, name="Petrograd")}
    deputy = world["narva_deputy_name"]

    first = portal(phone(), live_smolny, world, "narva1")
    expect(first.get_by_role("heading", name="My deputies")).to_be_visible()
    # Opening a recall asks for a confirmation first (once the page's first live re-read,
    # on connecting, is done: the form is then the one that stays).
    first.wait_for_function(
        "() => document.getElementById('live-status').dataset.state === 'connected'"
    )
    first.wait_for_function("() => document.querySelectorAll('.htmx-request').length === 0")
    first.get_by_text(f"Recall {deputy}…").click()
    first.get_by_label(f"Yes, I want to start the recall of {deputy}.").check()
    first.get_by_role("button", name=f"Open a recall petition against {deputy}").click()
    first.get_by_text("Recall petition against").first.wait_for()
    progress = first.locator("article.petition .progress-text")
    assert "1 of 2 signatures needed (roll of 8)." in (progress.text_content() or "")
    problems = serious(axe(first))
    assert problems == [], problems
    first.wait_for_function(
        "() => document.getElementById('live-status').dataset.state === 'connected'"
    )
    loaded_at = first.evaluate("() => performance.timeOrigin")

    second = portal(phone(), live_smolny, world, "narva2")
    # One tap does not sign: the box confirming the recall must be ticked (a reason is
    # optional).
    second.get_by_role("button", name="Sign the petition").click()
    assert second.get_by_text("The threshold is reached").count() == 0
    second.get_by_label("Why you sign (optional)").fill("He voted for the offensive.")
    second.get_by_role("checkbox", name=f"I sign the petition to recall {deputy}").check()
    second.get_by_role("button", name="Sign the petition").click()
    second.get_by_text("The threshold is reached").wait_for()

    # narva1's page, open throughout, shows the recall vote without a reload.
    first.get_by_role("button", name=f"Recall {deputy}", exact=True).wait_for(timeout=5_000)
    assert first.evaluate("() => performance.timeOrigin") == loaded_at
    assert "0 of 8 members have voted" in (first.locator(".turnout").text_content() or "")
    screenshot(first, "member-portal")

    first.get_by_role("button", name=f"Recall {deputy}", exact=True).click()
    first.get_by_text("Your vote is cast.").wait_for()
    # The ballot's receipt: its tracker and a link to the vote's bulletin board.
    tracker = first.locator("#receipt code").text_content() or ""
    assert len(tracker) >= 16, tracker
    expect(first.locator("#receipt-board")).to_have_attribute("href", re.compile(r"/board\.json$"))
    first.wait_for_function(
        "() => document.getElementById('live-status').dataset.state === 'connected'"
    )
    second.reload()
    second.get_by_role("button", name=f"Recall {deputy}", exact=True).click()
    second.get_by_text("Your vote is cast.").wait_for()
    # narva2's ballot re-reads narva1's portal; the receipt stays until narva1 dismisses it.
    expect(first.locator(".turnout")).to_contain_text("2 of 8 members", timeout=15_000)
    expect(first.locator("#receipt code")).to_have_text(tracker)
    first.get_by_role("link", name="I have noted it: dismiss").click()
    expect(first.locator("#receipt")).to_have_count(0)
    third = portal(phone(), live_smolny, world, "narva3")
    assert "2 of 8 members have voted" in (third.locator(".turnout").text_content() or "")
    third.get_by_role("button", name=f"Keep {deputy}", exact=True).click()
    third.get_by_text("Your vote is cast.").wait_for()
    expect(third.get_by_text("You have voted")).to_be_visible()
    problems = serious(axe(third))
    assert problems == [], problems

    secretary = portal(desktop, live_smolny, world, "secretary")
    secretary.get_by_role("button", name="Close the vote and count it").click()
    secretary.get_by_text(f"{deputy} is recalled").wait_for()
    result = secretary.locator("table.recall-results tbody tr").first
    assert "recalled" in (result.locator(".outcome").text_content() or "")

    # The mandate has ended: the council page lists the deputy no more.
    secretary.goto(live_smolny.url(f"/o/{world['organisation']}/councils/{world['council']}/"))
    deputies = secretary.locator("table.deputies")
    expect(deputies.get_by_text("Putilov works worker 1")).to_be_visible()
    assert deputies.get_by_text(deputy).count() == 0
    expect(secretary.get_by_text("3 deputies, 2 seats vacant.")).to_be_visible()
    # And narva1's portal says the constituency has no deputy now.
    first.reload()
    expect(first.get_by_text("Your constituency has no deputy at present.")).to_be_visible()
