"""Members' election ballots that arrive together, cast in one transaction (group commit).

A union of a million members cannot hold its poll at one transaction per ballot: each cast
waits for the journal's lock and pays for its own commit, some 75 to 175 a second on the
2-core machine (issue 20). :func:`cast_election_ballots` takes the ballots of one election that
the HTTP intake (:mod:`smolny.api.intake`) gathered while the previous batch was committing,
and settles them in one transaction: each ballot is checked exactly as
:func:`~smolny.councils.actions.election_ballot.cast_election_ballot` checks it alone (same
refusals, same order of checks), each keeps its own journal entry (naming the voter, never the
ranking) and its own tracker, and all are written with a handful of INSERTs and one commit.

Secrecy is the single cast's (see :mod:`smolny.councils.actions.ballot_box`), and a batch only
widens it: the batch's n ballots go into the box together with one bucket of k boxes, so each
new ballot hides among k+n new rows instead of k+1; the voters' rows, the trackers and the boxes
are written in an order of their own (shuffled), so that no row's place in one table points
to a row in another or to the order of the journal's entries.

One ballot per member holds as for the single cast: the batch runs under the journal's lock
(no other cast of any process runs meanwhile), a member who voted before is refused, a second
ballot of one member in the batch is refused as voted already, and the voters' table keeps its
unique constraint underneath (a batch that broke it would roll back whole).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext

from smolny.councils.actions import ballot_box
from smolny.councils.actions.ballot_box import Box, Content
from smolny.councils.actions.bulk import insert_columns
from smolny.councils.actions.election_ballot import (
    _box,
    _checked_ranking,
    _open_election,
    _require_elector,
)
from smolny.councils.models import Election, ElectionTracker, ElectionVoter, Member
from smolny.councils.queries.elections import live_candidates
from smolny.councils.queries.votes import require_voter_in_person
from smolny.journal.actions import (
    ActionError,
    Actor,
    NotAllowed,
    action_transaction,
    record_many,
    within_action,
)

_RANDOM = random.SystemRandom()


@dataclass(frozen=True)
class ElectionCast:
    """One ballot as it arrived: who sends it, for which member (by id; read afresh inside
    the batch's transaction), the ranking (members or member numbers, most preferred
    first)."""

    actor: Actor
    member: int
    ranking: Sequence[Member | str]


def cast_election_ballots(
    election: Election | int, casts: Sequence[ElectionCast]
) -> list[str | ActionError]:
    """Cast *casts* into *election* in one transaction, in their order; for each, its tracker
    (the voter's receipt) or its refusal. An election that does not exist refuses the call
    (``Election.DoesNotExist``)."""
    results: list[str | ActionError] = []
    with action_transaction(None) as at:
        pk = election.pk if isinstance(election, Election) else election
        election = Election.objects.select_related("constituency__council__organisation").get(pk=pk)
        constituency = election.constituency
        organisation = constituency.council.organisation
        closed: ActionError | None = None  # refuses every ballot, before any other check
        late: ActionError | None = None  # refuses every ballot, after the voter's checks
        candidates = []
        try:
            election = _open_election(election)
        except ActionError as refused:
            closed = refused
        if closed is None:
            candidates = live_candidates(election)
            if at < election.opened_at:
                late = ActionError(gettext("a ballot cannot be cast before the election opened"))
            elif len(candidates) < election.seats:
                late = NotAllowed(
                    gettext(
                        "this election has %(count)s candidate(s) for %(seats)s seat(s): the "
                        "poll opens when there are at least as many candidates as seats"
                    )
                    % {"count": len(candidates), "seats": election.seats}
                )
        members = Member.objects.in_bulk({c.member for c in casts})
        numbers = {m.external_id for m in members.values()}
        voted = set(
            ElectionVoter.objects.filter(
                election=election,
                member__organisation_id=organisation.pk,
                member__external_id__in=numbers,
            ).values_list("member__external_id", flat=True)
        )
        accepted: list[tuple[int, Member, list[str]]] = []
        for index, cast in enumerate(casts):
            try:
                if closed is not None:
                    raise closed
                member = members.get(cast.member)
                if member is None:
                    raise ActionError(
                        gettext("no member with id %(member)s") % {"member": cast.member}
                    )
                require_voter_in_person(cast.actor, member)
                _require_elector(member, constituency, at)
                if late is not None:
                    raise late
                names = _checked_ranking(cast.ranking, candidates)
                if member.external_id in voted:
                    raise NotAllowed(
                        gettext("%(member)s has voted in this election already")
                        % {"member": member.name}
                    )
            except ActionError as refused:
                results.append(refused)
                continue
            voted.add(member.external_id)
            accepted.append((index, member, names))
            results.append("")
        if accepted:
            label = f"election:{election.pk}"
            trackers = [ballot_box.tracker_of(label, list(names)) for _, _, names in accepted]
            for (index, _, _), tracker in zip(accepted, trackers, strict=True):
                results[index] = tracker
            voters = [m.pk for _, m, _ in accepted]
            _RANDOM.shuffle(voters)
            insert_columns(
                ElectionVoter, {"election_id": [election.pk] * len(voters), "member_id": voters}
            )
            cast_many(_box(election), [list(names) for _, _, names in accepted])
            shuffled = list(trackers)
            _RANDOM.shuffle(shuffled)
            insert_columns(
                ElectionTracker,
                {"tracker": shuffled, "election_id": [election.pk] * len(shuffled)},
            )
            record_many(
                [
                    (
                        casts[index].actor,
                        "cast_election_ballot",
                        {"election": election.pk, "member": member.external_id},
                    )
                    for index, member, _ in accepted
                ],
                at=at,
                organisation=organisation,
            )
    return results


@within_action
def cast_many(box: Box, contents: list[Content]) -> None:
    """Put several ballots into the box at once: one bucket of k boxes is opened, deleted
    and written again together with the n new ones, k+n rows under fresh keys in random
    order (:func:`ballot_box.cast` for n = 1)."""
    assert contents, "a batch has ballots"
    assert all(contents), "every cast ballot has content"
    k = ballot_box.bucket_size()
    aead = box._aead()
    rows = box.bucket(k)
    kept = [box.unseal(aead, b) for _, b in rows]
    decoys: list[Content] = [[] for _ in range(k - len(rows))]
    if rows:
        box._slots.filter(key__in=[key for key, _ in rows]).delete()
    boxes = [box.seal(aead, c) for c in [*kept, *decoys, *contents]]
    _RANDOM.shuffle(boxes)
    n = len(boxes)
    insert_columns(
        box.model,
        {
            "key": [ballot_box.slot_key() for _ in range(n)],
            f"{box.parent_field}_id": [box.parent.pk] * n,
            "box": boxes,
            "ranking": [[] for _ in range(n)],
            "filled": [False] * n,
        },
    )
