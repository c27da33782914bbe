"""The single preferential vote among rival alternatives (counter-motions).

Where an organ's rules put rival texts to one preferential vote instead of successive votes
(see :mod:`smolny.rules.procedure.motions`), the alternatives as amended and, unless the rules
say not, the status quo are ranked, and counted by the organ's method: by default the Schulze
method (:func:`smolny.rules.ranked.schulze`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from smolny.rules.procedure.motions.types import CallKind, ProcedureError, Result, VoteCall

if TYPE_CHECKING:  # the ballot types pull in numpy; only the preferential count needs them
    from smolny.rules.ballots import BallotSet
    from smolny.rules.count import CountResult


def count_preference(
    call: VoteCall,
    ballots: BallotSet,
    count: Callable[[BallotSet], CountResult] | None = None,
    *,
    tie_seed: int | None = None,
) -> Result:
    """Count a preferential vote on the alternatives and return its :class:`Result`.

    *ballots* rank ``call.options``. *count* is the organ's preferential method, returning a
    :class:`CountResult` whose ``elected[0]`` is the winner; by default the Schulze method
    (:func:`smolny.rules.ranked.schulze`, with *tie_seed* for a lot at a tied first place). Any
    tie the count met, and how it was settled, is kept in the result; a count that leaves the
    first place undecided raises.
    """
    if call.kind is not CallKind.PREFERENTIAL:
        raise ProcedureError(f"{call.motion} is not a preferential vote")
    if sorted(ballots.candidates) != sorted(call.options):
        raise ProcedureError(
            f"the ballots rank {', '.join(ballots.candidates)}; the vote is on "
            f"{', '.join(call.options)}"
        )
    if count is None:
        from smolny.rules.ranked import schulze

        counted = schulze(ballots, 1, tie_seed=tie_seed)
    else:
        counted = count(ballots)
    if not counted.elected:
        raise ProcedureError(
            "the preferential count left the first place undecided: "
            + "; ".join(f"{tie.at}: {', '.join(tie.contenders)}" for tie in counted.ties)
        )
    return Result.preference(counted.elected[0], counted.ties)
