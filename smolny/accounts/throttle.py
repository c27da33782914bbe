"""Limits on guessing: failed sign-ins per account and per address, receipt checks.

A limit is a number of attempts within a sliding window (``SMOLNY_*_LIMIT`` attempts in
``SMOLNY_*_WINDOW`` seconds, see :data:`LIMITS`); once reached, further attempts under that key
are refused until the oldest counted one leaves the window. The attempts are rows of
:class:`smolny.accounts.models.Attempt`, so that every worker process sees the same count.
A refused attempt is not counted itself: an attacker who keeps trying does not keep the
account locked for ever, and the owner can sign in once the window has passed.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.utils import timezone


@dataclass(frozen=True)
class Limit:
    """At most *attempts* in *window* seconds under one key."""

    name: str
    attempts: int
    window: float

    def describe(self) -> str:
        minutes = max(1, round(self.window / 60))
        return f"{self.attempts} {self.name} in {minutes} minutes"


def _limit(name: str, env: str, attempts: int, window: float) -> Limit:
    """A limit with its defaults, overridden by ``SMOLNY_<env>_LIMIT`` / ``_WINDOW``."""
    return Limit(
        name,
        int(os.environ.get(f"SMOLNY_{env}_LIMIT", "") or attempts),
        float(os.environ.get(f"SMOLNY_{env}_WINDOW", "") or window),
    )


LIMITS: dict[str, Limit] = {
    # Five wrong passwords for one account in 15 minutes: a person mistyping stays well under.
    "sign-in:account": _limit("failed sign-ins for this account", "SIGNIN", 5, 900),
    # An address may be shared (a household, an office behind one router): more room there.
    "sign-in:address": _limit("failed sign-ins from this address", "SIGNIN_ADDRESS", 20, 900),
    # A receipt code is long, but guessing must not be free: 20 checks in 10 minutes.
    "receipt:account": _limit("receipt checks by this account", "RECEIPT", 20, 600),
    "receipt:address": _limit("receipt checks from this address", "RECEIPT_ADDRESS", 60, 600),
}


class Throttled(Exception):
    """Too many attempts under a key: the message names the limit and when to try again."""

    http_status = 429

    def __init__(self, limit: Limit, retry_after: int) -> None:
        self.limit = limit
        self.retry_after = retry_after
        super().__init__(
            f"too many attempts: at most {limit.describe()}; "
            f"try again in {max(1, (retry_after + 59) // 60)} minutes"
        )


def address(request: Any) -> str:
    """The client's address as the server sees it (behind a proxy, the proxy sets it)."""
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def _key(kind: str, who: str) -> str:
    return f"{kind}:{who.strip().lower()}"[:200]


def check(kind: str, who: str) -> None:
    """Raise :class:`Throttled` if *who* has used up the limit *kind* (nothing is counted)."""
    from smolny.accounts.models import Attempt

    limit = LIMITS[kind]
    since = timezone.now() - timedelta(seconds=limit.window)
    recent = Attempt.objects.filter(key=_key(kind, who), at__gt=since)
    times = list(recent.order_by("-at").values_list("at", flat=True)[: limit.attempts])
    if len(times) >= limit.attempts:
        oldest = times[-1]
        retry = oldest + timedelta(seconds=limit.window) - timezone.now()
        raise Throttled(limit, int(retry.total_seconds()) + 1)


def count(kind: str, who: str) -> None:
    """Count one attempt by *who* under *kind*, and forget this key's attempts that have left
    the window (and, once in a hundred calls, every key's), so that the table holds little more
    than the recent attempts."""
    from smolny.accounts.models import Attempt

    key = _key(kind, who)
    now = timezone.now()
    Attempt.objects.filter(key=key, at__lte=now - timedelta(seconds=LIMITS[kind].window)).delete()
    if secrets.randbelow(100) == 0:
        # Now and then, the keys nobody tried again (guessed user names, passing addresses).
        longest = max(limit.window for limit in LIMITS.values())
        Attempt.objects.filter(at__lte=now - timedelta(seconds=longest)).delete()
    Attempt.objects.create(key=key, at=now)


def forget(kind: str, who: str) -> None:
    """Clear *who*'s attempts under *kind* (a successful sign-in clears the account's count)."""
    from smolny.accounts.models import Attempt

    Attempt.objects.filter(key=_key(kind, who)).delete()


def check_sign_in(request: Any, username: str) -> None:
    """Refuse a sign-in attempt when the account or the address has failed too often."""
    check("sign-in:account", username)
    check("sign-in:address", address(request))


def failed_sign_in(request: Any, username: str) -> None:
    count("sign-in:account", username)
    count("sign-in:address", address(request))


def receipt_check(request: Any, user: Any) -> None:
    """Count a receipt check, refusing it when the caller or the address has checked too many."""
    who = str(user.pk) if getattr(user, "is_authenticated", False) else ""
    if who:
        check("receipt:account", who)
    check("receipt:address", address(request))
    if who:
        count("receipt:account", who)
    count("receipt:address", address(request))
