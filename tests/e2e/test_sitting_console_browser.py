"""A whole sitting from the chair console in Chromium, with no API call (issue 16, "Done when").

The seed convenes a sitting and nothing more. At the console (desktop) the secretary checks
the chair and a deputy in at the door, found by name; three deputies check in on phone-sized
screens; the console opens the sitting on its quorum, edits the agenda (adds, renames,
reorders, withdraws), takes a main motion and an amendment (the amendment's diff seen on a
deputy's phone and on the projector), hears a point of order and a speaker on the running
clock (the projector shows it run; the seconds recorded are the clock's), takes the amendment
by named vote and the motion as amended by secret ballot (a deputy's receipt still readable
5 s after casting, while the others' ballots re-read the panel), takes the next item's motion
by card vote (the projector gives it by weight and by head), adjourns, resumes and
closes, and links to the minutes, which give the adopted text as amended. axe finds no
serious violation on the console, the phone and the projector.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.e2e.conftest import ROOT, LiveServer, serious, server_environment, sign_in

WAIT_MS = 15_000
PROJECTOR = {"width": 1366, "height": 768}
MAIN = "The Soviet takes the flour stores of the district under its control."
BREAD = "Bread is rationed by the district soviets."


def seed(server: LiveServer, prefix: str) -> dict[str, Any]:
    """The seed's world with a second sitting convened and not opened (through Django)."""
    env = server_environment(
        Path(tempfile.gettempdir()),
        SMOLNY_DATABASE_URL=server.extra["database_url"],
        DJANGO_SETTINGS_MODULE="smolny.settings",
    )
    done = subprocess.run(
        [sys.executable, "-m", "tests.session_seed", prefix, "3", "convened"],
        env=env,
        cwd=ROOT,
        check=True,
        timeout=180,
        capture_output=True,
        text=True,
    )
    answer: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return answer


def live(page: Any) -> None:
    page.wait_for_function(
        "() => document.getElementById('live-status').dataset.state === 'connected'",
        timeout=WAIT_MS,
    )


def says(page: Any, selector: str, text: str) -> None:
    """Wait until the element at *selector* contains *text*."""
    page.wait_for_function(
        "([selector, text]) => { const e = document.querySelector(selector);"
        " return e !== null && e.textContent.includes(text); }",
        arg=[selector, text],
        timeout=WAIT_MS,
    )


def done(console: Any, text: str) -> None:
    """The console came back with the success message *text*."""
    says(console, "ul.messages", text)


