"""The federation's rows of the permission matrix (:mod:`routes` adds them to ``CASES``).

Each federation step is built on the matrix's world through the actions, as the system, only
as far as the route needs: a congress with the Soviet as its member council, its convocation,
the delegates, the credentials step, the central executive; a commissariat; a unit, organ keys
and a directive. Every write of the federation needs a secretary of the organisation (the
actions' ``require_secretary``), so only ``admin`` may write; every caller may read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from smolny.councils import actions
from smolny.councils.models import Council, Mandate
from smolny.federation import actions as fed
from smolny.federation.models import (
    AuthorityRule,
    CentralExecutive,
    CommissarAppointment,
    Commissariat,
    Convocation,
    Directive,
    Subordination,
    Unit,
    VetoGrant,
)
from smolny.rules.majority import Tally
from tests.integration.api.conftest import MATRIX_ROLES, SYS, World
from tests.integration.councils.conftest import d

EVERYONE = frozenset(MATRIX_ROLES)
ADMIN = frozenset({"admin"})

Rule = tuple[frozenset[str], Callable[[World, str], tuple[str, Any]], int]


def congress(w: World, *, demand: bool = True) -> Council:
    """A congress of one member council, the Soviet (60 members, one delegate per 20), with
    the Soviet's demand for a convocation outstanding unless *demand* is false."""
    made = actions.create_council(
        SYS, w.frame.organisation, "Congress", kind=Council.CONGRESS, at=d(5, 1)
    )
    actions.set_representation_rule(SYS, made, per=20, minimum=1, at=d(5, 1))
    actions.create_constituency(
        SYS, made, "Petrograd Soviet", delegating_council=w.frame.council, at=d(5, 1)
    )
    if demand:
        fed.demand_convocation(SYS, made, w.frame.council, at=d(5, 2))
    return made


def convened(w: World) -> Convocation:
    return fed.convene_congress(SYS, congress(w), at=d(5, 3))


def delegates(w: World) -> tuple[Convocation, list[Mandate]]:
    """The Soviet sends its three deputies (60 // 20), seated with the Bolsheviks."""
    convocation = convened(w)
    delegation = convocation.congress.constituencies.get()
    bolsheviks = actions.create_fraction(SYS, convocation.congress, "Bolsheviks", at=d(5, 4))
    election = actions.open_election(SYS, delegation, at=d(5, 4))
    sent = [w.narva(0), w.narva(1), w.vyborg(0)]
    actions.record_election_result(SYS, election, sent, at=d(5, 4))
    seated = [actions.seat_deputy(SYS, election, m, fraction=bolsheviks, at=d(5, 4)) for m in sent]
    return convocation, seated


def credentialed(w: World) -> tuple[Convocation, list[Mandate]]:
    convocation, seated = delegates(w)
    fed.check_credentials(SYS, convocation, at=d(5, 5))
    return convocation, seated


def executive(w: World) -> CentralExecutive:
    convocation, seated = credentialed(w)
    return fed.elect_central_executive(
        SYS, convocation, "CEC", seats=1, nominees={"Bolsheviks": seated[:1]}, at=d(5, 6)
    )


def commissariat(w: World) -> Commissariat:
    """Answerable to the congress itself (no convocation needed)."""
    return fed.create_commissariat(
        SYS, "Council of People's Commissars", appointed_by=congress(w, demand=False), at=d(5, 7)
    )


def appointment(w: World) -> CommissarAppointment:
    _, made = fed.appoint_commissar(
        SYS, commissariat(w), w.narva(5), "Labour", tally=Tally(2, 1, seated=3), at=d(5, 8)
    )
    assert made is not None
    return made


def unit(w: World) -> Unit:
    return fed.create_unit(SYS, w.frame.organisation, "Volhynian Regiment", at=d(5, 1))


