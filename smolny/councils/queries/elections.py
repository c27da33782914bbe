"""Read-side questions about elections: who may stand, the candidates still standing, whether
voting has begun, turnout and who has voted (never how).
"""

from __future__ import annotations

from datetime import datetime

from smolny.councils.models import (
    Candidate,
    Constituency,
    Election,
    ElectionVoter,
    Mandate,
    Member,
)
from smolny.councils.models.dated import valid_at


def eligible(member: Member, constituency: Constituency, at: datetime) -> str | None:
    """Why *member* cannot stand for *constituency* at *at*, or None when they can.

    For a roll constituency: being on its roll. For a council constituency (a congress
    delegation): holding a current mandate in the delegating council.
    """
    if constituency.kind == Constituency.COUNCIL:
        delegating = constituency.delegating_council_id
        if (
            delegating is None
            or not Mandate.objects.filter(
                valid_at(at), council_id=delegating, member=member
            ).exists()
        ):
            return f"{member.name} holds no mandate in the delegating council"
        return None
    if member.constituency_id != constituency.pk or not member.current_at(at):
        return f"{member.name} is not on the roll of {constituency.name}"
    return None


def voting_started(election: Election) -> bool:
    """Whether the candidates are fixed: the poll was opened, or a ballot has been cast."""
    if election.poll_opened_at is not None:
        return True
    return ElectionVoter.objects.filter(election=election).exists()


def live_candidates(election: Election) -> list[Candidate]:
    """The election's candidates not withdrawn, in order of nomination."""
    return list(
        Candidate.objects.filter(election=election, withdrawn_at=None)
        .select_related("member")
        .order_by("nominated_at", "pk")
    )


def turnout(election: Election) -> int:
    """How many members have voted (who they are is the journal's; what, nobody's)."""
    return ElectionVoter.objects.filter(election=election).count()


def has_voted(election: Election, member: Member) -> bool:
    return ElectionVoter.objects.filter(election=election, member=member).exists()
