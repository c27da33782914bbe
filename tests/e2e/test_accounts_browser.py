"""A person signs up, founds an organisation, keeps its settings and invites a member, in
Chromium, with mail through a real SMTP server.

The server is ``smolny serve --empty`` told to send through the SMTP server the test starts
(``SMOLNY_SMTP_HOST``/``SMOLNY_SMTP_PORT``); every link the test follows comes from a message
that server caught. No API call and no admin page: the browser does it all, except the roll
of three branches, which the operator loads through the actions (the roll's upload page is
another item of the issue). axe-core finds no serious violation on any page visited.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import (
    ROOT,
    LiveServer,
    free_port,
    server_environment,
    wait_until_serving,
)
from tests.mailbox import Mailbox, links, smtp_server

FOUNDER = "mara"
FOUNDER_EMAIL = "mara@harbour.test"
PASSWORD = "harbour-pass-2026"
ORGANISATION = "Harbour Workers Federation"
ROLL = [
    ("HWF-001", "Anna Petrova", "North quay branch"),
    ("HWF-002", "Boris Sokolov", "North quay branch"),
    ("HWF-003", "Clara Ivanova", "South quay branch"),
    ("HWF-004", "Dmitri Orlov", "Dry dock branch"),
]
BRANCHES = sorted({c for *_, c in ROLL})


@pytest.fixture(scope="module")
def mailbox() -> Iterator[Mailbox]:
    with smtp_server() as box:
        yield box


@pytest.fixture(scope="module")
def harbour_server(
    mailbox: Mailbox, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """``smolny serve --empty`` on a new SQLite file, sending mail to the test's server."""
    directory = tmp_path_factory.mktemp("accounts")
    database = directory / "smolny.sqlite3"
    log = directory / "server.log"
    port = free_port()
    env = server_environment(
        directory,
        SMOLNY_SMTP_HOST="127.0.0.1",
        SMOLNY_SMTP_PORT=str(mailbox.port),
        SMOLNY_FROM_EMAIL="secretary@harbour.test",
    )
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                *(sys.executable, "-m", "smolny", "serve", "--empty", "--port", str(port)),
                *("--db", f"sqlite:///{database}"),
            ],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )
    base = f"http://127.0.0.1:{port}"
    wait_until_serving(process, base, log)
    server = LiveServer(base, process, "sqlite", 1, log, {"database_url": f"sqlite:///{database}"})
    try:
        yield server
    finally:
        server.stop()


def load_roll(server: LiveServer) -> None:
    """The operator loads a council with three branches and their roll, through the actions."""
    lines = ["member_id,name,constituency\n"] + [f"{i},{n},{c}\n" for i, n, c in ROLL]
    code = (
        "from smolny.councils import actions\n"
        "from smolny.councils.models import Organisation\n"
        f"org = Organisation.objects.get(name={ORGANISATION!r})\n"
        "council = actions.create_council(actions.SYSTEM, org, 'Federation Council')\n"
        "actions.set_representation_rule(actions.SYSTEM, council, per=10)\n"
        f"actions.create_constituencies(actions.SYSTEM, council, {BRANCHES!r})\n"
        f"actions.import_roll(actions.SYSTEM, council, {lines!r}, source='roll.csv')\n"
    )
    env = server_environment(
        Path(tempfile.gettempdir()),
        SMOLNY_DATABASE_URL=server.extra["database_url"],
        DJANGO_SETTINGS_MODULE="smolny.settings",
    )
    subprocess.run(
        [sys.executable, "-m", "django", "shell", "-c", code],
        env=env,
        cwd=ROOT,
        check=True,
        timeout=120,
    )


def accessible(page: Any, axe: Any, serious: Any) -> None:
    problems = serious(axe(page))
    assert problems == [], f"{page.url}: {problems}"


def the_link(mailbox: Mailbox, address: str, part: str, count: int = 1) -> str:
    caught = mailbox.wait_for(address, count=count)
    found = [u for u in links(caught) if part in u]
    assert len(found) == 1, caught.text
    return found[0]


