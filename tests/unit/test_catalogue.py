"""The compiled Russian catalogue is whole: ``django.mo`` (what the server reads) holds a
translation for every entry of ``django.po``, in every Russian plural form, and every string
the Python code marks for translation has an entry.

``msgfmt`` leaves fuzzy and empty entries out of the compiled file, so a page would fall back to
English for them without any error; and a string marked in code after the last
``makemessages`` has no entry at all. Both are caught here without gettext's tools installed:
the ``.po`` is read by a small parser, the ``.mo`` by the standard library.
"""

from __future__ import annotations

import ast
import gettext
from dataclasses import dataclass, field
from pathlib import Path

import smolny

PACKAGE = Path(smolny.__file__).parent
CATALOGUE = PACKAGE / "locale" / "ru" / "LC_MESSAGES"
RUSSIAN_FORMS = 4  # the catalogue's Plural-Forms: nplurals=4 (Django's Russian)


@dataclass
class Entry:
    flags: set[str] = field(default_factory=set)
    fields: dict[str, str] = field(default_factory=dict)


def read_po(path: Path) -> list[Entry]:
    """The live entries of a .po file (obsolete ``#~`` ones left out), strings unquoted."""
    found = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        entry = Entry()
        current = None
        for line in block.strip().splitlines():
            if line.startswith("#,"):
                entry.flags |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#"):
                continue
            elif line.startswith('"') and current is not None:
                entry.fields[current] += ast.literal_eval(line)
            else:
                current, _, text = line.partition(" ")
                entry.fields[current] = ast.literal_eval(text)
        if entry.fields.get("msgid"):
            found.append(entry)
    return found


def compiled() -> dict[object, str]:
    """The .mo's table: msgid (or (msgid, form) for plurals; context as ``ctx\\x04msgid``)."""
    with (CATALOGUE / "django.mo").open("rb") as handle:
        return dict(gettext.GNUTranslations(handle)._catalog)  # type: ignore[attr-defined]


def key(entry: Entry) -> str:
    context = entry.fields.get("msgctxt")
    msgid = entry.fields["msgid"]
    return f"{context}\x04{msgid}" if context is not None else msgid


def test_every_entry_is_compiled_with_all_its_forms() -> None:
    table = compiled()
    entries = read_po(CATALOGUE / "django.po")
    assert len(entries) > 1000
    problems = []
    for entry in entries:
        name = entry.fields["msgid"][:60]
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {name!r}")
        if "msgid_plural" in entry.fields:
            forms = [entry.fields.get(f"msgstr[{i}]", "") for i in range(RUSSIAN_FORMS)]
            if any(not form for form in forms):
                problems.append(f"a plural form empty: {name!r}")
            for i, form in enumerate(forms):
                if table.get((key(entry), i)) != form:
                    problems.append(f"form {i} not compiled: {name!r}")
        else:
            if not entry.fields.get("msgstr"):
                problems.append(f"empty: {name!r}")
            elif table.get(key(entry)) != entry.fields["msgstr"]:
                problems.append(f"not compiled: {name!r}")
    assert problems == []


MARKERS = {
    "_": 1,
    "N_": 1,
    "gettext": 1,
    "gettext_lazy": 1,
    "gettext_noop": 1,
    "ngettext": 2,
    "pgettext": 2,
}


def marked_in_code() -> set[tuple[str | None, str]]:
    """(context, msgid) of every translation call with literal text in the package's Python
    (the templates are covered by the pages' own Russian tests)."""
    marked: set[tuple[str | None, str]] = set()
    for path in PACKAGE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            if node.func.id not in MARKERS or len(node.args) < MARKERS[node.func.id]:
                continue
            texts = [a.value if isinstance(a, ast.Constant) else None for a in node.args]
            if node.func.id == "pgettext":
                context, text = texts[0], texts[1]
                if isinstance(context, str) and isinstance(text, str):
                    marked.add((context, text))
            elif isinstance(texts[0], str):
                marked.add((None, texts[0]))
    return marked


def test_every_string_marked_in_code_has_an_entry() -> None:
    entries = {
        (e.fields.get("msgctxt"), e.fields["msgid"]) for e in read_po(CATALOGUE / "django.po")
    }
    marked = marked_in_code()
    # The walk finds the project's calls: a known one of each kind is among them.
    assert (None, "Choose a person and a role.") in marked
    assert (None, "%(n)d seat") in marked
    assert sorted(marked - entries, key=str) == []
