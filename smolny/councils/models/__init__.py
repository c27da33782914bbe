"""Models of the council system.

Every membership-like row (roll entry, mandate, fraction membership, organ seat, role) has a
``start`` and an ``end`` (``None`` while current), and rows are ended rather than changed, so
the composition of a council or an organ at any past date is one query (see
:mod:`smolny.councils.queries`). Rows are written only by the actions in
:mod:`smolny.councils.actions`.
"""

from smolny.councils.models.cards import CardBallot, CardRoll, Proxy
from smolny.councils.models.councils import (
    ApportionedSeats,
    Apportionment,
    Constituency,
    Council,
    RepresentationRule,
)
from smolny.councils.models.election_ballots import (
    Candidate,
    ElectionBallot,
    ElectionTracker,
    ElectionVoter,
)
from smolny.councils.models.journal import JournalEntry, JournalHead
from smolny.councils.models.mandates import (
    Election,
    ElectionWinner,
    Fraction,
    FractionMembership,
    Mandate,
)
from smolny.councils.models.organisation import Member, Organisation, OrganisationRole
from smolny.councils.models.organs import Organ, OrganSeat
from smolny.councils.models.recall import (
    RecallBallot,
    RecallPetition,
    RecallSignature,
    RecallTracker,
    RecallVote,
    RecallVoter,
)
from smolny.councils.models.sessions import (
    AgendaItem,
    Attendance,
    ChairTerm,
    Motion,
    NamedVote,
    OrganRules,
    PresidiumReformation,
    SecretBallot,
    SecretTracker,
    SecretVoter,
    Session,
    Vote,
    Walkout,
)

__all__ = [
    "AgendaItem",
    "ApportionedSeats",
    "Apportionment",
    "Attendance",
    "Candidate",
    "CardBallot",
    "CardRoll",
    "ChairTerm",
    "Constituency",
    "Council",
    "Election",
    "ElectionBallot",
    "ElectionTracker",
    "ElectionVoter",
    "ElectionWinner",
    "Fraction",
    "FractionMembership",
    "JournalEntry",
    "JournalHead",
    "Mandate",
    "Member",
    "Motion",
    "NamedVote",
    "Organ",
    "OrganRules",
    "OrganSeat",
    "Organisation",
    "OrganisationRole",
    "PresidiumReformation",
    "Proxy",
    "RecallBallot",
    "RecallPetition",
    "RecallSignature",
    "RecallTracker",
    "RecallVote",
    "RecallVoter",
    "RepresentationRule",
    "SecretBallot",
    "SecretTracker",
    "SecretVoter",
    "Session",
    "Vote",
    "Walkout",
]
