"""Members vote in their constituency's elections: candidates, secret ballots, the count.

A secretary nominates members eligible for the constituency (and may withdraw a candidate)
until the first ballot is cast; from then on the list of candidates is fixed, so every
ballot ranks the same candidates. Each member on the roll at the moment votes once, in
person, ranking candidates of this election (one mark is a ranking of one). The secretary
closes the poll: the stored ballots become a :class:`~smolny.rules.ballots.BallotSet`,
counted by STV and declared by the same path as :func:`count_election` (ballots sent as a
file). An election is decided either by members' ballots here or by a result entered or
counted from a file, never both.

Secrecy follows the session's secret ballot (:mod:`smolny.councils.actions.ballot`):

* **Two tables**: :class:`~smolny.councils.models.ElectionVoter` (election, member; no time,
  nothing of the ballot) and :class:`~smolny.councils.models.ElectionBallot` (random key,
  election, ranking; no voter, no time). No foreign key joins them.
* **The journal** entry of a cast (``cast_election_ballot``) names the election and the
  voter, never the ranking; its live event carries the same payload. The rankings appear
  together only in the count kept with the declared result.
* **Two looks at the table around a cast**: the rows hold sealed boxes; every cast rewrites a
  bucket of k boxes with the new one under new keys and fresh bytes
  (:mod:`smolny.councils.actions.ballot_box`, shared with the session's secret ballot and the
  recall vote), so the new ballot hides among k+1 new rows whatever the roll's size. At the
  close the boxes are opened and the cast ballots written in clear (``filled``) under fresh
  random keys, in key order.

The residual risks are stated in :mod:`~smolny.councils.actions.ballot_box`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

import numpy as np
from django.utils.translation import gettext

from smolny.councils.actions import ballot_box
from smolny.councils.actions.ballot_box import Box
from smolny.councils.actions.bulk import insert_keyed
from smolny.councils.actions.election import count_and_declare, counter_for, open_for_result
from smolny.councils.models import (
    Candidate,
    Constituency,
    Election,
    ElectionBallot,
    ElectionTracker,
    ElectionVoter,
    Member,
)
from smolny.councils.queries import roll_size
from smolny.councils.queries.elections import eligible, live_candidates, voting_started
from smolny.councils.queries.rolls import same_person
from smolny.councils.queries.votes import require_voter_in_person
from smolny.journal.actions import (
    ActionError,
    Actor,
    NotAllowed,
    action_transaction,
    fresh,
    record,
    require_secretary,
)
from smolny.notices.compose import election_poll_notice
from smolny.rules.ballots import BallotSet


def _open_election(election: Election) -> Election:
    election = fresh(election)
    if election.status != Election.OPEN:
        raise NotAllowed(
            gettext("the result of this election has been declared: its poll is closed")
        )
    return election


def nominate_candidate(
    actor: Actor, election: Election, member: Member, *, at: datetime | None = None
) -> Candidate:
    """A secretary nominates *member* (eligible for the constituency) before voting starts."""
    with action_transaction(at) as at:
        election = _open_election(election)
        organisation = election.constituency.council.organisation
        require_secretary(actor, organisation, at)
        member = fresh(member)
        if member.organisation_id != organisation.pk:
            raise NotAllowed(
                gettext("%(member)s is not a member of %(organisation)s")
                % {"member": member.name, "organisation": organisation.name}
            )
        if voting_started(election):
            raise NotAllowed(gettext("voting has started: the candidates can no longer change"))
        problem = eligible(member, election.constituency, at)
        if problem:
            raise NotAllowed(problem)
        if Candidate.objects.filter(election=election, member=member, withdrawn_at=None).exists():
            raise NotAllowed(
                gettext("%(member)s is a candidate in this election already")
                % {"member": member.name}
            )
        candidate = Candidate.objects.create(election=election, member=member, nominated_at=at)
        record(
            actor,
            "nominate_candidate",
            {"election": election.pk, "member": member.external_id},
            at=at,
            organisation=organisation,
        )
    return candidate


def withdraw_candidate(
    actor: Actor, election: Election, member: Member, *, at: datetime | None = None
) -> Candidate:
    """A secretary withdraws a candidate, only before the first ballot is cast."""
    with action_transaction(at) as at:
        election = _open_election(election)
        organisation = election.constituency.council.organisation
        require_secretary(actor, organisation, at)
        candidate = Candidate.objects.filter(
            election=election, member_id=member.pk, withdrawn_at=None
        ).first()
        if candidate is None:
            raise NotAllowed(
                gettext("%(member)s is not a candidate in this election") % {"member": member.name}
            )
        if voting_started(election):
            raise NotAllowed(gettext("voting has started: a candidate can no longer be withdrawn"))
        if at < candidate.nominated_at:
            raise ActionError(gettext("a candidate cannot be withdrawn before being nominated"))
        candidate.withdrawn_at = at
        candidate.save(update_fields=["withdrawn_at"])
        record(
            actor,
            "withdraw_candidate",
            {"election": election.pk, "member": member.external_id},
            at=at,
            organisation=organisation,
        )
    return candidate


def open_election_poll(actor: Actor, election: Election, *, at: datetime | None = None) -> Election:
    """A secretary opens the members' poll of an election with its candidates: from now on
    the candidates are fixed (as from a first ballot), and every member on the roll is told
    by mail, sent after the commit (:mod:`smolny.notices`)."""
    with action_transaction(at) as at:
        election = _open_election(election)
        constituency = election.constituency
        organisation = constituency.council.organisation
        require_secretary(actor, organisation, at)
        if constituency.kind == Constituency.COUNCIL:
            raise NotAllowed(
                gettext("%(constituency)s is a delegation elected by its council, not by a poll")
                % {"constituency": constituency.name}
            )
        if election.poll_opened_at is not None:
            raise NotAllowed(gettext("the poll of this election is open already"))
        if not live_candidates(election):
            raise NotAllowed(gettext("nominate the candidates before opening the poll"))
        election.poll_opened_at = at
        election.save(update_fields=["poll_opened_at"])
        notice = election_poll_notice(election, at)
        record(
            actor,
            "open_election_poll",
            {
                "election": election.pk,
                "notices": {"queued": notice.queued, "no_address": notice.without_address},
            },
            at=at,
            organisation=organisation,
        )
    return election


def _require_elector(member: Member, constituency: Constituency, at: datetime) -> None:
    if constituency.kind == Constituency.COUNCIL:
        raise NotAllowed(
            gettext(
                "%(constituency)s is a delegation elected by its council, not by members' ballots"
            )
            % {"constituency": constituency.name}
        )
    if member.constituency_id != constituency.pk or not member.current_at(at):
        raise NotAllowed(
            gettext("%(member)s is not on the roll of %(constituency)s")
            % {"member": member.name, "constituency": constituency.name}
        )


def _checked_ranking(ranking: Sequence[Member | str], candidates: list[Candidate]) -> list[str]:
    """The ranking as member numbers, each a candidate of this election, none twice."""
    numbers = [c.member.external_id for c in candidates]
    names = [r.external_id if isinstance(r, Member) else str(r) for r in ranking]
    if not names:
        raise ActionError(gettext("a ballot ranks at least one candidate"))
    strangers = [n for n in names if n not in numbers]
    if strangers:
        raise ActionError(
            gettext("not a candidate in this election: %(names)s")
            % {"names": ", ".join(strangers[:5])}
        )
    if len(set(names)) != len(names):
        raise ActionError(gettext("a candidate is ranked more than once"))
    return names


def cast_election_ballot(
    actor: Actor,
    election: Election,
    member: Member,
    ranking: Sequence[Member | str],
    *,
    at: datetime | None = None,
) -> str:
    """*member* casts their ballot: candidates (members or member numbers), most preferred
    first. Only the member themself, once, while on the constituency's roll. The return
    value is the voter's receipt, the ballot's tracker (on the poll's bulletin board), not a
    key to the ranking."""
    with action_transaction(at) as at:
        election = _open_election(election)
        member = fresh(member)
        require_voter_in_person(actor, member)
        constituency = election.constituency
        _require_elector(member, constituency, at)
        if at < election.opened_at:
            raise ActionError(gettext("a ballot cannot be cast before the election opened"))
        candidates = live_candidates(election)
        if len(candidates) < election.seats:
            raise NotAllowed(
                gettext(
                    "this election has %(count)s candidate(s) for %(seats)s seat(s): the "
                    "poll opens when there are at least as many candidates as seats"
                )
                % {"count": len(candidates), "seats": election.seats}
            )
        names = _checked_ranking(ranking, candidates)
        if ElectionVoter.objects.filter(same_person(member), election=election).exists():
            raise NotAllowed(
                gettext("%(member)s has voted in this election already") % {"member": member.name}
            )
        ElectionVoter.objects.create(election=election, member=member)
        _fill_slot(election, names, at)
        tracker = ballot_box.tracker_of(f"election:{election.pk}", list(names))
        ElectionTracker.objects.create(election=election, tracker=tracker)
        record(
            actor,
            "cast_election_ballot",
            {"election": election.pk, "member": member.external_id},
            at=at,
            organisation=constituency.council.organisation,
        )
    return tracker


def _box(election: Election) -> Box:
    """The election's ballot box; its width fits a ranking of every candidate (the list of
    candidates is fixed from the first cast)."""
    numbers = [c.member.external_id for c in live_candidates(election)]
    return Box(ElectionBallot, "election", election, width=ballot_box.election_width(numbers))


def _fill_slot(election: Election, ranking: list[str], at: datetime) -> None:
    """Cast into the box (the first cast makes its decoys, see the ballot box)."""
    ballot_box.cast(_box(election), ranking)


def _seal(election: Election) -> dict[tuple[str, ...], int]:
    """Inside the close: open the boxes, write the cast ballots in clear under fresh random
    keys, in key order; return the distinct rankings with their counts.

    Built for a million ballots: the boxes are read and decrypted in bulk and merged by
    ranking (:func:`ballot_box.open_counted`); each opened ballot's place is drawn from the
    fresh keys themselves (:func:`ballot_box.shuffled_keys`: row *i* takes the ballot at a
    uniformly random place of the list of ballots, the list being the distinct rankings each
    repeated by its count), and the rows go in one COPY on PostgreSQL."""
    merged = {
        tuple(str(n) for n in r): count
        for r, count in ballot_box.open_counted(_box(election)).items()
    }
    distinct = list(merged)
    counts = np.fromiter(merged.values(), dtype=np.int64, count=len(merged))
    n = int(counts.sum())
    keys, order = ballot_box.shuffled_keys(n)
    ballot_of = np.repeat(np.arange(len(distinct)), counts)[order]
    insert_keyed(
        ElectionBallot,
        keys,
        {"election_id": election.pk, "box": "", "filled": True},
        "ranking",
        [json.dumps(list(r)) for r in distinct],
        ballot_of.tolist(),
    )
    return merged


def ballot_set(election: Election, merged: dict[tuple[str, ...], int], at: datetime) -> BallotSet:
    """The distinct rankings with their counts as a :class:`BallotSet` over the election's
    candidates; a candidate no longer eligible at *at* (off the roll since) is withdrawn from
    the count."""
    candidates = [c.member for c in live_candidates(election)]
    numbers = [m.external_id for m in candidates]
    index = {n: i for i, n in enumerate(numbers)}
    weights: dict[tuple[int, ...], int] = {}
    for ranking, count in merged.items():
        key = tuple(index[n] for n in ranking)
        weights[key] = weights.get(key, 0) + count
    withdrawn = frozenset(
        i for i, m in enumerate(candidates) if eligible(m, election.constituency, at)
    )
    return BallotSet(
        candidates=tuple(numbers),
        rankings=tuple(weights),
        counts=tuple(weights.values()),
        seats=election.seats,
        withdrawn=withdrawn,
    )


def close_election_poll(
    actor: Actor,
    election: Election,
    *,
    method: str = "scottish-stv",
    tie_seed: int | None = None,
    at: datetime | None = None,
) -> Election:
    """A secretary closes the poll: the ballots cast are counted by STV and the result
    declared (the count, with the turnout, kept on the election)."""
    counter = counter_for(method)
    with action_transaction(at) as at:
        election = open_for_result(actor, election, at, online=True)
        voters = ElectionVoter.objects.filter(election=election).count()
        if voters == 0:
            raise NotAllowed(
                gettext("no member has voted in this election: there is nothing to count")
            )
        merged = _seal(election)
        ballots = ballot_set(election, merged, at)
        withdrawn = sorted(ballots.candidates[i] for i in ballots.withdrawn)
        count_and_declare(
            actor,
            election,
            ballots,
            method,
            counter,
            tie_seed,
            at,
            action="close_election_poll",
            extra={
                "voters": voters,
                "roll": roll_size(election.constituency, at),
                "withdrawn": withdrawn,
            },
        )
    return election
