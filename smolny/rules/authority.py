"""Whose directives bind whom: countersignature, precedence, veto and hierarchy.

Rule texts (facts in ``history/petrograd-1917.md``, section "Orders and authority"):

1. **Order No. 1** of the Petrograd Soviet, 1 March 1917: units obey the Soviet and its
   committees; orders of the Duma's Military Commission are to be obeyed *only where they do not
   contradict* the Soviet's. Here: a :class:`PrecedenceRule` (the Soviet prevails over the
   Military Commission for units under the Soviet) and a :class:`DirectiveRecord`'s
   ``countermands`` (the Soviet's contradicting order).
2. **Order No. 2**, 5 March 1917, narrowed Order No. 1: committees do not interfere in purely
   military matters. Here: every rule names the *domains* it covers and the *time* from which
   (and until which) it applies, so a narrower rule can replace a wider one from a date.
3. **"In so far as"** (March 1917): the Soviet backed the Provisional Government, and the
   government's orders ran, only in so far as the Soviet allowed. Here: a directive's status is
   not fixed when it is issued; it is evaluated *at an instant*, under the rules and acts in
   force at that instant, for every directive outstanding then.
4. **The Military Revolutionary Committee's statement of 21–22 October 1917** to the district
   staff: orders not signed by the MRC are invalid. Here: a :class:`CountersignatureRule`
   (directives to units under the MRC bind only when the MRC has countersigned them), in force
   from the moment the organisation sets it.
5. **The MRC's decree of 23 October 1917**, claiming a veto over military orders, withdrawn late
   the same night. Here: a :class:`VetoGrant` (a body's power to veto a class of directives, by
   domain and issuer, from its grant until its withdrawal) and a :class:`DirectiveRecord`'s
   ``vetoes`` (the acts exercising it). A veto has effect only while the grant under which it was
   cast is in force: when the grant is withdrawn, vetoes cast under it lapse.

The model. Bodies and units are opaque identifiers chosen by the caller (for example
``"organ:12"`` or ``"unit:volhynian"``), so that councils, organs and units can share one
namespace. Time windows are half-open: a rule applies from ``applies_from`` (inclusive) until
``until`` (exclusive; ``None`` means open-ended). All instants passed to one evaluation must be
comparable (all timezone-aware, as the callers in Smolny use).

Hierarchy (:class:`Subordination`) says which units are under which body and is transitive: a
company under a regiment under the Soviet is under the Soviet.

Status of a directive for an addressee at an instant (:func:`directive_status`), and the
precedence among reasons when several apply — the first that applies decides, the others are
reported in ``also``:

1. ``NOT_AUTHENTIC``: the verifier could not authenticate it; it is no directive at all.
2. ``COUNTERMANDED``: its issuer withdrew it, or a body that prevails over the issuer for this
   addressee contradicted it. Final while the precedence rule is in force.
3. ``VETOED``: a body holding a veto over its class vetoed it, and the grant is in force.
   Lapses when the grant is withdrawn.
4. ``AWAITING_COUNTERSIGNATURE``: a countersignature rule applies and the body named by it has
   not countersigned. Curable by one act of that body.
5. ``BINDING``: none of the above.

The order runs from the most definitive reason to the most curable one, so the reported status
tells the addressee the strongest reason not to obey. It follows that a countersignature can only
move a directive towards ``BINDING`` and a countermand or veto only away from it (the properties
tested in ``tests/unit/test_authority_properties.py``). The rules do no cryptography:
authenticity is an input, decided by :mod:`smolny.directives`.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime


class Status(enum.Enum):
    """A directive's standing for one addressee, in order of precedence among reasons."""

    NOT_AUTHENTIC = "not authentic"
    COUNTERMANDED = "countermanded"
    VETOED = "vetoed"
    AWAITING_COUNTERSIGNATURE = "awaiting countersignature"
    BINDING = "binding"

    @property
    def rank(self) -> int:
        """How binding the status is: 0 (not authentic) to 4 (binding)."""
        return _RANK[self]


_PRECEDENCE: tuple[Status, ...] = tuple(Status)
_RANK: dict[Status, int] = {status: index for index, status in enumerate(_PRECEDENCE)}


def in_force(applies_from: datetime | None, until: datetime | None, at: datetime) -> bool:
    """Whether the half-open window ``[applies_from, until)`` contains *at*."""
    return (applies_from is None or applies_from <= at) and (until is None or at < until)


def _covers(allowed: frozenset[str] | None, value: str) -> bool:
    return allowed is None or value in allowed


def _describe_window(applies_from: datetime | None, until: datetime | None) -> str:
    start = f"from {applies_from.isoformat()}" if applies_from is not None else "always"
    return f"{start} until {until.isoformat()}" if until is not None else start


