"""Chromium: three members vote in a by-election from their phones; the secretary closes the
poll; the portal shows the result.

Narva gate's deputy (roll member 1) resigns, which opens a by-election for the seat; the
secretary nominates members 6 and 7 of the roll (set up in the server's database by a
script, as an operator would) and member 8 in the portal, by roll number. narva1, narva2
and narva3 each number the candidates in the portal on a phone-sized screen and cast
(narva2's numbers survive the live re-read that narva3's ballot sets off); narva1's page,
open throughout, then shows the result without a reload once the secretary closes the poll
from the portal. Under the Scottish rules with one seat the quota is 2 of 3 ballots: worker 6
has two first preferences and is elected at the first stage. The ballot is saved as
``docs/screenshots/member-ballot.png``.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.e2e.conftest import ROOT, LiveServer, serious, server_environment, sign_in
from tests.e2e.council_setup import build_world
from tests.integration.web.council_world import PASSWORD

SETUP = """
import django; django.setup()
from smolny.councils import actions
from smolny.councils.models import Election, Mandate, Member
mandate = Mandate.objects.get(pk={mandate})
actions.resign_mandate(actions.SYSTEM, mandate)
election = Election.objects.get(cause=mandate)
for pk in {candidates}:
    actions.nominate_candidate(actions.SYSTEM, election, Member.objects.get(pk=pk))
print(Member.objects.get(pk={third}).external_id)
"""


def open_by_election(server: LiveServer, world: dict[str, Any]) -> str:
    """The deputy resigns and two candidates are nominated, in the server's database; the
    roll number of the third, whom the secretary nominates in the portal."""
    env = server_environment(
        Path(tempfile.gettempdir()),
        SMOLNY_DATABASE_URL=server.extra["database_url"],
        DJANGO_SETTINGS_MODULE="smolny.settings",
    )
    code = SETUP.format(
        mandate=world["narva_deputy"],
        candidates=world["narva_members"][5:7],
        third=world["narva_members"][7],
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=ROOT,
        check=True,
        timeout=120,
        text=True,
        capture_output=True,
    )
    return done.stdout.strip().splitlines()[-1]


def portal(context: Any, server: LiveServer, world: dict[str, Any], user: str) -> Any:
    sign_in(context, server, user + world["tag"], PASSWORD)
    page = context.new_page()
    page.goto(server.url(f"/o/{world['organisation']}/portal/"))
    return page


def vote(page: Any, preferences: list[str]) -> None:
    """Number the candidates named in *preferences*, 1 first, and cast."""
    for number, name in enumerate(preferences, start=1):
        page.get_by_label(name, exact=True).fill(str(number))
    page.get_by_role("button", name="Cast my ballot").click()
    page.get_by_text("Your ballot is cast.").wait_for()
    expect(page.get_by_text("You have voted")).to_be_visible()
    expect(page.get_by_role("button", name="Cast my ballot")).to_have_count(0)


def test_three_members_vote_in_a_by_election_and_see_the_result(
    live_smolny: LiveServer,
    phone: Callable[[], Any],
    desktop: Any,
    axe: Callable[[Any], list[dict[str, Any]]],
    screenshot: Callable[[Any, str], Path],
) -> None:
    tag = "-byelection"
    world = {"tag": tag, **build_world(live_smolny, tag)}
    third = open_by_election(live_smolny, world)
    six, seven, eight = (f"Narva gate worker {i}" for i in (6, 7, 8))

    secretary = portal(desktop, live_smolny, world, "secretary")
    secretary.wait_for_function(
        "() => document.getElementById('live-status').dataset.state === 'connected'"
    )
    secretary.get_by_label("Roll number of the member to nominate").fill(third)
    secretary.get_by_role("button", name="Nominate").click()
    secretary.get_by_text(f"{eight} is a candidate in Narva gate.").wait_for()
    expect(secretary.get_by_role("button", name=f"Withdraw {eight}")).to_be_visible()
    problems = serious(axe(secretary))
    assert problems == [], problems

    first = portal(phone(), live_smolny, world, "narva1")
    expect(first.get_by_role("heading", name="By-election", exact=False).first).to_be_visible()
    expect(first.get_by_text("0 members have voted so far.")).to_be_visible()
    for name in (six, seven, eight):
        expect(first.get_by_label(name, exact=True)).to_be_visible()
    problems = serious(axe(first))
    assert problems == [], problems
    first.get_by_label(six, exact=True).fill("1")
    first.get_by_label(seven, exact=True).fill("2")
    screenshot(first, "member-ballot")
    first.get_by_role("button", name="Cast my ballot").click()
    first.get_by_text("Your ballot is cast.").wait_for()
    expect(first.get_by_text("You have voted")).to_be_visible()
    first.wait_for_function(
        "() => document.getElementById('live-status').dataset.state === 'connected'"
    )
    loaded_at = first.evaluate("() => performance.timeOrigin")

    # narva2 numbers the candidates; narva3 votes meanwhile, and the live re-read of narva2's
    # page (its turnout changes) keeps what narva2 has typed.
    second = portal(phone(), live_smolny, world, "narva2")
    expect(second.get_by_text("1 member has voted so far.")).to_be_visible()
    second.wait_for_function(
        "() => document.getElementById('live-status').dataset.state === 'connected'"
    )
    second.get_by_label(seven, exact=True).fill("1")
    second.get_by_label(six, exact=True).fill("2")
    third = portal(phone(), live_smolny, world, "narva3")
    vote(third, [six])
    second.get_by_text("2 members have voted so far.").wait_for(timeout=5_000)
    expect(second.get_by_label(seven, exact=True)).to_have_value("1")
    second.get_by_role("button", name="Cast my ballot").click()
    second.get_by_text("Your ballot is cast.").wait_for()
    third.reload()
    expect(third.get_by_text("3 members have voted so far.")).to_be_visible()
    problems = serious(axe(third))
    assert problems == [], problems

    secretary.reload()
    expect(secretary.get_by_label("Roll number of the member to nominate")).to_have_count(0)
    secretary.get_by_role("button", name="Close the poll in Narva gate and count it").click()
    secretary.get_by_text("The poll in Narva gate is closed and counted.").wait_for()

    # narva1's page, open throughout, shows the result without a reload.
    first.locator("article.election .elected").first.wait_for(timeout=5_000)
    assert first.evaluate("() => performance.timeOrigin") == loaded_at
    expect(first.locator("article.election .elected").first).to_contain_text(six)
    expect(first.locator(".count")).to_contain_text("3 members of 8 on the roll voted.")
    rows = first.locator("table.election-result tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.first).to_contain_text(six)
    expect(rows.first).to_contain_text("elected")
    expect(rows.nth(1)).to_contain_text(seven)
    expect(rows.nth(1)).to_contain_text("1.0")  # narva2's first preference
    problems = serious(axe(first))
    assert problems == [], problems
