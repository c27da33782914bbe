"""The member portal: my constituency, my deputies, recall petitions and recall votes.

Every button is a form posted with its CSRF token to a view that calls one recall action
(:mod:`smolny.councils.actions.recall`) as the signed-in user: the action checks that the
user is the member (or a secretary) and that the member is on the deputy's roll, so the
page never decides who may do what, it only offers what the member could do. A refused
action comes back as the portal with the action's reason and a 4xx status; an accepted one
redirects to the portal (post/redirect/get). The portal's body re-reads itself on each live
event of the organisation that concerns rolls, mandates, elections or recall (the filter is
on the element's ``hx-trigger``), so signatures and ballots of others appear without a reload.

Members vote on a recall here, and in the elections and by-elections of their constituency:
each open election with candidates offers a ballot (a number per candidate: 1 for the first
preference, 2 for the next, any left empty; no JavaScript needed), through
:func:`~smolny.councils.actions.cast_election_ballot`. Afterwards the page says that the
member has voted, never what: the ranking is not kept with the voter, so there is nothing to
show. Once the secretary closes the poll the result appears. The ballot form keeps what a
member has typed when the portal re-reads itself (``hx-preserve``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from smolny.councils import actions
from smolny.councils.models import (
    Candidate,
    Constituency,
    Election,
    FractionMembership,
    Mandate,
    Member,
    Organisation,
    RecallBallot,
    RecallPetition,
    RecallSignature,
    RecallVote,
    RecallVoter,
)
from smolny.councils.models.dated import valid_at
from smolny.councils.queries import roll_size, seats_at
from smolny.councils.queries.elections import has_voted, live_candidates, turnout, voting_started
from smolny.rules.recall import share_of_roll
from smolny.web.access import current_member, is_secretary, organisation_or_404
from smolny.web.views.server_time import require_live_post

CLOSED_SHOWN = 10


@dataclass(frozen=True)
class PetitionView:
    """A live petition as the member sees it: the deputy, the progress, my signature."""

    petition: RecallPetition
    signatures: int
    signed: bool
    reasons: tuple[str, ...] = ()
    """The reasons signers gave, without their names (the signers stay with the secretary)."""

    @property
    def missing(self) -> int:
        return max(self.petition.threshold - self.signatures, 0)


@dataclass(frozen=True)
class RecallVoteView:
    """An open or closed recall vote: turnout, the quorum it needs, my ballot."""

    vote: RecallVote
    cast: int
    quorum: int
    voted: bool


@dataclass(frozen=True)
class ElectionView:
    """An election as the portal shows it: candidates, the turnout, whether I have voted,
    and after the declaration the elected and their votes in the last stage of the count."""

    election: Election
    candidates: list[Candidate]
    voters: int
    voted: bool

    @property
    def online(self) -> bool:
        """Decided by members' ballots: candidates are standing, or the poll was counted."""
        return bool(self.candidates) and (
            self.election.status == Election.OPEN or "voters" in self.count
        )

    @property
    def count(self) -> dict[str, Any]:
        found: dict[str, Any] = self.election.result.get("count", {})
        return found

    @property
    def final(self) -> list[tuple[str, str, bool]]:
        """(name, votes in the last stage, elected) for each candidate, most votes first."""
        votes = self.election.result.get("votes", {})
        elected = set(self.election.result.get("elected", []))
        rows = [
            (c.member.name, votes.get(c.member.external_id, "0"), c.member.external_id in elected)
            for c in self.candidates
        ]
        return sorted(rows, key=lambda r: (not r[2], -float(r[1])))


def _elections(elections: Any, member: Member | None) -> list[ElectionView]:
    views = []
    for election in elections:
        voted = member is not None and has_voted(election, member)
        views.append(ElectionView(election, live_candidates(election), turnout(election), voted))
    return views


def _deputies(constituency: Constituency, at: datetime) -> list[dict[str, Any]]:
    mandates = list(
        Mandate.objects.filter(valid_at(at), constituency=constituency)
        .select_related("member", "council")
        .order_by("member__name")
    )
    fractions = dict(
        FractionMembership.objects.filter(valid_at(at), mandate__in=mandates).values_list(
            "mandate_id", "fraction__name"
        )
    )
    live = {
        p.mandate_id: p
        for p in RecallPetition.objects.filter(mandate__in=mandates).exclude(
            status=RecallPetition.CLOSED
        )
    }
    return [
        {"mandate": m, "fraction": fractions.get(m.pk), "petition": live.get(m.pk)}
        for m in mandates
    ]


