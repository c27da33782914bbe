"""Filters of the secretary's setup pages."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def posted_votes(posted: Any, member_pk: int) -> str:
    """The votes typed for a candidate in a form sent back with an error, so nothing typed is
    lost ('' when the form is new)."""
    if not posted:
        return ""
    return str(posted.get(f"votes-{member_pk}", ""))[:12]
