"""The arithmetic of recall: the petition threshold and the outcome of a recall vote.

Rule text: the right of constituents to recall their deputy, as the councils of 1917
practised it (a works or a company recalled its deputy at a meeting of its roll and sent
another), written as Smolny's recall rule:

1. **Petition.** A recall petition succeeds when it is signed by at least the council's
   *petition threshold* share of the constituency's roll (default one quarter), rounded up
   to a whole member (:func:`share_of_roll`).
2. **Quorum.** The recall vote counts only when the votes cast reach the *recall quorum*
   share of the roll (default one third), rounded up the same way.
3. **Majority.** It then carries when a majority of those voting votes to recall: strictly
   more votes to recall than to keep. An equal division is not a majority, so the deputy is
   kept; the tie is reported (a :class:`smolny.rules.ties.Tie`), not hidden.

Pure functions over integers and exact fractions.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from smolny.rules.ties import Tie


def share_of_roll(roll_size: int, share: Fraction) -> int:
    """The smallest whole number of members that is at least *share* of *roll_size* (≥ 1)."""
    if roll_size < 0:
        raise ValueError("a roll cannot have a negative size")
    needed = share * roll_size
    whole = needed.numerator // needed.denominator
    if whole < needed:
        whole += 1
    return max(1, whole)


@dataclass(frozen=True)
class RecallOutcome:
    """The outcome of a recall vote and the figures that decided it."""

    outcome: str  # "recalled", "not recalled" or "no quorum"
    votes_recall: int
    votes_keep: int
    quorum_needed: int
    reason: str
    tie: Tie | None = None

    @property
    def carried(self) -> bool:
        return self.outcome == "recalled"


def recall_outcome(
    roll_size: int, votes_recall: int, votes_keep: int, quorum: Fraction
) -> RecallOutcome:
    """Decide a recall vote: the quorum first, then a majority of those voting."""
    if min(roll_size, votes_recall, votes_keep) < 0:
        raise ValueError("counts cannot be negative")
    cast = votes_recall + votes_keep
    needed = share_of_roll(roll_size, quorum)
    if cast < needed:
        return RecallOutcome(
            "no quorum",
            votes_recall,
            votes_keep,
            needed,
            f"{cast} voted, fewer than the quorum of {needed} ({quorum} of {roll_size})",
        )
    if 2 * votes_recall > cast:
        return RecallOutcome(
            "recalled",
            votes_recall,
            votes_keep,
            needed,
            f"{votes_recall} of {cast} voting voted to recall, a majority",
        )
    tie = None
    if votes_recall == votes_keep:
        tie = Tie(
            contenders=("keep", "recall"),
            at="recall vote",
            resolved_by="rule: a recall needs a majority of those voting",
            chosen=("keep",),
        )
    return RecallOutcome(
        "not recalled",
        votes_recall,
        votes_keep,
        needed,
        f"{votes_recall} of {cast} voting voted to recall, not a majority",
        tie,
    )
