"""The deputy's view, made for a phone: check in, ask to speak or raise a point of order,
move an amendment or a procedural motion, vote, and why not.

The page names the signed-in user's member record in the organisation and reads their
standing (:func:`smolny.web.views.session_state.standing`): present or not, deputy of this
organ or not, mandate ended (and how), voted already, or no vote open. It shows every reason
that stands in the way, and the vote buttons only when none does. The buttons post with htmx
and the panel is swapped in place (a plain post and a redirect without JavaScript); a refusal
comes back as the panel with the action's words and a 4xx status.

A secret ballot's receipt, the ballot's tracker, is shown once with a link to the vote's
bulletin board, in a box outside the panel (htmx swaps it in
out of band), so the panel's re-reads on live events cannot erase it: it stays until the
deputy dismisses it. Having voted is confirmed as such, in the panel, on every re-read. The answer
to checking in is kept the same way: the check-in's own live event re-reads the panel at once.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from smolny.councils.actions import ActionError, PermissionDenied
from smolny.councils.actions.agenda import request_to_speak, withdraw_from_list
from smolny.councils.actions.ballot import cast_secret_ballot
from smolny.councils.actions.card import cast_card_vote, give_proxy, revoke_proxy
from smolny.councils.actions.motion import move_motion
from smolny.councils.actions.session import check_in
from smolny.councils.actions.vote import cast_vote
from smolny.councils.models import AgendaItem, Member, Session, Vote
from smolny.councils.queries.votes import CHOICES
from smolny.web.access import current_member
from smolny.web.views import session_state as state
from smolny.web.views.chair import motion_fields
from smolny.web.views.server_time import require_live_post
from smolny.web.views.session_http import BadForm, form_int, form_text, session_page, status_of

ANSWERS = {
    "for": gettext_lazy("for"),
    "against": gettext_lazy("against"),
    "abstain": gettext_lazy("abstained"),
}


def context(request: HttpRequest, session: Session, **extra: Any) -> dict[str, Any]:
    now = timezone.now()
    organisation = session.organ.council.organisation
    member = current_member(request.user, organisation)
    vote = state.vote_shown(session)
    item = state.current_item(session)
    speakers = state.speakers_of(item) if item else None
    place = None
    if member is not None and speakers is not None:
        ids = [w["id"] for w in speakers.waiting]
        place = ids.index(member.external_id) + 1 if member.external_id in ids else None
    motions = state.motions_of(item) if item else []
    return {
        "session": session,
        "organisation": organisation,
        "member": member,
        "motions": motions,
        "amendable": [m for m in motions if m.row.kind != "procedural" and not m.row.settlement],
        "pending": state.pending_amendments(motions),
        "procedurals": list(state.PROCEDURAL_WORDS.items()),
        "vote_diff": state.vote_diff(vote) if vote is not None else None,
        "clock": state.clock_of(item, speakers, now) if item and speakers else None,
        "standing": state.standing(session, member, vote, now),
        "vote": vote,
        "open_vote": vote if vote is not None and vote.status == Vote.OPEN else None,
        "tally": state.tally_of(vote, now) if vote else None,
        "item": item,
        "speakers": speakers,
        "place": place,
        "has_floor": bool(
            member is not None and speakers is not None and speakers.floor == member.name
        ),
        "session_open": session.status == Session.OPEN,
        "can_check_in": session.status in (Session.CONVENED, Session.OPEN, Session.ADJOURNED),
        "proxies": state.proxies_of(session, member, vote, now),
        **extra,
    }


@session_page
@require_GET
def view(request: HttpRequest, session_id: int) -> HttpResponse:
    session = state.session_or_404(session_id)
    return render(request, "web/session/deputy.html", context(request, session))


@session_page
@require_GET
def panel(request: HttpRequest, session_id: int) -> HttpResponse:
    """The deputy's panel, re-read on a live event."""
    session = state.session_or_404(session_id)
    return render(request, "web/session/_deputy_panel.html", context(request, session))


def _item(session: Session, request: HttpRequest) -> AgendaItem:
    item = session.items.filter(pk=form_int(request, "item")).first()
    if item is None:
        raise BadForm(_("item: not an item of this sitting"))
    return item


def _member(request: HttpRequest, session: Session) -> Member:
    member = current_member(request.user, session.organ.council.organisation)
    if member is None:
        raise PermissionDenied(_("You are not on a roll of this organisation."))
    return member