def _petitions(constituencies: Any, member: Member | None) -> list[PetitionView]:
    petitions = (
        RecallPetition.objects.filter(
            status=RecallPetition.OPEN, mandate__constituency__in=constituencies
        )
        .select_related("mandate__member", "mandate__constituency", "opened_by")
        .order_by("opened_at", "pk")
    )
    views = []
    for petition in petitions:
        live = RecallSignature.objects.filter(petition=petition, withdrawn_at=None)
        signed = member is not None and live.filter(member=member).exists()
        reasons = tuple(
            live.exclude(reason="").order_by("signed_at", "pk").values_list("reason", flat=True)
        )
        views.append(PetitionView(petition, live.count(), signed, reasons))
    return views


def _votes(constituencies: Any, member: Member | None, *, closed: bool) -> list[RecallVoteView]:
    votes = RecallVote.objects.filter(
        petition__mandate__constituency__in=constituencies, closed_at__isnull=not closed
    ).select_related(
        "petition__mandate__member",
        "petition__mandate__constituency",
        "petition__mandate__council",
    )
    votes = votes.order_by("-closed_at", "-pk")[:CLOSED_SHOWN] if closed else votes.order_by("pk")
    views = []
    for vote in votes:
        voters = RecallVoter.objects.filter(vote=vote)  # who voted, never how
        quorum = share_of_roll(vote.roll_size, vote.petition.mandate.council.recall_quorum)
        voted = member is not None and voters.filter(member=member).exists()
        views.append(RecallVoteView(vote, voters.count(), quorum, voted))
    return views


def portal_context(request: HttpRequest, org: Organisation) -> dict[str, Any]:
    """Everything the portal shows to the signed-in user, read now."""
    now = timezone.now()
    member = current_member(request.user, org)
    secretary = is_secretary(request.user, org)
    context: dict[str, Any] = {"organisation": org, "member": member, "secretary": secretary}
    mine: list[Constituency] = []
    if member is not None:
        constituency = member.constituency
        mine = [constituency]
        context.update(
            constituency=constituency,
            council=constituency.council,
            roll_size=roll_size(constituency, now),
            seats=seats_at(constituency, now),
            deputies=_deputies(constituency, now),
            threshold_share=constituency.council.petition_threshold,
            quorum_share=constituency.council.recall_quorum,
            elections=_elections(
                Election.objects.filter(constituency=constituency)
                .select_related("cause__member", "constituency")
                .prefetch_related("winners__member")
                .order_by("-opened_at", "-pk")[:CLOSED_SHOWN],
                member,
            ),
        )
    # A secretary counts the recall votes of the whole organisation.
    watched = list(Constituency.objects.filter(council__organisation=org)) if secretary else mine
    context.update(
        petitions=_petitions(watched, member),
        open_votes=_votes(watched, member, closed=False),
        closed_votes=_votes(watched, member, closed=True),
    )
    if secretary:
        # The polls a secretary may close: open elections of the organisation with candidates.
        polls = Election.objects.filter(
            constituency__council__organisation=org,
            status=Election.OPEN,
            candidates__withdrawn_at=None,
        ).distinct()
        context["polls"] = _elections(
            polls.select_related("constituency", "cause__member").order_by("opened_at", "pk"),
            None,
        )
        context["nominations"] = _nominations(org)
    return context


NOMINATIONS_SHOWN = 20


def _nominations(org: Organisation) -> list[dict[str, Any]]:
    """The open elections of *org* (members' constituencies) whose candidates may still
    change, i.e. no ballot is cast yet: each with its candidates, for a secretary."""
    open_elections = (
        Election.objects.filter(
            constituency__council__organisation=org,
            constituency__kind=Constituency.ROLL,
            status=Election.OPEN,
        )
        .select_related("constituency", "cause__member")
        .order_by("opened_at", "pk")
    )
    shown = []
    for election in open_elections:
        if voting_started(election):
            continue
        shown.append({"election": election, "candidates": live_candidates(election)})
        if len(shown) == NOMINATIONS_SHOWN:
            break
    return shown


