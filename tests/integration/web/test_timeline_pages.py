"""The timeline page through the Django test client, on the suite's database.

A small council system built through the actions: a soviet of six deputies whose fractions
change between March and October (so that its elected presidium, counted by its holders'
fractions, changes too), and a directive on one day. The page must show each day's
composition as the dated rows give it, in Old Style with New Style for the 1917 world's
organisation and in the Gregorian calendar for any other, answer htmx with the day's part
and the canonical address, and refuse dates that are not days of the record with a 400.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db.models.signals import post_save
from django.test import Client
from django.utils import formats

from smolny.councils import actions
from smolny.councils.actions.founding import change_organisation_settings
from smolny.councils.models import Organ, Organisation
from smolny.federation import actions as fed
from smolny.rules.calendar import JulianDate, gregorian_to_julian, julian_to_gregorian
from tests.integration.federation.conftest import SYS, d, local_council
from tests.integration.federation.test_directives_1917 import petrograd

pytestmark = pytest.mark.django_db

WORLD = "Soviets of Russia, 1917"


@pytest.fixture
def reader() -> Iterator[Client]:
    """A signed-in user on no roll, reading worlds kept as public records (as the 1917 world
    is): every organisation made during the test is made one (issue 17, item 7)."""
    user = get_user_model().objects.create_user("reader", password="pw-reader-1917")
    client = Client()
    client.force_login(user)

    def public(sender: Any, instance: Organisation, created: bool, **kwargs: Any) -> None:
        if created:
            instance.public_record = True
            Organisation.objects.filter(pk=instance.pk).update(public_record=True)

    post_save.connect(public, sender=Organisation, dispatch_uid="public-1917")
    try:
        yield client
    finally:
        post_save.disconnect(sender=Organisation, dispatch_uid="public-1917")


def build(name: str) -> tuple[Organisation, Organ]:
    """A soviet of six: 2 Bolsheviks and 4 Mensheviks in March, its presidium the Mensheviks
    2 and 3; three Mensheviks (2, 3, 4) go over to the Bolsheviks on 1 October."""
    world = petrograd(name)
    organisation = world.soviet.organisation
    if name == WORLD:  # the 1917 world's organisations opt into Old Style dates, as its loader does
        organisation = change_organisation_settings(SYS, organisation, calendar=Organisation.DUAL)
    soviet = local_council(organisation, "Soviet of the works", 60, per=10, at=d(3, 12))
    bolsheviks = actions.create_fraction(SYS, soviet.council, "Bolsheviks", at=d(3, 12))
    mensheviks = actions.create_fraction(SYS, soviet.council, "Mensheviks", at=d(3, 12))
    for i, mandate in enumerate(soviet.deputies):
        actions.change_fraction(SYS, mandate, bolsheviks if i < 2 else mensheviks, at=d(3, 13))
    presidium = actions.form_organ(
        SYS,
        soviet.council,
        "Presidium",
        kind=Organ.PRESIDIUM,
        seat_rule=Organ.ELECTION,
        seats=2,
        elected=soviet.deputies[2:4],
        at=d(3, 14),
    )
    for mandate in soviet.deputies[2:5]:
        actions.change_fraction(SYS, mandate, bolsheviks, at=d(10, 1))
    fed.issue_directive(
        SYS,
        world.staff,
        "Patrols to the bridges: at dawn.",
        [world.pavlovsky],
        domain="military",
        at=d(10, 20, 9),
    )
    return organisation, presidium


def table_of(html: str, key: str) -> dict[str, int]:
    """Seats by fraction from the text-equivalent table of the chart marked *key*."""
    start = html.index(f'data-body="{key}"')
    table = html[html.index("<tbody>", start) : html.index("</tbody>", start)]
    rows = re.findall(r'<tr><th scope="row">([^<]+)</th><td>(\d+)</td></tr>', table)
    return {name: int(n) for name, n in rows}


def julian(moment: datetime) -> str:
    """The Old Style date of a moment's day at Petrograd (UTC+2:01: the same day at noon)."""
    return gregorian_to_julian(moment.date()).isoformat()


