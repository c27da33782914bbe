"""A person across their roll entries: the rows one member number has had over time.

A member who moves or leaves and rejoins has several roll entries
(:mod:`smolny.councils.actions.membership`), one per stretch on one roll. What the council
system counts once per person (a signature, a recall ballot, an election ballot) is looked up
by the person, through :func:`same_person`, never by the row alone.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q

from smolny.councils.models import Member
from smolny.councils.models.dated import valid_at


def same_person(member: Member, prefix: str = "member") -> Q:
    """The filter selecting rows whose member (through *prefix*) is the person *member* is:
    the same organisation and member number, whichever roll entry."""
    return Q(
        **{
            f"{prefix}__organisation_id": member.organisation_id,
            f"{prefix}__external_id": member.external_id,
        }
    )


def history(member: Member) -> list[Member]:
    """Every roll entry of the person *member* is an entry of, oldest first."""
    return list(
        Member.objects.filter(
            organisation_id=member.organisation_id, external_id=member.external_id
        )
        .select_related("constituency", "constituency__council")
        .order_by("start", "pk")
    )


def entry_at(member: Member, at: datetime) -> Member | None:
    """The person's roll entry valid at *at*, if they were on a roll then."""
    return (
        Member.objects.filter(
            valid_at(at), organisation_id=member.organisation_id, external_id=member.external_id
        )
        .select_related("constituency")
        .first()
    )
