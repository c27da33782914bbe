"""The organisation's outbox (secretaries only): every notice mailed, and how its sending went.

Each message shows its state (queued, sent, or failed with the error and when the next
attempt is due, or given up), its attempts and when it was sent. A secretary may ask for the
failed messages to be tried again at once (all, or one); the postman sends them after the
request (:mod:`smolny.notices.outbox`). The outbox is the delivery's record, not the
council's: the actions that queued the messages are in the journal.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from smolny.notices import outbox as sending
from smolny.notices.models import OutboxMessage
from smolny.web.views.server_time import require_live_post
from smolny.web.views.setup_common import secretary_org

SHOWN = 200
"""Messages listed on the page, newest first."""


@login_required
def outbox(request: HttpRequest, organisation_id: int) -> HttpResponse:
    org = secretary_org(request, organisation_id)
    if isinstance(org, HttpResponse):
        return org
    state = request.GET.get("state", "")
    if state not in dict(OutboxMessage.STATES):
        state = ""
    mine = OutboxMessage.objects.filter(organisation=org)
    counts = {row["state"]: row["n"] for row in mine.values("state").annotate(n=Count("pk"))}
    listed = mine.filter(state=state) if state else mine
    rows = list(listed.order_by("-pk")[:SHOWN])
    return render(
        request,
        "web/outbox/outbox.html",
        {
            "organisation": org,
            "rows": rows,
            "state": state,
            "counts": [(s, label, counts.get(s, 0)) for s, label in OutboxMessage.STATES],
            "total": sum(counts.values()),
            "shown": SHOWN,
        },
    )


@login_required
@require_live_post
def retry(request: HttpRequest, organisation_id: int) -> HttpResponse:
    """Make the failed messages (all, or the one named by ``message``) due at once."""
    org = secretary_org(request, organisation_id)
    if isinstance(org, HttpResponse):
        return org
    chosen = request.POST.get("message", "").strip()
    ids = [int(chosen)] if chosen.isdigit() else None
    count = sending.retry(org, ids=ids)
    if count:
        sending.deliver_after_commit()
        messages.success(
            request,
            ngettext(
                "%(count)d failed message will be sent again now.",
                "%(count)d failed messages will be sent again now.",
                count,
            )
            % {"count": count},
        )
    else:
        messages.info(request, _("No failed message to send again."))
    return redirect("outbox", organisation_id=org.pk)
