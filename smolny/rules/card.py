"""Card votes (a vote weighted by the membership each deputy carries) and proxies.

Rule texts followed
-------------------
* **The card vote.** The practice of union congresses (the British Trades Union Congress and
  the Labour Party conference are the best-known cases): a delegation votes with a card that
  carries the membership its organisation has affiliated, and a question is decided by the
  sum of the cards, not by the heads in the hall. Smolny's rule, applied by
  :func:`card_weights`:

  1. A constituency's card is the membership it represents (its roll; for a congress, the
     members the delegating council represents), unless the organ's rules set another weight
     for it (a congress that votes by declared, paid-up membership, say).
  2. A constituency with several deputies divides its card among them in equal, exact shares
     (:class:`fractions.Fraction`, never rounded): three deputies of a branch of 1,000 carry
     1000/3 each, and the three together carry exactly 1,000. Equal shares need no tie-break
     (a rounded split would have to say which deputy gets the odd member, and a tie is never
     broken silently here); a constituency that wants its card cast whole gives proxies to one
     of its deputies.
  3. The cards are fixed when the vote opens (who is seated then, the rolls then); a deputy
     seated later has no card in that vote.

* **The majority.** H. M. Robert, *Robert's Rules of Order Revised* (1915), §46 and §48, as in
  :mod:`smolny.rules.majority`, with *weight* in place of *votes*: a simple majority is more
  weight for than against; an absolute or qualified majority is a share of the weight cast,
  of the weight present (the cards of the deputies in the hall and of those voting by proxy)
  or of the weight seated (every card of the organ). An equality of weight loses the motion
  (§46). The chair's casting vote is one person's vote and is not given in a card vote: a tie
  by weight is lost.
* **The quorum** (§64) is a number of *persons*: it is counted by head, on the deputies in the
  hall and those voting by proxy, whatever their cards weigh.
* **By head as well.** Every card vote reports its figures by head beside those by weight, so
  the minutes show when the cards and the hall disagree.

* **Proxies.** Robert (1915), §46: voting by proxy is not allowed in a deliberative assembly
  unless its own rules provide for it. The organ's rules (:class:`ProxyRules`) say whether
  they do, how many proxies one person may hold, and whether a *substitute* (a named member
  who holds no seat) may hold one. :class:`ProxyBook` keeps the proxies of one sitting:

  1. A deputy who is not in the hall gives a proxy to one holder; a deputy has at most one
     proxy out at a time, and a proxy cannot be passed on (a giver holds none; a holder gives
     none).
  2. No holder holds more proxies than the rules' limit.
  3. The holder casts for the giver, with the giver's card, and the ballot records that it
     was cast by proxy and by whom.
  4. A proxy ends when the giver revokes it, checks in, or votes in person.
"""

from __future__ import annotations

import enum
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Generic, Literal, TypeVar

from smolny.rules.majority import Base, Kind, MajorityRule, Outcome

C = TypeVar("C", bound=Hashable)
D = TypeVar("D", bound=Hashable)

Choice = Literal["for", "against", "abstain"]
CHOICES: tuple[Choice, ...] = ("for", "against", "abstain")


class CardError(ValueError):
    """The figures of a card vote do not fit together (a weight below 0, an unknown card)."""


# --- 1. The cards ----------------------------------------------------------------------------


def card_weights(
    membership: Mapping[C, int],
    deputies: Mapping[D, C],
    explicit: Mapping[C, int | Fraction] | None = None,
) -> dict[D, Fraction]:
    """Each deputy's card: their constituency's weight divided equally among its deputies.

    *membership* is the membership each constituency represents; *deputies* maps each deputy
    seated when the vote opens to their constituency; *explicit* holds the weights the organ's
    rules set, which replace the membership of the constituencies they name (rule 1). The
    shares are exact (rule 2): the cards of a constituency's deputies add up to its weight.
    """
    explicit = explicit or {}
    heads: dict[C, int] = {}
    for constituency in deputies.values():
        heads[constituency] = heads.get(constituency, 0) + 1
    cards: dict[D, Fraction] = {}
    for deputy, constituency in deputies.items():
        if constituency in explicit:
            weight = Fraction(explicit[constituency])
        elif constituency in membership:
            weight = Fraction(membership[constituency])
        else:
            raise CardError(f"no membership or weight for constituency {constituency!r}")
        if weight < 0:
            raise CardError(f"the weight of {constituency!r} cannot be negative ({weight})")
        cards[deputy] = weight / heads[constituency]
    return cards


