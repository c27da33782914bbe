"""Schemathesis against the API's own OpenAPI schema, in process, as every role.

Every operation the schema lists at run time (the routes are read from ``/api/openapi.json``
when the test runs, so routes added later are covered without editing this file) gets
requests generated from its schema, valid and invalid, sent through Django's WSGI
application as each role of :mod:`tests.integration.api.conftest` (admin = secretary, chair,
deputy, member, observer) and as nobody. Two checks apply to every answer: it is not a
server error (5xx), and its body conforms to the schema declared for its status.

Path parameters are drawn half the time from the ids that exist in the world (councils,
sessions, the open vote, ...), so that requests reach the code behind the lookups. Each
request runs in a savepoint that is rolled back, so every request meets the same world.
Examples are derived from the test's name (``derandomize``): a run is reproducible, and
bounded (``EXAMPLES`` per operation and role) to stay within a few minutes on two cores.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import schemathesis
from django.apps import apps
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.integration.api import routes
from tests.integration.api.conftest import ROLES, World

EXAMPLES = int(os.environ.get("SMOLNY_SCHEMATHESIS_EXAMPLES", "5"))
"""Examples per operation and role (valid and invalid requests together): a few in the suite;
hunt with more (``SMOLNY_SCHEMATHESIS_EXAMPLES=50``) and keep what is found as a test."""

ID_MODELS = {
    "organisation_id": ["councils.Organisation"],
    "council_id": ["councils.Council"],
    "constituency_id": ["councils.Constituency"],
    "member_id": ["councils.Member"],
    "mandate_id": ["councils.Mandate"],
    "election_id": ["councils.Election"],
    "fraction_id": ["councils.Fraction"],
    "organ_id": ["councils.Organ"],
    "session_id": ["councils.Session"],
    "item_id": ["councils.AgendaItem"],
    "vote_id": ["councils.Vote", "councils.RecallVote"],
    "petition_id": ["councils.RecallPetition"],
    "reformation_id": ["councils.PresidiumReformation"],
    "token_id": ["api.ApiToken"],
    "congress_id": ["councils.Council"],
    "convocation_id": ["federation.Convocation"],
    "commissariat_id": ["federation.Commissariat"],
    "appointment_id": ["federation.CommissarAppointment"],
    "subordination_id": ["federation.Subordination"],
    "rule_id": ["federation.AuthorityRule"],
    "grant_id": ["federation.VetoGrant"],
    "directive_id": ["federation.Directive"],
}


def existing_ids() -> dict[str, list[int]]:
    """For each path parameter, the ids of the rows it may name (empty when none exist)."""
    pool: dict[str, list[int]] = {"number": [1, 2, 3]}
    for name, labels in ID_MODELS.items():
        ids: list[int] = []
        for label in labels:
            try:
                model = apps.get_model(label)
            except LookupError:
                continue
            ids += list(model._default_manager.order_by("pk").values_list("pk", flat=True))
        pool[name] = sorted(set(ids))
    return pool


@contextmanager
def in_test_transaction() -> Iterator[None]:
    """Requests through the WSGI handler on this thread's connection, inside a savepoint
    rolled back afterwards; Django's handler would otherwise close the connection (and the
    test's transaction) at the end of each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def call_rolled_back(case: Any, headers: dict[str, str]) -> int:
    """Send *case*, check the answer; return its status. Nothing the request wrote stays."""
    with transaction.atomic():
        try:
            response = case.call_and_validate(
                headers=headers, checks=[not_a_server_error, response_schema_conformance]
            )
        finally:
            transaction.set_rollback(True)
    return int(response.status_code)


def operations(schema: Any) -> list[Any]:
    found = []
    for result in schema.get_all_operations():
        found.append(result.ok())  # a route whose schema cannot be read fails here
    return found


def fuzz_operation(
    operation: Any, headers: dict[str, str], pool: dict[str, list[int]], seen: Counter[int]
) -> None:
    names = [p.name for p in operation.path_parameters]
    real = {n: st.sampled_from(pool[n]) for n in names if pool.get(n)}
    cases = st.one_of(
        operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
        operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
    )

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=(Phase.explicit, Phase.generate),
        suppress_health_check=list(HealthCheck),
    )
    @given(case=cases, use_real=st.booleans(), data=st.data())
    def run(case: Any, use_real: bool, data: st.DataObject) -> None:
        if use_real and real and case.path_parameters is not None:
            for name, ids in real.items():
                case.path_parameters[name] = data.draw(ids, label=name)
        seen[call_rolled_back(case, headers)] += 1

    run()


@pytest.mark.django_db
@pytest.mark.parametrize("role", [*ROLES, None], ids=[*ROLES, "anonymous"])
def test_no_server_error_and_every_answer_as_the_schema_says(
    world: World, role: str | None
) -> None:
    routes.open_vote(world)  # a roll call open on the sitting's item
    routes.recall_vote(world)  # the petition against the chair at its threshold
    pool = existing_ids()
    headers = {"Authorization": f"Bearer {world.keys[role]}"} if role else {}
    failures = []
    seen: Counter[int] = Counter()
    with in_test_transaction():
        schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())
        found = operations(schema)
        assert len(found) > 50
        for operation in found:
            try:
                fuzz_operation(operation, headers, pool, seen)
            except Exception as error:  # every operation is tried; all failures are shown
                failures.append(f"{operation.label} as {role or 'anonymous'}:\n{error}")
    assert not failures, f"{len(failures)} operation(s) failed:\n\n" + "\n\n".join(failures)
    print(f"{role or 'anonymous'}: {sum(seen.values())} requests, statuses {sorted(seen.items())}")
    assert sum(seen.values()) >= len(found)
    assert any(200 <= status < 300 for status in seen), "no request got through"
    assert any(400 <= status < 500 for status in seen), "no request was refused"
