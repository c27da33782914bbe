"""Creating the frame: organisations, secretaries, councils, representation rules and
constituencies."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from fractions import Fraction as Ratio

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q
from django.utils.translation import gettext

from smolny.councils.actions.founding import require_verified_person
from smolny.councils.models import (
    Constituency,
    Council,
    Member,
    Organisation,
    OrganisationRole,
    RepresentationRule,
)
from smolny.councils.models.dated import valid_at
from smolny.councils.queries.names import require_distinct_name
from smolny.journal.actions import (
    ActionError,
    Actor,
    NotAllowed,
    SystemActor,
    action_transaction,
    entering_later,
    fresh,
    record,
    require_secretary,
)

METHODS = ("hamilton", "dhondt", "jefferson", "sainte-lague", "webster", "huntington-hill", "adams")
ROUNDINGS = ("floor", "ceil", "nearest")


def create_organisation(
    actor: Actor,
    name: str,
    *,
    public_record: bool = False,
    calendar: str = Organisation.NEW_STYLE,
    at: datetime | None = None,
) -> Organisation:
    """Create an organisation; a user who creates one becomes its first secretary.

    *public_record* makes its records readable by anyone (see ``Organisation.public_record``);
    *calendar* ``dual`` dates its pages Old Style and New Style (the 1917 world).
    """
    name = name.strip()
    if not name:
        raise ActionError(gettext("an organisation needs a name"))
    if calendar not in dict(Organisation.CALENDARS):
        raise ActionError(
            gettext("calendar %(calendar)s: use new or dual") % {"calendar": repr(calendar)}
        )
    require_verified_person(actor, "create an organisation")
    with action_transaction(at) as at:
        if Organisation.objects.filter(name=name).exists():
            raise NotAllowed(
                gettext("an organisation named %(name)s exists already") % {"name": repr(name)}
            )
        require_distinct_name(
            name, Organisation.objects.values_list("name", flat=True), "organisation"
        )
        organisation = Organisation.objects.create(
            name=name, created_at=at, public_record=public_record, calendar=calendar
        )
        if not isinstance(actor, SystemActor) and actor.is_authenticated:
            # Whoever enters an organisation's founding as a past event is loading its record
            # (a world, the minutes kept on paper): they become its recorder too. A new
            # organisation holds no one else's record that could be rewritten.
            roles = [OrganisationRole.SECRETARY]
            roles += [OrganisationRole.RECORDER] if entering_later() else []
            for role in roles:
                OrganisationRole.objects.create(
                    organisation=organisation, user_id=actor.pk, role=role, start=at
                )
        payload: dict[str, object] = {"name": name}
        if public_record:  # journal entries of private organisations keep their old shape
            payload["public_record"] = True
        if calendar != Organisation.NEW_STYLE:
            payload["calendar"] = calendar
        record(actor, "create_organisation", payload, at=at, organisation=organisation)
    return organisation


def appoint_secretary(
    actor: Actor, organisation: Organisation, user: AbstractBaseUser, *, at: datetime | None = None
) -> OrganisationRole:
    """Give *user* the secretary's role in *organisation*."""
    return _appoint(actor, organisation, user, OrganisationRole.SECRETARY, at)


def appoint_recorder(
    actor: Actor, organisation: Organisation, user: AbstractBaseUser, *, at: datetime | None = None
) -> OrganisationRole:
    """Give *user* the recorder's role: the permission to enter past events (a world, the
    minutes of a meeting held on paper) with their own time, journalled as entered later.
    A secretary grants it; it is separate from the secretary's role, which acts live only."""
    return _appoint(actor, organisation, user, OrganisationRole.RECORDER, at)


def appoint_chair(
    actor: Actor, organisation: Organisation, user: AbstractBaseUser, *, at: datetime | None = None
) -> OrganisationRole:
    """Give *user* the chair's role: they open sittings and conduct them."""
    return _appoint(actor, organisation, user, OrganisationRole.CHAIR, at)


def appoint_clerk(
    actor: Actor, organisation: Organisation, user: AbstractBaseUser, *, at: datetime | None = None
) -> OrganisationRole:
    """Give *user* the clerk's role: they check deputies in at the door and keep the speakers'
    list."""
    return _appoint(actor, organisation, user, OrganisationRole.CLERK, at)