def test_a_whole_sitting_from_the_chair_console(
    browser: Any,
    desktop: Any,
    phone: Callable[[], Any],
    live_smolny: LiveServer,
    screenshot: Callable[[Any, str], Path],
    axe: Callable[[Any], list[dict[str, Any]]],
) -> None:
    server = live_smolny
    prefix = uuid.uuid4().hex[:6] + "-"
    s = seed(server, prefix)
    base = server.url(f"/sessions/{s['convened']}")
    api_calls: list[str] = []

    def no_api(request: Any) -> None:
        if "/api/" in request.url:
            api_calls.append(request.url)

    # The console, worked by the secretary (who opens the sitting and names its chair).
    sign_in(desktop, server, prefix + "secretary", s["password"])
    console = desktop.new_page()
    console.on("request", no_api)
    console.goto(base + "/chair")
    live(console)
    assert "sitting convened, not yet open" in console.locator("#sitting-status").inner_text()

    # The projector in the hall.
    hall = browser.new_context(viewport=PROJECTOR, locale="en")
    hall.set_default_timeout(WAIT_MS)
    try:
        sign_in(hall, server, prefix + "observer", s["password"])
        projector = hall.new_page()
        projector.on("request", no_api)
        projector.goto(base + "/projector")
        live(projector)

        # At the door: the chair and deputy4, found by name.
        for who in ("chair", "deputy4"):
            name = s["names"][who]
            console.locator("#door-search").fill(name)
            console.locator("form.door-search button").click()
            console.get_by_role("button", name=f"Check in {name}", exact=True).click()
            done(console, f"{name} is checked in.")

        # Three deputies on phones check in themselves.
        deputies: dict[str, Any] = {}
        for who in ("deputy1", "deputy2", "deputy3"):
            context = phone()
            sign_in(context, server, prefix + who, s["password"])
            page = context.new_page()
            page.on("request", no_api)
            page.goto(base + "/deputy")
            live(page)
            page.locator("#check-in").click()
            page.wait_for_selector('[data-present="yes"]')
            deputies[who] = page
        says(console, "#chair-presence", "quorate")

        # Open the sitting on its quorum, the chair named.
        console.goto(base + "/chair")
        console.locator("#open-chair").select_option(label=s["names"]["chair"])
        console.locator("#open-sitting").click()
        done(console, "The sitting is open")
        assert console.locator("#sitting-status").get_attribute("data-status") == "open"

        # The agenda: added to, renamed, reordered, withdrawn.
        for title in ("Bread", "Land", "Peace"):
            console.locator("#item-title").fill(title)
            console.get_by_role("button", name="Add to the agenda").click()
            done(console, "added to the agenda")

        def agenda_entry(title: str) -> Any:
            return console.locator("ol.agenda > li").filter(has_text=title).first

        agenda_entry("Land").locator("summary").click()
        agenda_entry("Land").get_by_label("Title").fill("Land to the peasants")
        agenda_entry("Land").get_by_role("button", name="Rename").click()
        done(console, "renamed")
        agenda_entry("Land to the peasants").locator("summary").click()
        agenda_entry("Land to the peasants").get_by_role("button", name="Move up").click()
        done(console, "is now item 1")
        agenda_entry("Peace").locator("summary").click()
        agenda_entry("Peace").get_by_role("button", name="Withdraw").click()
        done(console, "withdrawn from the agenda")
        titles = console.locator("ol.agenda .agenda-title").all_inner_texts()
        assert titles == ["Land to the peasants", "Bread", "Peace"]
        assert "1. Land to the peasants" in projector.locator("h1.item-title").inner_text()

        # A main motion and an amendment replacing words: the diff on a phone and the projector.
        console.locator("#motion-text").fill(MAIN)
        console.locator("#move-main").click()
        done(console, "Motion M1 moved.")
        console.locator("details.motion-form summary", has_text="Amendment").click()
        console.locator("#amend-strike").fill("flour stores")
        console.locator("#amend-text").fill("grain and flour stores")
        console.locator("#move-amendment").click()
        done(console, "Motion A1 moved.")
        phone1 = deputies["deputy1"]
        phone1.wait_for_selector('[data-diff="A1"] ins', timeout=WAIT_MS)
        assert "grain and" in phone1.locator('[data-diff="A1"] ins').inner_text()
        projector.wait_for_selector('[data-diff="A1"] ins', timeout=WAIT_MS)
        assert "flour stores" in projector.locator('[data-diff="A1"]').inner_text()

        # A point of order from a phone; the chair adds a speaker for someone in the hall.
        deputies["deputy2"].locator("#point-of-order").click()
        deputies["deputy2"].wait_for_selector("#withdraw-request, .badge.ok")
        says(console, "#chair-speakers", s["names"]["deputy2"])
        console.locator("#add-speaker-member").select_option(label=s["names"]["deputy3"])
        console.locator("#add-speaker").click()
        done(console, "is on the speakers' list")
        says(projector, ".floor", s["names"]["deputy2"])

        # The clock: started by the chair, running on the projector, its seconds recorded.
        for _ in ("deputy2", "deputy3"):
            console.locator("#start-clock").click()
            done(console, "The clock is running.")
            projector.wait_for_selector(".floor .clock", timeout=WAIT_MS)
            first = projector.locator(".floor .clock").inner_text()
            projector.wait_for_function(
                "(first) => document.querySelector('.floor .clock').textContent !== first",
                arg=first,
                timeout=WAIT_MS,
            )
            assert re.fullmatch(r"\d+:\d\d", projector.locator(".floor .clock").inner_text())
            console.wait_for_timeout(1500)
            console.locator("#finish-turn").click()
            done(console, "The turn is finished after")
            seconds = int(
                re.search(r"after (\d+) s", console.locator("ul.messages").inner_text()).group(1)  # type: ignore[union-attr]
            )
            assert 2 <= seconds <= 30, seconds
            says(console, "#chair-speakers", "turn")
        assert "2 turns heard." in console.locator("#chair-speakers").inner_text()

        screenshot(console, "sitting-console")
        assert serious(axe(console)) == []

        # The amendment by named vote: three phones vote, the chair closes.
        console.locator("#vote-method").select_option("roll call")
        console.locator("#open-vote").click()
        done(console, "Vote opened: shall amendment A1")
        for who, choice in (("deputy1", "for"), ("deputy2", "for"), ("deputy3", "against")):
            page = deputies[who]
            page.wait_for_selector(f"button.vote-{choice}", timeout=WAIT_MS)
            assert "grain and" in page.locator("[data-vote-diff] ins").inner_text()
            page.locator(f"button.vote-{choice}").click()
            page.wait_for_selector(f'.confirmation[data-voted="{choice}"]', timeout=WAIT_MS)
            assert page.locator("#why-not").count() == 0
        projector.wait_for_selector("#projector-screen circle.seat", timeout=WAIT_MS)
        says(console, '#chair-vote [data-tally="cast"]', "3")
        console.locator("#close-vote").click()
        done(console, "The vote is closed: carried")

        # The motion as amended by secret ballot: the receipt outlives the live re-reads.
        says(console, "form.open-vote", "shall motion M1, as amended, be adopted?")
        console.locator("#vote-method").select_option("secret ballot")
        console.locator("#open-vote").click()
        done(console, "Vote opened")
        phone1.wait_for_selector("button.vote-for", timeout=WAIT_MS)
        phone1.locator("button.vote-for").click()
        phone1.wait_for_selector("#receipt code", timeout=WAIT_MS)
        cast_at = time.monotonic()
        code = phone1.locator("#receipt code").inner_text()
        assert len(code) >= 8
        for who in ("deputy2", "deputy3"):
            page = deputies[who]
            page.wait_for_selector("button.vote-for", timeout=WAIT_MS)
            page.locator("button.vote-for").click()
            page.wait_for_selector("#receipt code", timeout=WAIT_MS)
        says(phone1, "#projector-screen, #deputy-panel", "Your ballot is cast.")
        phone1.wait_for_timeout(max(0, int((5.2 - (time.monotonic() - cast_at)) * 1000)))
        assert phone1.locator("#receipt code").inner_text() == code  # still readable after 5 s
        assert phone1.locator('.confirmation[data-voted="secret"]').count() == 1
        screenshot(phone1, "sitting-deputy-receipt")
        assert serious(axe(phone1)) == []
        phone1.locator("#dismiss-receipt").click()
        phone1.wait_for_selector("#receipt", state="detached")
        says(console, '#chair-vote [data-tally="cast"]', "3")
        console.locator("#close-vote").click()
        done(console, "The vote is closed: carried")
        projector.wait_for_selector('#projector-screen [data-status="closed"]', timeout=WAIT_MS)
        screenshot(projector, "sitting-projector")
        assert serious(axe(projector)) == []

        # A card vote on the next item: each answer weighs the membership its deputy carries.
        console.locator("#motion-text").fill(BREAD)
        console.locator("#move-main").click()
        done(console, "moved.")
        console.locator("#vote-method").select_option("card vote")
        console.locator("#open-vote").click()
        done(console, "Vote opened")
        for who, choice in (("deputy1", "for"), ("deputy2", "against"), ("deputy3", "for")):
            page = deputies[who]
            page.wait_for_selector(f"button.vote-{choice}", timeout=WAIT_MS)
            page.locator(f"button.vote-{choice}").click()
            page.wait_for_selector(f'.confirmation[data-voted="{choice}"]', timeout=WAIT_MS)
        says(console, '#chair-vote [data-tally="cast"]', "3")
        console.locator("#close-vote").click()
        done(console, "The vote is closed:")
        projector.wait_for_selector('#projector-screen [data-weight="for"]', timeout=WAIT_MS)
        assert projector.locator('#projector-screen [data-tally="for"]').inner_text() == "2"

        # Adjourn, resume, close; the minutes.
        console.locator("#adjourn-sitting").click()
        done(console, "The sitting is adjourned.")
        assert console.locator("#open-sitting").inner_text().strip() == "Resume the sitting"
        console.locator("#open-sitting").click()
        done(console, "The sitting is resumed")
        console.locator("#close-sitting").click()
        done(console, "The sitting is closed.")
        assert console.locator("#sitting-status").get_attribute("data-status") == "closed"
        console.locator("#minutes-link").click()
        console.wait_for_selector("article.minutes")
        minutes = console.locator("article.minutes").inner_text()
        assert "Adopted text (as amended)" in minutes
        assert MAIN.replace("flour stores", "grain and flour stores") in minutes
        assert s["names"]["deputy2"] in minutes  # the point of order, by name
        assert "Card vote, by weight and by head" in minutes
        assert api_calls == []
    finally:
        hall.close()
