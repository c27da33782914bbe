"""The organisation's pages show times in the organisation's time zone and dates in its
calendar (its settings).

The middleware looks at the URL's ``organisation_id`` (or its ``session_id``, through the
sitting's organ and council) before the view runs and activates that zone for the request,
and tells the date filters whether the organisation keeps dual dates
(:func:`smolny.web.templatetags.smolny_dates.use_dual_dates`); every other page keeps the
installation's zone (UTC). Dual dates before Russia's switch to New Style keep Petrograd's
clock whatever the zone.
"""

from __future__ import annotations

from contextlib import suppress
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.http import HttpRequest
from django.utils import timezone
from django.utils.deprecation import MiddlewareMixin

from smolny.councils.models import Organisation, Session
from smolny.web.templatetags.smolny_dates import use_dual_dates


def settings_of(kwargs: dict[str, Any]) -> tuple[str, str] | None:
    """The time zone and calendar settings of the organisation a page's URL names, if it
    names one."""
    organisation = _number(kwargs.get("organisation_id"))
    if organisation is not None:
        found = Organisation.objects.filter(pk=organisation)
        return found.values_list("time_zone", "calendar").first()
    session = _number(kwargs.get("session_id"))
    if session is not None:
        sitting = Session.objects.filter(pk=session)
        return sitting.values_list(
            "organ__council__organisation__time_zone", "organ__council__organisation__calendar"
        ).first()
    return None


def _number(value: Any) -> int | None:
    """An id from the URL, or None when it is absent or not a number (the view answers
    such a request itself, 404 or 422)."""
    try:
        number = int(value) if value is not None else None
    except (TypeError, ValueError):
        return None
    return number if number is not None and 0 < number < 2**63 else None


class OrganisationTimeZoneMiddleware(MiddlewareMixin):
    """Activate the time zone of the organisation whose page is asked for.

    Built on ``MiddlewareMixin`` so that the async event-stream view keeps running as such
    (a sync-only middleware would run each stream in a thread of its own)."""

    def process_request(self, request: HttpRequest) -> None:
        timezone.deactivate()
        use_dual_dates(True)

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: dict[str, Any]
    ) -> None:
        found = settings_of(kwargs)
        if found is None:
            return
        name, calendar = found
        use_dual_dates(calendar == Organisation.DUAL)
        if name and name != "UTC":
            # A zone this machine does not know leaves the installation's zone.
            with suppress(ZoneInfoNotFoundError, ValueError):
                timezone.activate(ZoneInfo(name))
