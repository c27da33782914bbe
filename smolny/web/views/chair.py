"""The chair console: the sitting from opening to close, the agenda, motions and amendments,
the speakers' list and its clock, votes by every method, presence and quorum, walkouts.

Only the session's chair, the organisation's secretaries and chair-role holders may open it
(the clerk too, for the door and the speakers' list; others get 403,
as the actions themselves would refuse them); before the sitting opens it has no chair, so
the secretary who opens it (naming the chair) works the console until then. Every button
posts to :func:`step`, which calls one action and comes back to the console (303), or shows
the action's refusal with a 4xx status and the form as it was typed (nothing is lost; where
the sitting's state is what stands in the way, the console says how to get on). The parts
that others change (presence, speakers, the open vote) are fragments that re-read
themselves on every live event of the organisation.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from smolny.councils.actions import ActionError, PermissionDenied
from smolny.councils.actions.agenda import add_agenda_item
from smolny.councils.actions.conduct import (
    add_speaker,
    edit_agenda_item,
    finish_timed_turn,
    move_agenda_item,
    remove_speaker,
    start_clock,
    withdraw_agenda_item,
)
from smolny.councils.actions.motion import move_motion
from smolny.councils.actions.session import (
    adjourn_session,
    check_in,
    close_session,
    hand_over_chair,
    open_session,
    record_walkout,
)
from smolny.councils.actions.vote import close_vote, enter_counts, open_vote
from smolny.councils.models import AgendaItem, Fraction, Member, Session, Vote
from smolny.councils.models.dated import valid_at
from smolny.councils.queries.sessions import (
    current_chair,
    require_chair_or_secretary,
    require_list_keeper,
)
from smolny.web.templatetags.session_words import question
from smolny.web.views import session_state as state
from smolny.web.views.server_time import require_live_post
from smolny.web.views.session_http import BadForm, form_int, form_text, session_page, status_of

METHODS = (
    (Vote.ROLL_CALL, gettext_lazy("named roll call")),
    (Vote.SHOW_OF_HANDS, gettext_lazy("counted show of hands")),
    (Vote.DIVISION, gettext_lazy("division (two tellers count)")),
    (Vote.SECRET, gettext_lazy("secret ballot")),
    (Vote.CARD, gettext_lazy("card vote (by weight)")),
)
"""The methods the console offers: every method the vote action knows."""

MOTION_KINDS = (
    ("main", gettext_lazy("main motion")),
    ("amendment", gettext_lazy("amendment")),
    ("counter", gettext_lazy("counter-motion")),
    ("procedural", gettext_lazy("procedural motion")),
)

FRAGMENTS = ("presence", "speakers", "vote")


CLERK_STEPS = frozenset({"door", "add-speaker", "remove-speaker", "start-clock", "finish-turn"})
"""The console's steps the clerk takes: the door and the speakers' list (its actions let the
clerk; every other step stays the chair's or a secretary's)."""


def _allowed(request: HttpRequest, session: Session, step: str | None = None) -> None:
    """The console is the chair's and a secretary's; the clerk sees it and takes the door's
    and the speakers' list's steps."""
    if step is None or step in CLERK_STEPS:
        require_list_keeper(request.user, session, timezone.now())
    else:
        require_chair_or_secretary(request.user, session, timezone.now())


def context(request: HttpRequest, session: Session) -> dict[str, Any]:
    """Everything the console and its fragments show."""
    now = timezone.now()
    item = state.current_item(session)
    vote = state.vote_shown(session)
    open_vote_row = vote if vote is not None and vote.status == Vote.OPEN else None
    presence = state.presence(session, now)
    speakers = state.speakers_of(item) if item else None
    motions = state.motions_of(item) if item else []
    chair_term = current_chair(session, now)
    hall = state.in_hall(session, now)
    door = request.GET.get("door", "")[:100]
    return {
        "session": session,
        "organisation": session.organ.council.organisation,
        "chair": chair_term.member.name if chair_term else None,
        "chair_id": chair_term.member_id if chair_term else None,
        "presence": presence,
        "items": list(session.items.all()),
        "item": item,
        "motions": motions,
        "main_texts": [m for m in motions if m.row.kind in ("main", "counter", "amendment")],
        "speakers": speakers,
        "clock": state.clock_of(item, speakers, now) if item and speakers else None,
        "due": state.due_call(item) if item and open_vote_row is None else None,
        "vote": vote,
        "vote_diff": state.vote_diff(vote) if vote else None,
        "tally": state.tally_of(vote, now) if vote else None,
        "open_vote": open_vote_row,
        "methods": METHODS,
        "motion_kinds": MOTION_KINDS,
        "procedurals": list(state.PROCEDURAL_WORDS.items()),
        "hall": hall,
        "door": door,
        "door_found": state.door_search(session, door, now) if door else [],
        "is_open": session.status == Session.OPEN,
        "can_open": session.status in (Session.CONVENED, Session.ADJOURNED),
        "can_adjourn": session.status == Session.OPEN,
        "can_close": session.status in (Session.OPEN, Session.ADJOURNED),
        "live": session.status in (Session.CONVENED, Session.OPEN, Session.ADJOURNED),
        "posted": {},
        "fractions": sorted(
            Fraction.objects.filter(valid_at(now), council=session.organ.council),
            key=lambda f: state.natural_key(f.name),
        ),
        "minutes_url": reverse("session-minutes", args=[session.pk]),
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


# --- the sitting ---------------------------------------------------------------------------


def _open(request: HttpRequest, session: Session) -> str:
    resuming = session.status == Session.ADJOURNED
    chair = _member_in(session, form_int(request, "chair"))
    open_session(request.user, session, chair=chair)
    if resuming:
        return _("The sitting is resumed; %(name)s is in the chair.") % {"name": chair.name}
    return _("The sitting is open; %(name)s is in the chair.") % {"name": chair.name}


def _adjourn(request: HttpRequest, session: Session) -> str:
    adjourn_session(request.user, session)
    return _("The sitting is adjourned.")


def _close(request: HttpRequest, session: Session) -> str:
    close_session(request.user, session)
    return _("The sitting is closed.")


def _hand_over(request: HttpRequest, session: Session) -> str:
    to = _member_in(session, form_int(request, "member"))
    hand_over_chair(request.user, session, to)
    return _("%(name)s takes the chair.") % {"name": to.name}


def _door(request: HttpRequest, session: Session) -> str:
    member = _member_in(session, form_int(request, "member"))
    check_in(request.user, session, [member])
    return _("%(name)s is checked in.") % {"name": member.name}


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


# --- the agenda ------------------------------------------------------------------------------


def _add_item(request: HttpRequest, session: Session) -> str:
    item = add_agenda_item(request.user, session, form_text(request, "title", limit=300))
    return _("Item %(position)d added to the agenda.") % {"position": item.position}


def _edit_item(request: HttpRequest, session: Session) -> str:
    item = _item(session, form_int(request, "item"))
    edit_agenda_item(request.user, item, form_text(request, "title", limit=300))
    return _("Item %(position)d renamed.") % {"position": item.position}


def _move_item(request: HttpRequest, session: Session) -> str:
    item = _item(session, form_int(request, "item"))
    direction = form_text(request, "direction", limit=8)
    if direction not in ("up", "down"):
        raise BadForm(_("direction: up or down"))
    target = item.position - 1 if direction == "up" else item.position + 1
    moved = move_agenda_item(request.user, item, target)
    return _("“%(title)s” is now item %(position)d.") % {
        "title": moved.title,
        "position": moved.position,
    }


def _withdraw_item(request: HttpRequest, session: Session) -> str:
    item = withdraw_agenda_item(request.user, _item(session, form_int(request, "item")))
    return _("Item %(position)d is withdrawn from the agenda.") % {"position": item.position}


# --- motions ---------------------------------------------------------------------------------


def _move_motion(request: HttpRequest, session: Session) -> str:
    item = _item(session, form_int(request, "item"))
    row = move_motion(request.user, item, **motion_fields(request))
    return _("Motion %(key)s moved.") % {"key": row.key}


def motion_fields(request: HttpRequest) -> dict[str, Any]:
    """The motion form's fields as :func:`move_motion` takes them (shared with the deputy's
    view). An amendment strikes words, inserts words, or replaces the one by the other."""
    kind = request.POST.get("kind", "main")
    if kind not in dict(MOTION_KINDS):
        raise BadForm(_("kind: main, amendment, counter or procedural"))
    if kind == "main":
        return {"kind": kind, "text": form_text(request, "text")}
    if kind == "counter":
        return {
            "kind": kind,
            "parent": form_text(request, "parent", limit=32),
            "text": form_text(request, "text"),
        }
    if kind == "procedural":
        which = form_text(request, "procedural", limit=16)
        if which not in state.PROCEDURAL_WORDS:
            raise BadForm(_("procedural: choose one of the procedural motions offered"))
        return {
            "kind": kind,
            "procedural": which,
            "text": form_text(request, "text", required=False),
        }
    strike = form_text(request, "strike", required=False)
    insert = form_text(request, "text", required=False)
    if not strike and not insert:
        raise BadForm(_("amendment: give the words to strike, the words to insert, or both"))
    return {
        "kind": kind,
        "parent": form_text(request, "parent", limit=32),
        "strike": strike,
        "text": insert,
    }


# --- speakers --------------------------------------------------------------------------------


def _add_speaker(request: HttpRequest, session: Session) -> str:
    item = _item(session, form_int(request, "item"))
    member = _member_in(session, form_int(request, "member"))
    point = request.POST.get("point_of_order") == "1"
    add_speaker(request.user, item, member, point_of_order=point)
    if point:
        return _("%(name)s raises a point of order.") % {"name": member.name}
    return _("%(name)s is on the speakers' list.") % {"name": member.name}


def _remove_speaker(request: HttpRequest, session: Session) -> str:
    item = _item(session, form_int(request, "item"))
    member = Member.objects.filter(
        organisation=session.organ.council.organisation,
        external_id=form_text(request, "speaker", limit=64),
    ).first()
    if member is None:
        raise BadForm(_("speaker: not a member of this organisation"))
    remove_speaker(request.user, item, member)
    return _("%(name)s is taken off the speakers' list.") % {"name": member.name}


def _start_clock(request: HttpRequest, session: Session) -> str:
    start_clock(request.user, _item(session, form_int(request, "item")))
    return _("The clock is running.")


def _finish_turn(request: HttpRequest, session: Session) -> str:
    listing = finish_timed_turn(request.user, _item(session, form_int(request, "item")))
    heard = listing.spoken[-1]
    return _("The turn is finished after %(seconds)d s.") % {"seconds": heard.seconds}


# --- votes -----------------------------------------------------------------------------------


def _open_vote(request: HttpRequest, session: Session) -> str:
    item = _item(session, form_int(request, "item"))
    method = form_text(request, "method")
    if method not in dict(METHODS):
        raise BadForm(_("method: choose one of the methods offered"))
    vote = open_vote(request.user, item, form_text(request, "motion", limit=32), method=method)
    return _("Vote opened: %(question)s") % {"question": question(vote.question)}


def _counts(request: HttpRequest, session: Session) -> str:
    vote = _vote(session, form_int(request, "vote"))
    tellers: list[Member] = []
    if vote.method == Vote.DIVISION:
        tellers = [_member_in(session, form_int(request, f"teller{n}")) for n in (1, 2)]
        if tellers[0].pk == tellers[1].pk:
            raise BadForm(_("tellers: name two different members"))
    enter_counts(
        request.user,
        vote,
        for_votes=form_int(request, "for"),
        against=form_int(request, "against"),
        abstain=form_int(request, "abstain"),
        tellers=tellers,
    )
    return _("The counts are entered.")


def _close_vote(request: HttpRequest, session: Session) -> str:
    vote = close_vote(request.user, _vote(session, form_int(request, "vote")))
    return _("The vote is closed: %(outcome)s.") % {"outcome": vote.outcome}


STEPS: dict[str, Callable[[HttpRequest, Session], str]] = {
    "open": _open,
    "adjourn": _adjourn,
    "close": _close,
    "hand-over": _hand_over,
    "door": _door,
    "walkout": _walkout,
    "add-item": _add_item,
    "edit-item": _edit_item,
    "move-item": _move_item,
    "withdraw-item": _withdraw_item,
    "move-motion": _move_motion,
    "add-speaker": _add_speaker,
    "remove-speaker": _remove_speaker,
    "start-clock": _start_clock,
    "finish-turn": _finish_turn,
    "open-vote": _open_vote,
    "counts": _counts,
    "close-vote": _close_vote,
}


def _item(session: Session, pk: int) -> AgendaItem:
    found = session.items.filter(pk=pk).first()
    if found is None:
        raise BadForm(_("item: not an item of this sitting"))
    return found


def _vote(session: Session, pk: int) -> Vote:
    found = Vote.objects.filter(pk=pk, item__session=session).first()
    if found is None:
        raise BadForm(_("vote: not a vote of this sitting"))
    return found


def _member_in(session: Session, pk: int) -> Member:
    found = Member.objects.filter(pk=pk, organisation=session.organ.council.organisation).first()
    if found is None:
        raise BadForm(_("member: not a member of this organisation"))
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
        _allowed(request, session, name)
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
    # What was typed stays in its form; where the sitting is not open, the way on is shown.
    page["posted"] = request.POST
    page["needs_open"] = session.status != Session.OPEN and page["can_open"]
    return render(request, "web/session/chair.html", page, status=status)
