"""How a refusal becomes an HTTP answer.

The actions say *why* they refuse, and each kind of refusal carries its status
(:attr:`smolny.journal.actions.ActionError.http_status`: the actor may not, 403; the change
breaks a rule of the council system, 409; the request itself is wrong, 422). This module
adds the statuses of what is not an action's refusal: a field at fault (422, naming it), or
a name of something that does not exist (404). Bad input never reaches a 5xx: database
refusals that slip past the checks are reported as conflicts, and the transaction they
happened in has been rolled back.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db import DataError, IntegrityError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext
from ninja import NinjaAPI

from smolny.accounts.throttle import Throttled
from smolny.councils.actions import ActionError, RollImportError


class NotFound(Exception):
    """A path or body names an object that does not exist."""

    def __init__(self, what: str, key: object) -> None:
        self.what = what
        self.key = key
        super().__init__(f"no {what} {key}")


class BadRequestField(Exception):
    """The request is well-formed JSON but one field cannot be used (the message says why)."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(f"{field}: {message}")


def install(api: NinjaAPI) -> None:
    """Register the handlers on *api*."""

    def answer(request: HttpRequest, status: int, detail: str, **extra: Any) -> HttpResponse:
        return api.create_response(request, {"detail": detail, **extra}, status=status)

    def refused(request: HttpRequest, exc: Any) -> HttpResponse:
        return answer(request, exc.http_status, str(exc))

    def roll(request: HttpRequest, exc: Any) -> HttpResponse:
        errors = [{"line": e.line, "field": e.field, "message": e.message} for e in exc.errors]
        return answer(request, exc.http_status, str(exc).splitlines()[0], errors=errors[:1000])

    def field(request: HttpRequest, exc: Any) -> HttpResponse:
        return answer(request, 422, str(exc), field=exc.field)

    def missing(request: HttpRequest, exc: Any) -> HttpResponse:
        return answer(request, 404, str(exc))

    def missing_object(request: HttpRequest, exc: Any) -> HttpResponse:
        return answer(request, 404, str(exc) or "not found")

    def conflict(request: HttpRequest, exc: Any) -> HttpResponse:
        return answer(request, 409, gettext("the change conflicts with the record as it stands"))

    def data(request: HttpRequest, exc: Any) -> HttpResponse:
        return answer(
            request, 422, gettext("a value does not fit the database (too long or too large)")
        )

    def overflow(request: HttpRequest, exc: Any) -> HttpResponse:
        return answer(
            request,
            422,
            gettext("a value is out of range (times must fall within years 1-9999 in UTC)"),
        )

    def throttled(request: HttpRequest, exc: Any) -> HttpResponse:
        response = answer(request, 429, str(exc))
        response["Retry-After"] = str(exc.retry_after)
        return response

    # Most specific first: ninja picks the handler by the exception's class hierarchy.
    api.add_exception_handler(Throttled, throttled)
    api.add_exception_handler(RollImportError, roll)
    api.add_exception_handler(ActionError, refused)
    api.add_exception_handler(BadRequestField, field)
    api.add_exception_handler(NotFound, missing)
    api.add_exception_handler(ObjectDoesNotExist, missing_object)
    api.add_exception_handler(IntegrityError, conflict)
    api.add_exception_handler(DataError, data)
    api.add_exception_handler(OverflowError, overflow)