GRANTS = {
    OrganisationRole.SECRETARY: appoint_secretary,
    OrganisationRole.RECORDER: appoint_recorder,
    OrganisationRole.CHAIR: appoint_chair,
    OrganisationRole.CLERK: appoint_clerk,
}
"""The action that grants each role (the pages and the API pick one by the role's name)."""


def grant_role(
    actor: Actor,
    organisation: Organisation,
    user: AbstractBaseUser,
    role: str,
    *,
    at: datetime | None = None,
) -> OrganisationRole:
    """Give *user* the role named *role* (secretary, recorder, chair or clerk)."""
    grant = GRANTS.get(role)
    if grant is None:
        raise ActionError(
            gettext("role %(role)s: use one of %(names)s")
            % {"role": repr(role), "names": ", ".join(GRANTS)}
        )
    return grant(actor, organisation, user, at=at)


def _appoint(
    actor: Actor,
    organisation: Organisation,
    user: AbstractBaseUser,
    role_name: str,
    at: datetime | None,
) -> OrganisationRole:
    """The one way a role is granted: a secretary gives it to a verified person who does not
    hold it already; journalled as ``appoint_<role>``."""
    require_verified_person(user, f"be a {role_name}")
    with action_transaction(at) as at:
        organisation = fresh(organisation)
        require_secretary(actor, organisation, at)
        if OrganisationRole.objects.filter(
            organisation=organisation, user_id=user.pk, role=role_name, end=None
        ).exists():
            raise NotAllowed(
                gettext("%(user)s is a %(role_name)s already")
                % {"user": user.get_username(), "role_name": role_name}
            )
        role = OrganisationRole.objects.create(
            organisation=organisation, user_id=user.pk, role=role_name, start=at
        )
        record(
            actor,
            f"appoint_{role_name}",
            {"user": user.pk, "username": user.get_username()},
            at=at,
            organisation=organisation,
        )
    return role


def end_role(
    actor: Actor, role: OrganisationRole, *, at: datetime | None = None
) -> OrganisationRole:
    """A secretary ends a user's role (a secretary replaced, a recorder's work done), or the
    holder gives it up; from then on the user acts with it no more, whatever time a request
    might name. The last secretary's role does not end until another secretary is appointed:
    an organisation is never left without one to administer it."""
    with action_transaction(at) as at:
        role = fresh(role)
        own = (
            not isinstance(actor, SystemActor)
            and actor.is_authenticated
            and actor.pk == role.user_id
        )
        if not own:
            require_secretary(actor, role.organisation, at)
        if role.end is not None:
            raise NotAllowed(
                gettext("this %(role)s's role has ended already") % {"role": role.role}
            )
        if at < role.start:
            raise ActionError(gettext("a role cannot end before it began"))
        if role.role == OrganisationRole.SECRETARY and not (
            OrganisationRole.objects.filter(
                organisation=role.organisation, role=OrganisationRole.SECRETARY, end=None
            )
            .exclude(pk=role.pk)
            .exists()
        ):
            raise NotAllowed(
                gettext(
                    "%(user)s is the last secretary of %(organisation)s: appoint "
                    "another secretary first"
                )
                % {"user": role.user.get_username(), "organisation": role.organisation.name}
            )
        role.end = at
        role.save(update_fields=["end"])
        record(
            actor,
            "end_role",
            {"user": role.user_id, "role": role.role},
            at=at,
            organisation=role.organisation,
        )
    return role


def set_public_record(
    actor: Actor, organisation: Organisation, public: bool, *, at: datetime | None = None
) -> Organisation:
    """Open *organisation*'s records to anyone (or close them again to signed-in users).

    A body that publishes its proceedings, or a historical world, opens them; the journal keeps
    when, and who decided it. Acting in the organisation always needs a signed-in user.
    """
    with action_transaction(at) as at:
        organisation = fresh(organisation)
        require_secretary(actor, organisation, at)
        if organisation.public_record == public:
            state = "public" if public else "not public"
            raise NotAllowed(
                gettext("the organisation's record is %(state)s already") % {"state": state}
            )
        organisation.public_record = public
        organisation.save(update_fields=["public_record"])
        record(actor, "set_public_record", {"public": public}, at=at, organisation=organisation)
    return organisation


