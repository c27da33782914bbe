"""The federation's admin (read-only, no private keys shown), and a property: the status the
database reports equals the pure rules' status for the same rules and acts, written by hand."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import User
from django.test import Client, RequestFactory
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smolny.federation import actions as fed
from smolny.federation.models import OrganKey
from smolny.federation.queries import directive_standings
from smolny.rules import authority as rules
from tests.integration.federation.conftest import SYS, d
from tests.integration.federation.test_directives_1917 import petrograd, ref


def test_every_federation_model_is_in_the_admin_and_read_only() -> None:
    request = RequestFactory().get("/")
    for model in apps.get_app_config("federation").get_models():
        assert model in admin.site._registry, model.__name__
        model_admin = admin.site._registry[model]
        assert not model_admin.has_add_permission(request)
        assert not model_admin.has_change_permission(request)
        assert not model_admin.has_delete_permission(request)


@pytest.mark.django_db
def test_admin_pages_open_and_hide_private_keys() -> None:
    w = petrograd()
    fed.issue_directive(SYS, w.staff, "Hold.", [w.pavlovsky], domain="military", at=d(10, 1))
    User.objects.create_superuser("admin", "admin@example.org", "pw")
    client = Client()
    client.login(username="admin", password="pw")
    for model in apps.get_app_config("federation").get_models():
        url = f"/admin/federation/{model._meta.model_name}/"
        assert client.get(url).status_code == 200, url
    key = OrganKey.objects.first()
    assert key is not None
    page = client.get(f"/admin/federation/organkey/{key.pk}/change/")
    assert page.status_code == 200
    assert b"private_sealed" not in page.content
    assert b"Private sealed" not in page.content


HOURS = st.integers(min_value=0, max_value=40)
MAYBE_HOURS = st.none() | HOURS
counter = itertools.count()


@pytest.mark.django_db
@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    rule_from=HOURS,
    grant=st.tuples(HOURS, MAYBE_HOURS),
    countersigned=MAYBE_HOURS,
    countermanded=MAYBE_HOURS,
    vetoed=MAYBE_HOURS,
    when=st.integers(min_value=0, max_value=48),
)
def test_database_status_equals_the_pure_rules(
    rule_from: int,
    grant: tuple[int, int | None],
    countersigned: int | None,
    countermanded: int | None,
    vetoed: int | None,
    when: int,
) -> None:
    """Hours count from 22 October 00:00; the directive is issued at hour 0. Acts the
    actions refuse (a veto outside the grant) are left out of both sides."""
    base = d(10, 22, 0)

    def hour(h: int) -> datetime:
        return base + timedelta(hours=h, minutes=1)

    w = petrograd(f"Petrograd 1917, run {next(counter)}")
    fed.set_authority_rule(SYS, "countersignature", w.mrc, at=hour(rule_from))
    fed.set_authority_rule(SYS, "precedence", w.soviet, others=[w.staff], at=base)
    granted_at, until = grant[0], None if grant[1] is None else grant[0] + grant[1] + 1
    veto_grant = fed.grant_veto(SYS, w.mrc, issuers=[w.staff], at=hour(granted_at))
    if until is not None:
        fed.withdraw_veto(SYS, veto_grant, at=hour(until))
    directive = fed.issue_directive(
        SYS, w.staff, "Hold the bridges.", [w.pavlovsky, w.junkers], domain="military", at=base
    )
    acts: dict[str, tuple[rules.Act, ...]] = {
        "countersignatures": (),
        "countermands": (),
        "vetoes": (),
    }
    if countersigned is not None:
        fed.countersign_directive(SYS, directive, w.mrc, at=hour(countersigned))
        acts["countersignatures"] = (rules.Act(ref(w.mrc), hour(countersigned)),)
    if countermanded is not None:
        fed.countermand_directive(SYS, directive, w.soviet, at=hour(countermanded))
        acts["countermands"] = (rules.Act(ref(w.soviet), hour(countermanded)),)
    if vetoed is not None and granted_at <= vetoed and (until is None or vetoed < until):
        fed.veto_directive(SYS, directive, w.mrc, at=hour(vetoed))
        acts["vetoes"] = (rules.Act(ref(w.mrc), hour(vetoed)),)
    # The same world, written by hand for the pure rules.
    units = (ref(w.pavlovsky), ref(w.junkers))
    by_hand = rules.AuthorityRules(
        hierarchy=(
            rules.Subordination(units[0], ref(w.soviet), d(3, 1)),
            rules.Subordination(units[0], ref(w.mrc), d(10, 12)),
            rules.Subordination(ref(w.volhynian), ref(w.soviet), d(3, 1)),
            rules.Subordination(ref(w.volhynian), ref(w.mrc), d(10, 12)),
        ),
        countersignature=(rules.CountersignatureRule(ref(w.mrc), hour(rule_from)),),
        precedence=(rules.PrecedenceRule(ref(w.soviet), base, over=frozenset({ref(w.staff)})),),
        vetoes=(
            rules.VetoGrant(
                ref(w.mrc),
                hour(granted_at),
                None if until is None else hour(until),
                issuers=frozenset({ref(w.staff)}),
            ),
        ),
    )
    record = rules.DirectiveRecord(str(directive.pk), ref(w.staff), base, "military", units, **acts)
    instant = base + timedelta(hours=when)
    expected = [s.status for s in rules.directive_statuses(record, instant, by_hand)]
    assert [s.status for s in directive_standings(directive, instant)] == expected
