"""Chromium under Smolny's Content-Security-Policy: no page asks for what the policy refuses.

The policy (:data:`smolny.security.CONTENT_SECURITY_POLICY`) is sent in development as in
production, so every browser test runs under it; this one visits a page of each kind (the
member portal with its htmx trigger filter, the council, journal, minutes, chair, projector,
timeline and federation pages, the sign-in page, the live probe, the API docs and the admin)
and fails on any violation Chromium reports, and on any script error.
"""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import LiveServer, sign_in
from tests.e2e.council_setup import build_world
from tests.integration.web.council_world import PASSWORD


def watch(page: Any) -> list[str]:
    """Collect the policy violations and script errors *page* reports from now on (not a
    missing favicon's 404, which Chromium reports as an error too)."""
    problems: list[str] = []

    def console(message: Any) -> None:
        text = message.text
        if "Content Security Policy" in text or (
            message.type == "error" and not text.startswith("Failed to load resource")
        ):
            problems.append(f"{page.url}: {text}")

    page.on("console", console)
    page.on("pageerror", lambda error: problems.append(f"{page.url}: {error}"))
    return problems


def test_every_kind_of_page_works_under_the_content_security_policy(
    live_smolny: LiveServer, desktop: Any
) -> None:
    from smolny.security import CONTENT_SECURITY_POLICY

    world = build_world(live_smolny, "-csp")
    organisation, session = world["organisation"], world["session"]
    page = desktop.new_page()
    problems = watch(page)

    answer = page.goto(live_smolny.url("/sign-in/"))
    assert answer is not None
    assert answer.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    for path in ("/api/docs", "/admin/login/", "/live/probe/csp"):
        page.goto(live_smolny.url(path))
        page.wait_for_load_state("networkidle")
    # The API docs draw themselves with Swagger UI's script: it ran.
    page.goto(live_smolny.url("/api/docs"))
    page.locator(".swagger-ui .info").wait_for()
    # The probe page's script (a static file now) opened its event stream.
    page.goto(live_smolny.url("/live/probe/csp"))
    page.wait_for_function("() => document.getElementById('status').textContent === 'connected'")

    sign_in(desktop, live_smolny, "secretary-csp", PASSWORD)
    for path in (
        "/",
        f"/o/{organisation}/",
        f"/o/{organisation}/councils/{world['council']}/",
        f"/o/{organisation}/journal/",
        f"/o/{organisation}/portal/",
        f"/o/{organisation}/timeline/",
        f"/o/{organisation}/congresses/",
        f"/o/{organisation}/directives/",
        f"/sessions/{session}/minutes",
        f"/sessions/{session}/chair",
        f"/sessions/{session}/projector",
    ):
        answer = page.goto(live_smolny.url(path))
        assert answer is not None
        assert answer.status == 200, path
        page.wait_for_load_state("networkidle")
    # htmx ran: the journal's verdict fragment loads itself ("load" trigger) after the page.
    page.goto(live_smolny.url(f"/o/{organisation}/journal/"))
    page.wait_for_function("() => !document.querySelector('#journal-verdict .checking')")
    assert problems == [], problems
