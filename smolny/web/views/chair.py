"""The chair console: agenda, speakers' list, votes, presence and quorum, walkouts.

Only the session's chair and the organisation's secretaries may open it (others get 403,
as the actions themselves would refuse them). Every button posts to :func:`step`, which
calls one action and comes back to the console (303), or shows the action's refusal with a
4xx status. The parts that others change (presence, speakers, the open vote) are fragments
that re-read themselves on every live event of the organisation.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from smolny.councils.actions import ActionError, PermissionDenied
from smolny.councils.actions.agenda import add_agenda_item, finish_turn
from smolny.councils.actions.motion import move_motion
from smolny.councils.actions.session import record_walkout
from smolny.councils.actions.vote import close_vote, enter_counts, open_vote
from smolny.councils.models import Fraction, Session, Vote
from smolny.councils.models.dated import valid_at
from smolny.councils.queries.sessions import require_chair_or_secretary
from smolny.web.views import session_state as state
from smolny.web.views.server_time import require_live_post
from smolny.web.views.session_http import BadForm, form_int, form_text, session_page, status_of

METHODS = (
    (Vote.ROLL_CALL, gettext_lazy("named roll call")),
    (Vote.SHOW_OF_HANDS, gettext_lazy("counted show of hands")),
    (Vote.SECRET, gettext_lazy("secret ballot")),
)
"""The methods the console offers (a division needs tellers named in the hall: the API)."""

FRAGMENTS = ("presence", "speakers", "vote")


def _allowed(request: HttpRequest, session: Session) -> None:
    require_chair_or_secretary(request.user, session, timezone.now())


def context(request: HttpRequest, session: Session) -> dict[str, Any]:
    """Everything the console and its fragments show."""
    now = timezone.now()
    item = state.current_item(session)
    vote = state.vote_shown(session)
    open_vote_row = vote if vote is not None and vote.status == Vote.OPEN else None
    return {
        "session": session,
        "organisation": session.organ.council.organisation,
        "chair": state.chair_name(session, now),
        "presence": state.presence(session, now),
        "items": list(session.items.all()),
        "item": item,
        "motions": list(item.motions.order_by("pk")) if item else [],
        "speakers": state.speakers_of(item) if item else None,
        "due": state.due_call(item) if item and open_vote_row is None else None,
        "vote": vote,
        "tally": state.tally_of(vote, now) if vote else None,
        "open_vote": open_vote_row,
        "methods": METHODS,
        "fractions": Fraction.objects.filter(valid_at(now), council=session.organ.council).order_by(
            "name"
        ),
    }


@session_page
@require_GET
def console(request: HttpRequest, session_id: int) -> HttpResponse:
    session = state.session_or_404(session_id)
    try:
        _allowed(request, session)
    except PermissionDenied as error:
        return _refused(request, session, error)
    return render(request, "web/session/chair.html", context(request, session))


@session_page
@require_GET
def fragment(request: HttpRequest, session_id: int, part: str) -> HttpResponse:
    """One live part of the console, re-read on a live event."""
    if part not in FRAGMENTS:
        raise Http404("no such part")
    session = state.session_or_404(session_id)
    try:
        _allowed(request, session)
    except PermissionDenied as error:
        return HttpResponse(str(error), status=403, content_type="text/plain; charset=utf-8")
    return render(request, f"web/session/_chair_{part}.html", context(request, session))


def _add_item(request: HttpRequest, session: Session) -> str:
    item = add_agenda_item(request.user, session, form_text(request, "title", limit=300))
    return _("Item %(position)d added to the agenda.") % {"position": item.position}


def _move_motion(request: HttpRequest, session: Session) -> str:
    item = _item(session, form_int(request, "item"))
    row = move_motion(request.user, item, "main", text=form_text(request, "text"))
    return _("Motion %(key)s moved.") % {"key": row.key}


def _open_vote(request: HttpRequest, session: Session) -> str:
    item = _item(session, form_int(request, "item"))
    method = form_text(request, "method")
    if method not in dict(METHODS):
        raise BadForm(_("method: choose one of the methods offered"))
    vote = open_vote(request.user, item, form_text(request, "motion", limit=32), method=method)
    return _("Vote opened: %(question)s") % {"question": vote.question}


def _counts(request: HttpRequest, session: Session) -> str:
    vote = _vote(session, form_int(request, "vote"))
    enter_counts(
        request.user,
        vote,
        for_votes=form_int(request, "for"),
        against=form_int(request, "against"),
        abstain=form_int(request, "abstain"),
    )
    return _("The counts are entered.")


def _close_vote(request: HttpRequest, session: Session) -> str:
    vote = close_vote(request.user, _vote(session, form_int(request, "vote")))
    return _("The vote is closed: %(outcome)s.") % {"outcome": vote.outcome}


def _finish_turn(request: HttpRequest, session: Session) -> str:
    item = _item(session, form_int(request, "item"))
    finish_turn(request.user, item, form_int(request, "seconds"))
    return _("The turn is finished.")


def _walkout(request: HttpRequest, session: Session) -> str:
    pk = form_int(request, "fraction")
    fraction = Fraction.objects.filter(pk=pk, council=session.organ.council).first()
    if fraction is None:
        raise BadForm(_("fraction: not a fraction of this council"))
    statement = form_text(request, "statement", required=False)
    walkout = record_walkout(request.user, session, fraction=fraction, statement=statement)
    return _("Walkout of %(fraction)s recorded: %(count)d left the hall.") % {
        "fraction": fraction.name,
        "count": walkout.members,
    }


STEPS: dict[str, Callable[[HttpRequest, Session], str]] = {
    "add-item": _add_item,
    "move-motion": _move_motion,
    "open-vote": _open_vote,
    "counts": _counts,
    "close-vote": _close_vote,
    "finish-turn": _finish_turn,
    "walkout": _walkout,
}


def _item(session: Session, pk: int) -> Any:
    found = session.items.filter(pk=pk).first()
    if found is None:
        raise BadForm(_("item: not an item of this sitting"))
    return found


def _vote(session: Session, pk: int) -> Vote:
    found = Vote.objects.filter(pk=pk, item__session=session).first()
    if found is None:
        raise BadForm(_("vote: not a vote of this sitting"))
    return found


@require_live_post
@session_page
def step(request: HttpRequest, session_id: int, name: str) -> HttpResponse:
    """One of the chair's actions; back to the console, or its refusal with a 4xx."""
    handler = STEPS.get(name)
    if handler is None:
        raise Http404("no such step")
    session = state.session_or_404(session_id)
    try:
        _allowed(request, session)
        done = handler(request, session)
    except ActionError as error:
        return _refused(request, session, error)
    messages.success(request, done)
    return redirect("session-chair", session_id=session.pk, permanent=False)


def _refused(request: HttpRequest, session: Session, error: ActionError) -> HttpResponse:
    status = status_of(error)
    if status == 403:
        page: dict[str, Any] = {
            "session": session,
            "organisation": session.organ.council.organisation,
            "refusal": str(error),
        }
        return render(request, "web/session/forbidden.html", page, status=403)
    page = context(request, session)
    page["refusal"] = str(error)
    return render(request, "web/session/chair.html", page, status=status)
