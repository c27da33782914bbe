"""Names of bodies in the authority rules: ``"council:<id>"``, ``"organ:<id>"``, ``"unit:<id>"``.

The same namespace as :mod:`smolny.directives` (whose files name organs and addressees by
kind and id), so that a verified file and the database's acts meet in
:mod:`smolny.rules.authority` without translation.
"""

from __future__ import annotations

from django.utils.translation import gettext

from smolny.councils.models import Council, Organ, Organisation
from smolny.federation.models import Unit
from smolny.journal.actions import ActionError

Body = Council | Organ | Unit
KINDS: dict[str, type[Body]] = {"council": Council, "organ": Organ, "unit": Unit}


def body_ref(body: Body) -> str:
    """The rules' name of *body*."""
    if isinstance(body, Council):
        return f"council:{body.pk}"
    if isinstance(body, Organ):
        return f"organ:{body.pk}"
    return f"unit:{body.pk}"


def organisation_id(body: Body) -> int:
    """The organisation *body* belongs to."""
    if isinstance(body, Organ):
        return body.council.organisation_id
    return body.organisation_id


def resolve(ref: str, organisation: Organisation) -> Body:
    """The body *ref* names in *organisation*; :class:`ActionError` when there is none."""
    kind, _, number = ref.partition(":")
    model = KINDS.get(kind)
    if model is None or not number.isdigit():
        raise ActionError(
            gettext("%(ref)s names no body (use council:ID, organ:ID or unit:ID)")
            % {"ref": repr(ref)}
        )
    body = model._default_manager.filter(pk=int(number)).first()
    if body is None or organisation_id(body) != organisation.pk:
        raise ActionError(
            gettext("%(ref)s: no such %(kind)s in %(organisation)s")
            % {"ref": repr(ref), "kind": kind, "organisation": organisation.name}
        )
    return body
