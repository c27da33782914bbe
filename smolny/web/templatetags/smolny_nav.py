"""What an organisation's navigation shows: only the sections it has.

A union that holds no congress, issues no directives and has convened no sitting yet sees no
Congresses, Directives or Timeline link (each would open an empty page); a secretary also
sees the settings and the invitations. Three cheap existence queries per page.
"""

from __future__ import annotations

from typing import Any

from django import template

from smolny.councils.models import Council, Organisation, Session
from smolny.federation.models import Directive
from smolny.web.access import is_secretary

register = template.Library()


@register.simple_tag(takes_context=True)
def organisation_sections(context: template.Context, organisation: Organisation) -> dict[str, bool]:
    """The sections of *organisation* worth a link, for the signed-in user of the page."""
    request: Any = context.get("request")
    user = getattr(request, "user", None)
    congresses = Council.objects.filter(organisation=organisation, kind=Council.CONGRESS).exists()
    directives = Directive.objects.filter(organisation=organisation).exists()
    sittings = Session.objects.filter(organ__council__organisation=organisation).exists()
    return {
        "congresses": congresses,
        "directives": directives,
        "timeline": congresses or directives or sittings,
        "secretary": user is not None and is_secretary(user, organisation),
    }
