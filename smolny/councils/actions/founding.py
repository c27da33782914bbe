"""Founding an organisation, its settings, and inviting the members on its roll to accounts.

A person who has signed up (and verified their address) founds an organisation and becomes
its first secretary; the secretary keeps its settings (name, time zone, language, calendar,
public record) and invites members from the roll. An invitation's link lets the member make
an account linked to their roll entry. Each is one action: permission, write, journal entry
and live event in one transaction (see :mod:`smolny.journal.actions`).

Email addresses are personal data; the journal names members by their roll number and never
records an address (a public record's journal is readable by anyone).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import available_timezones

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext

from smolny.accounts.models import Invitation
from smolny.accounts.tokens import invitation_age
from smolny.accounts.verification import Unverified, check_verified
from smolny.councils.models import Constituency, Member, Organisation, OrganisationRole
from smolny.councils.queries.rolls import entry_at
from smolny.journal.actions import (
    ActionError,
    Actor,
    NotAllowed,
    PermissionDenied,
    SystemActor,
    action_transaction,
    fresh,
    record,
    record_many,
    require_secretary,
)

CALENDARS = tuple(code for code, _ in Organisation.CALENDARS)
MAX_NAME = Organisation._meta.get_field("name").max_length or 200


def require_verified_person(actor: Actor, what: str) -> None:
    """Only a signed-in person whose address is verified may *what* (found an organisation,
    take a role, be linked to a roll entry)."""
    if isinstance(actor, SystemActor):
        return
    if not actor.is_authenticated:
        raise PermissionDenied(gettext("sign in to %(what)s") % {"what": what})
    try:
        check_verified(actor)
    except Unverified as error:
        raise PermissionDenied(str(error)) from None


def _check_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise ActionError(gettext("an organisation needs a name"))
    if len(name) > MAX_NAME:
        raise ActionError(
            gettext("an organisation's name has at most %(limit)s characters") % {"limit": MAX_NAME}
        )
    return name


def _check_time_zone(zone: str) -> str:
    zone = zone.strip()
    if zone not in available_timezones():
        raise ActionError(
            gettext("time zone %(zone)s: use a name such as Europe/London or UTC")
            % {"zone": repr(zone)}
        )
    return zone


def _check_language(language: str) -> str:
    codes = [code for code, _ in settings.LANGUAGES]
    if language not in codes:
        raise ActionError(
            gettext("language %(language)s: use one of %(names)s")
            % {"language": repr(language), "names": ", ".join(codes)}
        )
    return language


def _check_calendar(calendar: str) -> str:
    if calendar not in CALENDARS:
        raise ActionError(
            gettext("calendar %(calendar)s: use one of %(names)s")
            % {"calendar": repr(calendar), "names": ", ".join(CALENDARS)}
        )
    return calendar


def _check_email(email: str) -> str:
    email = email.strip()
    try:
        validate_email(email)
    except ValidationError:
        raise ActionError(
            gettext("%(email)s is not an email address") % {"email": repr(email)}
        ) from None
    return email


def found_organisation(
    actor: Actor,
    name: str,
    *,
    time_zone: str = "UTC",
    language: str = "en",
    calendar: str = Organisation.NEW_STYLE,
    public_record: bool = False,
    at: datetime | None = None,
) -> Organisation:
    """A person founds an organisation and becomes its first secretary.

    Only a signed-in person with a verified address may found one: the founder is its only
    secretary at first, and the one everyone else's invitations come from."""
    if isinstance(actor, SystemActor):
        raise PermissionDenied(
            gettext("a person founds an organisation (the system uses the loader)")
        )
    require_verified_person(actor, "found an organisation")
    name = _check_name(name)
    time_zone = _check_time_zone(time_zone)
    language = _check_language(language)
    calendar = _check_calendar(calendar)
    founder = actor.pk
    assert founder is not None  # a signed-in person (checked above)
    with action_transaction(at) as at:
        if Organisation.objects.filter(name=name).exists():
            raise NotAllowed(
                gettext("an organisation named %(name)s exists already") % {"name": repr(name)}
            )
        organisation = Organisation.objects.create(
            name=name,
            created_at=at,
            public_record=public_record,
            time_zone=time_zone,
            language=language,
            calendar=calendar,
        )
        OrganisationRole.objects.create(
            organisation=organisation, user_id=founder, role=OrganisationRole.SECRETARY, start=at
        )
        record(
            actor,
            "found_organisation",
            {
                "name": name,
                "time_zone": time_zone,
                "language": language,
                "calendar": calendar,
                "public_record": public_record,
                "secretary": founder,
            },
            at=at,
            organisation=organisation,
        )
    return organisation


