"""Every refusal the Django layer raises is translatable where it is written (issue 16, item 5).

A refusal (:class:`smolny.journal.actions.ActionError` and its kinds) reaches the user as the
text of a web page's message or an API error's ``detail``. Its words must go through gettext
at the source, with named ``%(...)s`` placeholders filled afterwards, so that makemessages
finds one msgid per sentence and a translator can reorder the figures. A plain string or an
f-string handed to a refusal stays English whatever the reader's language: this scan of the
source finds such a site and names it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import smolny
from smolny.journal.actions import ActionError

ROOT = Path(smolny.__file__).parent
SCANNED = [
    ROOT / "councils" / "actions",
    ROOT / "councils" / "queries",
    ROOT / "federation" / "actions",
    ROOT / "federation" / "bodies.py",
    ROOT / "federation" / "keys.py",
    ROOT / "federation" / "queries.py",
    ROOT / "journal",
    ROOT / "api",
    ROOT / "accounts",
]
OTHER_REFUSALS = {"BadRequestField": 1, "RollError": 2, "BadLink": 0, "Unverified": 0}
"""Refusals that are not kinds of ActionError, with the place of their message argument: an
API field's error (the field, then why), a roll's bad line (line, field, why), a bad link."""
TRANSLATORS = {"gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext", "_"}


def _refusal_classes() -> dict[str, int]:
    """The names of ActionError and every kind of it that the scanned modules define, and the
    other refusals, each with the place of its message argument."""
    import smolny.councils.actions
    import smolny.federation.actions
    import smolny.federation.keys  # noqa: F401

    names: set[str] = set()
    todo: list[type] = [ActionError]
    while todo:
        kind = todo.pop()
        names.add(kind.__name__)
        todo.extend(kind.__subclasses__())
    return dict.fromkeys(names, 0) | OTHER_REFUSALS


def _untranslated(message: ast.expr) -> bool:
    """Whether *message* is English text as it stands: a literal, an f-string, a sum or a
    ``%``/``.format`` of them (a gettext call, or ``gettext(...) % {...}``, is translated;
    a name or another call, such as ``str(error)``, passes a text made elsewhere on)."""
    if isinstance(message, ast.Constant):
        return isinstance(message.value, str)
    if isinstance(message, ast.JoinedStr):
        return True
    if isinstance(message, ast.BinOp):
        return _untranslated(message.left) or (
            isinstance(message.op, ast.Add) and _untranslated(message.right)
        )
    if isinstance(message, ast.Call) and isinstance(message.func, ast.Attribute):
        return message.func.attr == "format" and _untranslated(message.func.value)
    return False


def _sites(path: Path, classes: dict[str, int]) -> list[tuple[int, ast.expr]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        if name in classes and len(node.args) > classes[name]:
            found.append((node.lineno, node.args[classes[name]]))
    return found


def _files() -> list[Path]:
    files: list[Path] = []
    for place in SCANNED:
        files.extend([place] if place.is_file() else sorted(place.rglob("*.py")))
    return files


def test_every_refusal_message_goes_through_gettext() -> None:
    classes = _refusal_classes()
    assert {"ActionError", "NotAllowed", "PermissionDenied", "BallotBoxError"} <= set(classes)
    offenders = []
    count = 0
    for path in _files():
        for line, message in _sites(path, classes):
            count += 1
            if _untranslated(message):
                offenders.append(f"{path.relative_to(ROOT)}:{line}: {ast.unparse(message)[:90]}")
    assert not offenders, "refusals with untranslated messages:\n" + "\n".join(offenders)
    assert count > 380  # the scan sees the refusal sites (about 400 of them)


def test_a_gettext_msgid_is_a_plain_literal_with_named_placeholders() -> None:
    """``gettext(f"...")`` would give makemessages nothing to find and the catalogue no key;
    ``%s`` without a name cannot be reordered in a translation."""
    bad = []
    for path in _files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in TRANSLATORS
            ):
                continue
            msgid = node.args[0] if node.args else None
            if not (isinstance(msgid, ast.Constant) and isinstance(msgid.value, str)):
                bad.append(f"{path.relative_to(ROOT)}:{node.lineno}: msgid is not a literal")
            elif "%s" in msgid.value or "%d" in msgid.value:
                bad.append(f"{path.relative_to(ROOT)}:{node.lineno}: unnamed placeholder")
    assert not bad, "\n".join(bad)


def test_the_scan_catches_an_f_string_and_passes_a_gettext_call() -> None:
    """The detector itself: a wrong one that passed everything would make the test above
    worthless."""
    wrong = ast.parse('NotAllowed(f"{member.name} is not in the hall")').body[0]
    plain = ast.parse('ActionError("a session needs a title")').body[0]
    summed = ast.parse('ActionError("no " + name)').body[0]
    right = ast.parse(
        'NotAllowed(gettext("%(name)s is not in the hall") % {"name": member.name})'
    ).body[0]
    passed_on = ast.parse("NotAllowed(str(error))").body[0]
    calls = [s.value for s in (wrong, plain, summed, right, passed_on) if isinstance(s, ast.Expr)]
    assert [_untranslated(c.args[0]) for c in calls if isinstance(c, ast.Call)] == [
        True,
        True,
        True,
        False,
        False,
    ]
