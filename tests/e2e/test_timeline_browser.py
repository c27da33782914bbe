"""The 1917 timeline in Chromium: the slider moved from March to October changes the Petrograd
Soviet's presidium, as the database says it should; and the home page's guided tour.

The expected figures are not typed in: a script run with the server's database computes the
presidium's seats by fraction through the replay's own reading of the organ seats
(:func:`smolny.worlds.replay.organ_by_fraction`), at the same moments the page shows (the end
of the day, Petrograd time); the page's figures are read from the chart's text equivalent.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from smolny.rules.calendar import JulianDate, julian_to_gregorian
from tests.e2e.conftest import ROOT, LiveServer, create_user, serious, server_environment, sign_in

SOVIET = "Petrograd Soviet of Workers' and Soldiers' Deputies"
MARCH = "1917-03-01"
OCTOBER = "1917-10-25"

EXPECTED = """
import json, sys
from datetime import date, datetime, time, timedelta
from smolny.councils.models import Council, Organ
from smolny.councils.models.dated import valid_at
from smolny.rules.calendar import JulianDate, julian_to_gregorian
from smolny.worlds.petrograd1917 import PETROGRAD_TIME
from smolny.worlds.replay import organ_by_fraction

soviet = Council.objects.get(name=sys.argv[1])
out = {"organisation": soviet.organisation_id}
for text in sys.argv[2:]:
    day = julian_to_gregorian(JulianDate.fromisoformat(text))
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=PETROGRAD_TIME)
    at = end - timedelta(microseconds=1)
    organ = (
        Organ.objects.filter(valid_at(at), council=soviet, kind=Organ.PRESIDIUM)
        .order_by("-start").first()
    )
    out[text] = organ_by_fraction(organ, at)
print(json.dumps(out))
"""


def expected_presidia(server: LiveServer, *days: str) -> dict[str, Any]:
    """The presidium's seats by fraction at the end of each (Old Style) day, from the DB."""
    env = server_environment(
        Path(tempfile.gettempdir()),
        SMOLNY_DATABASE_URL=server.extra["database_url"],
        DJANGO_SETTINGS_MODULE="smolny.settings",
    )
    code = "import django; django.setup()\n" + EXPECTED
    done = subprocess.run(
        [sys.executable, "-c", code, SOVIET, *days],
        env=env,
        cwd=ROOT,
        check=True,
        timeout=120,
        capture_output=True,
        text=True,
    )
    answer: dict[str, Any] = json.loads(done.stdout)
    return answer


def party_organisation(server: LiveServer) -> int:
    """The id of the world's party organisation (its Central Committee's votes are there)."""
    env = server_environment(
        Path(tempfile.gettempdir()),
        SMOLNY_DATABASE_URL=server.extra["database_url"],
        DJANGO_SETTINGS_MODULE="smolny.settings",
    )
    code = (
        "import django; django.setup()\n"
        "from smolny.councils.models import Organisation\n"
        "print(Organisation.objects.get(name='RSDLP (Bolsheviks), 1917').pk)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=ROOT,
        check=True,
        timeout=120,
        capture_output=True,
        text=True,
    )
    return int(done.stdout.strip())


def slider_index(text: str) -> int:
    """The slider's position for an Old Style day: days since 1 January 1917 Old Style."""
    first = julian_to_gregorian(JulianDate(1917, 1, 1))
    day: date = julian_to_gregorian(JulianDate.fromisoformat(text))
    return (day - first).days


def presidium_figures(page: Any) -> tuple[int, int]:
    """The Bolsheviks' seats and the total in the Soviet's presidium, read from the table."""
    table = page.locator(
        f'#timeline-day section[data-council="{SOVIET}"] figure[data-kind="presidium"] table'
    )
    assert table.count() == 1
    seats = {
        row.locator("th").inner_text().strip(): int(row.locator("td").first.inner_text())
        for row in table.locator("tbody tr").all()
    }
    total = int(table.locator("tfoot td").first.inner_text())
    assert sum(seats.values()) == total
    return seats.get("Bolsheviks", 0), total


def wait_for_day(page: Any, text: str) -> None:
    page.wait_for_selector(f'#timeline-day[data-date="{text}"]')
    page.wait_for_function(f"() => location.search.includes('date={text}')")