SETTINGS = ("name", "time_zone", "language", "calendar", "public_record")


def change_organisation_settings(
    actor: Actor,
    organisation: Organisation,
    *,
    name: str | None = None,
    time_zone: str | None = None,
    language: str | None = None,
    calendar: str | None = None,
    public_record: bool | None = None,
    at: datetime | None = None,
) -> Organisation:
    """Change the organisation's settings (those given); a secretary's decision.

    The journal entry lists the settings that changed with their new values; asking for no
    change at all is refused, so every entry records a real change."""
    wanted: dict[str, Any] = {}
    if name is not None:
        wanted["name"] = _check_name(name)
    if time_zone is not None:
        wanted["time_zone"] = _check_time_zone(time_zone)
    if language is not None:
        wanted["language"] = _check_language(language)
    if calendar is not None:
        wanted["calendar"] = _check_calendar(calendar)
    if public_record is not None:
        wanted["public_record"] = bool(public_record)
    with action_transaction(at) as at:
        organisation = fresh(organisation)
        require_secretary(actor, organisation, at)
        changes = {k: v for k, v in wanted.items() if getattr(organisation, k) != v}
        if not changes:
            raise NotAllowed(gettext("the settings are as they were: nothing to change"))
        if (
            "name" in changes
            and Organisation.objects.filter(name=changes["name"])
            .exclude(pk=organisation.pk)
            .exists()
        ):
            raise NotAllowed(
                gettext("an organisation named %(name)s exists already")
                % {"name": repr(changes["name"])}
            )
        for field, value in changes.items():
            setattr(organisation, field, value)
        organisation.save(update_fields=list(changes))
        record(
            actor,
            "change_organisation_settings",
            {"changes": changes},
            at=at,
            organisation=organisation,
        )
    return organisation


def set_member_email(
    actor: Actor, member: Member, email: str, *, at: datetime | None = None
) -> Member:
    """Record (or clear, with "") the address a member's invitation goes to."""
    email = _check_email(email) if email.strip() else ""
    with action_transaction(at) as at:
        member = fresh(member)
        require_secretary(actor, member.organisation, at)
        if member.email == email:
            raise NotAllowed(
                gettext("member %(external_id)s has that address already")
                % {"external_id": member.external_id}
            )
        member.email = email
        member.save(update_fields=["email"])
        record(
            actor,
            "set_member_email",
            {"member": member.external_id, "has_email": bool(email)},
            at=at,
            organisation=member.organisation,
        )
    return member


def _invitable(member: Member, at: datetime) -> str | None:
    """Why *member* cannot be invited now, or None."""
    if not member.current_at(at):
        return f"member {member.external_id} is not on the roll"
    if member.user_id is not None:
        return f"member {member.external_id} has an account already"
    return None


def invite_member(
    actor: Actor, member: Member, *, email: str | None = None, at: datetime | None = None
) -> Invitation:
    """Invite one member on the roll to make an account linked to their roll entry.

    *email*, when given, becomes the member's address; otherwise the one on the roll is used.
    The caller mails the link (:func:`smolny.accounts.mail.send_invitation`) once this has
    committed. A new invitation does not cancel an earlier one: either link works until it
    expires or the member has an account."""
    address = _check_email(email) if email is not None and email.strip() else None
    with action_transaction(at) as at:
        member = fresh(member)
        organisation = member.organisation
        require_secretary(actor, organisation, at)
        reason = _invitable(member, at)
        if reason:
            raise NotAllowed(reason)
        changed = address is not None and address != member.email
        if address is not None and changed:
            member.email = address
            member.save(update_fields=["email"])
        if not member.email:
            raise NotAllowed(
                gettext("member %(external_id)s has no email address: give one")
                % {"external_id": member.external_id}
            )
        invitation = Invitation.objects.create(
            organisation=organisation,
            member=member,
            email=member.email,
            invited_by_id=None if isinstance(actor, SystemActor) else actor.pk,
            created_at=at,
        )
        record(
            actor,
            "invite_member",
            {"member": member.external_id, "invitation": invitation.pk, "email_changed": changed},
            at=at,
            organisation=organisation,
        )
    return invitation


