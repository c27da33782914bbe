"""A secretary's election pages: open a constituency's election, nominate its candidates by
name, then either enter the result (votes per candidate) or let the members vote online in
their portal and close the poll to count it by STV; then seat the deputies elected.

Every form calls the action the API calls (:mod:`smolny.councils.actions`): open_election,
nominate_candidate, withdraw_candidate, record_election_result, close_election_poll and
seat_deputy. A form that does not parse is answered 400 with its reason and nothing written;
an action's refusal 403 or 409 with the action's words.

Entering a result: the secretary types each candidate's votes; the candidates with the most
votes fill the seats, in order of votes. A tie for the last seat is not decided here (the
page says who tie and asks for the tie to be settled, by lot or by a count from the ballots).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from smolny.councils import actions
from smolny.councils.actions import ActionError
from smolny.councils.models import (
    Council,
    Election,
    ElectionWinner,
    Fraction,
    Mandate,
    Member,
    Organisation,
)
from smolny.councils.models.dated import valid_at
from smolny.councils.queries import apportionment_at, constituency_rows, roll_counts
from smolny.councils.queries.elections import live_candidates, turnout, voting_started
from smolny.web.views.server_time import require_live_post
from smolny.web.views.setup_common import (
    council_of,
    find_members,
    query_of,
    refusal_status,
    secretary_org,
)

STV_METHODS = (("scottish-stv", "Scottish STV"), ("meek-stv", "Meek STV"))
MAX_VOTES = 10**9


# --- a council's elections -----------------------------------------------------------------


def _elections_page(
    request: HttpRequest, org: Organisation, council: Council, *, error: str = "", status: int = 200
) -> HttpResponse:
    now = timezone.now()
    rows = constituency_rows(council, now)
    counts = roll_counts(council, now, only=rows) if rows else {}
    apportionment = apportionment_at(council, now)
    seats = (
        dict(apportionment.entries.values_list("constituency_id", "seats"))
        if apportionment is not None
        else {}
    )
    held: dict[int, int] = {}
    for mandate in Mandate.objects.filter(valid_at(now), council=council):
        held[mandate.constituency_id] = held.get(mandate.constituency_id, 0) + 1
    elections: dict[int, list[Election]] = {}
    for election in Election.objects.filter(constituency__council=council).order_by("opened_at"):
        elections.setdefault(election.constituency_id, []).append(election)
    lines = [
        {
            "constituency": row,
            "members": counts.get(row.pk, 0),
            "seats": seats.get(row.pk, 0),
            "seated": held.get(row.pk, 0),
            "elections": elections.get(row.pk, []),
            "open": any(e.status == Election.OPEN for e in elections.get(row.pk, [])),
            "declared": any(e.status == Election.DECLARED for e in elections.get(row.pk, [])),
            "vacant": max(0, seats.get(row.pk, 0) - held.get(row.pk, 0)),
        }
        for row in rows
    ]
    context = {"organisation": org, "council": council, "lines": lines, "error": error}
    return render(request, "web/setup/elections.html", context, status=status)


@login_required
def elections(request: HttpRequest, organisation_id: int, council_id: int) -> HttpResponse:
    """Each constituency's seats, its elections and its deputies seated; open an election."""
    org = secretary_org(request, organisation_id)
    if isinstance(org, HttpResponse):
        return org
    return _elections_page(request, org, council_of(org, council_id))


