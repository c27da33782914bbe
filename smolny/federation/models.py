"""Models of the federation: congresses' convocations and credentials, central executives,
commissariats, units, authority rules, organ keys and directives.

Bodies in the authority rules are named as :mod:`smolny.rules.authority` and
:mod:`smolny.directives` name them: ``"council:<id>"``, ``"organ:<id>"`` or ``"unit:<id>"``
(see :mod:`smolny.federation.bodies`). Rows with a history are dated like the councils' rows
(``start`` inclusive, ``end`` exclusive, ``None`` while current) and are ended, never rewritten.
Rows are written only by the actions in :mod:`smolny.federation.actions`.
"""

from __future__ import annotations

from fractions import Fraction as Ratio

from django.db import models
from django.db.models import Q

from smolny.councils.models import (
    Apportionment,
    Council,
    Mandate,
    Member,
    Organ,
    Organisation,
)
from smolny.councils.models.dated import CURRENT, Dated

# ---------------------------------------------------------------------------------------------
# Congresses
# ---------------------------------------------------------------------------------------------


class CongressSettings(models.Model):
    """A congress's convocation setting: member councils representing at least
    ``demand_share`` of the represented membership may demand that it be convened."""

    congress = models.OneToOneField(
        Council, on_delete=models.PROTECT, related_name="congress_settings"
    )
    demand_share_num = models.PositiveIntegerField(default=1)
    demand_share_den = models.PositiveIntegerField(default=3)

    class Meta:
        verbose_name_plural = "congress settings"

    @property
    def demand_share(self) -> Ratio:
        return Ratio(self.demand_share_num, self.demand_share_den)

    def __str__(self) -> str:
        return f"{self.congress}: convened on demand of {self.demand_share} of the membership"


class ConvocationDemand(models.Model):
    """A member council's demand that the congress be convened, until a convocation answers it.

    ``membership`` is the membership the council represented when it made the demand; the
    share is recomputed from the rolls at convocation.
    """

    congress = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="demands_made")
    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="demands")
    made_at = models.DateTimeField()
    membership = models.PositiveBigIntegerField()
    decision = models.CharField(max_length=500, blank=True, default="")
    convocation = models.ForeignKey(
        "federation.Convocation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="demands",
    )

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=["congress", "council"],
                condition=Q(convocation__isnull=True),
                name="one_open_demand_per_council",
            ),
        )


class Convocation(models.Model):
    """One convocation of a congress: who convened it, and the apportionment of its delegates
    made from the rolls as they stood then."""

    BY_CENTRAL_EXECUTIVE = "central executive"
    ON_DEMAND = "demand of member councils"
    HOW = ((BY_CENTRAL_EXECUTIVE, BY_CENTRAL_EXECUTIVE), (ON_DEMAND, ON_DEMAND))

    congress = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="convocations")
    number = models.PositiveIntegerField()
    convened_at = models.DateTimeField()
    convened_by = models.CharField(max_length=32, choices=HOW)
    convening_organ = models.ForeignKey(Organ, on_delete=models.PROTECT, null=True, blank=True)
    apportionment = models.ForeignKey(Apportionment, on_delete=models.PROTECT)
    demand = models.JSONField(default=dict, blank=True)
    credentials_checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=["congress", "number"], name="convocation_number"),
        )

    def __str__(self) -> str:
        return f"{self.congress}, convocation {self.number}"


class Credential(models.Model):
    """The credentials step's finding on one delegate's mandate at one convocation."""

    convocation = models.ForeignKey(
        Convocation, on_delete=models.PROTECT, related_name="credentials"
    )
    mandate = models.ForeignKey(Mandate, on_delete=models.PROTECT, related_name="credentials")
    checked_at = models.DateTimeField()
    accepted = models.BooleanField()
    reason = models.CharField(max_length=500)

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=["convocation", "mandate"], name="one_credential_per_mandate"
            ),
        )


class CentralExecutive(Dated):
    """The organ a congress elected at a convocation to act until the next one elects another."""

    congress = models.ForeignKey(
        Council, on_delete=models.PROTECT, related_name="central_executives"
    )
    convocation = models.ForeignKey(Convocation, on_delete=models.PROTECT)
    organ = models.OneToOneField(Organ, on_delete=models.PROTECT, related_name="central_executive")

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=["congress"], condition=CURRENT, name="one_current_central_executive"
            ),
        )


# ---------------------------------------------------------------------------------------------
# Decisions of a body and the commissariat
# ---------------------------------------------------------------------------------------------


class Decision(models.Model):
    """A recorded decision of a council or an organ: the motion, the tallies and the outcome,
    decided by :func:`smolny.rules.majority.decide` from tallies entered here, or taken from a
    closed ``vote`` of a session of the body (decided under the rules of procedure of
    :mod:`smolny.rules.procedure`), whose figures are copied."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT)
    body = models.CharField(max_length=40)
    at = models.DateTimeField()
    motion = models.CharField(max_length=500)
    votes_for = models.PositiveIntegerField()
    votes_against = models.PositiveIntegerField()
    abstentions = models.PositiveIntegerField(default=0)
    present = models.PositiveIntegerField(null=True, blank=True)
    seated = models.PositiveIntegerField(null=True, blank=True)
    rule = models.CharField(max_length=200)
    outcome = models.CharField(max_length=32)
    reason = models.CharField(max_length=500)
    vote = models.OneToOneField(
        "councils.Vote",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="federation_decision",
    )

    def __str__(self) -> str:
        return f"{self.body}: {self.motion} ({self.outcome})"


class Commissariat(Dated):
    """A council of commissars, answerable to the body that appoints them (``appointed_by``:
    a congress ``"council:<id>"`` or its central executive ``"organ:<id>"``, and then to that
    congress's central executive in office at the time of each decision)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT)
    name = models.CharField(max_length=200)
    appointed_by = models.CharField(max_length=40)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=["organisation", "name"], name="commissariat_name"),
        )

    def __str__(self) -> str:
        return self.name


