"""Writing one benchmark's section of benchmarks/RESULTS.md.

Each script owns the lines between its ``<!-- BEGIN name ... -->`` and ``<!-- END name -->``
markers and rewrites only those, so that scripts run at different times (and sections edited
by hand) leave each other alone.
"""

from __future__ import annotations

from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def write_section(
    section: str, begin: str, end: str, results: Path = RESULTS, before: str | None = None
) -> None:
    """Put *section* (its text from *begin* to *end*, markers included) in place of the one
    between those markers in *results*; a section not there yet goes in front of the marker
    *before* where given and present, else at the end."""
    text = results.read_text(encoding="utf-8")
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        text = head + section + rest.split(end, 1)[1]
    elif before is not None and before in text:
        head, rest = text.split(before, 1)
        text = head + section + "\n\n" + before + rest
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    results.write_text(text, encoding="utf-8")
