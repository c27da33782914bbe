"""Live acts on the web pages take the server's clock.

No form of the pages offers a time for a change; a request that carries one anyway (a field
or a query parameter named ``at``, as a hand-made request might) is refused with 422 and
says why, instead of the field being silently ignored: a caller who chose the time of an act
could have checked permissions at a moment that suited them (a resigned deputy voting
"before" the resignation). Past events are entered through the API by a recorder.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

View = Callable[..., HttpResponseBase]


def require_live_post(view: View) -> View:
    """Like :func:`require_POST`, and refuse a caller-supplied ``at`` with 422 (checked
    before anything else, so that no refusal path can act at the caller's time)."""
    posted = require_POST(view)

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method == "POST" and ("at" in request.POST or "at" in request.GET):
            return HttpResponse(
                _(
                    "at: the time of a live act is the server's clock, and a request may not "
                    "choose it."
                ),
                status=422,
                content_type="text/plain; charset=utf-8",
            )
        return posted(request, *args, **kwargs)

    wrapped.live_write = True  # type: ignore[attr-defined]
    return wrapped