# ---------------------------------------------------------------------------------------------
# What an organisation sets (the rules) and what happens to a directive (the acts)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Subordination:
    """*unit* is under *body* during ``[applies_from, until)`` (hierarchy)."""

    unit: str
    body: str
    applies_from: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True, slots=True)
class CountersignatureRule:
    """Rule text 4: directives to units under *body* bind only when *body* has countersigned.

    ``issuers`` limits the rule to directives of those bodies (``None``: every issuer except
    *body* itself); ``domains`` to those domains (``None``: all).
    """

    body: str
    applies_from: datetime | None = None
    until: datetime | None = None
    issuers: frozenset[str] | None = None
    domains: frozenset[str] | None = None


@dataclass(frozen=True, slots=True)
class PrecedenceRule:
    """Rule texts 1–3: units under *prevails* obey *over* only in so far as *prevails* has not
    countermanded (contradicted) the directive.

    ``over`` is the set of issuers whose directives yield (``None``: every issuer except
    *prevails*); ``domains`` limits the rule to those domains (``None``: all).
    """

    prevails: str
    applies_from: datetime | None = None
    until: datetime | None = None
    over: frozenset[str] | None = None
    domains: frozenset[str] | None = None


@dataclass(frozen=True, slots=True)
class VetoGrant:
    """Rule text 5: *holder* may veto directives of ``issuers`` in ``domains`` from
    ``granted_at`` until ``withdrawn_at`` (``None``: not withdrawn)."""

    holder: str
    granted_at: datetime
    withdrawn_at: datetime | None = None
    issuers: frozenset[str] | None = None
    domains: frozenset[str] | None = None


@dataclass(frozen=True, slots=True)
class Act:
    """An act of *body* on a directive at *at*: a countersignature, countermand or veto."""

    body: str
    at: datetime


@dataclass(frozen=True, slots=True)
class DirectiveRecord:
    """One directive as the rules see it, with the acts done on it.

    ``authentic`` comes from the verifier (:func:`smolny.directives.verify`); only countersignatures
    that verified belong in ``countersignatures``.
    """

    id: str
    issuer: str
    issued_at: datetime
    domain: str
    addressees: tuple[str, ...]
    authentic: bool = True
    countersignatures: tuple[Act, ...] = ()
    countermands: tuple[Act, ...] = ()
    vetoes: tuple[Act, ...] = ()


@dataclass(frozen=True, slots=True)
class AuthorityRules:
    """The authority rules an organisation has set (their order does not matter)."""

    hierarchy: tuple[Subordination, ...] = ()
    countersignature: tuple[CountersignatureRule, ...] = ()
    precedence: tuple[PrecedenceRule, ...] = ()
    vetoes: tuple[VetoGrant, ...] = ()


@dataclass(frozen=True, slots=True)
class Standing:
    """The status of *directive_id* for *addressee* at *at*, with the deciding reason and the
    reasons of lower precedence that also apply."""

    directive_id: str
    addressee: str
    at: datetime
    status: Status
    reason: str
    also: tuple[str, ...] = field(default=())


# ---------------------------------------------------------------------------------------------
# Evaluation
# ---------------------------------------------------------------------------------------------


def is_under(unit: str, body: str, hierarchy: Iterable[Subordination], at: datetime) -> bool:
    """Whether *unit* is under *body* at *at*, directly or through intermediate bodies."""
    above: dict[str, set[str]] = {}
    for link in hierarchy:
        if in_force(link.applies_from, link.until, at):
            above.setdefault(link.unit, set()).add(link.body)
    seen: set[str] = set()
    frontier = [unit]
    while frontier:
        current = frontier.pop()
        for parent in above.get(current, ()):
            if parent == body:
                return True
            if parent not in seen:
                seen.add(parent)
                frontier.append(parent)
    return False


def _countermand_reasons(
    directive: DirectiveRecord, addressee: str, at: datetime, rules: AuthorityRules
) -> list[str]:
    """Rule texts 1–3: the issuer's own withdrawal, or a contradiction by a prevailing body."""
    reasons: list[str] = []
    for act in sorted(directive.countermands, key=lambda a: (a.at, a.body)):
        if act.at > at:
            continue
        if act.body == directive.issuer:
            reasons.append(f"withdrawn by its issuer {act.body} at {act.at.isoformat()}")
            continue
        for rule in sorted(rules.precedence, key=_precedence_key):
            if (
                rule.prevails == act.body
                and in_force(rule.applies_from, rule.until, at)
                and (rule.over is None or directive.issuer in rule.over)
                and _covers(rule.domains, directive.domain)
                and is_under(addressee, rule.prevails, rules.hierarchy, at)
            ):
                reasons.append(
                    f"countermanded by {act.body} at {act.at.isoformat()}: {addressee} is under "
                    f"{act.body}, which prevails over {directive.issuer} in "
                    f"{directive.domain} matters "
                    f"({_describe_window(rule.applies_from, rule.until)})"
                )
                break
    return reasons


