"""Members on the rolls: reading one, linking it to a login so the member can act, and
membership over time (leaving, moving to another constituency, rejoining; each a journalled
action of :mod:`smolny.councils.actions.membership`), with the person's roll history."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from ninja import Field, Router, Status

from smolny.api.auth import caller
from smolny.api.common import Message, Timed, lookup
from smolny.api.errors import NotFound
from smolny.api.schemas import MemberOut, member_out
from smolny.councils import actions
from smolny.councils.actions import PermissionDenied, membership
from smolny.councils.models import Constituency, Member
from smolny.councils.queries.rolls import history
from smolny.journal.actions import is_secretary

router = Router(tags=["rolls"])
REFUSALS = {403: Message, 404: Message, 409: Message, 422: Message}


class LinkIn(Timed):
    username: str = Field(min_length=1, max_length=150)


class LeaveIn(Timed):
    reason: str = Field("", max_length=300)


class MoveIn(Timed):
    constituency: int


class RejoinIn(Timed):
    """``constituency``: the roll to rejoin; by default the one the member was last on."""

    constituency: int | None = None


@router.get("/{member_id}", response={200: MemberOut, 403: Message, 404: Message})
def get_member(request: HttpRequest, member_id: int) -> MemberOut:
    """A roll entry, for the member themself or a secretary of the organisation."""
    member = lookup(Member, member_id, "member")
    user = caller(request)
    if member.user_id != user.pk and not is_secretary(user, member.organisation, timezone.now()):
        raise PermissionDenied(gettext("a roll entry is read by its member or a secretary"))
    return member_out(member)


@router.post("/{member_id}/user", response={200: MemberOut, **REFUSALS})
def link_user(request: HttpRequest, member_id: int, body: LinkIn) -> MemberOut:
    """Link the roll entry to a login (a secretary's act)."""
    member = lookup(Member, member_id, "member")
    user = get_user_model().objects.filter(username=body.username).first()
    if user is None:
        raise NotFound("user", body.username)
    return member_out(actions.link_member_user(caller(request), member, user))


@router.get("/{member_id}/history", response={200: list[MemberOut], 403: Message, 404: Message})
def member_history(request: HttpRequest, member_id: int) -> list[MemberOut]:
    """Every roll entry of the person (joined, moved, left, rejoined), oldest first; for the
    member themself or a secretary of the organisation."""
    member = lookup(Member, member_id, "member")
    user = caller(request)
    rows = history(member)
    own = any(row.user_id == user.pk for row in rows if row.user_id is not None)
    if not own and not is_secretary(user, member.organisation, timezone.now()):
        raise PermissionDenied(gettext("a roll history is read by its member or a secretary"))
    return [member_out(row) for row in rows]


@router.post("/{member_id}/leave", response={200: MemberOut, **REFUSALS})
def leave(request: HttpRequest, member_id: int, body: LeaveIn) -> MemberOut:
    """The member leaves the rolls (a secretary's act): their current entry ends now."""
    member = lookup(Member, member_id, "member")
    return member_out(membership.leave_roll(caller(request), member, reason=body.reason))


@router.post("/{member_id}/move", response={201: MemberOut, **REFUSALS})
def move(request: HttpRequest, member_id: int, body: MoveIn) -> Status[MemberOut]:
    """The member moves to another constituency's roll: the current entry ends and the new
    one (returned) starts at the same instant."""
    member = lookup(Member, member_id, "member")
    target = lookup(Constituency, body.constituency, "constituency")
    return Status(201, member_out(membership.move_member(caller(request), member, target)))


@router.post("/{member_id}/rejoin", response={201: MemberOut, **REFUSALS})
def rejoin(request: HttpRequest, member_id: int, body: RejoinIn) -> Status[MemberOut]:
    """A member who left rejoins (any of their past entries names them); the new entry."""
    member = lookup(Member, member_id, "member")
    target = (
        lookup(Constituency, body.constituency, "constituency")
        if body.constituency is not None
        else None
    )
    return Status(201, member_out(membership.rejoin_roll(caller(request), member, target)))