# --- 2. The count ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CardBallot(Generic[D]):
    """One answer in a card vote: whose card (``voter``), its ``weight``, the ``choice``, and
    who cast it when it was not the voter (``proxy``: the holder; ``None`` in person)."""

    voter: D
    weight: Fraction
    choice: Choice
    proxy: Hashable | None = None

    def __post_init__(self) -> None:
        if self.choice not in CHOICES:
            raise CardError(f"choice {self.choice!r}: use for, against or abstain")
        if self.weight < 0:
            raise CardError(f"a card cannot weigh less than nothing ({self.weight})")


@dataclass(frozen=True, slots=True)
class Totals:
    """The figures of a card vote, by weight and by head."""

    weight: Mapping[Choice, Fraction]
    heads: Mapping[Choice, int]
    by_proxy: int

    @property
    def weight_cast(self) -> Fraction:
        return self.weight["for"] + self.weight["against"]

    @property
    def weight_answering(self) -> Fraction:
        return self.weight["for"] + self.weight["against"] + self.weight["abstain"]

    @property
    def heads_answering(self) -> int:
        return self.heads["for"] + self.heads["against"] + self.heads["abstain"]


def totals(ballots: Iterable[CardBallot[D]]) -> Totals:
    """The weight and the heads for each answer; each voter's card counts once."""
    weight = dict.fromkeys(CHOICES, Fraction(0))
    heads = dict.fromkeys(CHOICES, 0)
    seen: set[Hashable] = set()
    by_proxy = 0
    for ballot in ballots:
        if ballot.voter in seen:
            raise CardError(f"{ballot.voter!r} answered twice")
        seen.add(ballot.voter)
        weight[ballot.choice] += ballot.weight
        heads[ballot.choice] += 1
        by_proxy += ballot.proxy is not None
    return Totals(weight, heads, by_proxy)


def show(weight: Fraction) -> str:
    """A weight as the minutes print it: whole (``1,000``), else to two places (``333.33``)."""
    if weight.denominator == 1:
        return f"{weight.numerator:,}"
    return f"{float(weight):,.2f}"


@dataclass(frozen=True, slots=True)
class CardDecision:
    """The outcome of a card vote and why; ``required`` is the weight for that carries it
    (exceeded when ``more_than``, else reached)."""

    outcome: Outcome
    reason: str
    totals: Totals
    required: Fraction
    more_than: bool
    base_weight: Fraction
    quorum_required: int | None = None


def decide_card(
    ballots: Iterable[CardBallot[D]],
    rule: MajorityRule,
    *,
    present: int,
    seated: int,
    present_weight: Fraction,
    seated_weight: Fraction,
) -> CardDecision:
    """Decide a card vote: quorum by head (§64), then the majority by weight (§§46, 48), then
    a tie by weight, which loses (§46; no casting vote in a card vote).

    *present* and *seated* are heads (deputies in the hall or voting by proxy; deputies with
    a card); *present_weight* and *seated_weight* are the cards of the same people, the bases
    of an absolute or qualified majority of members present or seated.
    """
    figures = totals(ballots)
    if figures.heads_answering > present:
        raise CardError(f"{figures.heads_answering} answered but only {present} present")
    if present > seated:
        raise CardError(f"{present} present but only {seated} with a card")
    if figures.weight_answering > present_weight or present_weight > seated_weight:
        raise CardError("the weight answering, present and seated must not decrease in turn")
    weight = figures.weight
    words = (
        f"by weight {show(weight['for'])} for, {show(weight['against'])} against, "
        f"{show(weight['abstain'])} abstaining; by head {figures.heads['for']} for, "
        f"{figures.heads['against']} against, {figures.heads['abstain']} abstaining"
    )
    if figures.by_proxy:
        words += f" ({figures.by_proxy} by proxy)"
    if rule.kind is Kind.SIMPLE:
        base, required, more_than = figures.weight_cast, weight["against"], True
        threshold = f"needed more than the {show(required)} against"
        rule_text = "simple majority of the weight cast"
    else:
        base = {
            Base.CAST: figures.weight_cast,
            Base.PRESENT: present_weight,
            Base.SEATED: seated_weight,
        }[rule.base]
        required, more_than = rule.fraction * base, rule.more_than
        share = "more than half" if rule.kind is Kind.ABSOLUTE else str(rule.fraction)
        words_base = {
            Base.CAST: "the weight cast",
            Base.PRESENT: "the weight present",
            Base.SEATED: "the weight seated",
        }[rule.base]
        rule_text = f"{rule.kind.value} majority ({share}) of {words_base}"
        threshold = (
            f"needed {'more than' if more_than else 'at least'} {show(required)} of {show(base)}"
        )
    quorum_required = None
    if rule.quorum is not None:
        quorum_required = rule.quorum.required(seated)
        if present < quorum_required:
            return CardDecision(
                Outcome.INQUORATE,
                f"inquorate: {present} present by head, quorum {quorum_required} "
                f"({rule.quorum.describe(seated)}); the card vote ({words}) decides nothing",
                figures,
                required,
                more_than,
                base,
                quorum_required,
            )
    carried = weight["for"] > required if more_than else weight["for"] >= required
    if carried:
        outcome, verb = Outcome.CARRIED, "carried"
    elif weight["for"] == weight["against"] and figures.weight_cast > 0:
        outcome, verb = Outcome.TIED_LOST, "tied by weight — lost"
    else:
        outcome, verb = Outcome.LOST, "lost"
    return CardDecision(
        outcome,
        f"{verb} on a card vote: {words}; {rule_text} ({threshold})",
        figures,
        required,
        more_than,
        base,
        quorum_required,
    )


