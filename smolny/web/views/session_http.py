"""What the three session pages share over HTTP: sign-in, the process header, refusals.

* Every page and fragment answers with ``X-Smolny-Process`` (the worker's pid): with several
  worker processes, the browser tests use it to prove that the chair and the projector were
  served by different processes and the live events crossed between them.
* A refused action (:class:`~smolny.councils.actions.ActionError`) is shown to the person as
  the action's own words, with a 4xx status and nothing written (the action's transaction
  rolled back): 403 when they may not, 409 when the sitting's state forbids it, 400 for a
  malformed form.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from smolny.councils.actions import ActionError
from smolny.web.access import reader_page

View = Callable[..., HttpResponse]


class BadForm(ActionError):
    """A form field is missing or malformed (before any action ran)."""

    http_status = 400


def status_of(error: ActionError) -> int:
    """The HTTP status a refusal gets: the one its kind carries (the API's too)."""
    return error.http_status


def session_page(view: View) -> View:
    """Sign-in required (a redirect to the sign-in page), and the process header."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            response: HttpResponse = redirect_to_login(request.get_full_path())
        else:
            response = view(request, *args, **kwargs)
        response["X-Smolny-Process"] = str(os.getpid())
        return response

    return wrapped


def watched_page(view: View) -> View:
    """A page that only shows the sitting (the projector): readable as the records are
    (:func:`smolny.web.access.reader_page`), with the process header."""
    readable = reader_page(view)

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = readable(request, *args, **kwargs)
        response["X-Smolny-Process"] = str(os.getpid())
        return response

    return wrapped


def form_int(request: HttpRequest, name: str) -> int:
    """A whole-number form field, or :class:`BadForm` naming it."""
    raw = request.POST.get(name, "").strip()
    if not raw.isdigit() or len(raw) > 12:
        raise BadForm(_("%(field)s: a whole number is needed") % {"field": name})
    return int(raw)


def form_text(request: HttpRequest, name: str, *, required: bool = True, limit: int = 2000) -> str:
    raw = request.POST.get(name, "").strip()
    if required and not raw:
        raise BadForm(_("%(field)s: this field is needed") % {"field": name})
    if len(raw) > limit:
        raise BadForm(
            _("%(field)s: at most %(limit)d characters") % {"field": name, "limit": limit}
        )
    return raw
