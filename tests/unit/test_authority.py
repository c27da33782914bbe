"""Authority rules re-enacting 1917 (history/petrograd-1917.md, "Orders and authority").

Dates are the Julian dates of the history file, used as plain instants: the rules only compare
them, so the calendar does not matter here. Times of day the sources do not give are chosen
inside the day the sources give.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from smolny.rules.authority import (
    Act,
    AuthorityRules,
    CountersignatureRule,
    DirectiveRecord,
    PrecedenceRule,
    Status,
    Subordination,
    VetoGrant,
    directive_status,
    directive_statuses,
    in_force,
    is_under,
)

PETROGRAD = timezone(timedelta(hours=3))
TICK = timedelta(microseconds=1)

SOVIET = "council:petrograd-soviet"
MILITARY_COMMISSION = "organ:duma-military-commission"
MRC = "organ:military-revolutionary-committee"
STAFF = "organ:petrograd-military-district-staff"
VOLHYNIAN = "unit:volhynian-regiment"
PAVLOVSKY = "unit:pavlovsky-regiment"
CADETS = "unit:junker-school"  # not under the Soviet or the MRC


def at(month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(1917, month, day, hour, minute, tzinfo=PETROGRAD)


def status(
    directive: DirectiveRecord, addressee: str, when: datetime, rules: AuthorityRules
) -> Status:
    return directive_status(directive, addressee, when, rules).status


# ---------------------------------------------------------------------------------------------
# Order No. 1 (1 March) and Order No. 2 (5 March): precedence of the Soviet
# ---------------------------------------------------------------------------------------------

GARRISON = (
    Subordination(VOLHYNIAN, SOVIET, applies_from=at(3, 1)),
    Subordination(PAVLOVSKY, SOVIET, applies_from=at(3, 1)),
)
ORDER_NO_1 = PrecedenceRule(
    prevails=SOVIET, applies_from=at(3, 1), over=frozenset({MILITARY_COMMISSION})
)


def commission_directive(domain: str = "political", **acts: tuple[Act, ...]) -> DirectiveRecord:
    return DirectiveRecord(
        id="mc-2-march",
        issuer=MILITARY_COMMISSION,
        issued_at=at(3, 2, 10),
        domain=domain,
        addressees=(VOLHYNIAN, CADETS),
        **acts,  # type: ignore[arg-type]
    )


def test_order_no_1_commission_directive_countermanded_by_the_soviet_does_not_bind() -> None:
    rules = AuthorityRules(hierarchy=GARRISON, precedence=(ORDER_NO_1,))
    directive = commission_directive(countermands=(Act(SOVIET, at(3, 2, 18)),))
    assert status(directive, VOLHYNIAN, at(3, 2, 12), rules) is Status.BINDING
    standing = directive_status(directive, VOLHYNIAN, at(3, 3), rules)
    assert standing.status is Status.COUNTERMANDED
    assert SOVIET in standing.reason
    assert "prevails" in standing.reason
    # A unit not under the Soviet is not covered by Order No. 1.
    assert status(directive, CADETS, at(3, 3), rules) is Status.BINDING
    # The countermand takes effect at its own instant, not before.
    assert status(directive, VOLHYNIAN, at(3, 2, 18) - TICK, rules) is Status.BINDING
    assert status(directive, VOLHYNIAN, at(3, 2, 18), rules) is Status.COUNTERMANDED


def test_a_countermand_without_a_precedence_rule_has_no_effect() -> None:
    directive = commission_directive(countermands=(Act(SOVIET, at(3, 2, 18)),))
    assert status(directive, VOLHYNIAN, at(3, 3), AuthorityRules(hierarchy=GARRISON)) is (
        Status.BINDING
    )
    # A body the rule does not name cannot countermand either.
    stranger = commission_directive(countermands=(Act("organ:duma-committee", at(3, 2, 18)),))
    rules = AuthorityRules(hierarchy=GARRISON, precedence=(ORDER_NO_1,))
    assert status(stranger, VOLHYNIAN, at(3, 3), rules) is Status.BINDING


def test_order_no_2_narrows_the_soviets_precedence_to_political_matters_from_5_march() -> None:
    rules = AuthorityRules(
        hierarchy=GARRISON,
        precedence=(
            PrecedenceRule(SOVIET, at(3, 1), at(3, 5), over=frozenset({MILITARY_COMMISSION})),
            PrecedenceRule(
                SOVIET,
                at(3, 5),
                over=frozenset({MILITARY_COMMISSION}),
                domains=frozenset({"political"}),
            ),
        ),
    )
    military = commission_directive("military", countermands=(Act(SOVIET, at(3, 3)),))
    political = commission_directive("political", countermands=(Act(SOVIET, at(3, 3)),))
    assert status(military, VOLHYNIAN, at(3, 4), rules) is Status.COUNTERMANDED
    assert status(military, VOLHYNIAN, at(3, 5) - TICK, rules) is Status.COUNTERMANDED
    assert status(military, VOLHYNIAN, at(3, 5), rules) is Status.BINDING
    assert status(political, VOLHYNIAN, at(3, 6), rules) is Status.COUNTERMANDED


def test_hierarchy_is_transitive_and_dated() -> None:
    company = "unit:volhynian-4th-company"
    hierarchy = (
        Subordination(company, VOLHYNIAN, applies_from=at(3, 1), until=at(3, 10)),
        *GARRISON,
    )
    assert is_under(company, SOVIET, hierarchy, at(3, 2))
    assert not is_under(company, SOVIET, hierarchy, at(3, 10))
    assert not is_under(SOVIET, company, hierarchy, at(3, 2))
    cyclic = (Subordination("unit:a", "unit:b"), Subordination("unit:b", "unit:a"))
    assert not is_under("unit:a", SOVIET, cyclic, at(3, 2))
    directive = DirectiveRecord(
        "mc",
        MILITARY_COMMISSION,
        at(3, 2),
        "political",
        (company,),
        countermands=(Act(SOVIET, at(3, 3)),),
    )
    rules = AuthorityRules(hierarchy=hierarchy, precedence=(ORDER_NO_1,))
    assert status(directive, company, at(3, 4), rules) is Status.COUNTERMANDED
    assert status(directive, company, at(3, 11), rules) is Status.BINDING


def test_an_issuer_may_always_withdraw_its_own_directive() -> None:
    directive = commission_directive(countermands=(Act(MILITARY_COMMISSION, at(3, 4)),))
    standing = directive_status(directive, CADETS, at(3, 4), AuthorityRules())
    assert standing.status is Status.COUNTERMANDED
    assert "withdrawn by its issuer" in standing.reason


# ---------------------------------------------------------------------------------------------
# The MRC, 21–22 October: orders not signed by it are invalid
# ---------------------------------------------------------------------------------------------

MRC_UNITS = (
    Subordination(VOLHYNIAN, MRC, applies_from=at(10, 12)),
    Subordination(PAVLOVSKY, MRC, applies_from=at(10, 12)),
)
MRC_COUNTERSIGNATURE = CountersignatureRule(body=MRC, applies_from=at(10, 22))


def staff_directive(issued: datetime, **acts: tuple[Act, ...]) -> DirectiveRecord:
    return DirectiveRecord(
        id=f"staff-{issued:%d-%H%M}",
        issuer=STAFF,
        issued_at=issued,
        domain="military",
        addressees=(PAVLOVSKY, CADETS),
        **acts,  # type: ignore[arg-type]
    )


def test_staff_directive_without_mrc_countersignature_binds_before_22_october_only() -> None:
    rules = AuthorityRules(hierarchy=MRC_UNITS, countersignature=(MRC_COUNTERSIGNATURE,))
    directive = staff_directive(at(10, 20, 9))
    assert status(directive, PAVLOVSKY, at(10, 21, 12), rules) is Status.BINDING
    assert status(directive, PAVLOVSKY, at(10, 22) - TICK, rules) is Status.BINDING
    standing = directive_status(directive, PAVLOVSKY, at(10, 22), rules)
    assert standing.status is Status.AWAITING_COUNTERSIGNATURE
    assert MRC in standing.reason
    assert status(directive, PAVLOVSKY, at(10, 24), rules) is Status.AWAITING_COUNTERSIGNATURE
    # The junker school is not under the MRC: the rule does not reach it.
    assert status(directive, CADETS, at(10, 24), rules) is Status.BINDING
    # A directive issued after the rule, likewise.
    later = staff_directive(at(10, 23, 9))
    assert status(later, PAVLOVSKY, at(10, 23, 9), rules) is Status.AWAITING_COUNTERSIGNATURE


def test_mrc_countersignature_makes_the_directive_binding_from_its_instant() -> None:
    rules = AuthorityRules(hierarchy=MRC_UNITS, countersignature=(MRC_COUNTERSIGNATURE,))
    directive = staff_directive(at(10, 22, 9), countersignatures=(Act(MRC, at(10, 22, 14)),))
    assert status(directive, PAVLOVSKY, at(10, 22, 14) - TICK, rules) is (
        Status.AWAITING_COUNTERSIGNATURE
    )
    assert status(directive, PAVLOVSKY, at(10, 22, 14), rules) is Status.BINDING
    # Another body's countersignature does not stand in for the MRC's.
    other = staff_directive(at(10, 22, 9), countersignatures=(Act(SOVIET, at(10, 22, 10)),))
    assert status(other, PAVLOVSKY, at(10, 23), rules) is Status.AWAITING_COUNTERSIGNATURE


def test_the_mrcs_own_directives_need_no_countersignature_and_rule_can_be_limited() -> None:
    own = DirectiveRecord("mrc-1", MRC, at(10, 22, 9), "military", (PAVLOVSKY,))
    rules = AuthorityRules(hierarchy=MRC_UNITS, countersignature=(MRC_COUNTERSIGNATURE,))
    assert status(own, PAVLOVSKY, at(10, 23), rules) is Status.BINDING
    limited = AuthorityRules(
        hierarchy=MRC_UNITS,
        countersignature=(
            CountersignatureRule(
                MRC, at(10, 22), issuers=frozenset({STAFF}), domains=frozenset({"supply"})
            ),
        ),
    )
    assert status(staff_directive(at(10, 22, 9)), PAVLOVSKY, at(10, 23), limited) is Status.BINDING


# ---------------------------------------------------------------------------------------------
# The MRC's veto, decreed on 23 October and withdrawn late that night
# ---------------------------------------------------------------------------------------------

VETO_DECREED = at(10, 23, 14)
VETO_WITHDRAWN = at(10, 23, 23, 30)
MRC_VETO = VetoGrant(
    holder=MRC,
    granted_at=VETO_DECREED,
    withdrawn_at=VETO_WITHDRAWN,
    domains=frozenset({"military"}),
)


def test_veto_changes_the_status_exactly_for_the_window() -> None:
    rules = AuthorityRules(vetoes=(MRC_VETO,))
    issued = at(10, 23, 18)
    directive = staff_directive(issued, vetoes=(Act(MRC, issued),))
    standing = directive_status(directive, PAVLOVSKY, issued, rules)
    assert standing.status is Status.VETOED
    assert MRC in standing.reason
    assert status(directive, PAVLOVSKY, VETO_WITHDRAWN - TICK, rules) is Status.VETOED
    assert status(directive, PAVLOVSKY, VETO_WITHDRAWN, rules) is Status.BINDING
    assert status(directive, PAVLOVSKY, at(10, 24), rules) is Status.BINDING
    # The veto covers every addressee, whatever the hierarchy.
    assert status(directive, CADETS, issued, rules) is Status.VETOED


def test_veto_window_for_a_directive_issued_before_the_decree() -> None:
    rules = AuthorityRules(vetoes=(MRC_VETO,))
    directive = staff_directive(
        at(10, 23, 9),
        vetoes=(Act(MRC, at(10, 23, 10)), Act(MRC, VETO_DECREED)),
    )
    assert status(directive, PAVLOVSKY, VETO_DECREED - TICK, rules) is Status.BINDING
    assert status(directive, PAVLOVSKY, VETO_DECREED, rules) is Status.VETOED
    assert status(directive, PAVLOVSKY, VETO_WITHDRAWN - TICK, rules) is Status.VETOED
    assert status(directive, PAVLOVSKY, VETO_WITHDRAWN, rules) is Status.BINDING
    # A veto cast before the grant is of no effect, even inside the window.
    early_only = staff_directive(at(10, 23, 9), vetoes=(Act(MRC, at(10, 23, 10)),))
    assert status(early_only, PAVLOVSKY, at(10, 23, 20), rules) is Status.BINDING


def test_veto_does_not_reach_outside_its_class() -> None:
    rules = AuthorityRules(vetoes=(MRC_VETO,))
    issued = at(10, 23, 18)
    political = DirectiveRecord(
        "staff-political", STAFF, issued, "political", (PAVLOVSKY,), vetoes=(Act(MRC, issued),)
    )
    assert status(political, PAVLOVSKY, issued, rules) is Status.BINDING
    by_another = staff_directive(issued, vetoes=(Act(SOVIET, issued),))
    assert status(by_another, PAVLOVSKY, issued, rules) is Status.BINDING
    narrow = AuthorityRules(vetoes=(VetoGrant(MRC, VETO_DECREED, issuers=frozenset({SOVIET})),))
    assert status(
        staff_directive(issued, vetoes=(Act(MRC, issued),)), PAVLOVSKY, issued, narrow
    ) is (Status.BINDING)


# ---------------------------------------------------------------------------------------------
# Precedence among reasons, authenticity, bad calls
# ---------------------------------------------------------------------------------------------


def test_reasons_are_ranked_and_the_rest_reported() -> None:
    rules = AuthorityRules(
        hierarchy=(*MRC_UNITS, *GARRISON),
        countersignature=(MRC_COUNTERSIGNATURE,),
        precedence=(PrecedenceRule(SOVIET, at(10, 1), over=frozenset({STAFF})),),
        vetoes=(MRC_VETO,),
    )
    issued = at(10, 23, 18)
    vetoed = staff_directive(issued, vetoes=(Act(MRC, issued),))
    standing = directive_status(vetoed, PAVLOVSKY, issued, rules)
    assert standing.status is Status.VETOED
    assert len(standing.also) == 1
    assert "countersignature" in standing.also[0]
    both = staff_directive(issued, vetoes=(Act(MRC, issued),), countermands=(Act(SOVIET, issued),))
    standing = directive_status(both, PAVLOVSKY, issued, rules)
    assert standing.status is Status.COUNTERMANDED
    assert len(standing.also) == 2
    forged = DirectiveRecord(
        "forged",
        STAFF,
        issued,
        "military",
        (PAVLOVSKY,),
        authentic=False,
        countersignatures=(Act(MRC, issued),),
    )
    standing = directive_status(forged, PAVLOVSKY, issued, rules)
    assert standing.status is Status.NOT_AUTHENTIC
    assert standing.also == ()


def test_status_ranks_follow_the_precedence() -> None:
    assert [s.rank for s in Status] == [0, 1, 2, 3, 4]
    assert Status.BINDING.rank > Status.AWAITING_COUNTERSIGNATURE.rank > Status.VETOED.rank


def test_statuses_for_every_addressee() -> None:
    rules = AuthorityRules(hierarchy=MRC_UNITS, countersignature=(MRC_COUNTERSIGNATURE,))
    directive = staff_directive(at(10, 24))
    standings = directive_statuses(directive, at(10, 24), rules)
    assert [(s.addressee, s.status) for s in standings] == [
        (PAVLOVSKY, Status.AWAITING_COUNTERSIGNATURE),
        (CADETS, Status.BINDING),
    ]


def test_bad_calls_are_refused() -> None:
    directive = staff_directive(at(10, 24))
    with pytest.raises(ValueError, match="not an addressee"):
        directive_status(directive, VOLHYNIAN, at(10, 25), AuthorityRules())
    with pytest.raises(ValueError, match="issued"):
        directive_status(directive, PAVLOVSKY, at(10, 23), AuthorityRules())


def test_windows_are_half_open() -> None:
    assert in_force(at(10, 1), at(10, 2), at(10, 1))
    assert not in_force(at(10, 1), at(10, 2), at(10, 2))
    assert in_force(None, None, at(10, 2))
    assert not in_force(at(10, 3), None, at(10, 2))
