"""Actions: one function per change of state (permission, write, journal entry, live event).

Views, the API, the command line and world loaders call these; nothing else writes models.
Each runs in one transaction that takes the journal lock first, checks the actor's
permission and the invariants, writes the models, appends its journal entry and schedules
its live event for after the commit (see :mod:`smolny.journal.actions`).
"""

from smolny.councils.actions.apportionment import apportion_council
from smolny.councils.actions.election import (
    count_election,
    open_by_election,
    open_election,
    record_election_result,
)
from smolny.councils.actions.election_ballot import (
    cast_election_ballot,
    close_election_poll,
    nominate_candidate,
    withdraw_candidate,
)
from smolny.councils.actions.fraction import change_fraction, create_fraction
from smolny.councils.actions.mandate import resign_mandate, seat_deputy
from smolny.councils.actions.organ import fill_organ_seat, form_organ, vacate_organ_seat
from smolny.councils.actions.organisation import (
    appoint_chair,
    appoint_clerk,
    appoint_recorder,
    appoint_secretary,
    create_constituencies,
    create_constituency,
    create_council,
    create_organisation,
    end_role,
    grant_role,
    link_member_user,
    set_public_record,
    set_representation_rule,
)
from smolny.councils.actions.recall import (
    AlreadyDone,
    cast_recall_vote,
    close_recall_vote,
    open_recall_petition,
    recall_by_delegating_body,
    sign_recall_petition,
    withdraw_signature,
)
from smolny.councils.actions.roll import RollImportError, import_roll
from smolny.journal.actions import (
    SYSTEM,
    ActionError,
    NotAllowed,
    PermissionDenied,
    SystemActor,
    entering_past_events,
)

__all__ = [
    "SYSTEM",
    "ActionError",
    "AlreadyDone",
    "NotAllowed",
    "PermissionDenied",
    "RollImportError",
    "SystemActor",
    "appoint_chair",
    "appoint_clerk",
    "appoint_recorder",
    "appoint_secretary",
    "apportion_council",
    "cast_election_ballot",
    "cast_recall_vote",
    "change_fraction",
    "close_election_poll",
    "close_recall_vote",
    "count_election",
    "create_constituencies",
    "create_constituency",
    "create_council",
    "create_fraction",
    "create_organisation",
    "end_role",
    "entering_past_events",
    "fill_organ_seat",
    "form_organ",
    "grant_role",
    "import_roll",
    "link_member_user",
    "nominate_candidate",
    "open_by_election",
    "open_election",
    "open_recall_petition",
    "recall_by_delegating_body",
    "record_election_result",
    "resign_mandate",
    "seat_deputy",
    "set_public_record",
    "set_representation_rule",
    "sign_recall_petition",
    "vacate_organ_seat",
    "withdraw_candidate",
    "withdraw_signature",
]