def sign_up_and_found(page: Any, server: LiveServer, mailbox: Mailbox, axe: Any) -> None:
    """In *page*: sign up as the founder from the front page, follow the verification mail's
    link, and found the organisation (checking each page with axe); ends on its page."""
    from tests.e2e.conftest import serious

    # Sign up from the front page.
    page.goto(server.url("/"))
    accessible(page, axe, serious)
    page.get_by_role("link", name="Sign up").first.click()
    page.get_by_label("Username").fill(FOUNDER)
    page.get_by_label("Email address").fill(FOUNDER_EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    accessible(page, axe, serious)
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_url("**/account/")
    assert "not verified yet" in page.locator("main").inner_text()
    accessible(page, axe, serious)

    # The verification mail's link confirms the address.
    page.goto(the_link(mailbox, FOUNDER_EMAIL, "/account/verify/"))
    assert page.locator("h1").inner_text() == "Address confirmed"
    accessible(page, axe, serious)

    # Found the organisation.
    page.get_by_role("link", name="Found an organisation").click()
    page.get_by_label("Name").fill(ORGANISATION)
    page.get_by_label("Time zone").select_option("Europe/London")
    accessible(page, axe, serious)
    page.get_by_role("button", name="Found the organisation").click()
    page.wait_for_selector("h1")
    assert page.locator("h1").inner_text() == ORGANISATION
    assert "you are its secretary" in page.locator(".messages").inner_text()


def test_sign_up_found_settings_invite_and_reset(
    harbour_server: LiveServer,
    mailbox: Mailbox,
    browser: Any,
    desktop: Any,
    phone: Any,
    axe: Any,
    screenshot: Any,
) -> None:
    from tests.e2e.conftest import serious

    server = harbour_server
    page = desktop.new_page()

    sign_up_and_found(page, server, mailbox, axe)
    nav = page.get_by_role("navigation", name="Main")
    for absent in ("Congresses", "Directives", "Timeline"):
        assert nav.get_by_role("link", name=absent).count() == 0
    accessible(page, axe, serious)
    screenshot(page, "founded-organisation")

    # Its settings: a public record, dual dates, Russian invitations.
    nav.get_by_role("link", name="Settings").click()
    assert page.get_by_label("Name").input_value() == ORGANISATION
    assert page.get_by_label("New Style (Gregorian) dates only").is_checked()
    page.get_by_label("Public record").check()
    page.get_by_label("The organisation's language").select_option("ru")
    accessible(page, axe, serious)
    page.get_by_role("button", name="Save the settings").click()
    assert "The settings are saved." in page.locator(".messages").inner_text()
    assert page.get_by_label("Public record").is_checked()
    assert page.get_by_label("The organisation's language").input_value() == "ru"
    page.get_by_label("The organisation's language").select_option("en")
    page.get_by_role("button", name="Save the settings").click()
    assert "The settings are saved." in page.locator(".messages").inner_text()
    accessible(page, axe, serious)

    # The roll arrives; the secretary finds a member by name and invites her.
    load_roll(server)
    nav.get_by_role("link", name="Invitations").click()
    page.get_by_label("Name or member number").fill("Clara")
    page.get_by_role("button", name="Search").click()
    rows = page.locator("table.invite-members tbody tr")
    assert rows.count() == 1
    page.get_by_label("Email address of Clara Ivanova").fill("clara@harbour.test")
    accessible(page, axe, serious)
    page.get_by_role("button", name="Invite Clara Ivanova").click()
    assert "Clara Ivanova is invited" in page.locator(".messages").inner_text()
    accessible(page, axe, serious)
    screenshot(page, "invitations")

    # Clara follows her invitation's link on her phone, in a browser of her own.
    link = the_link(mailbox, "clara@harbour.test", "/invitation/")
    clara = phone().new_page()
    clara.goto(link)
    assert "Clara Ivanova" in clara.locator("main").inner_text()
    accessible(clara, axe, serious)
    clara.get_by_label("Username").fill("clara")
    clara.get_by_label("Password", exact=True).fill("clara-dock-2026")
    clara.get_by_label("Password confirmation").fill("clara-dock-2026")
    clara.get_by_role("button", name="Make my account").click()
    clara.wait_for_url("**/portal/")
    assert "Welcome, Clara Ivanova" in clara.locator(".messages").inner_text()
    accessible(clara, axe, serious)
    clara.goto(server.url("/"))
    mine = clara.locator("section.my-home")
    assert ORGANISATION in mine.inner_text()
    assert "South quay branch" in mine.inner_text()
    accessible(clara, axe, serious)
    # The link is spent.
    clara.goto(link)
    assert clara.locator("h1").inner_text() == "Invitation used"

    # The founder forgets her password: the reset round trip, in a fresh browser.
    lost = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en")
    try:
        again = lost.new_page()
        again.goto(server.url("/sign-in/"))
        again.get_by_role("link", name="Forgot your password?").click()
        again.get_by_label("Email").fill(FOUNDER_EMAIL)
        accessible(again, axe, serious)
        again.get_by_role("button", name="Send the link").click()
        assert again.locator("h1").inner_text() == "Check your mail"
        accessible(again, axe, serious)
        again.goto(the_link(mailbox, FOUNDER_EMAIL, "/password-reset/", count=2))
        again.get_by_label("New password", exact=True).fill("harbour-new-2027")
        again.get_by_label("New password confirmation").fill("harbour-new-2027")
        accessible(again, axe, serious)
        again.get_by_role("button", name="Set the password").click()
        assert again.locator("h1").inner_text() == "Password set"
        accessible(again, axe, serious)
        again.get_by_role("link", name="Sign in").last.click()
        again.get_by_label("User name").fill(FOUNDER)
        again.get_by_label("Password").fill("harbour-new-2027")
        again.get_by_role("button", name="Sign in").click()
        mine = again.locator("section.my-home")
        assert ORGANISATION in mine.inner_text()
        assert "secretary" in mine.inner_text()
        accessible(again, axe, serious)
    finally:
        lost.close()
