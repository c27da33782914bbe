"""The speakers' list of an agenda item: points of order first, time limits, fraction shares.

Rule texts followed
-------------------
* **Points of order first.** GO-BT § 29 (1): the President gives the floor on a procedural
  motion with priority ("vorrangig"); Robert's Rules of Order: a point of order may interrupt
  and is dealt with before the business it concerns. Here points of order are heard before any
  ordinary speaker, in the order asked.
* **Ordinary speakers in the order of request.** Robert's Rules give the floor to the member who
  first asks for it. (GO-BT § 28 (1) instead lets the President weave the order between the
  fractions, "Rede und Gegenrede" and "die Stärke der Fraktionen"; Smolny keeps the order of
  request and expresses the fractions' strength through their speaking shares.)
* **Time limits.** GO-BT § 35 (1) (1980 text) gave each speaker 15 minutes unless the house
  agreed otherwise; GO-BT § 29 (4) limits a speech on procedure (five minutes in the 1980 text,
  three since 2025). The organ states both limits, in whole seconds. A speaker who overruns
  loses the floor (GO-BT § 35 (3)); the record keeps the seconds actually spoken.
* **Speaking shares.** Where the organ's rules say so, each fraction's turns and/or seconds in
  the debate are proportional to its seats (GO-BT 2025 § 35 (1): the distribution of speaking
  time follows the fractions' relative strength), apportioned by
  :func:`smolny.rules.apportion.apportion` (Sainte-Laguë unless the organ names another
  method). A tie at the last turn is reported; with a seed it is drawn by lot, otherwise the
  tied turns are held back.
* **Nobody twice at once.** A member already on the list (for a speech or a point of order) is
  refused a second place until their turn has been taken or withdrawn.

Everything is a pure function of the list's state: each operation returns a new
:class:`SpeakersList`, so the database action stores the new state and the journal the step.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from smolny.rules.apportion import apportion
from smolny.rules.ties import Tie


class SpeakerRefused(ValueError):
    """A request to speak that the rules refuse; the message says why."""


@dataclass(frozen=True, slots=True)
class SpeakingShare:
    """Fractions' shares of the debate, proportional to their ``seats`` in the organ.

    ``turns``: ordinary speeches in the debate to divide; ``seconds``: speaking time to divide.
    Either or both. Members outside every fraction speak only if the share names them as a
    group of their own (e.g. ``"unaffiliated"``) with their seats.
    """

    seats: Mapping[str, int]
    turns: int | None = None
    seconds: int | None = None
    method: str = "sainte-lague"
    tie_seed: int | None = None

    def __post_init__(self) -> None:
        if self.turns is None and self.seconds is None:
            raise ValueError("a speaking share divides turns, seconds or both")
        if any(v is not None and v < 0 for v in (self.turns, self.seconds)):
            raise ValueError("a speaking share cannot be negative")
        if not self.seats:
            raise ValueError("a speaking share needs the fractions' seats")


@dataclass(frozen=True, slots=True)
class SpeakingRules:
    """An organ's rules for speaking: time limits in seconds and an optional share."""

    time_limit: int = 300
    point_of_order_limit: int = 180
    share: SpeakingShare | None = None

    def __post_init__(self) -> None:
        if self.time_limit <= 0 or self.point_of_order_limit <= 0:
            raise ValueError("time limits must be positive numbers of seconds")


@dataclass(frozen=True, slots=True)
class Allowance:
    """Each fraction's turns and seconds for the debate (``None``: not limited)."""

    turns: Mapping[str, int] | None
    seconds: Mapping[str, int] | None
    ties: tuple[Tie, ...] = ()


def speaking_allowance(share: SpeakingShare) -> Allowance:
    """Apportion the share's turns and seconds among the fractions by their seats."""
    names = list(share.seats)
    seats = [share.seats[name] for name in names]
    ties: list[Tie] = []

    def divide(total: int | None, what: str) -> dict[str, int] | None:
        if total is None:
            return None
        result = apportion(
            seats,
            total,
            share.method,
            tie_seed=share.tie_seed,
            labels=names,
            context=f"speaking {what}",
        )
        ties.extend(result.ties)
        return dict(zip(names, result.seats, strict=True))

    turns = divide(share.turns, "turns")
    seconds = divide(share.seconds, "seconds")
    return Allowance(turns, seconds, tuple(ties))


@dataclass(frozen=True, slots=True)
class Request:
    """A request for the floor."""

    speaker: str
    fraction: str | None = None
    point_of_order: bool = False


@dataclass(frozen=True, slots=True)
class Turn:
    """The floor given: to whom, and for how many seconds at most."""

    speaker: str
    fraction: str | None
    point_of_order: bool
    seconds: int


@dataclass(frozen=True, slots=True)
class Spoken:
    """A speech or point of order heard, with the seconds it took (``overran``: past its limit)."""

    speaker: str
    fraction: str | None
    point_of_order: bool
    seconds: int
    overran: bool = False


