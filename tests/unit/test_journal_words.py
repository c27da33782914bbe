"""The journal page says every kind of action as a sentence: each action name any module
records (read from the source, as ``record(actor, "name", ...)``) has its sentence, and a
sentence is filled from an entry's payload without showing a field's raw name or JSON."""

from __future__ import annotations

import ast
from pathlib import Path

from django.utils import translation

import smolny
from smolny.web.journal_words import SENTENCES, actor, sentence


def recorded_actions() -> set[str]:
    """The action names passed to ``record``/``record_many`` anywhere in the package."""
    names = set()
    package = Path(smolny.__file__).parent
    for path in package.rglob("*.py"):
        if path.is_relative_to(package / "rules"):
            continue  # the pure rules journal nothing (their ``record`` is a count's own)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if called not in ("record", "record_many"):
                continue
            for argument in node.args[:3]:
                if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                    names.add(argument.value)
                    break
    return names


def test_every_recorded_action_has_a_sentence() -> None:
    recorded = recorded_actions()
    assert len(recorded) > 60  # the scan found the actions
    assert sorted(recorded - set(SENTENCES)) == []


def test_a_sentence_is_filled_from_the_payload_and_translated() -> None:
    payload = {
        "vote": 7,
        "motion": "M1",
        "outcome": "carried",
        "for": 5,
        "against": 2,
        "abstain": 1,
        "organisation": 1,
    }
    with translation.override("en"):
        assert sentence("close_vote", payload) == (
            "Vote 7 on M1 closed: carried (5 for, 2 against, 1 abstaining)."
        )
        # A field the entry lacks is a dash, never a KeyError or a placeholder.
        assert sentence("create_council", {}) == "Council “—” created."
        assert sentence("no_such_action", {"x": 1}) == "A change was recorded."
        assert actor("user:12:secretary") == "secretary"
        assert actor("system:system") == "the system"
    with translation.override("ru"):
        said = sentence("close_vote", payload)
        assert (
            said == "Голосование 7 по M1 закрыто: принято (за — 5, против — 2, воздержались — 1)."
        )
        assert actor("system:system") == "система"
