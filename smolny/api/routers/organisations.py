"""Organisations: creating one, its roles (secretary, chair, clerk, recorder: granted and
ended as journalled actions), creating its councils."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.contrib.auth import get_user_model
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from smolny.api.auth import caller
from smolny.api.common import Message, Timed, lookup
from smolny.api.errors import NotFound
from smolny.councils import actions
from smolny.councils.models import Council, Organisation, OrganisationRole
from smolny.web.access import readable_organisations

router = Router(tags=["organisations"])
roles = Router(tags=["organisations"])
REFUSALS = {403: Message, 404: Message, 409: Message, 422: Message}


class OrganisationIn(Timed):
    name: str = Field(min_length=1, max_length=200)


class OrganisationOut(Schema):
    id: int
    name: str
    created_at: datetime


class SecretaryIn(Timed):
    username: str = Field(min_length=1, max_length=150)


class RoleOut(Schema):
    organisation: int
    username: str
    role: str
    start: datetime


class RoleIn(Timed):
    """Who gets which role: ``secretary``, ``chair``, ``clerk`` or ``recorder``."""

    username: str = Field(min_length=1, max_length=150)
    role: Literal["secretary", "chair", "clerk", "recorder"]


class RoleHeldOut(Schema):
    id: int
    organisation: int
    username: str
    role: str
    start: datetime
    end: datetime | None


def role_held_out(role: OrganisationRole) -> RoleHeldOut:
    return RoleHeldOut(
        id=role.pk,
        organisation=role.organisation_id,
        username=role.user.get_username(),
        role=role.role,
        start=role.start,
        end=role.end,
    )


class CouncilIn(Timed):
    name: str = Field(min_length=1, max_length=200)
    kind: Literal["council", "congress"] = "council"
    petition_threshold: str = Field("1/4", max_length=40, pattern=r"^\s*\d+\s*(/\s*\d+\s*)?$")
    recall_quorum: str = Field("1/3", max_length=40, pattern=r"^\s*\d+\s*(/\s*\d+\s*)?$")


class CouncilOut(Schema):
    id: int
    organisation: int
    name: str
    kind: str
    petition_threshold: str
    recall_quorum: str
    start: datetime


def council_out(council: Council) -> CouncilOut:
    return CouncilOut(
        id=council.pk,
        organisation=council.organisation_id,
        name=council.name,
        kind=council.kind,
        petition_threshold=str(council.petition_threshold),
        recall_quorum=str(council.recall_quorum),
        start=council.start,
    )


@router.get("", response=list[OrganisationOut])
def list_organisations(request: HttpRequest) -> list[Organisation]:
    """The organisations whose records the caller may read (members, roles, public records)."""
    return list(readable_organisations(request.user).order_by("name"))


@router.post("", response={201: OrganisationOut, **REFUSALS})
def create_organisation(request: HttpRequest, body: OrganisationIn) -> Status[Organisation]:
    """Any user may found an organisation and becomes its first secretary."""
    return Status(201, actions.create_organisation(caller(request), body.name))


@router.get("/{organisation_id}", response={200: OrganisationOut, 404: Message})
def get_organisation(request: HttpRequest, organisation_id: int) -> Organisation:
    return lookup(Organisation, organisation_id, "organisation")


@router.post("/{organisation_id}/secretaries", response={201: RoleOut, **REFUSALS})
def appoint_secretary(
    request: HttpRequest, organisation_id: int, body: SecretaryIn
) -> Status[RoleOut]:
    organisation = lookup(Organisation, organisation_id, "organisation")
    user = get_user_model().objects.filter(username=body.username).first()
    if user is None:
        raise NotFound("user", body.username)
    role = actions.appoint_secretary(caller(request), organisation, user)
    return Status(
        201,
        RoleOut(
            organisation=organisation.pk, username=body.username, role=role.role, start=role.start
        ),
    )


@router.get("/{organisation_id}/roles", response={200: list[RoleHeldOut], 404: Message})
def list_roles(request: HttpRequest, organisation_id: int) -> list[RoleHeldOut]:
    """The roles held now, by role and since when."""
    organisation = lookup(Organisation, organisation_id, "organisation")
    held = (
        OrganisationRole.objects.filter(organisation=organisation, end=None)
        .select_related("user")
        .order_by("role", "start", "pk")
    )
    return [role_held_out(r) for r in held]


@router.post("/{organisation_id}/roles", response={201: RoleHeldOut, **REFUSALS})
def grant_role(request: HttpRequest, organisation_id: int, body: RoleIn) -> Status[RoleHeldOut]:
    """A secretary grants a role to a person (by user name)."""
    organisation = lookup(Organisation, organisation_id, "organisation")
    user = get_user_model().objects.filter(username=body.username).first()
    if user is None:
        raise NotFound("user", body.username)
    role = actions.grant_role(caller(request), organisation, user, body.role)
    return Status(201, role_held_out(role))


@roles.post("/{role_id}/end", response={200: RoleHeldOut, **REFUSALS})
def end_role(request: HttpRequest, role_id: int, body: Timed) -> RoleHeldOut:
    """A secretary ends a role, or its holder gives it up; the last secretary's role does not
    end until another secretary is appointed (409)."""
    role = lookup(OrganisationRole, role_id, "role")
    return role_held_out(actions.end_role(caller(request), role))


@router.get("/{organisation_id}/councils", response={200: list[CouncilOut], 404: Message})
def list_councils(request: HttpRequest, organisation_id: int) -> list[CouncilOut]:
    organisation = lookup(Organisation, organisation_id, "organisation")
    return [council_out(c) for c in organisation.councils.order_by("name")]


@router.post("/{organisation_id}/councils", response={201: CouncilOut, **REFUSALS})
def create_council(
    request: HttpRequest, organisation_id: int, body: CouncilIn
) -> Status[CouncilOut]:
    organisation = lookup(Organisation, organisation_id, "organisation")
    council = actions.create_council(
        caller(request),
        organisation,
        body.name,
        kind=body.kind,
        petition_threshold=body.petition_threshold.replace(" ", ""),
        recall_quorum=body.recall_quorum.replace(" ", ""),
    )
    return Status(201, council_out(council))