@dataclass(frozen=True, slots=True)
class SpeakersList:
    """The speakers' list of one item, as a value: every change returns a new list."""

    rules: SpeakingRules = field(default_factory=SpeakingRules)
    allowance: Allowance | None = None
    points_of_order: tuple[Request, ...] = ()
    queue: tuple[Request, ...] = ()
    spoken: tuple[Spoken, ...] = ()
    lapsed: tuple[Request, ...] = ()
    """Requests dropped because their fraction's time ran out before their turn."""

    @classmethod
    def open(cls, rules: SpeakingRules | None = None) -> SpeakersList:
        """An empty list under *rules*, with the fractions' allowance worked out."""
        rules = rules or SpeakingRules()
        allowance = None if rules.share is None else speaking_allowance(rules.share)
        return cls(rules=rules, allowance=allowance)

    @property
    def order(self) -> tuple[Request, ...]:
        """Who speaks, in order: points of order, then ordinary speakers."""
        return self.points_of_order + self.queue

    def turns_left(self, fraction: str) -> int | None:
        """Ordinary turns the fraction may still ask for (``None``: not limited)."""
        if self.allowance is None or self.allowance.turns is None:
            return None
        used = sum(1 for s in self.spoken if s.fraction == fraction and not s.point_of_order)
        queued = sum(1 for r in self.queue if r.fraction == fraction)
        return self.allowance.turns.get(fraction, 0) - used - queued

    def seconds_left(self, fraction: str) -> int | None:
        """Speaking time the fraction has not yet used (``None``: not limited)."""
        if self.allowance is None or self.allowance.seconds is None:
            return None
        used = sum(
            s.seconds for s in self.spoken if s.fraction == fraction and not s.point_of_order
        )
        return max(0, self.allowance.seconds.get(fraction, 0) - used)

    def request(
        self, speaker: str, *, fraction: str | None = None, point_of_order: bool = False
    ) -> SpeakersList:
        """Put *speaker* on the list, or raise :class:`SpeakerRefused` saying why not."""
        if not speaker:
            raise SpeakerRefused("a request for the floor names the speaker")
        if any(r.speaker == speaker for r in self.order):
            raise SpeakerRefused(f"{speaker} is already on the speakers' list")
        wanted = Request(speaker, fraction, point_of_order)
        if point_of_order:
            return replace(self, points_of_order=(*self.points_of_order, wanted))
        if self.allowance is not None:
            if fraction is None or fraction not in self._share_names():
                raise SpeakerRefused(
                    f"{speaker}: the debate is divided between fractions, and "
                    f"{fraction or 'no fraction'} has no share"
                )
            turns = self.turns_left(fraction)
            if turns is not None and turns <= 0:
                raise SpeakerRefused(f"{speaker}: the {fraction} fraction's turns are taken")
            seconds = self.seconds_left(fraction)
            if seconds is not None and seconds <= 0:
                raise SpeakerRefused(f"{speaker}: the {fraction} fraction's time is used up")
        return replace(self, queue=(*self.queue, wanted))

    def _share_names(self) -> frozenset[str]:
        share = self.rules.share
        return frozenset() if share is None else frozenset(share.seats)

    def withdraw(self, speaker: str) -> SpeakersList:
        """Take *speaker* off the list."""
        if not any(r.speaker == speaker for r in self.order):
            raise SpeakerRefused(f"{speaker} is not on the speakers' list")
        return replace(
            self,
            points_of_order=tuple(r for r in self.points_of_order if r.speaker != speaker),
            queue=tuple(r for r in self.queue if r.speaker != speaker),
        )

    def next_turn(self) -> Turn | None:
        """Who has the floor next, and for how long; ``None`` when the list is empty."""
        if self.points_of_order:
            head = self.points_of_order[0]
            return Turn(head.speaker, head.fraction, True, self.rules.point_of_order_limit)
        if not self.queue:
            return None
        head = self.queue[0]
        limit = self.rules.time_limit
        if head.fraction is not None:
            left = self.seconds_left(head.fraction)
            if left is not None:
                limit = min(limit, left)
        return Turn(head.speaker, head.fraction, False, limit)

    def finish_turn(self, seconds: int) -> SpeakersList:
        """The speaker who had the floor spoke *seconds*; record it and move on.

        Time past the limit is recorded as spoken (and flagged), never hidden: the chair ends a
        speech at its limit, but the record keeps what happened. Queued requests of a fraction
        whose time is now used up lapse.
        """
        turn = self.next_turn()
        if turn is None:
            raise SpeakerRefused("nobody has the floor")
        if seconds < 0:
            raise ValueError(f"a speech cannot last {seconds} seconds")
        heard = Spoken(
            turn.speaker, turn.fraction, turn.point_of_order, seconds, seconds > turn.seconds
        )
        if turn.point_of_order:
            after = replace(self, points_of_order=self.points_of_order[1:])
        else:
            after = replace(self, queue=self.queue[1:])
        after = replace(after, spoken=(*after.spoken, heard))
        keep: list[Request] = []
        lapsed = list(after.lapsed)
        for r in after.queue:
            left = None if r.fraction is None else after.seconds_left(r.fraction)
            (lapsed if left == 0 else keep).append(r)
        return replace(after, queue=tuple(keep), lapsed=tuple(lapsed))
