"""Helpers that several test packages share, so that each is written once.

Moments: the integration tests place their events in 1917, at UTC noon unless they say
otherwise; the councils' rules care only about the order of moments, not about the calendar.
"""

from __future__ import annotations

from datetime import UTC, datetime


def d(month: int, day: int, hour: int = 12, minute: int = 0, second: int = 0) -> datetime:
    """A moment in 1917 (UTC)."""
    return datetime(1917, month, day, hour, minute, second, tzinfo=UTC)
