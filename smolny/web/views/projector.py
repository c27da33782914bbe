"""The projector: the hall's screen, in large type, with no controls.

It shows the item under debate, who has the floor and for how long (the running clock), the
main motion with the amendments pending on it as diffs, and the vote: open, its live tally (for
a named roll call the hemicycle of the seats coloured by each answer, with its table); closed,
the result with the majority rule that decided it, as the close recorded them. The whole
screen is one fragment, re-read on every live event of the organisation.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from smolny.councils.models import Session
from smolny.web.views import session_state as state
from smolny.web.views.session_http import watched_page


def context(session: Session) -> dict[str, Any]:
    now = timezone.now()
    item = state.current_item(session)
    vote = state.vote_shown(session)
    speakers = state.speakers_of(item) if item else None
    motions = state.motions_of(item) if item else []
    return {
        "session": session,
        "organisation": session.organ.council.organisation,
        "item": item,
        "speakers": speakers,
        "clock": state.clock_of(item, speakers, now) if item and speakers else None,
        "main": next((m for m in motions if m.row.kind == "main"), None),
        "pending": state.pending_amendments(motions),
        "vote_diff": state.vote_diff(vote) if vote is not None else None,
        # Attendance is live only while the sitting is: a closed sitting's hall is empty,
        # and its figures are the ones each vote recorded (shown with the result).
        "live": session.status in (Session.CONVENED, Session.OPEN, Session.ADJOURNED),
        "vote": vote,
        "tally": state.tally_of(vote, now, chart=True, id_prefix="projector") if vote else None,
        "presence": state.presence(session, now),
        "chair": state.chair_name(session, now),
    }


@watched_page
@require_GET
def view(request: HttpRequest, session_id: int) -> HttpResponse:
    session = state.session_or_404(session_id)
    return render(request, "web/session/projector.html", context(session))


@watched_page
@require_GET
def screen(request: HttpRequest, session_id: int) -> HttpResponse:
    """The screen's content, re-read on a live event."""
    session = state.session_or_404(session_id)
    return render(request, "web/session/_projector_screen.html", context(session))
