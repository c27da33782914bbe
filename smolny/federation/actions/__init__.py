"""Federation actions: one function per change of state, each in one transaction with the
journal lock, its permission check, its writes and its journal entry (the councils' pattern,
:mod:`smolny.journal.actions`). Errors are the councils' ``ActionError`` family."""

from smolny.federation.actions.authority import (
    create_unit,
    end_authority_rule,
    end_subordination,
    grant_veto,
    place_under,
    set_authority_rule,
    withdraw_veto,
)
from smolny.federation.actions.commissariat import (
    appoint_commissar,
    create_commissariat,
    remove_commissar,
)
from smolny.federation.actions.congress import (
    check_credentials,
    convene_congress,
    demand_convocation,
    set_congress_settings,
)
from smolny.federation.actions.directive import (
    countermand_directive,
    countersign_directive,
    issue_directive,
    rotate_organ_key,
    veto_directive,
)
from smolny.federation.actions.executive import elect_central_executive

__all__ = [
    "appoint_commissar",
    "check_credentials",
    "convene_congress",
    "countermand_directive",
    "countersign_directive",
    "create_commissariat",
    "create_unit",
    "demand_convocation",
    "elect_central_executive",
    "end_authority_rule",
    "end_subordination",
    "grant_veto",
    "issue_directive",
    "place_under",
    "remove_commissar",
    "rotate_organ_key",
    "set_authority_rule",
    "set_congress_settings",
    "veto_directive",
    "withdraw_veto",
]
