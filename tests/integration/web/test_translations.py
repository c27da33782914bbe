"""Russian: the catalogue is complete and compiled, and the pages speak it when asked.

The catalogue check reads ``django.po`` directly: every entry has its translation (all plural
forms), none is left fuzzy, every placeholder of the English text is in the Russian one, and
the compiled ``django.mo`` gives the same translations (it was compiled after the last edit).
"""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

import smolny
from tests.integration.web.council_world import PASSWORD, build

CATALOGUE = Path(smolny.__file__).parent / "locale" / "ru" / "LC_MESSAGES"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def entries() -> list[dict[str, Any]]:
    """The catalogue's entries: their flags and fields (strings joined and unquoted)."""
    found = []
    for block in (CATALOGUE / "django.po").read_text(encoding="utf-8").split("\n\n"):
        entry: dict[str, Any] = {"flags": "", "fields": {}}
        field = None
        for line in block.strip().splitlines():
            if line.startswith("#,"):
                entry["flags"] += line
            elif line.startswith("#"):
                continue
            elif line.startswith('"') and field:
                entry["fields"][field] += ast.literal_eval(line)
            else:
                field, _, text = line.partition(" ")
                entry["fields"][field] = ast.literal_eval(text)
        if entry["fields"].get("msgid"):
            found.append(entry)
    return found


def test_every_entry_is_translated_with_its_placeholders() -> None:
    problems = []
    all_entries = entries()
    assert len(all_entries) > 300
    for entry in all_entries:
        fields = entry["fields"]
        msgid = fields["msgid"]
        if "fuzzy" in entry["flags"]:
            problems.append(f"fuzzy: {msgid!r}")
        translations = [v for k, v in fields.items() if k.startswith("msgstr")]
        if not translations or any(not t for t in translations):
            problems.append(f"untranslated: {msgid!r}")
            continue
        wanted = set(PLACEHOLDER.findall(msgid + fields.get("msgid_plural", "")))
        for t in translations:
            missing = wanted - set(PLACEHOLDER.findall(t))
            # A singular form may leave out the count ("одно место"), never another name.
            if missing - {m for m in wanted if "count" in m or m.startswith("%(n)")}:
                problems.append(f"placeholders {sorted(missing)} missing: {msgid!r}")
    assert problems == []


def test_the_compiled_catalogue_says_what_the_source_says() -> None:
    with (CATALOGUE / "django.mo").open("rb") as compiled:
        mo = gettext.GNUTranslations(compiled)
    for entry in entries():
        fields = entry["fields"]
        if "msgctxt" in fields:
            continue
        if "msgid_plural" in fields:
            assert mo.ngettext(fields["msgid"], fields["msgid_plural"], 5) == fields["msgstr[2]"]
        else:
            assert mo.gettext(fields["msgid"]) == fields["msgstr"], fields["msgid"]


@pytest.mark.django_db
def test_pages_follow_accept_language_and_the_switch() -> None:
    world = build()
    client = Client()
    assert client.login(username="narva1", password=PASSWORD)
    url = reverse("council", args=[world["organisation"], world["council"]])
    russian = client.get(url, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert '<html lang="ru">' in russian
    assert ">Состав</h2>" in russian
    assert "4 депутата, 1 место свободно." in russian
    assert "20 февраля (5 марта) 1917" in russian
    portal = client.get(reverse("portal", args=[world["organisation"]]), HTTP_ACCEPT_LANGUAGE="ru")
    assert "Мой избирательный округ" in portal.content.decode()
    # The switcher posts to set_language; the choice then beats the browser's.
    client.post(reverse("set_language"), {"language": "en", "next": url})
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert '<html lang="en">' in english
    assert ">Composition</h2>" in english
