"""Every function that opens an action transaction writes a journal entry in it.

Read from the source: for each function with a ``with action_transaction(...)`` block, the
block must call :func:`~smolny.journal.actions.record` or ``record_many``, directly or
through functions that do (a step such as ``count_and_declare`` records for the action that
calls it). An action that changed the record and forgot its entry would leave a change that
no audit can account for; this finds it before any test of that action has to.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

import smolny

RECORDERS = frozenset({"record", "record_many"})


def _called(nodes: Iterable[ast.AST]) -> set[str]:
    names = set()
    for top in nodes:
        for node in ast.walk(top):
            if isinstance(node, ast.Call):
                if isinstance(node.func, ast.Name):
                    names.add(node.func.id)
                elif isinstance(node.func, ast.Attribute):
                    names.add(node.func.attr)
    return names


def _opens_action(block: ast.With) -> bool:
    for item in block.items:
        call = item.context_expr
        if isinstance(call, ast.Call):
            func = call.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if name == "action_transaction":
                return True
    return False


def unjournalled_actions(sources: dict[str, str]) -> list[str]:
    """``module:function`` for each function opening an action transaction whose block
    calls nothing that records; *sources* maps module names to their text."""
    functions: dict[str, list[ast.FunctionDef | ast.AsyncFunctionDef]] = {}
    openers: list[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef, list[ast.With]]] = []
    for module, text in sources.items():
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                functions.setdefault(node.name, []).append(node)
                blocks = [b for b in ast.walk(node) if isinstance(b, ast.With) and _opens_action(b)]
                if blocks:
                    openers.append((module, node, blocks))
    # Which names record, directly or through a chain of calls (to a fixed point).
    recording = set(RECORDERS)
    calls = {
        name: set().union(*(_called(d.body) for d in defs)) for name, defs in functions.items()
    }
    changed = True
    while changed:
        changed = False
        for name, called in calls.items():
            if name not in recording and called & recording:
                recording.add(name)
                changed = True
    return sorted(
        f"{module}:{function.name}"
        for module, function, blocks in openers
        if not _called(blocks) & recording
    )


def smolny_sources() -> dict[str, str]:
    root = Path(smolny.__file__).parent
    return {
        ".".join(path.relative_to(root.parent).with_suffix("").parts): path.read_text()
        for path in sorted(root.rglob("*.py"))
        if "migrations" not in path.parts
    }


def test_every_action_transaction_records_a_journal_entry() -> None:
    sources = smolny_sources()
    opening = [m for m, text in sources.items() if "with action_transaction(" in text]
    assert len(opening) >= 15  # the actions of councils and federation were all read
    assert unjournalled_actions(sources) == []


def test_the_check_finds_an_action_that_forgets_its_entry() -> None:
    source = """
def _declare(election, at):
    record(SYSTEM, "declare", {}, at=at, organisation=election.organisation)

def counted(election, at=None):
    with action_transaction(at) as at:
        _declare(election, at)

def forgetful(member, at=None):
    with action_transaction(at) as at:
        member.save()
    record(SYSTEM, "too_late", {}, at=at, organisation=member.organisation)

def recorded(member, at=None):
    with transaction.atomic(), action_transaction(at) as at:
        member.save()
        record_many([], at=at, organisation=member.organisation)
"""
    assert unjournalled_actions({"example": source}) == ["example:forgetful"]
