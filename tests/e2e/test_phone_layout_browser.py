"""On a phone (390×844): the header folds under "Menu" and takes at most 15% of the screen's
height, and the journal (sentences, one block per entry) never scrolls sideways.

One seeded sitting on the shared test server; a deputy's phone reads the journal, the deputy
view and the minutes. On a desktop the same header shows its links without a "Menu" to open.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.e2e.conftest import LiveServer, sign_in
from tests.e2e.test_session_browser import seed

MEASURE = """() => ({
  header: document.querySelector('header.site-header').getBoundingClientRect().height,
  screen: window.innerHeight,
  overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
})"""


def test_the_header_folds_and_the_journal_fits_a_phone(
    live_smolny: LiveServer, phone: Callable[[], Any], desktop: Any
) -> None:
    s = seed(live_smolny, "phone-")
    context = phone()
    sign_in(context, live_smolny, "phone-deputy1", s["password"])
    page = context.new_page()
    for path in (
        f"/o/{s['organisation']}/journal/",
        f"/sessions/{s['session']}/deputy",
        f"/sessions/{s['session']}/minutes",
    ):
        page.goto(live_smolny.url(path))
        found = page.evaluate(MEASURE)
        assert found["header"] <= 0.15 * found["screen"], (path, found)
        assert found["overflow"] <= 0, (path, found)
    # The journal reads as sentences, not action names or JSON.
    page.goto(live_smolny.url(f"/o/{s['organisation']}/journal/"))
    first = page.locator("table.journal td.sentence").first.text_content() or ""
    assert first.endswith(".")
    body = page.locator("table.journal").text_content() or ""
    assert "move_motion" not in body
    assert "{" not in body
    assert "Motion M1 moved (main motion)." in body
    # The menu opens on a tap and shows the links and the sign-out.
    assert not page.locator("header .sign-out").is_visible()
    page.locator("details.site-menu > summary").click()
    assert page.locator("header .sign-out").is_visible()
    # On a desktop the header's tools are shown at once, with no "Menu" to open.
    sign_in(desktop, live_smolny, "phone-deputy2", s["password"])
    wide = desktop.new_page()
    wide.goto(live_smolny.url(f"/o/{s['organisation']}/journal/"))
    assert wide.locator("header .sign-out").is_visible()
    assert not wide.locator("details.site-menu > summary").is_visible()
