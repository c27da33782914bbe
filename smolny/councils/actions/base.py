"""The old home of the action machinery, kept so that code written against this path still
imports: everything here is :mod:`smolny.journal.actions`, where new code imports it from."""

from __future__ import annotations

from smolny.journal.actions import (
    SYSTEM,
    ActionError,
    Actor,
    NotAllowed,
    PermissionDenied,
    SystemActor,
    action_transaction,
    actor_label,
    entering_later,
    entering_past_events,
    fresh,
    in_action,
    is_secretary,
    now_or,
    record,
    record_many,
    require_member_or_secretary,
    require_recorder,
    require_secretary,
    within_action,
)

__all__ = [
    "SYSTEM",
    "ActionError",
    "Actor",
    "NotAllowed",
    "PermissionDenied",
    "SystemActor",
    "action_transaction",
    "actor_label",
    "entering_later",
    "entering_past_events",
    "fresh",
    "in_action",
    "is_secretary",
    "now_or",
    "record",
    "record_many",
    "require_member_or_secretary",
    "require_recorder",
    "require_secretary",
    "within_action",
]