@require_live_post
@session_page
def step(request: HttpRequest, session_id: int, name: str) -> HttpResponse:
    """Check in, ask to speak, or vote; the panel again, or the refusal with a 4xx."""
    if name not in (
        *("check-in", "speak", "point-of-order", "withdraw", "move", "vote"),
        *("give-proxy", "revoke-proxy", "proxy-vote"),
    ):
        raise Http404("no such step")
    session = state.session_or_404(session_id)
    receipt = receipt_vote = None
    try:
        member = _member(request, session)
        if name == "check-in":
            check_in(request.user, session, [member])
            done = _("You are checked in.")
        elif name in ("speak", "point-of-order"):
            point = name == "point-of-order"
            request_to_speak(request.user, _item(session, request), member, point_of_order=point)
            done = (
                _("Your point of order is raised: it is heard first.")
                if point
                else _("You are on the speakers' list.")
            )
        elif name == "withdraw":
            withdraw_from_list(request.user, _item(session, request), member)
            done = _("You are off the speakers' list.")
        elif name == "give-proxy":
            holder = Member.objects.filter(
                pk=form_int(request, "holder"), organisation=session.organ.council.organisation
            ).first()
            if holder is None:
                raise BadForm(_("holder: not a member of this organisation"))
            give_proxy(request.user, session, member, holder)
            done = _("Your proxy is given to %(name)s.") % {"name": holder.name}
        elif name == "revoke-proxy":
            revoke_proxy(request.user, session, member)
            done = _("Your proxy is revoked.")
        elif name == "proxy-vote":
            vote = Vote.objects.filter(pk=form_int(request, "vote"), item__session=session).first()
            giver = Member.objects.filter(
                pk=form_int(request, "giver"), organisation=session.organ.council.organisation
            ).first()
            choice = form_text(request, "choice", limit=16)
            if vote is None or giver is None or choice not in CHOICES:
                raise BadForm(_("vote, giver, choice: not a card of this sitting"))
            cast_card_vote(request.user, vote, giver, choice, holder=member)
            done = _("%(name)s's card is cast by proxy: %(choice)s.") % {
                "name": giver.name,
                "choice": ANSWERS[choice],
            }
        elif name == "move":
            fields = motion_fields(request)
            if fields["kind"] not in ("amendment", "procedural"):
                raise BadForm(_("kind: from this page, an amendment or a procedural motion"))
            row = move_motion(request.user, _item(session, request), mover=member, **fields)
            done = _("Your motion %(key)s is moved.") % {"key": row.key}
        else:
            vote = Vote.objects.filter(pk=form_int(request, "vote"), item__session=session).first()
            if vote is None:
                raise BadForm(_("vote: not a vote of this sitting"))
            choice = form_text(request, "choice", limit=16)
            if choice not in CHOICES:
                raise BadForm(_("choice: for, against or abstain"))
            if vote.method == Vote.SECRET:
                receipt = cast_secret_ballot(request.user, vote, member, choice)
                receipt_vote = vote.pk
                done = _("Your ballot is cast.")
            elif vote.method == Vote.CARD:
                cast_card_vote(request.user, vote, member, choice)
                done = _("Your vote is recorded: %(choice)s.") % {"choice": ANSWERS[choice]}
            else:
                cast_vote(request.user, vote, member, choice)
                done = _("Your vote is recorded: %(choice)s.") % {"choice": ANSWERS[choice]}
    except ActionError as error:
        page = context(request, session, refusal=str(error), posted=request.POST)
        template = "_deputy_panel.html" if request.headers.get("HX-Request") else "deputy.html"
        return render(request, f"web/session/{template}", page, status=status_of(error))
    if request.headers.get("HX-Request"):
        # The check-in's answer goes out of band too, to a box the panel's re-reads leave
        # alone: the check-in's own live event re-reads the panel at once.
        checked_in = done if name == "check-in" else None
        page = context(
            request,
            session,
            done=None if checked_in else done,
            checked_in=checked_in,
            receipt=receipt,
            receipt_vote=receipt_vote,
            out_of_band=True,
        )
        return render(request, "web/session/_deputy_panel.html", page)
    if receipt is not None:
        # Without JavaScript the receipt is shown on this answer itself: it is never stored.
        page = context(request, session, done=done, receipt=receipt, receipt_vote=receipt_vote)
        return render(request, "web/session/deputy.html", page)
    messages.success(request, done)
    return redirect("session-deputy", session_id=session.pk)