def invite_roll(
    actor: Actor, constituency: Constituency, *, at: datetime | None = None
) -> list[Invitation]:
    """Invite every member on *constituency*'s roll who has an email address, no account and
    no invitation still running: one transaction, one journal entry per invitation."""
    with action_transaction(at) as at:
        constituency = fresh(constituency)
        organisation = constituency.council.organisation
        require_secretary(actor, organisation, at)
        running = Invitation.objects.filter(
            accepted_at=None, created_at__gt=at - invitation_age()
        ).values("member_id")
        members = list(
            Member.objects.filter(constituency=constituency, end=None, user=None)
            .exclude(email="")
            .exclude(pk__in=running)
            .order_by("pk")
        )
        if not members:
            raise NotAllowed(
                gettext(
                    "nobody on the roll of %(constituency)s has an email address, no account "
                    "and no invitation still running"
                )
                % {"constituency": constituency.name}
            )
        invited_by = None if isinstance(actor, SystemActor) else actor.pk
        invitations = Invitation.objects.bulk_create(
            [
                Invitation(
                    organisation=organisation,
                    member=m,
                    email=m.email,
                    invited_by_id=invited_by,
                    created_at=at,
                )
                for m in members
            ],
            batch_size=2000,
        )
        record_many(
            [
                (
                    actor,
                    "invite_member",
                    {"member": m.external_id, "invitation": i.pk, "email_changed": False},
                )
                for m, i in zip(members, invitations, strict=True)
            ],
            at=at,
            organisation=organisation,
        )
    return invitations


@dataclass(frozen=True)
class Accepted:
    user: Any
    member: Member


def accept_invitation(
    invitation_id: int, *, username: str, password: str, at: datetime | None = None
) -> Accepted:
    """The invited member makes their account: *username* with *password* (already checked
    by Django's password validators), linked to their roll entry.

    The link came to the invitation's address, so the account's address counts as verified.
    The invitation is spent; the journal records the link in the member's own name."""
    username = username.strip()
    if not username:
        raise ActionError(gettext("choose a user name"))
    user_model = get_user_model()
    with action_transaction(at) as at:
        invitation = Invitation.objects.select_related("member", "organisation").filter(
            pk=invitation_id
        )
        found = invitation.first()
        if found is None:
            raise NotAllowed(gettext("this invitation does not exist"))
        if found.accepted_at is not None:
            raise NotAllowed(gettext("this invitation has been used already: sign in instead"))
        # The person's roll entry now: they may have moved since the invitation was sent
        # (smolny.councils.actions.membership), and the account goes with the person.
        member = entry_at(found.member, at) or found.member
        reason = _invitable(member, at)
        if reason:
            raise NotAllowed(reason)
        if user_model._default_manager.filter(username__iexact=username).exists():
            raise NotAllowed(
                gettext("the user name %(username)s is taken: choose another")
                % {"username": repr(username)}
            )
        user = user_model._default_manager.create_user(
            username=username, email=found.email, password=password
        )
        member.user_id = user.pk
        member.save(update_fields=["user"])
        found.accepted_at = at
        found.user_id = user.pk
        found.save(update_fields=["accepted_at", "user"])
        record(
            user,
            "accept_invitation",
            {"member": member.external_id, "invitation": found.pk, "user": user.pk},
            at=at,
            organisation=found.organisation,
        )
    return Accepted(user, member)


__all__ = [
    "Accepted",
    "accept_invitation",
    "change_organisation_settings",
    "found_organisation",
    "invite_member",
    "invite_roll",
    "require_verified_person",
    "set_member_email",
]
