"""Bundled worlds: council systems as data files, loaded through the actions.

Each world is a folder here with a manifest (``world.toml``) and its data files (see
:mod:`smolny.worlds.data`); :func:`load_world` runs it through the generic runner
(:mod:`smolny.worlds.runner`). ``petrograd-1917`` brings its own kinds of step as well;
``valley-teachers`` is data alone. :mod:`smolny.worlds.replay` recounts the 1917 world.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from smolny.worlds.runner import LoadReport, Progress


def world_names() -> tuple[str, ...]:
    """The names of the bundled worlds."""
    from smolny.worlds.runner import names

    return names()


def load_world(name: str, progress: Progress | None = None) -> LoadReport:
    """Load world *name* through the actions; a no-op when it is in the database already.
    Raises ``KeyError`` (:class:`~smolny.worlds.runner.UnknownWorld`) for an unknown name and
    :class:`~smolny.worlds.data.WorldMismatch` when the engine disagrees with the data."""
    from smolny.worlds.runner import load

    return load(name, progress)
