"""Convening a session with notice, and the quorum needed to open it.

Rule texts followed
-------------------
There is no single statute for a council's sittings; this module follows the common rules of
deliberative assemblies and says where it chooses between them:

* **Notice.** An organ's rules fix a notice period between the summons and the sitting
  (Robert's Rules of Order: a meeting other than a regular one is valid only when every member
  was notified in the time the rules require; GO-BT § 21 on convening the Bundestag). A
  sitting called with less notice is out of order unless the organ's rules contain an
  *emergency rule* allowing it, and then the sitting and everything it decides are marked
  irregular, so that the record says so plainly. Without an emergency rule the sitting is
  refused: it is not convened at all.
* **Quorum to open.** The Bundestag is quorate when *more than half* of its members are
  present (GO-BT § 45 (1)); many statutes say *at least half* instead; Robert's Rules (1915,
  § 64) leave the number to the bylaws. All three are expressible with
  :class:`smolny.rules.majority.Quorum`. The base is always the seated members (holders of a
  current mandate for the organ), never those merely in the hall: an observer does not count.

The 1917 case this module must handle: on 3 July 1917 the Bolsheviks convened the workers' section
of the Petrograd Soviet at no notice, came en bloc, outnumbered their opponents and passed an
all-power motion (history/petrograd-1917.md, "Procedure seen in the sources"). Under a rule with a
notice period that sitting comes out *irregular* when the organ has an emergency rule, and
*refused* when it has none.
"""

from __future__ import annotations

import enum
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from smolny.rules.majority import Quorum


class Regularity(enum.StrEnum):
    """How a sitting was convened."""

    REGULAR = "regular"
    """Called with at least the notice the organ's rules require."""
    IRREGULAR = "irregular"
    """Called at short notice under the emergency rule: it sits, but it and its decisions are
    marked irregular."""
    REFUSED = "refused"
    """Called at short notice with no emergency rule that covers it: it does not sit."""


@dataclass(frozen=True, slots=True)
class EmergencyRule:
    """An organ's rule allowing a sitting at shorter notice than the ordinary period.

    ``minimum`` is the shortest notice it still allows (``timedelta(0)``: a sitting may be called
    for at once, as on 3 July 1917).
    """

    minimum: timedelta = timedelta(0)

    def __post_init__(self) -> None:
        if self.minimum < timedelta(0):
            raise ValueError(f"emergency notice minimum must not be negative, got {self.minimum}")


@dataclass(frozen=True, slots=True)
class NoticeRule:
    """An organ's notice rule: the ordinary period, and the emergency rule if it has one."""

    period: timedelta
    emergency: EmergencyRule | None = None

    def __post_init__(self) -> None:
        if self.period < timedelta(0):
            raise ValueError(f"notice period must not be negative, got {self.period}")
        if self.emergency is not None and self.emergency.minimum > self.period:
            raise ValueError(
                f"emergency minimum {self.emergency.minimum} is longer than the ordinary "
                f"notice period {self.period}"
            )

    @classmethod
    def days(cls, days: int, *, emergency: EmergencyRule | None = None) -> NoticeRule:
        """A notice period of whole days."""
        return cls(timedelta(days=days), emergency)


@dataclass(frozen=True, slots=True)
class Convening:
    """The decision on a summons: regular, irregular (emergency rule used) or refused."""

    regularity: Regularity
    notice_given: timedelta
    notice_required: timedelta
    reason: str

    @property
    def allowed(self) -> bool:
        """Whether the sitting may take place at all."""
        return self.regularity is not Regularity.REFUSED

    @property
    def irregular(self) -> bool:
        """Whether the sitting and its decisions must be marked irregular."""
        return self.regularity is Regularity.IRREGULAR


def _show(delta: timedelta) -> str:
    """A notice interval in words a minute-taker would write."""
    if delta == timedelta(0):
        return "no notice"
    total = int(delta.total_seconds())
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    parts = []
    if days:
        parts.append(f"{days} day{'s' if days != 1 else ''}")
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if minutes or not parts:
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    return " ".join(parts)


def decide_convening(rule: NoticeRule, convened_at: datetime, starts_at: datetime) -> Convening:
    """Decide whether a sitting called at *convened_at* for *starts_at* is regular.

    Notice given is ``starts_at - convened_at``. At least the ordinary period: regular. Less,
    and the organ has an emergency rule whose minimum is met: irregular (it sits, and the record
    marks it and its decisions). Otherwise refused. Both times must be aware datetimes, or both
    naive, and the sitting cannot start before it is called.
    """
    if (convened_at.tzinfo is None) != (starts_at.tzinfo is None):
        raise ValueError("convened_at and starts_at must both carry a time zone or both not")
    given = starts_at - convened_at
    if given < timedelta(0):
        raise ValueError(f"the sitting starts ({starts_at}) before it was called ({convened_at})")
    required = rule.period
    if given >= required:
        return Convening(
            Regularity.REGULAR,
            given,
            required,
            f"regular: {_show(given)} given, {_show(required)} required",
        )
    if rule.emergency is None:
        return Convening(
            Regularity.REFUSED,
            given,
            required,
            f"refused: {_show(given)} given, {_show(required)} required, "
            "and the organ has no emergency rule",
        )
    if given < rule.emergency.minimum:
        return Convening(
            Regularity.REFUSED,
            given,
            required,
            f"refused: {_show(given)} given, less than the {_show(rule.emergency.minimum)} "
            "the emergency rule allows",
        )
    return Convening(
        Regularity.IRREGULAR,
        given,
        required,
        f"irregular: {_show(given)} given, {_show(required)} required; convened under the "
        "emergency rule, so the sitting and its decisions are marked irregular",
    )


@dataclass(frozen=True, slots=True)
class QuorumCheck:
    """Whether enough seated members are present, with the figures."""

    quorate: bool
    present: int
    required: int
    seated: int
    reason: str


def check_quorum(quorum: Quorum, seated: int, present: int) -> QuorumCheck:
    """Compare *present* seated members with what *quorum* requires of *seated* members.

    The quorum is :class:`smolny.rules.majority.Quorum` (a number, or a share of the seated
    "more than" or "at least"); the same object decides votes at their close, so a sitting
    opens and decides under one definition.
    """
    if seated < 0:
        raise ValueError(f"seated must not be negative, got {seated}")
    if present < 0:
        raise ValueError(f"present must not be negative, got {present}")
    if present > seated:
        raise ValueError(f"{present} present is more than the {seated} seated members")
    required = quorum.required(seated)
    quorate = present >= required
    word = "quorate" if quorate else "inquorate"
    return QuorumCheck(
        quorate,
        present,
        required,
        seated,
        f"{word}: {present} of {seated} seated members present, {required} required "
        f"({quorum.describe(seated)})",
    )


def quorum_to_open(
    quorum: Quorum, seated: Iterable[Hashable], checked_in: Iterable[Hashable]
) -> QuorumCheck:
    """Whether a sitting may open: the seated members among those checked in, against *quorum*.

    *seated* are the holders of a current mandate for the organ; *checked_in* everyone who has
    checked in, observers included. Only seated members count (an observer in the hall does
    not make a quorum).
    """
    seated_set = frozenset(seated)
    present = len(seated_set.intersection(checked_in))
    return check_quorum(quorum, len(seated_set), present)
