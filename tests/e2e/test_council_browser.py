"""Chromium on the council pages: the charts, the journal's verdict, the language.

One small council (see :mod:`tests.integration.web.council_world`) is built in the live
server's database; each page is opened signed in and checked with axe-core (zero serious or
critical violations). The Petrograd Soviet of the 1917 world (the ``live_world`` server) is
opened too, and the top of its page saved as ``docs/screenshots/council-page.png``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.e2e.conftest import LiveServer, create_user, save_screenshot, serious, sign_in
from tests.e2e.council_setup import build_world
from tests.integration.web.council_world import PASSWORD


@pytest.fixture(scope="module")
def world(live_smolny: LiveServer) -> dict[str, Any]:
    tag = "-c" + uuid.uuid4().hex[:6]
    return {"tag": tag, **build_world(live_smolny, tag)}


@pytest.fixture
def reader(live_smolny: LiveServer, desktop: Any, world: dict[str, Any]) -> Any:
    sign_in(desktop, live_smolny, f"putilov{world['tag']}", PASSWORD)  # a member: strangers get 404
    return desktop.new_page()


def test_council_page_shows_hemicycle_and_malapportionment(
    live_smolny: LiveServer,
    reader: Any,
    world: dict[str, Any],
    axe: Callable[[Any], list[dict[str, Any]]],
) -> None:
    page = reader
    page.goto(live_smolny.url(f"/o/{world['organisation']}/councils/{world['council']}/"))
    hemicycle = page.locator("figure.hemicycle svg")
    assert hemicycle.is_visible()
    assert page.locator("figure.hemicycle svg circle.seat").count() == 5
    assert page.locator('figure.hemicycle svg circle.seat[data-fraction="Bolsheviks"]').count() == 2
    assert "Composition of Petrograd" in (hemicycle.locator("title").first.text_content() or "")
    bars = page.locator("figure.malapportionment svg g.bar")
    assert bars.count() == 3
    putilov = page.locator('figure.malapportionment g.bar[data-constituency="Putilov works"]')
    assert putilov.get_attribute("data-members-per-deputy") == "15.0"
    # The text equivalent opens from the keyboard.
    summary = page.locator("figure.malapportionment summary")
    summary.focus()
    page.keyboard.press("Enter")
    assert page.locator("figure.malapportionment table.chart-table").is_visible()
    assert page.get_by_role("row", name="Narva gate").first.is_visible()
    problems = serious(axe(page))
    assert problems == [], problems
    # Another date, through the form: before the elections there were no deputies.
    page.fill("#at", "1917-03-02")
    page.get_by_role("button", name="Show", exact=True).click()
    page.wait_for_url("**at=1917-03-02**")
    assert page.get_by_text("No deputy held a mandate at this date.").is_visible()


def test_overview_journal_and_minutes_pages(
    live_smolny: LiveServer,
    reader: Any,
    world: dict[str, Any],
    axe: Callable[[Any], list[dict[str, Any]]],
) -> None:
    page = reader
    page.goto(live_smolny.url(f"/o/{world['organisation']}/"))
    assert page.get_by_role("heading", level=1).text_content() == f"Petrograd{world['tag']}"
    assert serious(axe(page)) == []
    page.get_by_role("link", name="Journal").first.click()
    verdict = page.locator("#journal-verdict .verdict.intact")
    verdict.wait_for(timeout=10_000)
    assert "verified" in (verdict.text_content() or "")
    assert page.locator("table.journal tbody tr").count() > 10
    assert serious(axe(page)) == []
    page.goto(live_smolny.url(f"/sessions/{world['session']}/minutes"))
    assert page.get_by_role("heading", level=1).text_content() == "Minutes: First sitting"
    assert serious(axe(page)) == []
    answer = page.request.get(live_smolny.url(f"/sessions/{world['session']}/minutes.pdf"))
    assert answer.status == 200
    assert answer.body().startswith(b"%PDF")


@pytest.fixture
def russian(browser: Any) -> Iterator[Any]:
    """A desktop context whose browser asks for Russian (Accept-Language: ru)."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="ru-RU")
    context.set_default_timeout(10_000)
    try:
        yield context
    finally:
        context.close()


def test_language_follows_the_browser_and_can_be_switched(
    live_smolny: LiveServer, russian: Any, world: dict[str, Any]
) -> None:
    sign_in(russian, live_smolny, f"putilov{world['tag']}", PASSWORD)
    page = russian.new_page()
    page.goto(live_smolny.url(f"/o/{world['organisation']}/councils/{world['council']}/"))
    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.get_by_role("heading", name="Состав", exact=True).is_visible()
    assert page.get_by_role("heading", name="Депутаты", exact=True).is_visible()
    assert page.get_by_role("columnheader", name="Членов на одного депутата").is_visible()
    # The switcher: English, then the same page in English.
    page.select_option("#language-select", "en")
    page.locator("form.language button").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="Composition", exact=True).is_visible()
    assert page.get_by_role("heading", name="Deputies", exact=True).is_visible()


def test_the_petrograd_soviet_on_the_eve_of_october(
    live_world: LiveServer, desktop: Any, axe: Callable[[Any], list[dict[str, Any]]]
) -> None:
    """The 1917 world's Soviet: 3,000 deputies, 2,811 constituencies charted in groups."""
    create_user(live_world, "council-reader", PASSWORD)
    sign_in(desktop, live_world, "council-reader", PASSWORD)
    page = desktop.new_page()
    page.goto(live_world.url("/"))
    page.get_by_role("link", name="Soviets of Russia, 1917").first.click()
    page.get_by_role("link", name="Petrograd Soviet of Workers' and Soldiers' Deputies").click()
    page.wait_for_url("**/councils/**")
    page.goto(page.url + "?at=1917-10-24")
    assert page.get_by_text("As it stood on 11 October (24 October) 1917.").is_visible()
    # 3,000 seats are drawn in an image of their own, not in the page (issue 20: light pages).
    image = page.locator("figure.hemicycle img.chart")
    image.wait_for(state="visible")
    assert "3000 seats: Bolsheviks 1250" in (image.get_attribute("alt") or "")
    svg = page.request.get(live_world.url(image.get_attribute("src") or "")).text()
    assert svg.count('class="seat"') == 3000
    assert svg.count('data-fraction="Bolsheviks"') == 1250
    bars = page.locator("figure.malapportionment svg g.bar")
    assert 2 <= bars.count() <= 11  # groups, not a bar for each of 2,811 constituencies
    assert "2811 constituencies" in (page.locator("nav.pages").first.text_content() or "")
    assert page.get_by_role("heading", name="Presidium (25 September)").is_visible()
    problems = serious(axe(page))
    assert problems == [], problems
    # The README's tour shows the top of the page: the date, the hemicycle, the first organs.
    save_screenshot(page, "council-page", clip={"x": 0, "y": 0, "width": 1280, "height": 1400})