@login_required
@require_live_post
def open_election(request: HttpRequest, organisation_id: int, council_id: int) -> HttpResponse:
    """Open a regular election in the constituency posted, for its apportioned seats; or,
    with ``by_election``, a by-election for its seats left vacant since."""
    org = secretary_org(request, organisation_id)
    if isinstance(org, HttpResponse):
        return org
    council = council_of(org, council_id)
    try:
        pk = int(request.POST.get("constituency", ""))
        constituency = council.constituencies.get(pk=pk)
    except (ValueError, council.constituencies.model.DoesNotExist):
        return _elections_page(
            request, org, council, error=_("Choose a constituency of this council."), status=400
        )
    try:
        if request.POST.get("by_election"):
            now = timezone.now()
            held = Mandate.objects.filter(valid_at(now), constituency=constituency).count()
            apportionment = apportionment_at(council, now)
            entry = (
                apportionment.entries.filter(constituency=constituency).first()
                if apportionment is not None
                else None
            )
            vacant = (entry.seats if entry is not None else 0) - held
            election = actions.open_by_election(request.user, constituency, seats=max(vacant, 1))
        else:
            election = actions.open_election(request.user, constituency)
    except ActionError as error:
        return _elections_page(
            request, org, council, error=str(error), status=refusal_status(error)
        )
    messages.success(
        request,
        ngettext(
            "The election in %(name)s is open for %(seats)d seat.",
            "The election in %(name)s is open for %(seats)d seats.",
            election.seats,
        )
        % {"name": constituency.name, "seats": election.seats},
    )
    return redirect("setup-election", organisation_id=org.pk, election_id=election.pk)


# --- one election --------------------------------------------------------------------------


def _election_of(org: Organisation, election_id: int) -> Election:
    found = (
        Election.objects.select_related("constituency__council")
        .filter(pk=election_id, constituency__council__organisation=org)
        .first()
    )
    if found is None:
        raise Http404("no such election")
    return found


def _election_context(
    request: HttpRequest, org: Organisation, election: Election
) -> dict[str, Any]:
    now = timezone.now()
    council = election.constituency.council
    candidates = live_candidates(election)
    query = query_of(request)
    standing = {c.member_id for c in candidates}
    found = [
        m
        for m in find_members(org, query, now, constituency_id=election.constituency_id)
        if m.pk not in standing
    ]
    winners = list(
        ElectionWinner.objects.filter(election=election)
        .select_related("member")
        .order_by("position")
    )
    seated = set(Mandate.objects.filter(election=election).values_list("member_id", flat=True))
    votes = election.result.get("votes", {}) if election.result else {}
    return {
        "organisation": org,
        "council": council,
        "election": election,
        "candidates": candidates,
        "query": query,
        "found": found,
        "voting_started": voting_started(election),
        "poll_open": getattr(election, "poll_opened_at", None) is not None,
        "turnout": turnout(election),
        "winners": [
            {"member": w.member, "votes": votes.get(w.member.name), "seated": w.member_id in seated}
            for w in winners
        ],
        "unseated": sum(1 for w in winners if w.member_id not in seated),
        "fractions": list(Fraction.objects.filter(valid_at(now), council=council).order_by("name")),
        "methods": STV_METHODS,
    }


def _election_page(
    request: HttpRequest,
    org: Organisation,
    election: Election,
    *,
    status: int = 200,
    **extra: Any,
) -> HttpResponse:
    context = _election_context(request, org, election)
    context.update(extra)
    return render(request, "web/setup/election.html", context, status=status)


@login_required
def election(request: HttpRequest, organisation_id: int, election_id: int) -> HttpResponse:
    """An election: its candidates (found by name), its result, and seating its deputies.
    With htmx, a search asks for the list of matches alone."""
    org = secretary_org(request, organisation_id)
    if isinstance(org, HttpResponse):
        return org
    chosen = _election_of(org, election_id)
    if request.headers.get("HX-Request") and "q" in request.GET:
        context = _election_context(request, org, chosen)
        return render(request, "web/setup/_nominees_found.html", context)
    return _election_page(request, org, chosen)


def _member_posted(request: HttpRequest, org: Organisation) -> Member | None:
    try:
        pk = int(request.POST.get("member", ""))
    except ValueError:
        return None
    return Member.objects.filter(pk=pk, organisation=org).first()


