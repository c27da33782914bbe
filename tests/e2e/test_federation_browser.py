"""The federation pages of the 1917 world in Chromium: the directives with each addressee's
standing, one directive with its signer key and its signed file (which `smolny directive
verify` accepts), the congresses and the Second Congress with its allotted presidium; axe-core
finds no serious violation on any of them."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.e2e.conftest import ROOT, LiveServer, create_user, serious, server_environment, sign_in

STATUSES = {"binding", "awaiting countersignature", "countermanded", "vetoed", "not authentic"}


def test_directives_and_congress_pages(
    live_world: LiveServer, desktop: Any, screenshot: Any, axe: Any, tmp_path: Path
) -> None:
    create_user(live_world, "archivist", "pass-archive-1917")
    sign_in(desktop, live_world, "archivist", "pass-archive-1917")
    page = desktop.new_page()
    page.goto(live_world.url("/"))
    page.locator("section.tour").get_by_role("link", name="See the directives").click()
    page.wait_for_selector("article.directive")
    assert page.locator("h1").inner_text().startswith("Directives of")
    standings = page.locator("li.standing")
    assert standings.count() > 0
    shown = {s.get_attribute("data-status") for s in standings.all()}
    assert shown <= STATUSES
    # Order No. 1 went to the garrison's units: each is named, not numbered.
    assert "Order No. 1" in page.locator("main").inner_text()
    assert "unit:" not in page.locator(".standings strong").first.inner_text()
    problems = serious(axe(page))
    assert problems == [], problems
    screenshot(page, "directives")

    page.locator("article.directive h2 a").first.click()
    page.wait_for_selector("dl.directive-facts")
    assert page.locator("[data-verification]").inner_text().startswith("authentic")
    assert len(page.locator("code.key-id").inner_text()) > 10
    problems = serious(axe(page))
    assert problems == [], problems
    href = page.get_by_role("link", name="Download the signed file").get_attribute("href")
    answer = desktop.request.get(live_world.url(href))
    assert answer.status == 200
    signed = tmp_path / "directive.json"
    signed.write_bytes(answer.body())

    def verify(*trust: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "smolny", "directive", "verify", str(signed), *trust],
            env=server_environment(tmp_path),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )

    # Unpinned, the file is only consistent (exit 3) and names its root in --trust's form;
    # pinned to that root, it is authentic.
    unpinned = verify()
    assert unpinned.returncode == 3, unpinned.stdout + unpinned.stderr
    pin = re.search(r"--trust (\S+)", unpinned.stdout + unpinned.stderr)
    assert pin is not None, unpinned.stdout + unpinned.stderr
    checked = verify("--trust", pin.group(1))
    assert checked.returncode == 0, checked.stdout + checked.stderr

    page.get_by_role("link", name="Congresses").click()
    page.get_by_role("link", name="Second All-Russian Congress of Soviets").click()
    page.wait_for_selector("figure[data-kind='presidium']")
    presidium = page.locator("figure[data-kind='presidium'] tbody").inner_text()
    assert "Bolsheviks\t14" in presidium
    assert "Left SRs\t7" in presidium
    problems = serious(axe(page))
    assert problems == [], problems
    screenshot(page, "congress")