def _portal(
    request: HttpRequest, org: Organisation, status: int = 200, **extra: Any
) -> HttpResponse:
    context = portal_context(request, org)
    context.update(extra)
    if context["member"] is None and not context["secretary"]:
        status = 403 if status == 200 else status
    return render(request, "web/member/portal.html", context, status=status)


@login_required
def portal(request: HttpRequest, organisation_id: int) -> HttpResponse:
    """The member's portal (403 for a user who is neither on a roll nor a secretary)."""
    return _portal(request, organisation_or_404(organisation_id))


@login_required
def recall_fragment(request: HttpRequest, organisation_id: int) -> HttpResponse:
    """The portal without its frame, for the live refresh (htmx swaps it in)."""
    org = organisation_or_404(organisation_id)
    context = portal_context(request, org)
    status = 200 if context["member"] is not None or context["secretary"] else 403
    return render(request, "web/member/_portal_body.html", context, status=status)


def _act(request: HttpRequest, org: Organisation, done: str, call: Any) -> HttpResponse:
    """Run *call* (an action); on success say *done* and redirect, else show why, with 4xx."""
    try:
        call()
    except actions.ActionError as error:
        return _refused(request, org, error)
    messages.success(request, done)
    return redirect("portal", organisation_id=org.pk)


def _refused(request: HttpRequest, org: Organisation, error: actions.ActionError) -> HttpResponse:
    """The portal again with the refusal's reason: 403 when the person may not, 409 when the
    record's state forbids it."""
    messages.error(request, str(error))
    status = 403 if isinstance(error, actions.PermissionDenied) else 409
    return _portal(request, org, status=status)


def _cast_with_receipt(
    request: HttpRequest, org: Organisation, done: str, call: Any, board: str
) -> HttpResponse:
    """Run *call*, a cast that returns the ballot's tracker, and answer with the portal
    showing the receipt and a link to the vote's bulletin board *board* (a refusal as
    :func:`_act` answers it). The receipt is rendered on this answer, not redirected to: it
    is stored nowhere but on the board, which does not say whose it is. It sits outside the
    part of the page that live events re-read, so it stays until the member dismisses it."""
    try:
        tracker = call()
    except actions.ActionError as error:
        return _refused(request, org, error)
    messages.success(request, done)
    return _portal(request, org, receipt=tracker, receipt_board=board)


def _acting_member(request: HttpRequest, org: Organisation) -> Member | None:
    return current_member(request.user, org)


def _not_a_member(request: HttpRequest, org: Organisation) -> HttpResponse:
    messages.error(request, _("You are not on a roll of %(organisation)s.") % {"organisation": org})
    return _portal(request, org, status=403)


@require_live_post
@login_required
def open_petition(request: HttpRequest, organisation_id: int) -> HttpResponse:
    """Open a recall petition against a deputy of my constituency (and sign it)."""
    org = organisation_or_404(organisation_id)
    member = _acting_member(request, org)
    if member is None:
        return _not_a_member(request, org)
    mandate_id = request.POST.get("mandate", "")
    if not mandate_id.isdigit():
        messages.error(request, _("Choose the deputy to recall."))
        return _portal(request, org, status=400)
    mandate = get_object_or_404(Mandate, pk=int(mandate_id), council__organisation=org)
    if request.POST.get("confirm") != "yes":
        # A recall is a grave step: it needs the member's explicit confirmation.
        messages.error(
            request,
            _("Confirm that you want to start the recall of %(deputy)s: tick the box.")
            % {"deputy": mandate.member.name},
        )
        return _portal(request, org, status=400)
    return _act(
        request,
        org,
        _("Recall petition against %(deputy)s opened, with your signature.")
        % {"deputy": mandate.member.name},
        lambda: actions.open_recall_petition(request.user, mandate, member),
    )


def _petition(org: Organisation, petition_id: int) -> RecallPetition:
    return get_object_or_404(
        RecallPetition.objects.select_related("mandate__member"),
        pk=petition_id,
        mandate__council__organisation=org,
    )


