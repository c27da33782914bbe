"""The organisation, council, journal and minutes pages: figures from the record, permissions.

The council page's figures are checked against what the rolls and mandates say (see
:mod:`tests.integration.web.council_world`), and against an earlier date, when the council
had no deputies yet.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from smolny.councils.models import JournalEntry, Organisation
from tests.integration.web.council_world import PASSWORD, build

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> dict[str, Any]:
    return build()


def signed_in(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def text(html: bytes) -> str:
    """The page's text with tags removed and spaces collapsed (for reading figures)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.decode()))


def row(html: bytes, heading: str) -> str:
    """The text of the table row whose header cell is *heading*."""
    found = re.search(
        rf"<tr[^>]*>\s*<th scope=\"row\">{re.escape(heading)}</th>(.*?)</tr>", html.decode(), re.S
    )
    assert found, f"no row {heading!r}"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1))).strip()


def test_pages_need_a_signed_in_user(world: dict[str, Any]) -> None:
    org = world["organisation"]
    for url in (
        reverse("organisation", args=[org]),
        reverse("council", args=[org, world["council"]]),
        reverse("journal", args=[org]),
        reverse("session-minutes", args=[world["session"]]),
    ):
        answer = Client().get(url)
        assert answer.status_code == 302
        assert answer["Location"].startswith(reverse("sign-in"))


def test_unknown_things_are_404(world: dict[str, Any]) -> None:
    client = signed_in("putilov")
    org = world["organisation"]
    assert client.get(reverse("organisation", args=[org + 99])).status_code == 404
    assert client.get(reverse("council", args=[org, world["council"] + 99])).status_code == 404
    assert client.get(reverse("session-minutes", args=[world["session"] + 99])).status_code == 404


def test_overview_lists_councils_organs_and_sessions(world: dict[str, Any]) -> None:
    answer = signed_in("narva1").get(reverse("organisation", args=[world["organisation"]]))
    assert answer.status_code == 200
    page = text(answer.content)
    assert "Petrograd Soviet" in page
    assert "Executive Committee" in page
    assert "First sitting" in page
    assert "You are on the roll of Narva gate" in page
    html = answer.content.decode()
    assert reverse("council", args=[world["organisation"], world["council"]]) in html
    assert reverse("session-minutes", args=[world["session"]]) in html
    assert reverse("journal", args=[world["organisation"]]) in html
    assert reverse("portal", args=[world["organisation"]]) in html
    # The navigation shows what the organisation has: sittings (so a timeline), no directive.
    assert reverse("timeline", args=[world["organisation"]]) in html
    assert reverse("directives", args=[world["organisation"]]) not in html


def test_council_page_figures_come_from_rolls_and_mandates(world: dict[str, Any]) -> None:
    url = reverse("council", args=[world["organisation"], world["council"]])
    answer = signed_in("putilov").get(url)
    assert answer.status_code == 200
    html = answer.content
    # Constituencies: members, seats apportioned, deputies, members per deputy.
    assert row(html, "Putilov works") == "30 3 2 15.0"
    assert row(html, "Narva gate") == "8 1 1 8.0"
    assert row(html, "Vyborg side") == "5 1 1 5.0"
    page = text(html)
    assert "4 deputies, 1 seat vacant." in page
    # The hemicycle: 2 Bolsheviks, 1 Menshevik, 1 of no fraction, 1 vacant seat.
    svg = html.decode()
    assert svg.count('class="seat"') == 5
    assert svg.count('data-fraction="Bolsheviks"') == 2
    assert svg.count('data-fraction="Mensheviks"') == 1
    assert svg.count('data-state="vacant"') == 1
    assert "<title" in svg
    # The malapportionment chart: one bar per constituency and the average 43/4.
    assert 'data-members-per-deputy="15.0"' in svg
    assert 'class="average" data-members-per-deputy="10.8"' in svg
    # Deputies with their fraction and dual-dated start (5 March 1917 NS = 20 February OS).
    assert "20 February (5 March) 1917" in page
    # The executive committee: 2 Bolsheviks, 1 Menshevik.
    assert "Seats of Executive Committee by fraction" in page
    assert re.search(r"Bolsheviks</th><td class=\"number\">2<", svg)


def test_council_page_at_an_earlier_date(world: dict[str, Any]) -> None:
    url = reverse("council", args=[world["organisation"], world["council"]])
    answer = signed_in("putilov").get(url, {"at": "1917-03-02"})
    assert answer.status_code == 200
    page = text(answer.content)
    assert "No deputy held a mandate at this date." in page
    assert "No organ at this date." in page
    assert row(answer.content, "Putilov works").split()[:2] == ["30", "3"]
    assert "17 February (2 March) 1917" in page


def test_council_page_refuses_a_bad_date(world: dict[str, Any]) -> None:
    url = reverse("council", args=[world["organisation"], world["council"]])
    answer = signed_in("putilov").get(url, {"at": "25 October"})
    assert answer.status_code == 400
    assert "is not a date" in text(answer.content)


