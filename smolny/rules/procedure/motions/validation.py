"""Whether the motions on an item are well formed, before any vote is replayed.

The shape the rules of :mod:`smolny.rules.procedure.motions` require: one main motion an item;
procedural motions stand alone; counter-motions rival the main motion; amendments amend a
motion moved before them, strike or insert words, and go no deeper than the organ's rules
allow (Robert's Rules of Order: two degrees, primary and secondary amendment, the default of
:attr:`~smolny.rules.procedure.motions.types.MotionRules.max_depth`); procedural motions are
not amended.
"""

from __future__ import annotations

from collections.abc import Sequence

from smolny.rules.procedure.motions.types import (
    PREFERENTIAL_VOTE,
    STATUS_QUO,
    Motion,
    MotionKind,
    MotionRules,
    ProcedureError,
)


def validate(motions: Sequence[Motion], rules: MotionRules) -> dict[str, int]:
    """Check the motions' shape; return each motion's depth (main and counters 0)."""
    depth: dict[str, int] = {}
    kinds: dict[str, MotionKind] = {}
    mains = 0
    for m in motions:
        if not m.id or m.id in (STATUS_QUO, PREFERENTIAL_VOTE):
            raise ProcedureError(f"motion id {m.id!r} is empty or reserved")
        if m.id in depth:
            raise ProcedureError(f"motion {m.id} moved twice")
        if m.moved_after < 0:
            raise ProcedureError(f"motion {m.id}: moved_after must not be negative")
        if (m.kind is MotionKind.PROCEDURAL) != (m.procedural is not None):
            raise ProcedureError(f"motion {m.id}: only a procedural motion names a procedure")
        if m.kind is not MotionKind.AMENDMENT and m.strike:
            raise ProcedureError(f"motion {m.id}: only an amendment strikes words")
        if m.kind in (MotionKind.MAIN, MotionKind.PROCEDURAL):
            if m.parent is not None:
                raise ProcedureError(f"{m.kind} motion {m.id} cannot have a parent")
            if m.kind is MotionKind.MAIN:
                mains += 1
                if mains > 1:
                    raise ProcedureError(f"motion {m.id}: an item has one main motion")
            depth[m.id] = 0
        else:
            if m.parent is None or m.parent not in depth:
                raise ProcedureError(
                    f"motion {m.id}: its parent {m.parent!r} must be moved before it"
                )
            parent_kind = kinds[m.parent]
            if m.kind is MotionKind.COUNTER:
                if parent_kind is not MotionKind.MAIN:
                    raise ProcedureError(f"counter-motion {m.id} must rival the main motion")
                depth[m.id] = 0
            else:
                if parent_kind is MotionKind.PROCEDURAL:
                    raise ProcedureError(f"amendment {m.id}: procedural motions are not amended")
                if not m.strike and not m.text:
                    raise ProcedureError(f"amendment {m.id} neither strikes nor inserts words")
                depth[m.id] = depth[m.parent] + 1
                if depth[m.id] > rules.max_depth:
                    raise ProcedureError(
                        f"amendment {m.id} is of degree {depth[m.id]}; the organ's rules allow "
                        f"{rules.max_depth}"
                    )
        kinds[m.id] = m.kind
    return depth