@require_live_post
@login_required
def sign_petition(request: HttpRequest, organisation_id: int, petition_id: int) -> HttpResponse:
    """Sign a petition; the signature that reaches the threshold opens the recall vote."""
    org = organisation_or_404(organisation_id)
    member = _acting_member(request, org)
    if member is None:
        return _not_a_member(request, org)
    petition = _petition(org, petition_id)
    opened: list[RecallVote | None] = []
    if request.POST.get("confirm") != "yes":
        # A signature starts the recall of a deputy: the form asks the member to confirm it
        # (a required box), and a post without it signs nothing.
        messages.error(
            request,
            _("Tick the box to confirm that you sign the petition to recall %(deputy)s.")
            % {"deputy": petition.mandate.member.name},
        )
        return _portal(request, org, status=400)
    reason = request.POST.get("reason", "")

    def sign() -> None:
        opened.append(actions.sign_recall_petition(request.user, petition, member, reason=reason))

    response = _act(request, org, _("Your signature is on the petition."), sign)
    if opened and opened[0] is not None:
        messages.info(
            request,
            _("The threshold is reached: the recall vote on %(deputy)s is open.")
            % {"deputy": petition.mandate.member.name},
        )
    return response


@require_live_post
@login_required
def withdraw(request: HttpRequest, organisation_id: int, petition_id: int) -> HttpResponse:
    """Withdraw my signature (only while the petition is below its threshold)."""
    org = organisation_or_404(organisation_id)
    member = _acting_member(request, org)
    if member is None:
        return _not_a_member(request, org)
    petition = _petition(org, petition_id)
    return _act(
        request,
        org,
        _("Your signature is withdrawn."),
        lambda: actions.withdraw_signature(request.user, petition, member),
    )


def _vote(org: Organisation, vote_id: int) -> RecallVote:
    return get_object_or_404(
        RecallVote.objects.select_related("petition__mandate__member"),
        pk=vote_id,
        petition__mandate__council__organisation=org,
    )


@require_live_post
@login_required
def cast(request: HttpRequest, organisation_id: int, vote_id: int) -> HttpResponse:
    """Vote to recall or to keep the deputy; once."""
    org = organisation_or_404(organisation_id)
    member = _acting_member(request, org)
    if member is None:
        return _not_a_member(request, org)
    vote = _vote(org, vote_id)
    choice = request.POST.get("choice")
    if choice not in (RecallBallot.RECALL, RecallBallot.KEEP):
        messages.error(request, _("Choose to recall or to keep the deputy."))
        return _portal(request, org, status=400)
    return _cast_with_receipt(
        request,
        org,
        _("Your vote is cast."),
        lambda: actions.cast_recall_vote(request.user, vote, member, choice == RecallBallot.RECALL),
        reverse("recall-vote-board-json", args=[org.pk, vote.pk]),
    )


@require_live_post
@login_required
def close(request: HttpRequest, organisation_id: int, vote_id: int) -> HttpResponse:
    """A secretary closes the recall vote; its outcome applies at once."""
    org = organisation_or_404(organisation_id)
    vote = _vote(org, vote_id)
    closed: list[RecallVote] = []
    response = _act(
        request,
        org,
        _("The recall vote on %(deputy)s is closed.")
        % {"deputy": vote.petition.mandate.member.name},
        lambda: closed.append(actions.close_recall_vote(request.user, vote)),
    )
    if closed:
        outcome = closed[0].outcome
        if outcome == RecallVote.RECALLED:
            messages.info(
                request,
                _("%(deputy)s is recalled: the mandate has ended and a by-election is open.")
                % {"deputy": vote.petition.mandate.member.name},
            )
        else:
            messages.info(request, _("Outcome: %(outcome)s.") % {"outcome": outcome_label(outcome)})
    return response


def outcome_label(outcome: str) -> str:
    """A recall vote's outcome in words of the page's language."""
    labels = {
        RecallVote.RECALLED: _("recalled"),
        RecallVote.NOT_RECALLED: _("not recalled"),
        RecallVote.NO_QUORUM: _("no quorum"),
        RecallVote.LAPSED: _("lapsed"),
    }
    return labels.get(outcome, outcome)


def _election(org: Organisation, election_id: int) -> Election:
    return get_object_or_404(
        Election.objects.select_related("constituency"),
        pk=election_id,
        constituency__council__organisation=org,
    )