def test_journal_lists_entries_newest_first_and_verifies(world: dict[str, Any]) -> None:
    client = signed_in("putilov")
    org = world["organisation"]
    answer = client.get(reverse("journal", args=[org]))
    assert answer.status_code == 200
    html = answer.content.decode()
    seqs = [int(s) for s in re.findall(r'<th scope="row" class="number">(\d+)</th>', html)]
    last = JournalEntry.objects.order_by("-seq").first()
    assert last is not None
    assert seqs[0] == last.seq
    assert seqs == sorted(seqs, reverse=True)
    assert len(seqs) == min(50, last.seq)
    assert reverse("journal-verdict", args=[org]) in html
    verdict = client.get(reverse("journal-verdict", args=[org]))
    assert verdict.status_code == 200
    assert "verified" in text(verdict.content)
    assert f"{last.seq} entries recomputed" in text(verdict.content)


def test_journal_shows_a_broken_chain(world: dict[str, Any]) -> None:
    from django.db import connection

    victim = JournalEntry.objects.order_by("seq")[3]
    with connection.cursor() as cursor:  # tampering, as an intruder would: behind the ORM
        cursor.execute(
            "UPDATE councils_journalentry SET actor = %s WHERE seq = %s",
            ["user:99:mallory", victim.seq],
        )
    verdict = signed_in("putilov").get(reverse("journal-verdict", args=[world["organisation"]]))
    page = text(verdict.content)
    assert "broken" in page
    assert "verified" not in page
    assert f"breaks at entry {victim.seq}" in page


def test_minutes_page_and_downloads(world: dict[str, Any]) -> None:
    client = signed_in("narva2")
    session = world["session"]
    answer = client.get(reverse("session-minutes", args=[session]))
    assert answer.status_code == 200
    page = text(answer.content)
    assert "Minutes: First sitting" in page
    assert "Executive Committee of Petrograd Soviet" in page
    markdown = client.get(reverse("session-minutes-markdown", args=[session]))
    assert markdown["Content-Type"].startswith("text/markdown")
    assert markdown.content.decode().startswith("# Minutes: First sitting")
    pdf = client.get(reverse("session-minutes-pdf", args=[session]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_a_large_council_is_charted_in_groups() -> None:
    from smolny.web.views.composition import ConstituencyRow, ratio_groups

    # 100 works of 1,000 members with one deputy each, 100 companies of 250 with one each,
    # 1 unit without a deputy: the equal groups merge into one per value, plus the one without.
    rows = [ConstituencyRow(f"works {i}", 1000, 1, 1) for i in range(100)]
    rows += [ConstituencyRow(f"company {i}", 250, 1, 1) for i in range(100)]
    rows.append(ConstituencyRow("reserve", 400, 1, 0))
    groups = ratio_groups(rows)
    assert [g.name for g in groups] == ["100: 250", "100: 1000", "1 without a deputy"]
    assert [(g.members, g.deputies) for g in groups] == [(25000, 100), (100000, 100), (400, 0)]
    # A spread of values: ten groups of ten, each with its range.
    spread = [ConstituencyRow(f"c{i}", 100 + i, 1, 1) for i in range(100)]
    labels = [g.name for g in ratio_groups(spread)]
    assert labels[0] == "10: 100–109"
    assert labels[-1] == "10: 190–199"
    assert len(labels) == 10
    small = rows[:3]
    assert [g.name for g in ratio_groups(small)] == ["works 0", "works 1", "works 2"]


def test_constituency_pages_keep_the_date(
    world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from smolny.web.views import council as council_view

    monkeypatch.setattr(council_view, "CONSTITUENCIES_PER_PAGE", 2)
    url = reverse("council", args=[world["organisation"], world["council"]])
    answer = signed_in("putilov").get(url, {"at": "1917-04-01", "cpage": "2"})
    html = answer.content.decode()
    assert "Page 2 of 2 (3 constituencies)" in text(answer.content)
    assert row(answer.content, "Vyborg side")
    assert "Putilov works</th>" not in html.split('class="constituencies"')[1].split("</table>")[0]
    assert "?at=1917-04-01&amp;cpage=1#constituencies" in html


def test_journal_lists_only_the_organisations_entries(world: dict[str, Any]) -> None:
    other = build("-other")  # built after the first world: its entries come later in the chain
    # A member of the first reads the other's journal only because it is a public record.
    Organisation.objects.filter(pk=other["organisation"]).update(public_record=True)
    start = JournalEntry.objects.filter(action="create_organisation").order_by("-seq")[0].seq
    client = signed_in("putilov")

    def listed(organisation: int) -> tuple[str, list[int]]:
        html = client.get(reverse("journal", args=[organisation])).content.decode()
        numbers = re.findall(r'<th scope="row" class="number">(\d+)</th>', html)
        return html, [int(n) for n in numbers]

    mine_html, mine = listed(world["organisation"])
    _, theirs = listed(other["organisation"])
    assert mine
    assert theirs
    assert all(seq < start for seq in mine)
    assert all(seq >= start for seq in theirs)
    assert start in theirs or len(theirs) == 50
    assert "Petrograd-other" not in mine_html
    # The verdict still covers the whole chain.
    verdict = client.get(reverse("journal-verdict", args=[other["organisation"]]))
    assert f"{JournalEntry.objects.count()} entries recomputed" in text(verdict.content)
