"""Links to pages that other groups of pages own, made only when their routes exist.

The pages are built by several hands at once; a page that links to another group's page (the
guided tour, the timeline's votes) asks for it here and simply leaves the link out while that
route is not there, instead of failing with :class:`~django.urls.NoReverseMatch`.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import NoReverseMatch, reverse


def optional_url(names: str | Iterable[str], *args: object) -> str | None:
    """The path of the first route among *names* that takes *args*, or None."""
    for name in [names] if isinstance(names, str) else names:
        try:
            return reverse(name, args=args)
        except NoReverseMatch:
            continue
    return None


MINUTES = ("session-minutes", "minutes")
PROJECTOR = ("session-projector",)
COUNCIL = ("council",)