# --- 3. Proxies -----------------------------------------------------------------------------


class ProxyRefused(ValueError):
    """A proxy the rules do not allow; the message says which rule."""


@dataclass(frozen=True, slots=True)
class ProxyRules:
    """Whether proxies are allowed, how many one holder may hold, whether a substitute (a
    member holding no seat) may hold one. Robert §46: none unless the rules allow them."""

    allowed: bool = False
    limit: int = 1
    substitutes: bool = False

    def __post_init__(self) -> None:
        if isinstance(self.limit, bool) or not isinstance(self.limit, int) or self.limit < 1:
            raise ValueError(f"a proxy limit is a whole number of at least 1, not {self.limit!r}")


class Ended(enum.Enum):
    """Why a proxy ended (rule 4)."""

    REVOKED = "revoked"
    CHECKED_IN = "giver checked in"
    VOTED = "giver voted in person"


@dataclass(frozen=True, slots=True)
class Proxy(Generic[D]):
    """A proxy in force: *giver* (a deputy) to *holder*, who is a ``substitute`` or a deputy."""

    giver: D
    holder: Hashable
    substitute: bool = False


@dataclass(frozen=True, slots=True)
class ProxyBook(Generic[D]):
    """The proxies in force in one sitting, by giver; every change returns a new book."""

    rules: ProxyRules
    proxies: Mapping[D, Proxy[D]] = field(default_factory=dict)

    def held_by(self, holder: Hashable) -> list[Proxy[D]]:
        return [p for p in self.proxies.values() if p.holder == holder]

    def holder_of(self, giver: D) -> Hashable | None:
        """Who may cast for *giver* now, or ``None``."""
        found = self.proxies.get(giver)
        return found.holder if found is not None else None

    def give(
        self, giver: D, holder: Hashable, *, holder_seated: bool, giver_present: bool
    ) -> ProxyBook[D]:
        """The book with *giver*'s proxy to *holder*, or :class:`ProxyRefused` saying why.

        *holder_seated*: the holder has a card in the organ (else they would hold it as a
        substitute); *giver_present*: the giver is in the hall (rule 1: only the absent give).
        """
        rules = self.rules
        if not rules.allowed:
            raise ProxyRefused("the organ's rules allow no proxies")
        if giver == holder:
            raise ProxyRefused("a deputy cannot give a proxy to themself")
        if giver_present:
            raise ProxyRefused("a deputy in the hall votes in person: check out to give a proxy")
        if giver in self.proxies:
            raise ProxyRefused("this deputy has given a proxy already: revoke it first")
        if not holder_seated and not rules.substitutes:
            raise ProxyRefused("the organ's rules allow no substitutes: give it to a deputy")
        if self.held_by(giver):
            raise ProxyRefused("a deputy who holds proxies cannot pass them on by giving one")
        if holder in self.proxies:
            raise ProxyRefused(
                "the holder has given their own proxy away: a proxy is not passed on"
            )
        if len(self.held_by(holder)) >= rules.limit:
            raise ProxyRefused(
                f"the holder holds {len(self.held_by(holder))} proxies already, "
                f"the limit is {rules.limit}"
            )
        proxies = dict(self.proxies)
        proxies[giver] = Proxy(giver, holder, substitute=not holder_seated)
        return replace(self, proxies=proxies)

    def end(self, giver: D, why: Ended) -> ProxyBook[D]:
        """The book without *giver*'s proxy (rule 4); a giver with none is refused."""
        if giver not in self.proxies:
            raise ProxyRefused("this deputy has no proxy in force")
        proxies = {g: p for g, p in self.proxies.items() if g != giver}
        return replace(self, proxies=proxies)

    def may_cast(self, caster: Hashable, voter: D) -> bool:
        """Rule 3: the voter in person, or the holder of the voter's proxy."""
        if caster == voter:
            return True
        return self.holder_of(voter) == caster