def directive(w: World) -> Directive:
    """The presidium (key rotated in) orders the regiment; the plenum has a key too."""
    fed.rotate_organ_key(SYS, w.presidium, at=d(5, 1))
    fed.rotate_organ_key(SYS, w.plenum, at=d(5, 1))
    return fed.issue_directive(
        SYS, w.presidium, "Elect company committees.", [unit(w)], domain="military", at=d(5, 2)
    )


def subordination(w: World) -> Subordination:
    return fed.place_under(SYS, unit(w), w.frame.council, at=d(5, 2))


def countersignature_rule(w: World) -> AuthorityRule:
    # an organ countersigns (a council cannot: refused, see attacks/test_smaller_findings.py)
    return fed.set_authority_rule(SYS, "countersignature", w.plenum, at=d(5, 2))


def veto_grant(w: World) -> VetoGrant:
    return fed.grant_veto(SYS, w.plenum, at=d(5, 1))


def vetoable(w: World) -> Directive:
    veto_grant(w)
    return directive(w)


C = "/api/congresses"
CV = "/api/convocations"
CM = "/api/commissariats"
AU = "/api/authority"
DR = "/api/directives"

FEDERATION: dict[tuple[str, str], Rule] = {
    ("get", C): (EVERYONE, lambda w, r: (congress(w), C, None)[1:], 200),
    ("get", C + "/{congress_id}"): (
        EVERYONE,
        lambda w, r: (f"{C}/{congress(w).pk}", None),
        200,
    ),
    ("post", C + "/{congress_id}/settings"): (
        ADMIN,
        lambda w, r: (f"{C}/{congress(w).pk}/settings", {"demand_share": "1/2"}),
        200,
    ),
    ("post", C + "/{congress_id}/demands"): (
        ADMIN,
        lambda w, r: (
            f"{C}/{congress(w, demand=False).pk}/demands",
            {"council": w.council_id, "decision": "resolution of 1 May"},
        ),
        201,
    ),
    ("post", C + "/{congress_id}/convocations"): (
        ADMIN,
        lambda w, r: (f"{C}/{congress(w).pk}/convocations", {}),
        201,
    ),
    ("get", C + "/{congress_id}/central-executive"): (
        EVERYONE,
        lambda w, r: (f"{C}/{executive(w).congress_id}/central-executive", None),
        200,
    ),
    ("get", CV + "/{convocation_id}"): (
        EVERYONE,
        lambda w, r: (f"{CV}/{convened(w).pk}", None),
        200,
    ),
    ("post", CV + "/{convocation_id}/credentials"): (
        ADMIN,
        lambda w, r: (f"{CV}/{delegates(w)[0].pk}/credentials", {}),
        201,
    ),
    ("post", CV + "/{convocation_id}/central-executive"): (
        ADMIN,
        lambda w, r: (
            (made := credentialed(w)),
            f"{CV}/{made[0].pk}/central-executive",
            {"name": "CEC", "seats": 1, "nominees": {"Bolsheviks": [made[1][0].pk]}},
        )[1:],
        201,
    ),
    ("get", CM): (EVERYONE, lambda w, r: (CM, None), 200),
    ("post", CM): (
        ADMIN,
        lambda w, r: (
            CM,
            {"name": "Sovnarkom", "appointed_by": f"council:{congress(w, demand=False).pk}"},
        ),
        201,
    ),
    ("get", CM + "/{commissariat_id}"): (
        EVERYONE,
        lambda w, r: (f"{CM}/{appointment(w).commissariat_id}", None),
        200,
    ),
    ("post", CM + "/{commissariat_id}/appointments"): (
        ADMIN,
        lambda w, r: (
            f"{CM}/{commissariat(w).pk}/appointments",
            {
                "member": w.narva(6).pk,
                "portfolio": "Food",
                "tally": {"votes_for": 2, "votes_against": 1, "seated": 3},
            },
        ),
        201,
    ),
    ("get", CM + "/appointments/{appointment_id}"): (
        EVERYONE,
        lambda w, r: (f"{CM}/appointments/{appointment(w).pk}", None),
        200,
    ),
    ("post", CM + "/appointments/{appointment_id}/removal"): (
        ADMIN,
        lambda w, r: (
            f"{CM}/appointments/{appointment(w).pk}/removal",
            {"tally": {"votes_for": 3, "votes_against": 0, "seated": 3}},
        ),
        201,
    ),
    ("get", AU + "/{organisation_id}"): (
        EVERYONE,
        lambda w, r: (directive(w), f"{AU}/{w.organisation_id}", None)[1:],
        200,
    ),
    ("post", AU + "/units"): (
        ADMIN,
        lambda w, r: (f"{AU}/units", {"organisation": w.organisation_id, "name": "Baltic Fleet"}),
        201,
    ),
    ("post", AU + "/subordinations"): (
        ADMIN,
        lambda w, r: (
            f"{AU}/subordinations",
            {"unit": f"unit:{unit(w).pk}", "body": f"council:{w.council_id}"},
        ),
        201,
    ),
    ("post", AU + "/subordinations/{subordination_id}/end"): (
        ADMIN,
        lambda w, r: (f"{AU}/subordinations/{subordination(w).pk}/end", {}),
        200,
    ),
    ("post", AU + "/rules"): (
        ADMIN,
        lambda w, r: (
            f"{AU}/rules",
            {"kind": "countersignature", "body": f"organ:{w.plenum.pk}"},
        ),
        201,
    ),
    ("post", AU + "/rules/{rule_id}/end"): (
        ADMIN,
        lambda w, r: (f"{AU}/rules/{countersignature_rule(w).pk}/end", {}),
        200,
    ),
    ("post", AU + "/veto-grants"): (
        ADMIN,
        lambda w, r: (
            f"{AU}/veto-grants",
            {"holder": f"organ:{w.plenum.pk}", "domains": ["military"]},
        ),
        201,
    ),
    ("post", AU + "/veto-grants/{grant_id}/withdraw"): (
        ADMIN,
        lambda w, r: (f"{AU}/veto-grants/{veto_grant(w).pk}/withdraw", {}),
        200,
    ),
    ("get", DR): (EVERYONE, lambda w, r: (directive(w), DR, None)[1:], 200),
    ("post", DR): (
        ADMIN,
        lambda w, r: (
            fed.rotate_organ_key(SYS, w.presidium, at=d(5, 1)),
            DR,
            {
                "issuer": w.presidium.pk,
                "text": "All arms under the control of the company committees.",
                "domain": "military",
                "addressees": [f"unit:{unit(w).pk}", f"council:{w.council_id}"],
            },
        )[1:],
        201,
    ),
    ("get", DR + "/{directive_id}"): (
        EVERYONE,
        lambda w, r: (f"{DR}/{directive(w).pk}", None),
        200,
    ),
    ("get", DR + "/{directive_id}/export"): (
        EVERYONE,
        lambda w, r: (f"{DR}/{directive(w).pk}/export", None),
        200,
    ),
    ("post", DR + "/{directive_id}/countersignatures"): (
        ADMIN,
        lambda w, r: (f"{DR}/{directive(w).pk}/countersignatures", {"organ": w.plenum.pk}),
        201,
    ),
    ("post", DR + "/{directive_id}/countermands"): (
        ADMIN,
        lambda w, r: (
            f"{DR}/{directive(w).pk}/countermands",
            {"body": f"organ:{w.presidium.pk}", "note": "withdrawn"},
        ),
        201,
    ),
    ("post", DR + "/{directive_id}/vetoes"): (
        ADMIN,
        lambda w, r: (f"{DR}/{vetoable(w).pk}/vetoes", {"holder": f"organ:{w.plenum.pk}"}),
        201,
    ),
    ("get", "/api/organs/{organ_id}/keys"): (
        EVERYONE,
        lambda w, r: (directive(w), f"/api/organs/{w.presidium.pk}/keys", None)[1:],
        200,
    ),
    ("post", "/api/organs/{organ_id}/keys"): (
        ADMIN,
        lambda w, r: (f"/api/organs/{w.presidium.pk}/keys", {}),
        201,
    ),
}