def _veto_reasons(directive: DirectiveRecord, at: datetime, rules: AuthorityRules) -> list[str]:
    """Rule text 5: a veto cast under a grant has effect while that grant is in force."""
    reasons: list[str] = []
    for act in sorted(directive.vetoes, key=lambda a: (a.at, a.body)):
        if act.at > at:
            continue
        for grant in sorted(rules.vetoes, key=_veto_key):
            if (
                grant.holder == act.body
                and in_force(grant.granted_at, grant.withdrawn_at, act.at)
                and in_force(grant.granted_at, grant.withdrawn_at, at)
                and _covers(grant.issuers, directive.issuer)
                and _covers(grant.domains, directive.domain)
            ):
                reasons.append(
                    f"vetoed by {act.body} at {act.at.isoformat()} under its veto over "
                    f"{directive.domain} directives of {directive.issuer} "
                    f"({_describe_window(grant.granted_at, grant.withdrawn_at)})"
                )
                break
    return reasons


def _countersignature_reasons(
    directive: DirectiveRecord, addressee: str, at: datetime, rules: AuthorityRules
) -> list[str]:
    """Rule text 4: every applicable rule's body must have countersigned by *at*."""
    reasons: list[str] = []
    signed_by = {act.body for act in directive.countersignatures if act.at <= at}
    required: dict[str, CountersignatureRule] = {}
    for rule in sorted(rules.countersignature, key=_countersignature_key):
        applies = (
            in_force(rule.applies_from, rule.until, at)
            and rule.body != directive.issuer
            and _covers(rule.issuers, directive.issuer)
            and _covers(rule.domains, directive.domain)
            and is_under(addressee, rule.body, rules.hierarchy, at)
        )
        if applies and rule.body not in signed_by:
            required.setdefault(rule.body, rule)
    for body, rule in sorted(required.items()):
        reasons.append(
            f"{addressee} is under {body}, whose countersignature is required "
            f"({_describe_window(rule.applies_from, rule.until)}); {body} has not countersigned"
        )
    return reasons


def directive_status(
    directive: DirectiveRecord, addressee: str, at: datetime, rules: AuthorityRules
) -> Standing:
    """The status of *directive* for *addressee* at *at* under *rules*.

    Raises :class:`ValueError` when *addressee* is not one of the directive's addressees or
    *at* is before the directive was issued (it has no status yet).
    """
    if addressee not in directive.addressees:
        raise ValueError(f"{addressee!r} is not an addressee of directive {directive.id!r}")
    if at < directive.issued_at:
        raise ValueError(
            f"directive {directive.id!r} was issued at {directive.issued_at.isoformat()}, "
            f"after {at.isoformat()}"
        )
    found: list[tuple[Status, str]] = []
    if not directive.authentic:
        found.append((Status.NOT_AUTHENTIC, "its signature did not verify"))
    found += [
        (Status.COUNTERMANDED, r) for r in _countermand_reasons(directive, addressee, at, rules)
    ]
    found += [(Status.VETOED, r) for r in _veto_reasons(directive, at, rules)]
    found += [
        (Status.AWAITING_COUNTERSIGNATURE, r)
        for r in _countersignature_reasons(directive, addressee, at, rules)
    ]
    if not found:
        return Standing(directive.id, addressee, at, Status.BINDING, "no rule withholds it")
    (status, reason), *rest = found
    return Standing(directive.id, addressee, at, status, reason, tuple(r for _, r in rest))


def directive_statuses(
    directive: DirectiveRecord, at: datetime, rules: AuthorityRules
) -> tuple[Standing, ...]:
    """The status of *directive* for each of its addressees at *at*, in addressee order."""
    return tuple(directive_status(directive, a, at, rules) for a in directive.addressees)


# Sort keys, so that the reasons reported do not depend on the order rules are listed in.


def _window_key(start: datetime | None, end: datetime | None) -> tuple[object, ...]:
    return (start is not None, start or 0, end is None, end or 0)


def _names(values: frozenset[str] | None) -> tuple[bool, tuple[str, ...]]:
    return (values is not None, tuple(sorted(values or ())))


def _precedence_key(rule: PrecedenceRule) -> tuple[object, ...]:
    return (
        rule.prevails,
        _window_key(rule.applies_from, rule.until),
        _names(rule.over),
        _names(rule.domains),
    )


def _countersignature_key(rule: CountersignatureRule) -> tuple[object, ...]:
    return (
        rule.body,
        _window_key(rule.applies_from, rule.until),
        _names(rule.issuers),
        _names(rule.domains),
    )


def _veto_key(grant: VetoGrant) -> tuple[object, ...]:
    return (
        grant.holder,
        _window_key(grant.granted_at, grant.withdrawn_at),
        _names(grant.issuers),
        _names(grant.domains),
    )
