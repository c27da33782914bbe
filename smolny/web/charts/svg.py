"""Shared pieces of the server-rendered SVG charts: escaping, colours, accessible wrappers.

Every chart is a string of SVG (safe to insert into a page as it is: all text passes through
:func:`esc`) with ``role="img"``, a ``<title>`` and a ``<desc>`` named by ``aria-labelledby``,
so a screen reader announces what it shows; the numbers themselves are in a text-equivalent
table that the page shows next to the chart (or instead of it, for screen readers and print).
"""

from __future__ import annotations

import html
import re

_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")


def esc(text: object) -> str:
    """Text escaped for SVG/HTML content and double-quoted attributes."""
    return html.escape(str(text), quote=True)


def check_colour(colour: str) -> str:
    """A colour as ``#rrggbb``; anything else is refused (it goes into attributes)."""
    if not _COLOUR.fullmatch(colour):
        raise ValueError(f"colour {colour!r}: use #rrggbb")
    return colour.lower()


def check_id(prefix: str) -> str:
    """An element id prefix: a letter, then letters, digits, ``-`` or ``_``."""
    if not _ID.fullmatch(prefix):
        raise ValueError(f"id prefix {prefix!r}: use a letter then letters, digits, - or _")
    return prefix


def num(value: float) -> str:
    """A coordinate with two decimals and no negative zero: the same text on every machine."""
    text = f"{value:.2f}"
    return "0.00" if text == "-0.00" else text


def ink_on(colour: str) -> str:
    """Black or white, whichever reads better on *colour* (WCAG relative luminance)."""

    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    luminance = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    return "#000000" if (luminance + 0.05) / 0.05 >= 1.05 / (luminance + 0.05) else "#ffffff"


def open_svg(prefix: str, width: float, height: float, title: str, description: str) -> str:
    """The opening of an accessible chart: ``<svg role="img">``, its title and description."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {num(width)} {num(height)}" '
        f'role="img" aria-labelledby="{prefix}-title {prefix}-desc" class="chart" '
        f'id="{prefix}">'
        f'<title id="{prefix}-title">{esc(title)}</title>'
        f'<desc id="{prefix}-desc">{esc(description)}</desc>'
    )
