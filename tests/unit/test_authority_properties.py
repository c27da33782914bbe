"""Properties of the authority rules over random small organisations (hypothesis)."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from smolny.rules.authority import (
    Act,
    AuthorityRules,
    CountersignatureRule,
    DirectiveRecord,
    PrecedenceRule,
    Standing,
    Status,
    Subordination,
    VetoGrant,
    directive_status,
    in_force,
)

BASE = datetime(1917, 10, 20, tzinfo=UTC)
BODIES = ("organ:a", "organ:b", "organ:c")
UNITS = ("unit:1", "unit:2", "unit:3")
DOMAINS = ("military", "political")

instants = st.integers(min_value=0, max_value=10).map(lambda h: BASE + timedelta(hours=h))
bodies = st.sampled_from(BODIES)
name_sets = st.none() | st.frozensets(bodies, max_size=3)
domain_sets = st.none() | st.frozensets(st.sampled_from(DOMAINS), max_size=2)


@st.composite
def windows(draw: st.DrawFn) -> tuple[datetime | None, datetime | None]:
    start = draw(st.none() | instants)
    length = draw(st.none() | st.integers(min_value=1, max_value=12))
    if length is None:
        return start, None
    return start, (start or BASE) + timedelta(hours=length)


@st.composite
def subordinations(draw: st.DrawFn) -> Subordination:
    start, end = draw(windows())
    unit = draw(st.sampled_from(UNITS + BODIES))
    return Subordination(unit, draw(bodies), start, end)


@st.composite
def countersignature_rules(draw: st.DrawFn) -> CountersignatureRule:
    start, end = draw(windows())
    return CountersignatureRule(draw(bodies), start, end, draw(name_sets), draw(domain_sets))


@st.composite
def precedence_rules(draw: st.DrawFn) -> PrecedenceRule:
    start, end = draw(windows())
    return PrecedenceRule(draw(bodies), start, end, draw(name_sets), draw(domain_sets))


@st.composite
def veto_grants(draw: st.DrawFn) -> VetoGrant:
    start = draw(instants)
    length = draw(st.none() | st.integers(min_value=1, max_value=12))
    end = None if length is None else start + timedelta(hours=length)
    return VetoGrant(draw(bodies), start, end, draw(name_sets), draw(domain_sets))


acts = st.builds(Act, bodies, instants)

rules_strategy = st.builds(
    AuthorityRules,
    hierarchy=st.lists(subordinations(), max_size=6).map(tuple),
    countersignature=st.lists(countersignature_rules(), max_size=3).map(tuple),
    precedence=st.lists(precedence_rules(), max_size=3).map(tuple),
    vetoes=st.lists(veto_grants(), max_size=3).map(tuple),
)


@st.composite
def directives(draw: st.DrawFn) -> DirectiveRecord:
    addressees = draw(st.lists(st.sampled_from(UNITS), min_size=1, max_size=3, unique=True))
    return DirectiveRecord(
        id="d",
        issuer=draw(bodies),
        issued_at=draw(instants),
        domain=draw(st.sampled_from(DOMAINS)),
        addressees=tuple(addressees),
        authentic=draw(st.integers(0, 5)) != 5,
        countersignatures=tuple(draw(st.lists(acts, max_size=3))),
        countermands=tuple(draw(st.lists(acts, max_size=2))),
        vetoes=tuple(draw(st.lists(acts, max_size=2))),
    )


@st.composite
def cases(draw: st.DrawFn) -> tuple[DirectiveRecord, str, datetime, AuthorityRules]:
    directive = draw(directives())
    addressee = draw(st.sampled_from(directive.addressees))
    offset = draw(st.integers(min_value=0, max_value=12))
    rules = draw(rules_strategy)
    if draw(st.booleans()):
        # Half the cases put the addressee under every body, so that the rules that depend on
        # the hierarchy apply often enough to be exercised.
        links = tuple(Subordination(addressee, body) for body in BODIES)
        rules = replace(rules, hierarchy=rules.hierarchy + links)
    return directive, addressee, directive.issued_at + timedelta(hours=offset), rules


def shuffled(rules: AuthorityRules, rng: random.Random) -> AuthorityRules:
    def mix(items: tuple[object, ...]) -> tuple[object, ...]:
        items_list = list(items)
        rng.shuffle(items_list)
        return tuple(items_list)

    return AuthorityRules(*(mix(getattr(rules, f)) for f in AuthorityRules.__dataclass_fields__))  # type: ignore[arg-type]


def outcome(standing: Standing) -> tuple[Status, str, tuple[str, ...]]:
    return standing.status, standing.reason, standing.also


SETTINGS = settings(max_examples=150, deadline=None)


@SETTINGS
@given(cases(), st.randoms(use_true_random=False))
def test_order_of_rules_and_acts_does_not_matter(
    case: tuple[DirectiveRecord, str, datetime, AuthorityRules], rng: random.Random
) -> None:
    directive, addressee, when, rules = case
    expected = outcome(directive_status(directive, addressee, when, rules))
    mixed = replace(
        directive,
        countersignatures=tuple(
            rng.sample(directive.countersignatures, len(directive.countersignatures))
        ),
        countermands=tuple(rng.sample(directive.countermands, len(directive.countermands))),
        vetoes=tuple(rng.sample(directive.vetoes, len(directive.vetoes))),
    )
    assert outcome(directive_status(mixed, addressee, when, shuffled(rules, rng))) == expected


@SETTINGS
@given(cases(), acts)
def test_a_countersignature_never_makes_a_directive_less_binding(
    case: tuple[DirectiveRecord, str, datetime, AuthorityRules], act: Act
) -> None:
    directive, addressee, when, rules = case
    before = directive_status(directive, addressee, when, rules).status
    signed = replace(directive, countersignatures=(*directive.countersignatures, act))
    after = directive_status(signed, addressee, when, rules).status
    assert after.rank >= before.rank
    if before is not Status.AWAITING_COUNTERSIGNATURE:
        assert after is before


@SETTINGS
@given(cases(), acts, st.booleans())
def test_a_countermand_or_veto_never_makes_a_directive_more_binding(
    case: tuple[DirectiveRecord, str, datetime, AuthorityRules], act: Act, veto: bool
) -> None:
    directive, addressee, when, rules = case
    before = directive_status(directive, addressee, when, rules).status
    if veto:
        changed = replace(directive, vetoes=(*directive.vetoes, act))
    else:
        changed = replace(directive, countermands=(*directive.countermands, act))
    assert directive_status(changed, addressee, when, rules).status.rank <= before.rank


@SETTINGS
@given(cases())
def test_acts_after_the_instant_and_rules_out_of_force_are_irrelevant(
    case: tuple[DirectiveRecord, str, datetime, AuthorityRules],
) -> None:
    directive, addressee, when, rules = case
    expected = directive_status(directive, addressee, when, rules).status

    def past(items: tuple[Act, ...]) -> tuple[Act, ...]:
        return tuple(a for a in items if a.at <= when)

    trimmed_directive = replace(
        directive,
        countersignatures=past(directive.countersignatures),
        countermands=past(directive.countermands),
        vetoes=past(directive.vetoes),
    )
    trimmed_rules = AuthorityRules(
        hierarchy=tuple(h for h in rules.hierarchy if in_force(h.applies_from, h.until, when)),
        countersignature=tuple(
            r for r in rules.countersignature if in_force(r.applies_from, r.until, when)
        ),
        precedence=tuple(r for r in rules.precedence if in_force(r.applies_from, r.until, when)),
        vetoes=tuple(g for g in rules.vetoes if in_force(g.granted_at, g.withdrawn_at, when)),
    )
    assert directive_status(trimmed_directive, addressee, when, trimmed_rules).status is expected


@SETTINGS
@given(cases())
def test_status_matches_an_independent_reading_of_the_rules(
    case: tuple[DirectiveRecord, str, datetime, AuthorityRules],
) -> None:
    """A second, deliberately naive reading of the rule texts, with its own hierarchy walk."""
    directive, addressee, when, rules = case

    def under(unit: str, body: str) -> bool:
        reached, changed = {unit}, True
        while changed:
            changed = False
            for link in rules.hierarchy:
                live = in_force(link.applies_from, link.until, when)
                if live and link.unit in reached and link.body not in reached:
                    reached.add(link.body)
                    changed = True
        return body in reached - {unit}  # addressees are units, never bodies

    def covers(allowed: frozenset[str] | None, value: str) -> bool:
        return allowed is None or value in allowed

    countermanded = any(
        act.at <= when
        and (
            act.body == directive.issuer
            or any(
                rule.prevails == act.body
                and in_force(rule.applies_from, rule.until, when)
                and covers(rule.over, directive.issuer)
                and covers(rule.domains, directive.domain)
                and under(addressee, rule.prevails)
                for rule in rules.precedence
            )
        )
        for act in directive.countermands
    )
    vetoed = any(
        act.at <= when
        and any(
            grant.holder == act.body
            and in_force(grant.granted_at, grant.withdrawn_at, act.at)
            and in_force(grant.granted_at, grant.withdrawn_at, when)
            and covers(grant.issuers, directive.issuer)
            and covers(grant.domains, directive.domain)
            for grant in rules.vetoes
        )
        for act in directive.vetoes
    )
    signed = {act.body for act in directive.countersignatures if act.at <= when}
    awaiting = any(
        in_force(rule.applies_from, rule.until, when)
        and rule.body != directive.issuer
        and covers(rule.issuers, directive.issuer)
        and covers(rule.domains, directive.domain)
        and under(addressee, rule.body)
        and rule.body not in signed
        for rule in rules.countersignature
    )
    if not directive.authentic:
        expected = Status.NOT_AUTHENTIC
    elif countermanded:
        expected = Status.COUNTERMANDED
    elif vetoed:
        expected = Status.VETOED
    elif awaiting:
        expected = Status.AWAITING_COUNTERSIGNATURE
    else:
        expected = Status.BINDING
    assert directive_status(directive, addressee, when, rules).status is expected
