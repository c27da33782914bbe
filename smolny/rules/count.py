"""The record of a count: what every counting rule returns.

A count is a sequence of stages. Each stage says what was done (first preferences, the
transfer of a surplus, an exclusion), every continuing or elected candidate's votes at the
end of it, the votes moved in it, the exhausted (non-transferable) votes, the loss to
rounding, the quota, who was elected or excluded and why. The JSON form is part of the
stable command-line contract of ``smolny tally --json`` (docs/architecture.md):
``{"method", "seats", "elected", "rounds", "final"}``, votes as decimal strings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from smolny.rules.ties import Tie


def votes_str(value: Decimal | int) -> str:
    """Votes as a decimal string, keeping the places the rule counts in (``"123.45000"``).

    Fixed-point notation always: ``str(Decimal)`` would print a zero at 9 places as ``0E-9``.
    """
    return str(value) if isinstance(value, int) else format(value, "f")


@dataclass(frozen=True, slots=True)
class Stage:
    """One stage (round) of a count.

    ``votes`` maps each candidate still in the count (continuing or elected) to its votes at
    the end of the stage; ``transfers`` maps candidates (and ``"exhausted"``) to what the
    stage moved to them (negative for the candidate transferred from); ``note`` explains the
    stage in words, including how any tie was settled.
    """

    number: int
    action: str
    votes: dict[str, Decimal]
    transfers: dict[str, Decimal] = field(default_factory=dict)
    exhausted: Decimal = Decimal(0)
    loss_to_rounding: Decimal = Decimal(0)
    quota: Decimal | None = None
    elected: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()
    note: str = ""
    keep_factors: dict[str, Decimal] | None = None

    def as_dict(self) -> dict[str, object]:
        data: dict[str, object] = {
            "stage": self.number,
            "action": self.action,
            "votes": {name: votes_str(v) for name, v in self.votes.items()},
            "transfers": {name: votes_str(v) for name, v in self.transfers.items()},
            "exhausted": votes_str(self.exhausted),
            "loss_to_rounding": votes_str(self.loss_to_rounding),
            "quota": None if self.quota is None else votes_str(self.quota),
            "elected": list(self.elected),
            "excluded": list(self.excluded),
            "note": self.note,
        }
        if self.keep_factors is not None:
            data["keep_factors"] = {n: votes_str(v) for n, v in self.keep_factors.items()}
        return data


@dataclass(frozen=True, slots=True)
class CountResult:
    """The outcome of a count with its full record.

    ``elected`` is in order of election. ``final`` holds every candidate's votes at the end
    of the count. ``ranking`` is a full order of the candidates for methods that produce one
    (Schulze); ``ties`` lists every tie met, settled or not; ``details`` carries
    method-specific figures (a pairwise matrix, the number of Meek iterations, ...).
    """

    method: str
    seats: int
    elected: tuple[str, ...]
    rounds: tuple[Stage, ...]
    final: dict[str, Decimal]
    valid_ballots: int = 0
    ranking: tuple[str, ...] | None = None
    ties: tuple[Tie, ...] = ()
    details: dict[str, object] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        """The JSON form of ``smolny tally --json``."""
        data: dict[str, object] = {
            "method": self.method,
            "seats": self.seats,
            "elected": list(self.elected),
            "rounds": [stage.as_dict() for stage in self.rounds],
            "final": {name: votes_str(v) for name, v in self.final.items()},
            "valid_ballots": self.valid_ballots,
            "ties": [tie.as_dict() for tie in self.ties],
        }
        if self.ranking is not None:
            data["ranking"] = list(self.ranking)
        if self.details:
            data["details"] = self.details
        return data