def ranking_from(post: Any, candidates: list[Candidate]) -> list[Candidate] | str:
    """The candidates in the order of the numbers given for them (``rank-<member id>``), or
    why the numbers cannot be read as a ranking."""
    numbered: list[tuple[int, Candidate]] = []
    for candidate in candidates:
        value = post.get(f"rank-{candidate.member_id}", "").strip()
        if not value:
            continue
        if not value.isdigit() or int(value) < 1:
            return _("Use whole numbers from 1 (your first preference), or leave a box empty.")
        numbered.append((int(value), candidate))
    if not numbered:
        return _("Number at least one candidate: 1 for your first preference.")
    if len({n for n, _c in numbered}) != len(numbered):
        return _("Give each candidate a different number.")
    return [c for _n, c in sorted(numbered, key=lambda pair: pair[0])]


@require_live_post
@login_required
def cast_ballot(request: HttpRequest, organisation_id: int, election_id: int) -> HttpResponse:
    """Cast my ballot in an election of my constituency: the numbers rank the candidates."""
    org = organisation_or_404(organisation_id)
    member = _acting_member(request, org)
    if member is None:
        return _not_a_member(request, org)
    election = _election(org, election_id)
    ranking = ranking_from(request.POST, live_candidates(election))
    if isinstance(ranking, str):
        messages.error(request, ranking)
        return _portal(request, org, status=400)
    return _cast_with_receipt(
        request,
        org,
        _("Your ballot is cast. It is secret: nobody can see how you voted, not even you."),
        lambda: actions.cast_election_ballot(
            request.user, election, member, [c.member for c in ranking]
        ),
        reverse("election-board-json", args=[org.pk, election.pk]),
    )


@require_live_post
@login_required
def close_poll(request: HttpRequest, organisation_id: int, election_id: int) -> HttpResponse:
    """A secretary closes an election's poll: the ballots are counted by STV (Scottish rules)
    and the result declared."""
    org = organisation_or_404(organisation_id)
    election = _election(org, election_id)
    return _act(
        request,
        org,
        _("The poll in %(constituency)s is closed and counted.")
        % {"constituency": election.constituency.name},
        lambda: actions.close_election_poll(request.user, election),
    )


@require_live_post
@login_required
def nominate(request: HttpRequest, organisation_id: int, election_id: int) -> HttpResponse:
    """A secretary nominates a member for an election, named by roll number or by name (a
    name, or a part of it, that only one member on the constituency's roll has)."""
    org = organisation_or_404(organisation_id)
    election = _election(org, election_id)
    given = request.POST.get("member", "").strip()[:100]
    member = Member.objects.filter(organisation=org, external_id=given).first() if given else None
    if member is None and given:
        named = list(
            Member.objects.filter(valid_at(timezone.now()), constituency=election.constituency)
            .filter(name__icontains=given)
            .order_by("name", "external_id")[:6]
        )
        exact = [m for m in named if m.name.casefold() == given.casefold()]
        if len(exact) == 1 or len(named) == 1:
            member = exact[0] if len(exact) == 1 else named[0]
        elif named:
            messages.error(
                request,
                _(
                    "Several members of %(constituency)s match “%(given)s”: %(names)s. "
                    "Give the full name or the roll number."
                )
                % {
                    "constituency": election.constituency.name,
                    "given": given,
                    "names": ", ".join(f"{m.name} ({m.external_id})" for m in named[:5]),
                },
            )
            return _portal(request, org, status=400)
    if member is None:
        messages.error(
            request,
            _("No member of %(organisation)s has the roll number “%(number)s”, nor a name like it.")
            % {"organisation": org.name, "number": given[:64]},
        )
        return _portal(request, org, status=400)
    return _act(
        request,
        org,
        _("%(name)s is a candidate in %(constituency)s.")
        % {"name": member.name, "constituency": election.constituency.name},
        lambda: actions.nominate_candidate(request.user, election, member),
    )


@require_live_post
@login_required
def withdraw_nominee(
    request: HttpRequest, organisation_id: int, election_id: int, member_id: int
) -> HttpResponse:
    """A secretary withdraws a candidate before the first ballot is cast."""
    org = organisation_or_404(organisation_id)
    election = _election(org, election_id)
    member = get_object_or_404(Member, pk=member_id, organisation=org)
    return _act(
        request,
        org,
        _("%(name)s is no longer a candidate.") % {"name": member.name},
        lambda: actions.withdraw_candidate(request.user, election, member),
    )
