"""The names the Petrograd 1917 world's callers know, kept where they were.

The loading itself is the generic runner's (:mod:`smolny.worlds.runner`); the 1917 world's own
kinds of step are in :mod:`smolny.worlds.petrograd1917.steps`.
"""

from __future__ import annotations

from typing import Any

from smolny.worlds import runner
from smolny.worlds.data import Step, WorldMismatch
from smolny.worlds.runner import LoadReport, Progress

NAME = "petrograd-1917"

__all__ = ["LoadReport", "Progress", "Step", "WorldMismatch", "load_petrograd_1917", "plan_world"]


def load_petrograd_1917(progress: Progress | None = None) -> LoadReport:
    """Load the Petrograd 1917 world on a migrated database; a no-op when it is loaded."""
    return runner.load(NAME, progress)


def plan_world(world: dict[str, Any]) -> list[Step]:
    """Every step of the 1917 world (*world*: its data files parsed), in chronological order;
    bad data is a :class:`~smolny.worlds.data.WorldDataError` naming the file and record."""
    return runner.plan(runner.manifest(NAME), world)


def is_loaded() -> bool:
    """Whether the Petrograd 1917 world is in the database (its organisations exist)."""
    return runner.is_loaded(runner.manifest(NAME))
