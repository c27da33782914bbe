"""The generic world runner: a world's data becomes steps, the steps run through the actions.

Loading a world (:func:`load`) reads its manifest and data files (:mod:`smolny.worlds.data`),
asks its kinds of step to plan (the generic ones of :mod:`smolny.worlds.steps`, and the
world's own module when its manifest names one), and runs the steps in chronological order
inside one transaction: a load is all or nothing, and a second load finds the world's
organisations and does nothing. A step calls actions only, so the journal records a world as
it records any other work. Where the data states an outcome (a recorded vote, an election's
elected, an apportionment), the engine decides it and a disagreement stops the load with
:class:`WorldMismatch`, nothing written.

Progress goes to the logger ``smolny.worlds`` (one INFO line a step: name, count done of all,
percentage) and to the *progress* callback, if given; :func:`terminal_progress` makes one
that draws on a terminal.
"""

from __future__ import annotations

import importlib
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, Any

from smolny.worlds.data import (
    Built,
    Manifest,
    Plan,
    Planner,
    Step,
    WorldDataError,
    WorldMismatch,
    manifests,
    tables,
)

logger = logging.getLogger("smolny.worlds")


class UnknownWorld(KeyError):
    """No bundled world has that name."""


@dataclass(frozen=True)
class LoadReport:
    """What a load did."""

    loaded: bool
    """False when the world was in the database already (nothing was done)."""
    steps: int = 0
    votes: int = 0
    deputies: int = 0
    name: str = ""


Progress = Callable[[int, int, str], None]
"""Called after each step with (steps done, steps in all, what was done)."""


def manifest(name: str) -> Manifest:
    """The manifest of the bundled world *name*, or :class:`UnknownWorld`."""
    found = manifests()
    if name not in found:
        raise UnknownWorld(name)
    return found[name]


def names() -> tuple[str, ...]:
    """The bundled worlds' names."""
    return tuple(manifests())


def _own_steps(world: Manifest) -> Any:
    return importlib.import_module(world.steps) if world.steps else None


def read(world: Manifest) -> dict[str, dict[str, Any]]:
    """The world's data files, through its own module's ``read_world`` when it has one."""
    own = _own_steps(world)
    if own is not None and hasattr(own, "read_world"):
        return dict(own.read_world())
    return world.read_world()


def plan(world: Manifest, data: dict[str, Any]) -> list[Step]:
    """Every step of *world* (its data files parsed as *data*), in chronological order.

    A world with its own steps module plans through its ``plan(data, plan)``, which may call
    the generic kinds of step; a world of data alone is planned by
    :func:`smolny.worlds.steps.plan_tables`. The data is checked as far as planning reads it:
    a missing table or field, or a value of the wrong type, is a :class:`WorldDataError`
    naming the file and the record.
    """
    from smolny.worlds import steps as generic  # the actions need Django set up

    planned = Plan(world)
    own = _own_steps(world)
    planner: Planner = own.plan if own is not None else generic.plan_tables
    planner(data, planned)
    return planned.ordered()


def organisation_names(data: dict[str, Any]) -> list[str]:
    """The names of the organisations a world's data creates (``[[organisation]]``)."""
    return [str(o.get("name")) for _, o in tables(data, "organisation")]


def is_loaded(world: Manifest, data: dict[str, Any] | None = None) -> bool:
    """Whether *world* is in the database (one of its organisations exists)."""
    from smolny.councils.models import Organisation

    names = organisation_names(data if data is not None else read(world))
    return Organisation.objects.filter(name__in=names).exists()


def load(name: str, progress: Progress | None = None) -> LoadReport:
    """Load the bundled world *name* on a migrated database; a no-op when it is loaded.

    Raises :class:`UnknownWorld`, :class:`WorldDataError` (nothing written),
    :class:`WorldMismatch` (the engine disagrees with the data: nothing written) or the
    refusal of an action (:class:`~smolny.councils.actions.ActionError`, nothing written).
    """
    from django.db import transaction

    from smolny.councils import actions
    from smolny.journal import chain as journal

    world = manifest(name)
    data = read(world)
    steps = plan(world, data)
    total = len(steps)
    with transaction.atomic():
        journal.lock()  # a second loader waits here, then finds the world loaded
        if is_loaded(world, data):
            logger.info("%s is loaded already: nothing done", name)
            return LoadReport(loaded=False, name=name)
        logger.info("loading %s: %d steps", name, total)
        built = Built(actor=actions.SystemActor(f"world:{name}"))
        for done, step in enumerate(steps, start=1):
            step.run(built)
            logger.info(
                "%s: step %d/%d (%d%%): %s", name, done, total, percent(done, total), step.label
            )
            if progress is not None:
                progress(done, total, step.label)
    return LoadReport(
        loaded=True, steps=total, votes=len(built.votes), deputies=built.deputies, name=name
    )


def percent(done: int, total: int) -> int:
    """*done* of *total* as a whole percentage (100 only when all are done)."""
    return 100 if total == 0 or done >= total else done * 100 // total


@contextmanager
def terminal_progress(title: str, stream: IO[str] | None = None) -> Iterator[Progress]:
    """A progress callback that shows the step, the count and the percentage on *stream*
    (standard error by default): on a terminal a line that rewrites itself, elsewhere (a log
    file, a pipe) one plain line a step. The line is cleared when the load ends."""
    out = stream if stream is not None else sys.stderr
    live = out.isatty()
    width = 0

    def show(done: int, total: int, label: str) -> None:
        nonlocal width
        line = f"{title}: {done}/{total} ({percent(done, total)}%) {label}"
        if live:
            line = line[:119]
            out.write("\r" + line.ljust(width))
            width = max(width, len(line))
        else:
            out.write(line + "\n")
        out.flush()

    try:
        yield show
    finally:
        if live and width:
            out.write("\r" + " " * width + "\r")
            out.flush()


__all__ = [
    "Built",
    "LoadReport",
    "Plan",
    "Progress",
    "Step",
    "UnknownWorld",
    "WorldDataError",
    "WorldMismatch",
    "is_loaded",
    "load",
    "manifest",
    "names",
    "plan",
    "read",
    "terminal_progress",
]
