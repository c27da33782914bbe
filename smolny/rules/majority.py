"""The outcome of a vote from its tallies: majorities, bases, quorum, ties.

Rule text: the general parliamentary law as codified in H. M. Robert, *Robert's Rules of
Order Revised* (4th ed., 1915; public domain), §46 (voting: a majority of the votes cast,
ignoring blanks; votes of members present or of the whole membership where a rule says so;
the tie and the chair's vote), §48 (the two-thirds vote) and §64 (quorum). The function
:func:`decide` applies them in this order:

1. **Quorum** (§64). Business needs a quorum: a number of members, or a share of the members
   holding a mandate ("seated"), who must be present. A vote taken without it is
   *inquorate*, whatever its figures.
2. **Simple majority** (§46): more votes for than against; abstentions and blanks do not
   count.
3. **Majority of a base** (§§46, 48): more than half (*absolute majority*) — or a stated
   fraction, reached or exceeded (*qualified majority*, e.g. at least two thirds) — of a
   base: the votes cast (for + against), the members present (an abstention then counts
   like a vote against), or the members seated (an absence counts like a vote against).
4. **Ties** (§46): a motion needs a majority, so an equality of votes loses it ("tied —
   lost"). Where the body's rules give the chair a casting vote, the chair's vote settles
   it.

Every :class:`Decision` carries a reason naming the figures, the rule, the base and the
threshold, so that the minutes can quote it. A tie is reported as a
:class:`smolny.rules.ties.Tie` and says how it was settled (by the rule that a tie loses,
or by the chair's casting vote); it is never broken silently.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from smolny.rules.ties import Tie


class Kind(enum.Enum):
    """Which kind of majority a rule asks for."""

    SIMPLE = "simple"
    ABSOLUTE = "absolute"
    QUALIFIED = "qualified"


class Base(enum.Enum):
    """What the required share is a share of (§46)."""

    CAST = "votes cast"
    PRESENT = "members present"
    SEATED = "members seated"


class Outcome(enum.Enum):
    """The result of a vote. The value is what the minutes say."""

    CARRIED = "carried"
    LOST = "lost"
    TIED_LOST = "tied — lost"
    INQUORATE = "inquorate"


Side = Literal["for", "against"]


@dataclass(frozen=True, slots=True)
class Quorum:
    """How many members must be present (§64).

    ``threshold`` is either an ``int`` (a number of members) or a :class:`Fraction` (a share of
    the members seated). ``more_than`` says whether the presence must exceed the threshold
    ("more than half the members") or only reach it ("at least a third", "at least 50").
    """

    threshold: int | Fraction
    more_than: bool = False

    def __post_init__(self) -> None:
        if isinstance(self.threshold, Fraction):
            if not 0 < self.threshold <= 1:
                raise ValueError(f"a quorum share must be in (0, 1], not {self.threshold}")
        elif isinstance(self.threshold, int) and not isinstance(self.threshold, bool):
            if self.threshold < 0:
                raise ValueError(f"a quorum cannot be negative ({self.threshold})")
        else:
            raise TypeError("a quorum is an int (members) or a Fraction (share of seated)")

    @classmethod
    def majority_of_seated(cls) -> Quorum:
        """The usual quorum of a council: more than half of its members (§64)."""
        return cls(Fraction(1, 2), more_than=True)

    def required(self, seated: int | None) -> int:
        """The smallest number present that makes the quorum."""
        if isinstance(self.threshold, Fraction):
            if seated is None:
                raise ValueError("a quorum given as a share needs the number of members seated")
            amount = self.threshold * seated
        else:
            amount = Fraction(self.threshold)
        return _smallest_count(amount, more_than=self.more_than)

    def describe(self, seated: int | None) -> str:
        """E.g. ``"more than 1/2 of 21 seated"`` or ``"at least 50 members"``."""
        words = "more than" if self.more_than else "at least"
        if isinstance(self.threshold, Fraction):
            return f"{words} {self.threshold} of {seated} seated"
        return f"{words} {self.threshold} members"


@dataclass(frozen=True, slots=True)
class MajorityRule:
    """A rule for deciding a vote.

    ``kind``: SIMPLE (more for than against; the base is always the votes cast), ABSOLUTE
    (more than half of ``base``) or QUALIFIED (``fraction`` of ``base``, reached when
    ``more_than`` is false, exceeded when it is true). ``quorum`` is checked on the members
    present; ``None`` means no quorum. ``casting_vote`` gives the chair a casting vote to
    settle a tie; without it a tie is lost.
    """

    kind: Kind = Kind.SIMPLE
    base: Base = Base.CAST
    fraction: Fraction = Fraction(1, 2)
    more_than: bool = True
    quorum: Quorum | None = None
    casting_vote: bool = False

    def __post_init__(self) -> None:
        if self.kind is Kind.SIMPLE and self.base is not Base.CAST:
            raise ValueError("a simple majority compares for with against: its base is votes cast")
        if self.kind is not Kind.QUALIFIED and (
            self.fraction != Fraction(1, 2) or not self.more_than
        ):
            raise ValueError(
                f"a {self.kind.value} majority is more than half; use Kind.QUALIFIED "
                "for another fraction"
            )
        if not 0 < self.fraction <= 1:
            raise ValueError(f"the fraction must be in (0, 1], not {self.fraction}")

    @classmethod
    def simple(cls, *, quorum: Quorum | None = None, casting_vote: bool = False) -> MajorityRule:
        return cls(Kind.SIMPLE, Base.CAST, quorum=quorum, casting_vote=casting_vote)

    @classmethod
    def absolute(
        cls, base: Base, *, quorum: Quorum | None = None, casting_vote: bool = False
    ) -> MajorityRule:
        return cls(Kind.ABSOLUTE, base, quorum=quorum, casting_vote=casting_vote)

    @classmethod
    def qualified(
        cls,
        fraction: Fraction,
        base: Base,
        *,
        more_than: bool = False,
        quorum: Quorum | None = None,
        casting_vote: bool = False,
    ) -> MajorityRule:
        return cls(Kind.QUALIFIED, base, fraction, more_than, quorum, casting_vote)

    def describe(self) -> str:
        """E.g. ``"simple majority of votes cast"``, ``"at least 2/3 of members present"``."""
        if self.kind is Kind.SIMPLE:
            return "simple majority of votes cast"
        if self.kind is Kind.ABSOLUTE:
            return f"absolute majority (more than half) of {self.base.value}"
        words = "more than" if self.more_than else "at least"
        return f"qualified majority ({words} {self.fraction}) of {self.base.value}"


@dataclass(frozen=True, slots=True)
class Tally:
    """The figures of one vote.

    ``present`` defaults to the members who voted or abstained (for + against + abstain);
    ``seated`` (members holding a mandate) is needed only for a base or quorum of seated
    members. ``casting`` records the chair's casting vote, if one was given on a tie.
    """

    for_: int
    against: int
    abstain: int = 0
    present: int | None = None
    seated: int | None = None
    casting: Side | None = None

    def __post_init__(self) -> None:
        for name in ("for_", "against", "abstain", "present", "seated"):
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                raise TypeError(f"{name} must be an int, not {value!r}")
            if value is not None and value < 0:
                raise ValueError(f"{name} cannot be negative ({value})")
        voted = self.for_ + self.against + self.abstain
        if self.present is not None and voted > self.present:
            raise ValueError(
                f"{voted} votes and abstentions but only {self.present} members present"
            )
        if self.seated is not None and self.present_count > self.seated:
            raise ValueError(f"{self.present_count} members present but only {self.seated} seated")
        if self.casting not in (None, "for", "against"):
            raise ValueError(f"a casting vote is 'for' or 'against', not {self.casting!r}")
        if self.casting is not None and self.for_ != self.against:
            raise ValueError("a casting vote is given only on a tie")

    @property
    def cast(self) -> int:
        """Votes cast: for + against."""
        return self.for_ + self.against

    @property
    def present_count(self) -> int:
        """Members present: as recorded, else everyone who voted or abstained."""
        if self.present is not None:
            return self.present
        return self.for_ + self.against + self.abstain

    def figures(self) -> str:
        """E.g. ``"519 for, 414 against, 67 abstentions"``."""
        text = f"{self.for_} for, {self.against} against, {_plural(self.abstain, 'abstention')}"
        if self.present is not None and self.present != self.for_ + self.against + self.abstain:
            text += f", {self.present} present"
        return text


@dataclass(frozen=True, slots=True)
class Decision:
    """The outcome of a vote and why.

    ``required`` is the smallest number of votes for that carries the motion under the rule
    with these figures (for a simple majority: against + 1); ``base_size`` is the size of
    the base; ``quorum_required`` is the presence the quorum asks for, or ``None``. ``tie``
    reports an equality of votes for and against and how it was settled.
    """

    outcome: Outcome
    reason: str
    required: int
    base_size: int
    quorum_required: int | None = None
    tie: Tie | None = None

    @property
    def carried(self) -> bool:
        return self.outcome is Outcome.CARRIED


def _smallest_count(amount: Fraction, *, more_than: bool) -> int:
    """The smallest whole number that exceeds (``more_than``) or reaches *amount*."""
    if more_than:
        return math.floor(amount) + 1
    return math.ceil(amount)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def base_size(tally: Tally, base: Base) -> int:
    """The size of *base* for *tally* (§46)."""
    if base is Base.CAST:
        return tally.cast
    if base is Base.PRESENT:
        return tally.present_count
    if tally.seated is None:
        raise ValueError("a majority of members seated needs the number seated")
    return tally.seated


def required_for(tally: Tally, rule: MajorityRule) -> int:
    """The smallest number of votes for that carries the motion under *rule* (§§46, 48)."""
    if rule.kind is Kind.SIMPLE:
        return tally.against + 1
    amount = rule.fraction * base_size(tally, rule.base)
    return _smallest_count(amount, more_than=rule.more_than)


def decide(tally: Tally, rule: MajorityRule) -> Decision:
    """Decide a vote: quorum first (§64), then the majority (§§46, 48), then a tie (§46)."""
    if tally.casting is not None and not rule.casting_vote:
        raise ValueError("the rule gives the chair no casting vote")
    size = base_size(tally, rule.base)
    required = required_for(tally, rule)
    figures = tally.figures()
    rule_text = rule.describe()
    threshold = f"needed {required} of {size} {rule.base.value}"
    if rule.kind is Kind.SIMPLE:
        threshold = f"needed {required}: more than the {tally.against} against"

    # 1. Quorum.
    quorum_required: int | None = None
    if rule.quorum is not None:
        quorum_required = rule.quorum.required(tally.seated)
        quorum_text = rule.quorum.describe(tally.seated)
        if tally.present_count < quorum_required:
            return Decision(
                Outcome.INQUORATE,
                f"inquorate: {tally.present_count} present, quorum {quorum_required} "
                f"({quorum_text}); the figures {figures} decide nothing under "
                f"{rule_text}",
                required,
                size,
                quorum_required,
            )

    # 2-3. The majority.
    if tally.for_ >= required:
        return Decision(
            Outcome.CARRIED,
            f"carried: {figures}; {rule_text} ({threshold})",
            required,
            size,
            quorum_required,
        )

    # 4. A tie, and the chair's casting vote.
    if tally.for_ == tally.against and tally.cast > 0:
        return _decide_tie(tally, rule, required, size, quorum_required, figures, threshold)
    return Decision(
        Outcome.LOST,
        f"lost: {figures}; {rule_text} ({threshold})",
        required,
        size,
        quorum_required,
    )


def _decide_tie(
    tally: Tally,
    rule: MajorityRule,
    required: int,
    size: int,
    quorum_required: int | None,
    figures: str,
    threshold: str,
) -> Decision:
    """§46: a tie loses, unless the chair's casting vote carries the motion.

    The casting vote adds one vote for the chair's side; the base is not changed (the chair
    is already counted among those present and seated).
    """
    rule_text = rule.describe()
    contenders = ("for", "against")
    if rule.casting_vote and tally.casting is not None:
        with_casting = tally.for_ + (1 if tally.casting == "for" else 0)
        if tally.casting == "for" and with_casting >= required:
            return Decision(
                Outcome.CARRIED,
                f"carried on the chair's casting vote: {figures}; {rule_text} "
                f"({threshold}; the casting vote makes {with_casting})",
                required,
                size,
                quorum_required,
                Tie(contenders, "vote", "chair's casting vote", ("for",)),
            )
        return Decision(
            Outcome.TIED_LOST,
            f"tied — lost: {figures}; the chair's casting vote ({tally.casting}) "
            f"does not carry it under {rule_text} ({threshold})",
            required,
            size,
            quorum_required,
            Tie(contenders, "vote", "chair's casting vote", ("against",)),
        )
    settled = "the chair gave no casting vote" if rule.casting_vote else "a tie loses the motion"
    return Decision(
        Outcome.TIED_LOST,
        f"tied — lost: {figures}; {settled} under {rule_text} ({threshold})",
        required,
        size,
        quorum_required,
        Tie(contenders, "vote", "rule: an equality of votes loses the motion", ("against",)),
    )
