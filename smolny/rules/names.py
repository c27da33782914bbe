"""Names that look like other names: Unicode skeletons (UTS #39) and mixed scripts.

A hostile member could found "Аlpha" (its first letter the Cyrillic А) beside an existing
"Alpha", or register a look-alike of a deputy's name, and a reader could not tell the two
apart. Unicode Technical Standard #39 ("Unicode Security Mechanisms", section 4,
"Confusable Detection") defines the *skeleton* of a string: its canonical decomposition
(NFD), each character replaced by the prototype of its confusable class, and NFD again; two
strings are confusable when their skeletons are equal. Its section 5 ("Mixed-Script
Detection") flags strings whose letters come from more than one script.

The full confusables table of UTS #39 has thousands of entries across every script; this
module carries the part that matters for the names Smolny's councils use, the Latin, Cyrillic
and Greek look-alikes (and the digits and signs that pass for letters), taken from the
classes of the standard's ``confusables.txt`` and written here as a table of its own. It is
a bounded table, said plainly: look-alikes from other scripts (Armenian, Cherokee, the
mathematical alphabets once NFKC has not folded them...) are not caught by the skeleton, but
a letter of another script within a Latin, Cyrillic or Greek word is caught by the
mixed-script check.

Pure: no Django, no I/O.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# Each look-alike and the prototype of its class (UTS #39 maps to the prototype; for the
# classes here the prototype is the Latin letter, or "l" for the vertical strokes and "rn" for
# "m", as in the standard's data).
_PROTOTYPES: dict[str, str] = {}
for _prototype, _lookalikes in {
    "A": "\u0391\u0410",  # Greek Alpha, Cyrillic A
    "B": "\u0392\u0412",  # Greek Beta, Cyrillic Ve
    "C": "\u0421\u03f9",  # Cyrillic Es, Greek lunate Sigma
    "D": "\u13a0",  # Cherokee A (a D to the eye)
    "E": "\u0395\u0415",  # Greek Epsilon, Cyrillic Ie
    "H": "\u0397\u041d",  # Greek Eta, Cyrillic En
    "J": "\u0408\u037f",  # Cyrillic Je, Greek Yot
    "K": "\u039a\u041a\u212a",  # Greek Kappa, Cyrillic Ka, Kelvin sign
    "M": "\u039c\u041c",  # Greek Mu, Cyrillic Em
    "N": "\u039d",  # Greek Nu
    "O": "\u039f\u041e0",  # Greek Omicron, Cyrillic O, digit zero
    "P": "\u03a1\u0420",  # Greek Rho, Cyrillic Er
    "Q": "\u051a",  # Cyrillic Qa
    "S": "\u0405",  # Cyrillic Dze
    "T": "\u03a4\u0422",  # Greek Tau, Cyrillic Te
    "W": "\u051c",  # Cyrillic We
    "X": "\u03a7\u0425",  # Greek Chi, Cyrillic Ha
    "Y": "\u03a5\u04ae",  # Greek Upsilon, Cyrillic straight U
    "Z": "\u0396",  # Greek Zeta
    "a": "\u0430\u03b1",  # Cyrillic a, Greek alpha
    "b": "\u042c\u044c",  # Cyrillic soft sign (a b to the eye)
    "c": "\u0441\u03f2",  # Cyrillic es, Greek lunate sigma
    "d": "\u0501",  # Cyrillic komi de
    "e": "\u0435",  # Cyrillic ie
    "g": "\u0261",  # Latin script g
    "h": "\u04bb",  # Cyrillic shha
    "i": "\u0456\u03b9\u0131",  # Cyrillic i, Greek iota, dotless i
    "j": "\u0458\u03f3",  # Cyrillic je, Greek yot
    "l": "I1|\u0399\u0406\u04c0\u04cf\u01c0\u2223",  # I, one, bar, Iota, Cyrillic I, palochka
    "n": "\u0578",  # Armenian vo (an n to the eye)
    "o": "\u043e\u03bf\u03c3",  # Cyrillic o, Greek omicron, sigma
    "p": "\u0440\u03c1",  # Cyrillic er, Greek rho
    "q": "\u051b",  # Cyrillic qa
    "rn": "m",  # "m" and "rn", the standard's prototype being "rn"
    "s": "\u0455",  # Cyrillic dze
    "u": "\u03c5\u057d",  # Greek upsilon, Armenian seh
    "v": "\u03bd\u0475",  # Greek nu, Cyrillic izhitsa
    "w": "\u051d\u0461",  # Cyrillic we, omega
    "x": "\u0445\u03c7",  # Cyrillic ha, Greek chi
    "y": "\u0443",  # Cyrillic u
}.items():
    for _char in _lookalikes:
        _PROTOTYPES[_char] = _prototype

_SCRIPTS = ("LATIN", "CYRILLIC", "GREEK")
_WORD = re.compile(r"[^\W\d_]+(?:[\d'’][^\W\d_]+)*")


_TABLE = {ord(char): prototype for char, prototype in _PROTOTYPES.items()}


def skeleton(name: str) -> str:
    """The UTS #39 skeleton of *name* (for the classes in this module's table): NFD, each
    character replaced by its prototype, NFD again. Spaces are collapsed first, so that
    "Alpha  Group" is not a second "Alpha Group".

    A roll import takes the skeleton of every name already on the organisation's rolls, so
    this runs hundreds of thousands of times: an ASCII name skips the normalisations (NFD
    leaves ASCII unchanged, and every prototype is ASCII), and the mapping is one
    ``str.translate``."""
    text = " ".join(name.split())
    if text.isascii():
        return text.translate(_TABLE)
    mapped = unicodedata.normalize("NFD", text).translate(_TABLE)
    return unicodedata.normalize("NFD", mapped)


def _script(char: str) -> str | None:
    name = unicodedata.name(char, "")
    for script in _SCRIPTS:
        if name.startswith(script):
            return script
    return "OTHER" if char.isalpha() else None


def mixed_script_word(name: str) -> str | None:
    """The first word of *name* whose letters come from more than one script (Latin,
    Cyrillic, Greek, or another), or ``None``. Words of different scripts side by side
    ("Soviet Совет") are allowed: each word is read in one script."""
    for match in _WORD.finditer(unicodedata.normalize("NFC", name)):
        word = match.group()
        scripts = {s for s in map(_script, word) if s is not None}
        if len(scripts) > 1:
            return word
    return None


def name_problem(name: str, existing: Iterable[str], what: str) -> str | None:
    """Why *name* cannot be given to a new *what* beside the *existing* names of its scope,
    or ``None``: a word mixing scripts, or a look-alike of an existing name (same skeleton,
    other characters). An identical name is left to the caller's own rule (refused where
    names are unique, allowed where two people may share one)."""
    word = mixed_script_word(name)
    if word is not None:
        return (
            f"the {what} name {name!r} mixes scripts in the word {word!r} (Latin, Cyrillic "
            "and Greek letters that look alike cannot be told apart): write each word in "
            "one script"
        )
    mark = skeleton(name)
    for other in existing:
        if other != name and skeleton(other) == mark:
            return (
                f"the {what} name {name!r} looks like the existing {other!r} (the same "
                "letters to the eye, Unicode UTS #39): choose a name that can be told apart"
            )
    return None
