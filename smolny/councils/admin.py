"""Django admin registrations for the councils app.

Every model is registered so a secretary can inspect the data. Nothing is edited in place:
a change made in the admin's forms would bypass the journal, so the admin is read-only,
and corrections are made through admin actions that call the councils' actions (with the
logged-in user as the actor, who must be a secretary of the organisation). The journal
and its head are read-only like everything else; nothing may rewrite them.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from smolny.councils import models
from smolny.councils.actions import (
    ActionError,
    close_recall_vote,
    resign_mandate,
    vacate_organ_seat,
)
from smolny.journal.admin import ReadOnlyAdmin


def _run(request: HttpRequest, admin_: ReadOnlyAdmin, queryset: QuerySet[Any], call: Any) -> None:
    """Apply an action to each selected row; report what was done and what was refused."""
    done = 0
    for obj in queryset:
        try:
            call(request.user, obj)
            done += 1
        except ActionError as error:
            admin_.message_user(request, f"{obj}: {error}", messages.ERROR)
    if done:
        admin_.message_user(request, f"{done} done, each recorded in the journal.")


@admin.action(description="Record the resignation of the selected deputies")
def record_resignation(
    admin_: ReadOnlyAdmin, request: HttpRequest, queryset: QuerySet[Any]
) -> None:
    _run(request, admin_, queryset, lambda actor, m: resign_mandate(actor, m))


@admin.action(description="Close and count the selected recall votes")
def close_votes(admin_: ReadOnlyAdmin, request: HttpRequest, queryset: QuerySet[Any]) -> None:
    _run(request, admin_, queryset, lambda actor, v: close_recall_vote(actor, v))


@admin.action(description="Vacate the selected organ seats")
def vacate_seats(admin_: ReadOnlyAdmin, request: HttpRequest, queryset: QuerySet[Any]) -> None:
    _run(request, admin_, queryset, lambda actor, s: vacate_organ_seat(actor, s.organ, s.number))


SIMPLE = [
    models.Organisation,
    models.OrganisationRole,
    models.Council,
    models.RepresentationRule,
    models.Constituency,
    models.Apportionment,
    models.ApportionedSeats,
    models.Election,
    models.ElectionWinner,
    models.Fraction,
    models.FractionMembership,
    models.Organ,
    models.RecallPetition,
    models.RecallSignature,
    models.RecallVoter,
    models.JournalHead,
]

for model in SIMPLE:
    admin.site.register(model, ReadOnlyAdmin)


@admin.register(models.Member)
class MemberAdmin(ReadOnlyAdmin):
    list_display = ("external_id", "name", "constituency", "start", "end")
    search_fields = ("external_id", "name")


@admin.register(models.Mandate)
class MandateAdmin(ReadOnlyAdmin):
    list_display = ("member", "council", "constituency", "start", "end", "end_reason")
    list_filter = ("council", "end_reason")
    actions = (record_resignation,)


@admin.register(models.OrganSeat)
class OrganSeatAdmin(ReadOnlyAdmin):
    list_display = ("organ", "number", "status", "how", "fraction", "holder", "start", "end")
    list_filter = ("organ", "status")
    actions = (vacate_seats,)


@admin.register(models.RecallVote)
class RecallVoteAdmin(ReadOnlyAdmin):
    list_display = ("petition", "opened_at", "closed_at", "outcome")
    actions = (close_votes,)


@admin.register(models.JournalEntry)
class JournalEntryAdmin(ReadOnlyAdmin):
    list_display = ("seq", "time", "actor", "action", "hash")
    list_filter = ("action",)
    search_fields = ("actor", "action", "payload")


# --- sessions: read-only like the rest; a vote is closed through its action -------------------


@admin.action(description="Close and decide the selected votes")
def close_session_votes(
    admin_: ReadOnlyAdmin, request: HttpRequest, queryset: QuerySet[Any]
) -> None:
    from smolny.councils.actions.vote import close_vote

    _run(request, admin_, queryset, lambda actor, v: close_vote(actor, v))


for model in (
    models.OrganRules,
    models.ChairTerm,
    models.Walkout,
    models.Attendance,
    models.AgendaItem,
    models.Motion,
    models.NamedVote,
    models.SecretVoter,
    # The trackers of a vote's ballots: what its public bulletin board lists, no voter.
    models.SecretTracker,
    models.PresidiumReformation,
    # Card votes (open votes: each card is cast by name) and the proxies of a sitting.
    models.CardRoll,
    models.CardBallot,
    models.Proxy,
):
    admin.site.register(model, ReadOnlyAdmin)


@admin.register(models.Session)
class SessionAdmin(ReadOnlyAdmin):
    list_display = ("title", "organ", "starts_at", "regularity", "status")
    list_filter = ("regularity", "status")


@admin.register(models.Vote)
class VoteAdmin(ReadOnlyAdmin):
    list_display = ("item", "motion", "method", "status", "for_votes", "against", "outcome")
    list_filter = ("method", "status", "outcome")
    actions = (close_session_votes,)


class SecretUntilClosedAdmin(ReadOnlyAdmin):
    """Ballots by their random key (no voter, no time), and no choice of an open vote: the
    list and the detail page show the choice only once the vote is closed and its ballots
    sealed, so the admin cannot watch a secret vote (nor, comparing two looks, tell which
    ballot changed). Subclasses name the vote's field and the fields that hold the choice."""

    vote_field = "vote"
    hidden: tuple[str, ...] = ("choice",)
    sealed_field = "sealed"

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        return ["key", self.vote_field, "shown_choice", self.sealed_field]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        return self.get_fields(request, obj)

    @admin.display(description="choice")
    def shown_choice(self, obj: Any) -> str:
        if not getattr(obj, self.sealed_field):
            return "(secret until the close)"
        return ", ".join(str(getattr(obj, name)) for name in self.hidden if getattr(obj, name))


@admin.register(models.SecretBallot)
class SecretBallotAdmin(SecretUntilClosedAdmin):
    """A session's secret ballots (see actions.ballot)."""

    list_display = ("key", "vote", "shown_choice", "sealed")
    ordering = ("key",)
    hidden = ("choice", "ranking")


@admin.register(models.RecallBallot)
class RecallBallotAdmin(SecretUntilClosedAdmin):
    """A recall vote's ballots (see actions.recall)."""

    list_display = ("key", "vote", "shown_choice", "sealed")
    ordering = ("key",)


admin.site.register(models.Candidate, ReadOnlyAdmin)
admin.site.register(models.ElectionVoter, ReadOnlyAdmin)
# The trackers of a recall vote's and an election poll's ballots: what their public bulletin
# boards list (tracker and vote), no voter, no choice.
admin.site.register(models.RecallTracker, ReadOnlyAdmin)
admin.site.register(models.ElectionTracker, ReadOnlyAdmin)


@admin.register(models.ElectionBallot)
class ElectionBallotAdmin(SecretUntilClosedAdmin):
    """Election ballots (see actions.election_ballot); a ranking is shown once the poll has
    closed and the election is no longer open."""

    list_display = ("key", "election", "shown_choice", "filled")
    ordering = ("key",)
    vote_field = "election"
    hidden = ("ranking",)
    sealed_field = "filled"

    @admin.display(description="ranking")
    def shown_choice(self, obj: Any) -> str:
        if obj.election.status == models.Election.OPEN:
            return "(secret until the close)"
        return ", ".join(str(n) for n in obj.ranking)