def test_slider_from_march_to_october_changes_the_presidium(
    live_world: LiveServer, desktop: Any, screenshot: Any, axe: Any
) -> None:
    expected = expected_presidia(live_world, MARCH, OCTOBER)
    march, october = expected[MARCH], expected[OCTOBER]
    share_march = (march.get("Bolsheviks", 0), sum(march.values()))
    share_october = (october.get("Bolsheviks", 0), sum(october.values()))
    # The world itself changes the share (a/b != c/d), or the test would prove nothing.
    assert share_march[0] * share_october[1] != share_october[0] * share_march[1]
    create_user(live_world, "historian", "pass-1917-word")
    sign_in(desktop, live_world, "historian", "pass-1917-word")
    page = desktop.new_page()
    page.goto(live_world.url(f"/o/{expected['organisation']}/timeline/"))
    slider = page.get_by_label("Day of the record")
    assert slider.get_attribute("type") == "range"

    slider.fill(str(slider_index(MARCH)))
    wait_for_day(page, MARCH)
    assert "1 March (14 March) 1917" in page.locator("#timeline-day h2").inner_text()
    bolsheviks, total = presidium_figures(page)
    assert (bolsheviks, total) == (march.get("Bolsheviks", 0), sum(march.values()))
    assert slider.get_attribute("aria-valuetext") == "1 March (14 March) 1917"
    screenshot(page, "timeline-march")

    slider.fill(str(slider_index(OCTOBER)))
    wait_for_day(page, OCTOBER)
    assert "25 October (7 November) 1917" in page.locator("#timeline-day h2").inner_text()
    bolsheviks_october, total_october = presidium_figures(page)
    assert (bolsheviks_october, total_october) == (
        october.get("Bolsheviks", 0),
        sum(october.values()),
    )
    assert bolsheviks * total_october != bolsheviks_october * total
    # The day's record: the Second Congress sits and votes on Martov's motion.
    day = page.locator("#timeline-day")
    assert day.locator('section[data-council="Second All-Russian Congress of Soviets"]').count()
    assert "Martov" in day.locator("table.timeline-votes").inner_text()
    problems = serious(axe(page))
    assert problems == [], problems
    screenshot(page, "timeline-october")

    # The keyboard moves the slider too: one day back.
    slider.focus()
    page.keyboard.press("ArrowLeft")
    wait_for_day(page, "1917-10-24")

    # Without the slider: the page at an address, and a date that is not one.
    page.goto(live_world.url(f"/o/{expected['organisation']}/timeline/?date=1917-02-30"))
    assert "28 days" in page.locator("[role=alert]").inner_text()


def test_home_page_opens_on_the_guided_tour(
    live_world: LiveServer, desktop: Any, screenshot: Any, axe: Any
) -> None:
    page = desktop.new_page()
    page.goto(live_world.url("/"))
    tour = page.locator("section.tour")
    assert "guided tour" in tour.locator("h2").inner_text().lower()
    links = [a.get_attribute("href") for a in tour.locator("a").all()]
    assert any("/timeline/?date=1917-03-01" in (href or "") for href in links)
    assert any("/directives/" in (href or "") for href in links)
    problems = serious(axe(page))
    assert problems == [], problems
    screenshot(page, "home-tour")


def test_votes_show_recorded_times_notes_and_both_readings(
    live_world: LiveServer, desktop: Any
) -> None:
    """The world's votes in the timeline: the time as the source gives it (2 a.m., never the
    minute the engine closed the vote), the note beside a figure, both readings of the
    contested record of 18 April, and the notes on an estimated congress composition."""
    soviets = expected_presidia(live_world)["organisation"]
    party = party_organisation(live_world)
    create_user(live_world, "reader-of-notes", "pass-1917-notes")
    sign_in(desktop, live_world, "reader-of-notes", "pass-1917-notes")
    page = desktop.new_page()
    page.goto(live_world.url(f"/o/{party}/timeline/?date=1917-06-10"))
    votes = page.locator("table.timeline-votes").inner_text()
    assert "Cancel the demonstration" in votes
    assert "2 a.m." in votes
    assert "02:0" not in votes
    assert "carried" in votes
    assert "nine seats" in votes

    page.goto(live_world.url(f"/o/{party}/timeline/?date=1917-04-18"))
    contested = page.locator("table.timeline-votes .timeline-readings")
    assert contested.count() == 1
    assert contested.locator("li").count() == 2
    assert "without reservation" in contested.inner_text()
    assert "[contested]" in page.locator("table.timeline-votes").inner_text()

    page.goto(live_world.url(f"/o/{soviets}/timeline/?date=1917-10-25"))
    congress = page.locator('section[data-council="Second All-Russian Congress of Soviets"]')
    notes = congress.locator("ul.timeline-notes").inner_text()
    assert "[estimate]" in notes
    assert "150" in notes
    votes = page.locator("table.timeline-votes").inner_text()
    assert "Martov" in votes
    assert "[modelling choice]" in votes
    assert "23:3" not in votes
    # the congress's own page shows the same notes beside its composition
    page.goto(live_world.url(f"/o/{soviets}/congresses/"))
    page.get_by_role("link", name="Second All-Russian Congress of Soviets").first.click()
    page.wait_for_selector("ul.timeline-notes")
    notes = page.locator("ul.timeline-notes").inner_text()
    assert "[estimate]" in notes
    assert "Proportionally allotted" in notes
