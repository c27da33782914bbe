"""Bundled worlds: historical council systems as data files, loaded through the actions.

A world is loaded on a migrated database by :func:`load_world` and recounted by
:mod:`smolny.worlds.replay`. The only world so far is ``petrograd-1917``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from smolny.worlds.loader import LoadReport, Progress

WORLDS = ("petrograd-1917",)


def load_world(name: str, progress: Progress | None = None) -> LoadReport:
    """Load world *name* (one of :data:`WORLDS`) through the actions; a no-op when it is in
    the database already. Raises ``KeyError`` for an unknown name and
    :class:`smolny.worlds.loader.WorldMismatch` when the engine disagrees with history."""
    if name not in WORLDS:
        raise KeyError(name)
    from smolny.worlds.loader import load_petrograd_1917

    return load_petrograd_1917(progress)