def _ratio(value: Ratio | str, what: str) -> Ratio:
    try:
        ratio = Ratio(value)
    except (ValueError, ZeroDivisionError):
        raise ActionError(
            gettext("%(what)s: %(value)s is not a fraction such as 1/4")
            % {"what": what, "value": repr(value)}
        ) from None
    if not 0 < ratio <= 1:
        raise ActionError(
            gettext("%(what)s: %(ratio)s must lie in (0, 1]") % {"what": what, "ratio": ratio}
        )
    return ratio


def create_council(
    actor: Actor,
    organisation: Organisation,
    name: str,
    *,
    kind: str = Council.COUNCIL,
    petition_threshold: Ratio | str = Ratio(1, 4),
    recall_quorum: Ratio | str = Ratio(1, 3),
    at: datetime | None = None,
) -> Council:
    """Create a council (or a congress) with its recall thresholds."""
    name = name.strip()
    if not name:
        raise ActionError(gettext("a council needs a name"))
    if kind not in dict(Council.KINDS):
        raise ActionError(
            gettext("council kind %(kind)s: use council or congress") % {"kind": repr(kind)}
        )
    petition = _ratio(petition_threshold, "petition threshold")
    quorum = _ratio(recall_quorum, "recall quorum")
    with action_transaction(at) as at:
        organisation = fresh(organisation)
        require_secretary(actor, organisation, at)
        if Council.objects.filter(organisation=organisation, name=name).exists():
            raise NotAllowed(
                gettext("%(organisation)s has a council named %(name)s already")
                % {"organisation": organisation.name, "name": repr(name)}
            )
        require_distinct_name(name, organisation.councils.values_list("name", flat=True), "council")
        council = Council.objects.create(
            organisation=organisation,
            name=name,
            kind=kind,
            start=at,
            petition_threshold_num=petition.numerator,
            petition_threshold_den=petition.denominator,
            recall_quorum_num=quorum.numerator,
            recall_quorum_den=quorum.denominator,
        )
        record(
            actor,
            "create_council",
            {
                "council": council.pk,
                "name": name,
                "kind": kind,
                "petition_threshold": str(petition),
                "recall_quorum": str(quorum),
            },
            at=at,
            organisation=organisation,
        )
    return council


def set_representation_rule(
    actor: Actor,
    council: Council,
    *,
    per: int | None = None,
    minimum: int = 1,
    rounding: str = "floor",
    house_size: int | None = None,
    method: str = "",
    min_seats: int = 0,
    at: datetime | None = None,
) -> RepresentationRule:
    """Set how many deputies each constituency sends: a ratio (``per``) or a ``house_size``.

    The rule in force before ends at *at*; earlier apportionments keep pointing at it.
    """
    if (per is None) == (house_size is None):
        raise ActionError(gettext("a representation rule has either a ratio (per) or a house size"))
    if per is not None:
        if per < 1:
            raise ActionError(
                gettext("ratio: one deputy per %(per)s members is impossible") % {"per": per}
            )
        if rounding not in ROUNDINGS:
            raise ActionError(
                gettext("rounding %(rounding)s: use one of %(names)s")
                % {"rounding": repr(rounding), "names": ", ".join(ROUNDINGS)}
            )
        kind = RepresentationRule.RATIO
    else:
        assert house_size is not None
        if house_size < 1:
            raise ActionError(gettext("a house needs at least one seat"))
        if method not in METHODS:
            raise ActionError(
                gettext("method %(method)s: use one of %(names)s")
                % {"method": repr(method), "names": ", ".join(METHODS)}
            )
        kind = RepresentationRule.HOUSE
    with action_transaction(at) as at:
        council = fresh(council)
        require_secretary(actor, council.organisation, at)
        RepresentationRule.objects.filter(council=council, end=None).update(end=at)
        rule = RepresentationRule.objects.create(
            council=council,
            kind=kind,
            per=per,
            minimum=minimum,
            rounding=rounding,
            house_size=house_size,
            method=method,
            min_seats=min_seats,
            start=at,
        )
        record(
            actor,
            "set_representation_rule",
            {
                "council": council.pk,
                "kind": kind,
                "per": per,
                "minimum": minimum,
                "rounding": rounding,
                "house_size": house_size,
                "method": method,
                "min_seats": min_seats,
            },
            at=at,
            organisation=council.organisation,
        )
    return rule


