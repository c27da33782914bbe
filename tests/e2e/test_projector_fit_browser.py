"""The projector fits the hall's screen (issue 16, item 4), measured in Chromium.

At 1366x768 and 1920x1080 the projector's page, during an open named vote on an amendment
(the largest screen it shows: the question, the amendment's diff, the tally and the
hemicycle with its legend), scrolls neither down nor across, every part of it (the legend
too) is inside the window, and the text put to the vote is set large enough to read from
the back of a hall: at least 28 px at 1366x768 (about 3.6 % of the height; a line of
motion text on a 3 m wide screen is then some 11 cm tall).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import LiveServer, sign_in
from tests.e2e.test_sitting_console_browser import live, seed

LONG = (
    "The Soviet takes the flour stores of the district under its control, appoints a "
    "commission of three to account for them, and calls on the works committees to send "
    "their delegates to the district food board by the end of the week."
)

MEASURE = """() => {
    const root = document.documentElement;
    const inside = (selector) => {
        const e = document.querySelector(selector);
        if (!e) return null;
        const r = e.getBoundingClientRect();
        return r.top >= 0 && r.left >= 0 && r.bottom <= window.innerHeight + 0.5
            && r.right <= window.innerWidth + 0.5;
    };
    const text = document.querySelector('#projector-screen .projector-vote .diff, '
        + '#projector-screen .projector-vote .motion-text');
    return {
        scrollHeight: root.scrollHeight, innerHeight: window.innerHeight,
        scrollWidth: root.scrollWidth, innerWidth: window.innerWidth,
        hemicycle: inside('#projector-screen .hemicycle-card svg'),
        question: inside('#projector-vote-heading'),
        tally: inside('#projector-screen .tally'),
        text: inside('#projector-screen .projector-vote .diff'),
        fontSize: text ? parseFloat(getComputedStyle(text).fontSize) : 0,
        // The words' column clips what would not fit: nothing may be clipped.
        wordsClipped: (() => {
            const w = document.querySelector('#projector-screen .projector-words');
            return w.scrollHeight - w.clientHeight > 1 || w.scrollWidth - w.clientWidth > 1;
        })(),
    };
}"""


@pytest.mark.parametrize(("width", "height"), [(1366, 768), (1920, 1080)])
def test_the_projector_fits_the_screen_during_a_named_vote(
    browser: Any,
    desktop: Any,
    live_smolny: LiveServer,
    screenshot: Callable[[Any, str], Path],
    width: int,
    height: int,
) -> None:
    server = live_smolny
    prefix = uuid.uuid4().hex[:6] + "-"
    s = seed(server, prefix)
    base = server.url(f"/sessions/{s['convened']}")
    sign_in(desktop, server, prefix + "secretary", s["password"])
    console = desktop.new_page()
    console.goto(base + "/chair")
    for who in ("chair", "deputy1", "deputy2", "deputy3", "deputy4"):
        name = s["names"][who]
        console.locator("#door-search").fill(name)
        console.locator("form.door-search button").click()
        console.get_by_role("button", name=f"Check in {name}", exact=True).click()
        console.wait_for_selector("ul.messages")
    console.locator("#open-sitting").click()
    console.locator("#item-title").fill("On the food supply of the Vyborg district")
    console.get_by_role("button", name="Add to the agenda").click()
    console.locator("#motion-text").fill(LONG)
    console.locator("#move-main").click()
    console.locator("details.motion-form summary", has_text="Amendment").click()
    console.locator("#amend-strike").fill("commission of three")
    console.locator("#amend-text").fill("commission of five, one from each works")
    console.locator("#move-amendment").click()
    console.locator("#vote-method").select_option("roll call")
    console.locator("#open-vote").click()
    console.wait_for_selector('#chair-vote [data-status="open"]')

    context = browser.new_context(viewport={"width": width, "height": height}, locale="en")
    context.set_default_timeout(15_000)
    try:
        sign_in(context, server, prefix + "observer", s["password"])
        projector = context.new_page()
        projector.goto(base + "/projector")
        live(projector)
        projector.wait_for_selector("#projector-screen circle.seat")
        measured = projector.evaluate(MEASURE)
        screenshot(projector, f"projector-{width}x{height}")
    finally:
        context.close()
    assert measured["scrollHeight"] <= measured["innerHeight"], measured
    assert measured["wordsClipped"] is False, measured
    assert measured["scrollWidth"] <= measured["innerWidth"], measured
    assert measured["hemicycle"] is True, measured  # legend and all, on screen
    assert measured["question"] is True, measured
    assert measured["tally"] is True, measured
    assert measured["text"] is True, measured
    assert measured["fontSize"] >= 28 * min(width / 1366, height / 768), measured
