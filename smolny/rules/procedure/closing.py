"""Closing a vote: who is present at that moment, walkouts, the outcome by the majority rule.

Rule texts followed
-------------------
* **Quorum at the moment of decision.** Robert's Rules of Order (1915, § 64): no business can
  be transacted without a quorum, so what counts is the presence when the question is decided,
  not when the sitting opened; GO-BT § 45 (2): where the quorum is doubted it is established
  together with the vote, by counting. So the quorum is checked on the members present when
  the vote *closes*, and the outcome is :func:`smolny.rules.majority.decide` (quorum first,
  then the majority, then a tie).
* **Walkouts.** A fraction (or any members) leaving changes who is present and nothing else: the
  mandates stand, so the seated count — the quorum's base — is unchanged. The 1917 cases: the
  moderates leaving the Second Congress of Soviets on 25 October, after which the departing
  Central Executive Committee called the Congress a "private gathering"; the opponents walking
  out of the workers' section on 3 July (history/petrograd-1917.md). Whether the rump is still
  quorate is a question of numbers, answered by :func:`quorate_after_walkout`.
* **The rump vote of 10 June 1917.** At 2 a.m. five members of the Bolshevik Central Committee
  voted 3–0–2 to cancel the demonstration; the source calls it "arguably inquorate". Under a
  quorum of more than half the members, five present decide nothing in a committee of 21 (the
  size of the Central Committee elected in August 1917 at the Sixth Congress — our assumption
  for the test) and are a quorum in a committee of 9 (the size elected in April 1917); the
  tests check both.

An inquorate vote is recorded as such and decides nothing: :func:`verdict_of` gives no verdict
for it, so :func:`smolny.rules.procedure.motions.order_of_votes` puts the same question again.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, replace

from smolny.rules.majority import Decision, MajorityRule, Outcome, Quorum, Tally, decide
from smolny.rules.procedure.motions import Result, Verdict
from smolny.rules.procedure.notice import QuorumCheck, check_quorum


def present_after_walkout(
    present: Iterable[Hashable], walked_out: Iterable[Hashable]
) -> frozenset[Hashable]:
    """Who is still present after *walked_out* left; each of them must have been present."""
    before = frozenset(present)
    leaving = frozenset(walked_out)
    absent = leaving - before
    if absent:
        names = ", ".join(sorted(str(member) for member in absent))
        raise ValueError(f"cannot walk out, not present: {names}")
    return before - leaving


def quorate_after_walkout(
    quorum: Quorum,
    seated: int,
    present_before: Iterable[Hashable],
    walked_out: Iterable[Hashable],
) -> QuorumCheck:
    """Whether the sitting is still quorate once *walked_out* have left.

    *present_before* are the seated members present before the walkout (observers are not
    passed); *seated* the number of members holding a mandate, which a walkout does not change.
    """
    remaining = present_after_walkout(present_before, walked_out)
    return check_quorum(quorum, seated, len(remaining))


@dataclass(frozen=True, slots=True)
class ClosedVote:
    """A vote as closed: the decision, whether the sitting was irregular, and the verdict."""

    decision: Decision
    irregular: bool = False

    @property
    def verdict(self) -> Verdict | None:
        return verdict_of(self.decision)

    @property
    def reason(self) -> str:
        if self.irregular:
            return f"{self.decision.reason} (irregular: the sitting was called at short notice)"
        return self.decision.reason


def verdict_of(decision: Decision) -> Verdict | None:
    """The verdict a decision gives a motion: a tie loses; an inquorate vote gives none."""
    if decision.outcome is Outcome.INQUORATE:
        return None
    return Verdict.CARRIED if decision.outcome is Outcome.CARRIED else Verdict.LOST


def close_vote(
    rule: MajorityRule,
    *,
    for_: int,
    against: int,
    abstain: int = 0,
    present: int,
    seated: int,
    quorum: Quorum | None = None,
    irregular: bool = False,
) -> ClosedVote:
    """Decide a vote at its close from its figures and the presence at that moment.

    *present* are the seated members present when the vote closes (after any walkout);
    *quorum*, when given, is the organ's quorum and replaces the rule's own. *irregular*
    carries the sitting's mark (convened under the emergency rule) onto the decision.
    """
    if quorum is not None:
        rule = replace(rule, quorum=quorum)
    tally = Tally(for_, against, abstain, present=present, seated=seated)
    return ClosedVote(decide(tally, rule), irregular)


def result_of(motion: str, closed: ClosedVote) -> Result | None:
    """The :class:`Result` to record for *motion*, or ``None`` when the vote decided nothing."""
    verdict = closed.verdict
    if verdict is None:
        return None
    return Result(motion, verdict)