def create_constituency(
    actor: Actor,
    council: Council,
    name: str,
    *,
    delegating_council: Council | None = None,
    at: datetime | None = None,
) -> Constituency:
    """Create a constituency: a member roll, or (for a congress) a delegating lower council."""
    name = name.strip()
    if not name:
        raise ActionError(gettext("a constituency needs a name"))
    with action_transaction(at) as at:
        council = fresh(council)
        require_secretary(actor, council.organisation, at)
        if Constituency.objects.filter(council=council, name=name).exists():
            raise NotAllowed(
                gettext("%(council)s has a constituency named %(name)s already")
                % {"council": council.name, "name": repr(name)}
            )
        require_distinct_name(
            name,
            Constituency.objects.filter(council=council).values_list("name", flat=True),
            "constituency",
        )
        kind = Constituency.ROLL
        if delegating_council is not None:
            delegating_council = fresh(delegating_council)
            if delegating_council.pk == council.pk:
                raise NotAllowed(gettext("a council cannot delegate to itself"))
            if delegating_council.organisation_id != council.organisation_id:
                raise NotAllowed(
                    gettext("a delegating council must belong to the same organisation")
                )
            kind = Constituency.COUNCIL
        constituency = Constituency.objects.create(
            council=council, name=name, kind=kind, delegating_council=delegating_council, start=at
        )
        record(
            actor,
            "create_constituency",
            {
                "council": council.pk,
                "constituency": constituency.pk,
                "name": name,
                "delegating_council": delegating_council.pk if delegating_council else None,
            },
            at=at,
            organisation=council.organisation,
        )
    return constituency


def link_member_user(
    actor: Actor, member: Member, user: AbstractBaseUser, *, at: datetime | None = None
) -> Member:
    """Link a roll entry to a login, so the member can sign and vote themself."""
    require_verified_person(user, "be linked to a member")
    with action_transaction(at) as at:
        member = fresh(member)
        require_secretary(actor, member.organisation, at)
        if (
            Member.objects.filter(
                Q(organisation=member.organisation_id, user_id=user.pk) & valid_at(at)
            )
            .exclude(pk=member.pk)
            .exists()
        ):
            raise NotAllowed(
                gettext("%(user)s is linked to another member already")
                % {"user": user.get_username()}
            )
        member.user_id = user.pk
        member.save(update_fields=["user"])
        record(
            actor,
            "link_member_user",
            {"member": member.external_id, "user": user.pk},
            at=at,
            organisation=member.organisation,
        )
    return member


def create_constituencies(
    actor: Actor, council: Council, names: Sequence[str], *, at: datetime | None = None
) -> int:
    """Create many roll constituencies at once (a federation's branches): one transaction,
    one journal entry listing their names. Returns how many were created."""
    cleaned = [n.strip() for n in names]
    if any(not n for n in cleaned):
        raise ActionError(gettext("a constituency needs a name"))
    counts = Counter(cleaned)
    twice = sorted(n for n, k in counts.items() if k > 1)
    if twice:
        raise ActionError(
            gettext("constituency named twice: %(names)s") % {"names": ", ".join(twice[:10])}
        )
    with action_transaction(at) as at:
        council = fresh(council)
        require_secretary(actor, council.organisation, at)
        existing = set(
            Constituency.objects.filter(council=council, name__in=cleaned).values_list(
                "name", flat=True
            )
        )
        if existing:
            raise NotAllowed(
                gettext("%(council)s has constituencies named %(names)s")
                % {"council": council.name, "names": ", ".join(sorted(existing)[:10])}
            )
        Constituency.objects.bulk_create(
            [
                Constituency(council=council, name=n, kind=Constituency.ROLL, start=at)
                for n in cleaned
            ],
            batch_size=2000,
        )
        record(
            actor,
            "create_constituencies",
            {"council": council.pk, "names": cleaned},
            at=at,
            organisation=council.organisation,
        )
    return len(cleaned)
