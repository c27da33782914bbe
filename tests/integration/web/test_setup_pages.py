"""A secretary's setup pages through Django's test client: a council, its rule with the
preview of the apportionment, constituencies, and the roll by CSV upload (a bad file refused
with its line named and nothing written, then a good one imported and journalled)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from smolny.councils.actions import founding
from smolny.councils.models import (
    Constituency,
    Council,
    JournalEntry,
    Member,
    Organisation,
    RepresentationRule,
)
from tests.integration.web.test_accounts import verified_person

pytestmark = pytest.mark.django_db

BRANCHES = {"North quay": 50, "South quay": 35, "Dry dock": 8}


def roll_csv(bad_line: int | None = None) -> bytes:
    """A roll of the three branches; with *bad_line*, that line names no branch."""
    lines = ["member_id,name,constituency"]
    n = 0
    for branch, size in BRANCHES.items():
        for _ in range(size):
            n += 1
            lines.append(f"H{n:04d},Docker Number{chr(65 + n % 26)} {n},{branch}")
    if bad_line is not None:
        number, name, _ = lines[bad_line - 1].split(",")
        lines[bad_line - 1] = f"{number},{name},Lighthouse"
    return ("\n".join(lines) + "\n").encode()


def founded() -> tuple[Client, Organisation]:
    yana = verified_person("yana")
    org = founding.found_organisation(yana, "Harbour Workers Federation")
    client = Client()
    client.force_login(yana)
    return client, org


def make_council(client: Client, org: Organisation) -> Council:
    answer = client.post(
        reverse("setup-create-council", args=[org.pk]),
        {"name": "Harbour council", "kind": "council"},
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    council = Council.objects.get(organisation=org, name="Harbour council")
    assert answer["Location"] == reverse("setup-council", args=[org.pk, council.pk])
    for branch in BRANCHES:
        answer = client.post(
            reverse("setup-constituency", args=[org.pk, council.pk]), {"name": branch}
        )
        assert answer.status_code == 302
    return council


def upload(client: Client, org: Organisation, council: Council, content: bytes) -> Any:
    return client.post(
        reverse("setup-roll-preview", args=[org.pk, council.pk]),
        {"roll": SimpleUploadedFile("harbour.csv", content, content_type="text/csv")},
    )


def test_a_secretary_sets_up_a_council_previews_its_rule_and_uploads_the_roll() -> None:
    client, org = founded()
    council = make_council(client, org)
    assert sorted(Constituency.objects.filter(council=council).values_list("name", flat=True)) == [
        "Dry dock",
        "North quay",
        "South quay",
    ]

    # A roll with a bad line 40: refused, the line named, nothing written.
    entries = JournalEntry.objects.count()
    answer = upload(client, org, council, roll_csv(bad_line=40))
    assert answer.status_code == 400
    page = answer.content.decode()
    assert "<td>40</td><td>constituency</td>" in page
    assert "unknown constituency &#x27;Lighthouse&#x27;" in page
    assert "Import the roll" not in page
    assert Member.objects.filter(organisation=org).count() == 0
    assert JournalEntry.objects.count() == entries

    # A good roll: a preview first (nothing written), then the import.
    answer = upload(client, org, council, roll_csv())
    assert answer.status_code == 200
    page = answer.content.decode()
    assert "93 new members in 3 constituencies" in page
    assert Member.objects.filter(organisation=org).count() == 0
    token = answer.context["token"]
    answer = client.post(reverse("setup-roll-import", args=[org.pk, council.pk]), {"token": token})
    assert answer.status_code == 302, answer.content.decode()[:2000]
    counts = {
        b: Member.objects.filter(constituency__council=council, constituency__name=b).count()
        for b in BRANCHES
    }
    assert counts == BRANCHES
    entry = JournalEntry.objects.get(action="import_roll")
    payload = json.loads(entry.payload)
    assert payload["members"] == 93
    assert payload["source"] == "harbour.csv"
    # The same upload cannot be imported twice.
    again = client.post(reverse("setup-roll-import", args=[org.pk, council.pk]), {"token": token})
    assert again.status_code == 410
    assert Member.objects.filter(organisation=org).count() == 93

    # The rule's preview: one deputy per 10 members, at least one; nothing written.
    rule = {"kind": "ratio", "per": 10, "minimum": 1, "rounding": "floor", "method": "hamilton"}
    answer = client.post(
        reverse("setup-rule", args=[org.pk, council.pk]),
        {**rule, "preview": 1},
        headers={"HX-Request": "true"},
    )
    assert answer.status_code == 200
    assert "<html" not in answer.content.decode()  # the fragment alone, for the live preview
    seats = {row["name"]: row["seats"] for row in answer.context["preview"]["rows"]}
    assert seats == {"North quay": 5, "South quay": 3, "Dry dock": 1}
    assert answer.context["preview"]["house"] == 9
    assert not RepresentationRule.objects.filter(council=council).exists()
    # A fixed house of 10 by Hamilton: quotas 5.38, 3.76, 0.86 give 5, 4, 1 (the whole page
    # without JavaScript).
    house = {"kind": "house", "house_size": 10, "method": "hamilton", "min_seats": 0}
    answer = client.post(reverse("setup-rule", args=[org.pk, council.pk]), {**house, "preview": 1})
    assert answer.status_code == 200
    assert "10 deputies for 93 members" in answer.content.decode()
    seats = {row["name"]: row["seats"] for row in answer.context["preview"]["rows"]}
    assert seats == {"North quay": 5, "South quay": 4, "Dry dock": 1}
    assert not RepresentationRule.objects.filter(council=council).exists()
    assert JournalEntry.objects.filter(action="set_representation_rule").count() == 0

    answer = client.post(reverse("setup-rule", args=[org.pk, council.pk]), rule)
    assert answer.status_code == 302
    saved = RepresentationRule.objects.get(council=council, end=None)
    assert (saved.kind, saved.per, saved.minimum) == (RepresentationRule.RATIO, 10, 1)
    assert JournalEntry.objects.filter(action="set_representation_rule").count() == 1
    page = client.get(reverse("setup-council", args=[org.pk, council.pk])).content.decode()
    assert "one deputy per 10 members" in page


def test_the_navigation_links_the_setup_pages_for_secretaries_only() -> None:
    client, org = founded()
    html = client.get(reverse("organisation", args=[org.pk])).content.decode()
    assert reverse("setup-councils", args=[org.pk]) in html
    other = Client()
    other.force_login(verified_person("olga"))
    html = other.get(reverse("organisation", args=[org.pk])).content.decode()
    assert reverse("setup-councils", args=[org.pk]) not in html


def test_a_non_secretary_is_refused_and_writes_nothing() -> None:
    client, org = founded()
    council = make_council(client, org)
    other = Client()
    other.force_login(verified_person("olga"))
    entries = JournalEntry.objects.count()
    for name, args, data in (
        ("setup-councils", [org.pk], None),
        ("setup-create-council", [org.pk], {"name": "Rival council", "kind": "council"}),
        ("setup-constituency", [org.pk, council.pk], {"name": "Lighthouse"}),
        ("setup-rule", [org.pk, council.pk], {"kind": "ratio", "per": 5, "minimum": 1}),
        ("setup-roll", [org.pk, council.pk], None),
    ):
        url = reverse(name, args=args)
        answer = other.get(url) if data is None else other.post(url, data)
        assert answer.status_code == 403, name
        assert "Only a secretary" in answer.content.decode()
    answer = upload(other, org, council, roll_csv())
    assert answer.status_code == 403
    assert JournalEntry.objects.count() == entries
    assert Member.objects.filter(organisation=org).count() == 0
    assert not Council.objects.filter(name="Rival council").exists()


def test_bad_forms_are_refused_with_reasons() -> None:
    client, org = founded()
    council = make_council(client, org)
    answer = client.post(
        reverse("setup-create-council", args=[org.pk]),
        {"name": "Harbour council", "kind": "council"},
    )
    assert answer.status_code == 409
    assert "already" in answer.content.decode()
    answer = client.post(reverse("setup-rule", args=[org.pk, council.pk]), {"kind": "house"})
    assert answer.status_code == 400
    assert "Give the number of seats." in answer.content.decode()
    answer = upload(client, org, council, b"id,name\n1,Ann\n")
    assert answer.status_code == 400
    assert "missing column(s): member_id, constituency" in answer.content.decode()
    answer = upload(
        client, org, council, "member_id,name,constituency\n1,Ann\xe9,Dry dock\n".encode("latin-1")
    )
    assert answer.status_code == 400
    assert "not UTF-8" in answer.content.decode()
    assert not RepresentationRule.objects.filter(council=council).exists()
    assert Member.objects.filter(organisation=org).count() == 0


def test_a_roll_larger_than_the_memory_limits_is_streamed_and_accepted(settings: Any) -> None:
    """With Django's in-memory limits far below the file's size, the upload still goes
    through (it is streamed to disk, and file uploads do not count against the request
    data limit)."""
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 256
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 256
    client, org = founded()
    council = make_council(client, org)
    content = roll_csv()
    assert len(content) > 10 * 256
    answer = upload(client, org, council, content)
    assert answer.status_code == 200, answer.content.decode()[:2000]
    token = answer.context["token"]
    answer = client.post(reverse("setup-roll-import", args=[org.pk, council.pk]), {"token": token})
    assert answer.status_code == 302
    assert Member.objects.filter(organisation=org).count() == 93


def test_a_file_over_the_size_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from smolny.web.views import setup

    monkeypatch.setattr(setup, "ROLL_MAX_BYTES", 1024)
    client, org = founded()
    council = make_council(client, org)
    answer = upload(client, org, council, roll_csv())
    assert answer.status_code == 413
    assert "larger than" in answer.content.decode()
    assert Member.objects.filter(organisation=org).count() == 0


def test_a_roll_that_changed_since_its_preview_is_refused_whole() -> None:
    """The import checks every line again: a member put on the roll between the preview and
    the confirmation makes the whole file refused, its line named, nothing more written."""
    client, org = founded()
    council = make_council(client, org)
    answer = upload(client, org, council, roll_csv())
    token = answer.context["token"]
    first = b"member_id,name,constituency\nH0007,Somebody Else,Dry dock\n"
    answer = upload(client, org, council, first)
    other_token = answer.context["token"]
    answer = client.post(
        reverse("setup-roll-import", args=[org.pk, council.pk]), {"token": other_token}
    )
    assert answer.status_code == 302
    entries = JournalEntry.objects.count()
    answer = client.post(reverse("setup-roll-import", args=[org.pk, council.pk]), {"token": token})
    assert answer.status_code == 409
    page = answer.content.decode()
    assert "<td>8</td><td>member_id</td>" in page
    assert "already on a roll" in page
    assert Member.objects.filter(organisation=org).count() == 1
    assert JournalEntry.objects.count() == entries


def test_the_setup_pages_speak_russian() -> None:
    client, org = founded()
    council = make_council(client, org)
    ru = Client(headers={"accept-language": "ru"})
    ru.force_login(org.roles.get().user)
    page = ru.get(reverse("setup-council", args=[org.pk, council.pk])).content.decode()
    assert "Норма представительства" in page
    assert "Создать округ" in page
    page = ru.get(reverse("setup-roll", args=[org.pk, council.pk])).content.decode()
    assert "Проверить файл" in page


def test_an_upload_never_confirmed_is_swept_by_a_later_preview() -> None:
    import os

    from smolny.web.views import setup

    client, org = founded()
    council = make_council(client, org)
    stale = setup._upload_dir() / "abandoned-long-ago.csv"
    stale.write_bytes(b"member_id,name,constituency\n")
    long_ago = stale.stat().st_mtime - setup.UPLOAD_AGE - 60
    os.utime(stale, (long_ago, long_ago))
    answer = upload(client, org, council, roll_csv())
    assert answer.status_code == 200
    assert not stale.exists()
    assert (setup._upload_dir() / f"{answer.context['token']}.csv").exists()
