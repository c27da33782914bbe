"""Public record pages stay light and revalidate (issue 20, item 2), on the 1917 world.

The Petrograd Soviet's council page was 862 KB of HTML: its 3,000 seats drawn one disc each
in the page, and the 1,000 holders of its workers' section listed in it. Now no council page
of the world (nor the organisation's page, nor a large organ's list of seats) is over 150 KB;
and a reader who sends back the page's ``ETag`` gets ``304 Not Modified`` until the next
journal entry, after which the page is sent again with a new tag.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from smolny import cli
from smolny.councils.actions.fraction import create_fraction
from smolny.councils.models import Council
from smolny.journal.actions import SYSTEM

LIMIT = 150_000
SOVIET = "Petrograd Soviet of Workers' and Soldiers' Deputies"


@pytest.mark.django_db
def test_1917_pages_are_light_and_revalidate(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["world", "load", "petrograd-1917"]) == 0
    capsys.readouterr()
    org = Council.objects.get(name=SOVIET).organisation
    assert org.public_record
    reader = Client()  # not signed in: the 1917 world is a public record

    sizes = {}
    for council in Council.objects.filter(organisation=org):
        for day in ("", "?at=1917-10-25", "?at=1917-03-15"):
            answer = reader.get(reverse("council", args=[org.pk, council.pk]) + day)
            assert answer.status_code == 200, (council.name, day)
            sizes[(council.name, day)] = len(answer.content)
            # Large organs list their seats on pages of their own; follow every such link.
            for link in re.findall(
                r'href="([^"]*/organs/\d+/seats[^"]*)"', answer.content.decode()
            ):
                seats = reader.get(link.replace("&amp;", "&"))
                assert seats.status_code == 200, link
                sizes[(link, "")] = len(seats.content)
    overview = reader.get(reverse("organisation", args=[org.pk]))
    sizes[("overview", "")] = len(overview.content)
    heavy = {k: v for k, v in sizes.items() if v > LIMIT}
    assert not heavy, heavy
    soviet = Council.objects.get(organisation=org, name=SOVIET)
    url = reverse("council", args=[org.pk, soviet.pk]) + "?at=1917-10-25"
    # The Soviet's 3,000 seats are drawn in an image of their own, not in the page.
    page = reader.get(url)
    assert sizes[(SOVIET, "?at=1917-10-25")] < LIMIT
    image = re.search(r'<img class="chart" src="([^"]+)"', page.content.decode())
    assert image, "the large hemicycle is not an image"
    svg = reader.get(image.group(1).replace("&amp;", "&"))
    assert svg.status_code == 200
    assert svg["Content-Type"].startswith("image/svg+xml")
    assert svg.content.count(b'class="seat"') == 3000

    # Revalidation: the same tag back gives 304 and no body; another reader's tag differs.
    tag = page["ETag"]
    assert page["Cache-Control"] == "private, no-cache"
    again = reader.get(url, headers={"If-None-Match": tag})
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == tag
    # Visitors not signed in share one rendered copy, each with their own CSRF token in it.
    stranger = Client().get(url)
    assert b"csrf-placeholder" not in page.content
    assert b"csrf-placeholder" not in stranger.content
    token = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
    assert token.search(page.content).group(1) != token.search(stranger.content).group(1)
    assert stranger.status_code == 200
    assert stranger["ETag"] != tag
    assert Client().get(url, headers={"If-None-Match": tag}).status_code == 200

    # A write (any journal entry) makes the old copy stale: the page comes whole, newly tagged.
    create_fraction(SYSTEM, soviet, "Interdistrict group (test)")
    after = reader.get(url, headers={"If-None-Match": tag})
    assert after.status_code == 200
    assert after["ETag"] != tag
    assert reader.get(url, headers={"If-None-Match": after["ETag"]}).status_code == 304