def _done(org: Organisation, election: Election) -> HttpResponse:
    return redirect("setup-election", organisation_id=org.pk, election_id=election.pk)


@login_required
@require_live_post
def candidate(
    request: HttpRequest, organisation_id: int, election_id: int, step: str
) -> HttpResponse:
    """Nominate (``step`` nominate) or withdraw (``withdraw``) the member posted."""
    if step not in ("nominate", "withdraw"):
        raise Http404("no such step")
    org = secretary_org(request, organisation_id)
    if isinstance(org, HttpResponse):
        return org
    chosen = _election_of(org, election_id)
    member = _member_posted(request, org)
    if member is None:
        return _election_page(
            request, org, chosen, status=400, error=_("Choose a member found by name.")
        )
    try:
        if step == "nominate":
            actions.nominate_candidate(request.user, chosen, member)
            done = _("%(name)s is a candidate.")
        else:
            actions.withdraw_candidate(request.user, chosen, member)
            done = _("%(name)s is withdrawn.")
    except ActionError as error:
        return _election_page(request, org, chosen, status=refusal_status(error), error=str(error))
    messages.success(request, done % {"name": member.name})
    return _done(org, chosen)


def elected_by_votes(
    candidates: list[Member], votes: dict[int, int], seats: int
) -> tuple[list[Member], str]:
    """The members who fill *seats* with the most *votes* (by member pk), in order of votes,
    and an empty string; or no one and why not (nobody voted for, a tie for the last seat)."""
    ranked = sorted(candidates, key=lambda m: -votes[m.pk])
    elected = [m for m in ranked[:seats] if votes[m.pk] > 0]
    if not elected:
        return [], _("No candidate has a vote: enter the votes each candidate received.")
    if len(ranked) > seats and len(elected) == seats:
        last = votes[ranked[seats - 1].pk]
        tied = [m.name for m in ranked if votes[m.pk] == last]
        if votes[ranked[seats].pk] == last:
            return [], _(
                "%(names)s tie for the last seat with %(votes)d votes each: settle the tie "
                "(by lot or by counting the ballots) and enter the votes again."
            ) % {"names": ", ".join(tied), "votes": last}
    return elected, ""


@login_required
@require_live_post
def result(request: HttpRequest, organisation_id: int, election_id: int) -> HttpResponse:
    """Declare the result from the votes entered per candidate (see :func:`elected_by_votes`)."""
    org = secretary_org(request, organisation_id)
    if isinstance(org, HttpResponse):
        return org
    chosen = _election_of(org, election_id)
    standing = [c.member for c in live_candidates(chosen)]
    if not standing:
        return _election_page(
            request, org, chosen, status=400, error=_("Nominate the candidates first.")
        )
    votes: dict[int, int] = {}
    problems: list[str] = []
    for member in standing:
        text = request.POST.get(f"votes-{member.pk}", "").strip()
        try:
            number = int(text)
        except ValueError:
            problems.append(_("%(name)s: give a whole number of votes.") % {"name": member.name})
            continue
        if not 0 <= number <= MAX_VOTES:
            problems.append(
                _("%(name)s: votes from 0 to %(max)d.") % {"name": member.name, "max": MAX_VOTES}
            )
            continue
        votes[member.pk] = number
    if problems:
        return _election_page(
            request, org, chosen, status=400, error=" ".join(problems), posted=request.POST
        )
    elected, why_not = elected_by_votes(standing, votes, chosen.seats)
    if why_not:
        return _election_page(request, org, chosen, status=400, error=why_not, posted=request.POST)
    try:
        actions.record_election_result(
            request.user,
            chosen,
            elected,
            votes={m.name: votes[m.pk] for m in standing},
            method="result entry",
        )
    except ActionError as error:
        return _election_page(
            request,
            org,
            chosen,
            status=refusal_status(error),
            error=str(error),
            posted=request.POST,
        )
    messages.success(
        request,
        _("The result is declared: %(names)s elected.")
        % {"names": ", ".join(m.name for m in elected)},
    )
    return _done(org, chosen)


