"""Members on the rolls: reading one, and linking it to a login so the member can act."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router

from smolny.api.auth import caller
from smolny.api.common import Message, Timed, lookup
from smolny.api.errors import NotFound
from smolny.api.schemas import MemberOut, member_out
from smolny.councils import actions
from smolny.councils.actions import PermissionDenied
from smolny.councils.models import Member
from smolny.journal.actions import is_secretary

router = Router(tags=["rolls"])
REFUSALS = {403: Message, 404: Message, 409: Message, 422: Message}


class LinkIn(Timed):
    username: str = Field(min_length=1, max_length=150)


@router.get("/{member_id}", response={200: MemberOut, 403: Message, 404: Message})
def get_member(request: HttpRequest, member_id: int) -> MemberOut:
    """A roll entry, for the member themself or a secretary of the organisation."""
    member = lookup(Member, member_id, "member")
    user = caller(request)
    if member.user_id != user.pk and not is_secretary(user, member.organisation, timezone.now()):
        raise PermissionDenied("a roll entry is read by its member or a secretary")
    return member_out(member)


@router.post("/{member_id}/user", response={200: MemberOut, **REFUSALS})
def link_user(request: HttpRequest, member_id: int, body: LinkIn) -> MemberOut:
    """Link the roll entry to a login (a secretary's act)."""
    member = lookup(Member, member_id, "member")
    user = get_user_model().objects.filter(username=body.username).first()
    if user is None:
        raise NotFound("user", body.username)
    return member_out(actions.link_member_user(caller(request), member, user))
