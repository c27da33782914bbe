"""Constituencies: their rolls and their elections."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from ninja import Field, Router, Status

from smolny.api.auth import caller
from smolny.api.common import Message, Timed, lookup
from smolny.api.schemas import (
    ConstituencyOut,
    ElectionOut,
    MemberOut,
    constituency_out,
    election_out,
    member_out,
)
from smolny.councils import actions
from smolny.councils.actions import PermissionDenied
from smolny.councils.models import Constituency
from smolny.councils.models.dated import CURRENT
from smolny.journal.actions import is_secretary

router = Router(tags=["constituencies"])
REFUSALS = {403: Message, 404: Message, 409: Message, 422: Message}


class ElectionIn(Timed):
    """A regular election (seats default to the apportionment) or a by-election."""

    by_election: bool = False
    seats: int | None = Field(None, ge=1, le=100_000)


@router.get("/{constituency_id}", response={200: ConstituencyOut, 404: Message})
def get_constituency(request: HttpRequest, constituency_id: int) -> ConstituencyOut:
    return constituency_out(lookup(Constituency, constituency_id, "constituency"))


@router.get(
    "/{constituency_id}/members", response={200: list[MemberOut], 403: Message, 404: Message}
)
def list_members(
    request: HttpRequest, constituency_id: int, offset: int = 0, limit: int = 100
) -> list[MemberOut]:
    """The current roll, in member-id order, a page at a time (``limit`` at most 1000).

    A roll is personal data: only the organisation's secretaries read it whole."""
    constituency = lookup(Constituency, constituency_id, "constituency")
    organisation = constituency.council.organisation
    if not is_secretary(caller(request), organisation, timezone.now()):
        raise PermissionDenied(
            gettext("only a secretary of %(organisation)s reads its rolls")
            % {"organisation": organisation.name}
        )
    offset, limit = min(max(offset, 0), 2**62), min(max(limit, 0), 1000)
    rows = constituency.members.filter(CURRENT).order_by("external_id")[offset : offset + limit]
    return [member_out(m) for m in rows]


@router.post("/{constituency_id}/elections", response={201: ElectionOut, **REFUSALS})
def open_election(
    request: HttpRequest, constituency_id: int, body: ElectionIn
) -> Status[ElectionOut]:
    constituency = lookup(Constituency, constituency_id, "constituency")
    actor = caller(request)
    if body.by_election:
        election = actions.open_by_election(actor, constituency, seats=body.seats or 1)
    else:
        election = actions.open_election(actor, constituency, seats=body.seats)
    return Status(201, election_out(election))