@login_required
@require_live_post
def open_poll(request: HttpRequest, organisation_id: int, election_id: int) -> HttpResponse:
    """Open the members' online poll: the candidates are fixed, and every member on the roll
    is told by mail (the action queues the notices, sent after the commit)."""
    from smolny.councils.actions.election_ballot import open_election_poll

    org = secretary_org(request, organisation_id)
    if isinstance(org, HttpResponse):
        return org
    chosen = _election_of(org, election_id)
    try:
        open_election_poll(request.user, chosen)
    except ActionError as error:
        return _election_page(request, org, chosen, status=refusal_status(error), error=str(error))
    messages.success(
        request,
        _("The poll is open: the members of %(roll)s vote in their member portal.")
        % {"roll": chosen.constituency.name},
    )
    return _done(org, chosen)


@login_required
@require_live_post
def close_poll(request: HttpRequest, organisation_id: int, election_id: int) -> HttpResponse:
    """Close the online poll: the ballots cast in the portal are counted by STV."""
    org = secretary_org(request, organisation_id)
    if isinstance(org, HttpResponse):
        return org
    chosen = _election_of(org, election_id)
    method = request.POST.get("method", "")
    if method not in dict(STV_METHODS):
        return _election_page(
            request, org, chosen, status=400, error=_("Choose a counting method.")
        )
    try:
        closed = actions.close_election_poll(request.user, chosen, method=method)
    except ActionError as error:
        return _election_page(request, org, chosen, status=refusal_status(error), error=str(error))
    names = ElectionWinner.objects.filter(election=closed).order_by("position")
    messages.success(
        request,
        _("The poll is closed and counted: %(names)s elected.")
        % {"names": ", ".join(w.member.name for w in names.select_related("member"))},
    )
    return _done(org, chosen)


@login_required
@require_live_post
def seat(request: HttpRequest, organisation_id: int, election_id: int) -> HttpResponse:
    """Seat the member posted (declared elected), with the fraction posted if any; or, with
    ``all``, every member elected and not yet seated, one seating action each, stopping at
    the first refusal (those seated before it stay seated: each seating stands alone)."""
    org = secretary_org(request, organisation_id)
    if isinstance(org, HttpResponse):
        return org
    chosen = _election_of(org, election_id)
    fraction = None
    if request.POST.get("fraction"):
        try:
            fraction = Fraction.objects.get(
                pk=int(request.POST["fraction"]), council=chosen.constituency.council
            )
        except (ValueError, Fraction.DoesNotExist):
            return _election_page(
                request, org, chosen, status=400, error=_("Choose a fraction of this council.")
            )
    if request.POST.get("all"):
        seated = set(Mandate.objects.filter(election=chosen).values_list("member_id", flat=True))
        members = [
            w.member
            for w in ElectionWinner.objects.filter(election=chosen)
            .select_related("member")
            .order_by("position")
            if w.member_id not in seated
        ]
        if not members:
            return _election_page(
                request, org, chosen, status=409, error=_("Everyone elected is seated already.")
            )
    else:
        member = _member_posted(request, org)
        if member is None:
            return _election_page(
                request, org, chosen, status=400, error=_("Choose a member declared elected.")
            )
        members = [member]
    done: list[str] = []
    for member in members:
        try:
            actions.seat_deputy(request.user, chosen, member, fraction=fraction)
        except ActionError as error:
            said = str(error)
            if done:
                said = _("%(names)s seated; then: %(error)s") % {
                    "names": ", ".join(done),
                    "error": said,
                }
            return _election_page(request, org, chosen, status=refusal_status(error), error=said)
        done.append(member.name)
    messages.success(request, _("Seated: %(names)s.") % {"names": ", ".join(done)})
    return _done(org, chosen)