class CommissarAppointment(Dated):
    """A commissar holding a portfolio from appointment to removal (composition history)."""

    REMOVED = "removed by the appointing body"
    commissariat = models.ForeignKey(
        Commissariat, on_delete=models.PROTECT, related_name="appointments"
    )
    member = models.ForeignKey(Member, on_delete=models.PROTECT)
    portfolio = models.CharField(max_length=200)
    appointed_by = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="+")
    removed_by = models.ForeignKey(
        Decision, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    end_reason = models.CharField(max_length=40, blank=True, default="")

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=["commissariat", "portfolio"], condition=CURRENT, name="one_holder_a_post"
            ),
        )


# ---------------------------------------------------------------------------------------------
# Units and authority rules
# ---------------------------------------------------------------------------------------------


class Unit(models.Model):
    """Something that receives directives without being a council or organ: a regiment, a
    branch, a workshop."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT)
    name = models.CharField(max_length=200)

    class Meta:
        constraints = (models.UniqueConstraint(fields=["organisation", "name"], name="unit_name"),)

    def __str__(self) -> str:
        return self.name


class Subordination(Dated):
    """*unit* (a unit, organ or council) is under *body* for a time (the hierarchy)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT)
    unit = models.CharField(max_length=40)
    body = models.CharField(max_length=40)


class AuthorityRule(Dated):
    """A countersignature or precedence rule an organisation has set (see
    :mod:`smolny.rules.authority`). ``others`` is the issuers concerned (``None``: all but
    ``body``); ``domains`` likewise."""

    COUNTERSIGNATURE = "countersignature"
    PRECEDENCE = "precedence"
    KINDS = ((COUNTERSIGNATURE, COUNTERSIGNATURE), (PRECEDENCE, PRECEDENCE))

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT)
    kind = models.CharField(max_length=20, choices=KINDS)
    body = models.CharField(max_length=40)
    others = models.JSONField(null=True, blank=True)
    domains = models.JSONField(null=True, blank=True)


class VetoGrant(Dated):
    """A body's veto over a class of directives, from its grant (``start``) until its
    withdrawal (``end``)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT)
    holder = models.CharField(max_length=40)
    issuers = models.JSONField(null=True, blank=True)
    domains = models.JSONField(null=True, blank=True)


# ---------------------------------------------------------------------------------------------
# Keys and directives
# ---------------------------------------------------------------------------------------------


class RootKey(models.Model):
    """An organisation's root key; the private half encrypted at rest (see
    :mod:`smolny.federation.keys`)."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.PROTECT, related_name="root_key"
    )
    public_key = models.BinaryField()
    private_sealed = models.BinaryField()
    created_at = models.DateTimeField()


class OrganKey(Dated):
    """An organ's Ed25519 key over its certified window ``[start, end)``; rotation ends it."""

    organ = models.ForeignKey(Organ, on_delete=models.PROTECT, related_name="keys")
    key_id = models.CharField(max_length=64, unique=True)
    public_key = models.BinaryField()
    private_sealed = models.BinaryField()
    certificate = models.JSONField()

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=["organ"], condition=CURRENT, name="one_current_key"),
        )


class Directive(models.Model):
    """A directive as issued, with its signed file (``document``, countersignatures added as
    they are made). ``addressees`` lists the body names ``["unit:3", ...]`` in order."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT)
    issuer = models.ForeignKey(Organ, on_delete=models.PROTECT, related_name="directives")
    issued_at = models.DateTimeField()
    domain = models.CharField(max_length=64)
    text = models.TextField()
    addressees = models.JSONField()
    document = models.TextField()

    def __str__(self) -> str:
        return f"directive {self.pk} of {self.issuer}"


class DirectiveAct(models.Model):
    """An act on a directive by a body: countersignature, countermand or veto.

    A countersignature is signed with the countersigning organ's key and kept (``signed``) as
    the entry it adds to the directive's file; countermands and vetoes are acts of record that
    the authority rules weigh, not signatures.
    """

    COUNTERSIGNATURE = "countersignature"
    COUNTERMAND = "countermand"
    VETO = "veto"
    KINDS = tuple((k, k) for k in (COUNTERSIGNATURE, COUNTERMAND, VETO))

    directive = models.ForeignKey(Directive, on_delete=models.PROTECT, related_name="acts")
    kind = models.CharField(max_length=20, choices=KINDS)
    body = models.CharField(max_length=40)
    at = models.DateTimeField()
    note = models.CharField(max_length=500, blank=True, default="")
    signed = models.JSONField(
        default=dict, blank=True, help_text="a countersignature's entry in the signed file"
    )
