"""Card votes and proxies: the organ's card and proxy rules, giving and revoking a proxy, and
casting a card (in person, or as the holder of the deputy's proxy). Opening and closing a card
vote go through the vote routes like every method (``method: "card vote"``)."""

from __future__ import annotations

from typing import Annotated, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from smolny.api.auth import caller
from smolny.api.common import Message, Timed, lookup
from smolny.councils.actions import card
from smolny.councils.models import Member, Organ, Proxy, Session, Vote

organs = Router(tags=["organs"])
sessions = Router(tags=["sessions"])
votes = Router(tags=["votes"])
REFUSALS = {403: Message, 404: Message, 409: Message, 422: Message}


class CardRulesIn(Timed):
    """Whether the organ allows proxies, how many one person may hold, whether a member
    without a seat may hold one, and card weights replacing constituencies' membership
    (constituency id, as a JSON object's key -> weight)."""

    proxies_allowed: bool
    proxy_limit: int = Field(1, ge=1, le=1000)
    proxy_substitutes: bool = False
    card_weights: dict[Annotated[str, Field(pattern=r"^[1-9][0-9]{0,17}$")], int] = Field(
        default_factory=dict, max_length=100_000
    )


class CardRulesOut(Schema):
    organ: int
    proxies_allowed: bool
    proxy_limit: int
    proxy_substitutes: bool
    card_weights: dict[str, int]


class ProxyGiveIn(Timed):
    """The deputy giving the proxy (the caller, in person) and its holder, by member id."""

    giver: int
    holder: int


class ProxyRevokeIn(Timed):
    giver: int


class ProxyOut(Schema):
    id: int
    session: int
    giver: int
    holder: int
    substitute: bool
    ended_by: str


class CardCastIn(Timed):
    """Whose card (``member``) and the answer; ``holder`` when the caller casts it as the
    holder of that deputy's proxy (else the deputy casts it in person)."""

    member: int
    choice: Literal["for", "against", "abstain"]
    holder: int | None = None


class CardCastOut(Schema):
    vote: int
    member: int
    choice: str
    weight: str = Field(description="the card's weight, an exact fraction such as 1000/3")
    proxy: int | None


def _proxy_out(row: Proxy) -> ProxyOut:
    return ProxyOut(
        id=row.pk,
        session=row.session_id,
        giver=row.giver.member_id,
        holder=row.holder_id,
        substitute=row.substitute,
        ended_by=row.ended_by,
    )


@organs.post("/{organ_id}/card-rules", response={200: CardRulesOut, **REFUSALS})
def set_card_rules(request: HttpRequest, organ_id: int, body: CardRulesIn) -> CardRulesOut:
    """A secretary sets the organ's proxy rules and card weights."""
    organ = lookup(Organ, organ_id, "organ")
    rules = card.set_card_rules(
        caller(request),
        organ,
        proxies_allowed=body.proxies_allowed,
        proxy_limit=body.proxy_limit,
        proxy_substitutes=body.proxy_substitutes,
        card_weights={int(k): v for k, v in body.card_weights.items()},
    )
    return CardRulesOut(
        organ=organ.pk,
        proxies_allowed=rules.proxies_allowed,
        proxy_limit=rules.proxy_limit,
        proxy_substitutes=rules.proxy_substitutes,
        card_weights=dict(rules.card_weights),
    )


@sessions.post("/{session_id}/proxies", response={201: ProxyOut, **REFUSALS})
def give_proxy(request: HttpRequest, session_id: int, body: ProxyGiveIn) -> Status[ProxyOut]:
    """A deputy not in the hall gives their proxy for the sitting, in person."""
    s = lookup(Session, session_id, "session")
    giver = lookup(Member, body.giver, "giver")
    holder = lookup(Member, body.holder, "holder")
    return Status(201, _proxy_out(card.give_proxy(caller(request), s, giver, holder)))


@sessions.post("/{session_id}/proxies/revoke", response={200: ProxyOut, **REFUSALS})
def revoke_proxy(request: HttpRequest, session_id: int, body: ProxyRevokeIn) -> ProxyOut:
    """The giver revokes their proxy in force, in person."""
    s = lookup(Session, session_id, "session")
    giver = lookup(Member, body.giver, "giver")
    return _proxy_out(card.revoke_proxy(caller(request), s, giver))


@votes.post("/{vote_id}/card", response={201: CardCastOut, **REFUSALS})
def cast_card(request: HttpRequest, vote_id: int, body: CardCastIn) -> Status[CardCastOut]:
    """A card is cast by its deputy in person, or by the holder of the deputy's proxy."""
    v = lookup(Vote, vote_id, "vote")
    member = lookup(Member, body.member, "member")
    holder = lookup(Member, body.holder, "holder") if body.holder is not None else None
    row = card.cast_card_vote(caller(request), v, member, body.choice, holder=holder)
    return Status(
        201,
        CardCastOut(
            vote=v.pk,
            member=member.pk,
            choice=row.choice,
            weight=row.weight,
            proxy=row.proxy_id,
        ),
    )