def test_compositions_follow_the_slider_in_old_style(reader: Client) -> None:
    organisation, presidium = build(WORLD)
    soviet = presidium.council
    page = f"/o/{organisation.pk}/timeline/"

    march = reader.get(page, {"date": julian(d(3, 20))})
    html = march.content.decode()
    assert march.status_code == 200
    assert "7 March (20 March) 1917" in html
    assert table_of(html, f"council:{soviet.pk}") == {"Bolsheviks": 2, "Mensheviks": 4}
    assert table_of(html, f"organ:{presidium.pk}") == {"Mensheviks": 2}

    october = reader.get(page, {"date": julian(d(10, 20))})
    html = october.content.decode()
    assert "7 October (20 October) 1917" in html
    assert table_of(html, f"council:{soviet.pk}") == {"Bolsheviks": 5, "Mensheviks": 1}
    assert table_of(html, f"organ:{presidium.pk}") == {"Bolsheviks": 2}
    # The day's directive, with its addressee's standing and the reason.
    assert "Patrols to the bridges" in html
    assert 'data-addressee="unit:' in html
    assert 'data-status="binding"' in html

    # Before the soviet was formed it is not on the page; the day before the change, March's
    # figures still stand.
    assert (
        f'data-body="council:{soviet.pk}"'
        not in reader.get(page, {"date": "1917-02-20"}).content.decode()
    )
    html = reader.get(page, {"date": julian(d(9, 30))}).content.decode()
    assert table_of(html, f"organ:{presidium.pk}") == {"Mensheviks": 2}


def test_slider_index_htmx_part_and_bad_input(reader: Client) -> None:
    organisation, presidium = build(WORLD)
    page = f"/o/{organisation.pk}/timeline/"
    # The slider counts days from 1 January 1917 Old Style (14 January New Style).
    first = julian_to_gregorian(JulianDate(1917, 1, 1))
    index = (date(1917, 10, 20) - first).days
    answer = reader.get(page, {"day": str(index)}, headers={"HX-Request": "true"})
    html = answer.content.decode()
    assert answer.status_code == 200
    assert "<html" not in html
    assert html.lstrip().startswith('<section id="timeline-day"')
    assert answer["HX-Push-Url"] == f"{page}?date=1917-10-07"
    assert table_of(html, f"organ:{presidium.pk}") == {"Bolsheviks": 2}
    full = reader.get(page, {"day": str(index)}).content.decode()
    assert f'value="{index}"' in full
    assert 'aria-valuetext="7 October (20 October) 1917"' in full

    for params, message in (
        ({"date": "1917-02-29"}, "February 1917 has 28 days in the Julian calendar"),
        ({"date": "1916-12-31"}, "is outside the timeline"),
        ({"date": "October"}, "is not a date in the form YYYY-MM-DD"),
        ({"day": "365"}, "from 0 to 364"),
        ({"day": "-1"}, "from 0 to 364"),
    ):
        answer = reader.get(page, params)
        assert answer.status_code == 400, params
        assert message in answer.content.decode(), params
    assert reader.get("/o/999999/timeline/").status_code == 404


def test_other_organisations_use_the_gregorian_calendar(reader: Client) -> None:
    organisation, presidium = build("A union of today")
    page = f"/o/{organisation.pk}/timeline/"
    html = reader.get(page, {"date": "1917-10-20"}).content.decode()
    heading = re.search(r'<h2 id="timeline-day-title">([^<]*)</h2>', html)
    assert heading is not None
    assert heading.group(1) == formats.date_format(date(1917, 10, 20), "DATE_FORMAT")
    assert "7 October" not in html
    assert table_of(html, f"organ:{presidium.pk}") == {"Bolsheviks": 2}
    assert reader.get(page, {"date": "1917-02-29"}).status_code == 400


def test_the_worlds_events_show_recorded_times_and_their_notes(reader: Client) -> None:
    """Events of the 1917 world: a clock time only where the source gives one, in its own
    words (never the placing moment's HH:MM), and the note qualifying a figure beside it."""
    organisation, _ = build(WORLD)
    page = f"/o/{organisation.pk}/timeline/"
    html = reader.get(page, {"date": "1917-10-25"}).content.decode()
    assert '<span class="event-time">3:30 a.m.</span> — The cruiser Aurora' in html
    assert '<span class="event-time">9:40 p.m.</span>' in html
    assert "03:30" not in html
    # the seizures belong to the night of 24-25 October, shown on the 24th
    night = reader.get(page, {"date": "1917-10-24"}).content.decode()
    assert "before about 3 a.m. on the 25th</span> — MRC commissars" in night
    assert "Nikolaevsky" not in html
    # an event the source gives no time for shows none; a day chosen by the world says so
    june = reader.get(page, {"date": "1917-06-05"}).content.decode()
    assert "<li>The First All-Russian Congress of Soviets backs coalition" in june
    assert "<strong>[modelling choice]</strong> The congress sat 3-24 June" in june
    # other organisations are not shown the world's events
    other, _ = build("A union of today")
    assert (
        "Aurora"
        not in reader.get(f"/o/{other.pk}/timeline/", {"date": "1917-11-07"}).content.decode()
    )
