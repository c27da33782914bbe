"""Members' ballots in an election: candidates, casting once and in person, secrecy, the count.

Narva (a roll of 12) elects two deputies from four candidates (its members 1-4); members
5-12 vote. Vyborg's members are on another roll.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, models, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smolny.councils import actions
from smolny.councils.actions import ActionError, NotAllowed, PermissionDenied
from smolny.councils.actions.ballot_box import bucket_size
from smolny.councils.models import (
    Candidate,
    Election,
    ElectionBallot,
    ElectionTracker,
    ElectionVoter,
    ElectionWinner,
    JournalEntry,
    Member,
)
from smolny.councils.queries.elections import has_voted, turnout
from smolny.rules.ballots import BallotSet
from smolny.rules.stv import meek_stv, scottish_stv
from tests.integration.councils.conftest import Frame, d, make_frame

pytestmark = pytest.mark.django_db
SYS = actions.SYSTEM


@dataclass
class Poll:
    frame: Frame
    election: Election
    candidates: list[Member]
    voters: list[Member]
    secretary: AbstractBaseUser
    users: dict[str, AbstractBaseUser]

    def other(self) -> Member:
        return self.frame.members["Vyborg"][0]


def make_poll(seats: int = 2, nominees: int = 4) -> Poll:
    frame = make_frame({"Narva": 12, "Vyborg": 5}, at=d(3, 1), per=6)
    actions.apportion_council(SYS, frame.council, at=d(3, 1, 18))
    narva = frame.members["Narva"]
    election = actions.open_election(SYS, frame.constituencies["Narva"], seats=seats, at=d(3, 2))
    users = get_user_model().objects
    secretary = users.create_user("secretary")
    actions.appoint_secretary(SYS, frame.organisation, secretary, at=d(3, 1, 13))
    linked = {}
    for member in narva[4:8]:
        user = users.create_user(member.external_id)
        actions.link_member_user(SYS, member, user, at=d(3, 1, 14))
        linked[member.external_id] = user
    for member in narva[:nominees]:
        actions.nominate_candidate(secretary, election, member, at=d(3, 3))
    return Poll(frame, election, narva[:nominees], narva[4:], secretary, linked)


@pytest.fixture
def poll() -> Poll:
    return make_poll()


def journal() -> list[tuple[str, dict[str, Any]]]:
    return [(e.action, json.loads(e.payload)) for e in JournalEntry.objects.order_by("seq")]


def written() -> tuple[int, int, int, int, int]:
    """Row counts an action could change: nothing of these may move on a refusal."""
    return (
        JournalEntry.objects.count(),
        ElectionVoter.objects.count(),
        ElectionBallot.objects.filter(filled=True).count(),
        Candidate.objects.count(),
        ElectionWinner.objects.count(),
    )


def refused(error: type[ActionError], words: str, call: Any) -> None:
    """*call* is refused with *error* whose message contains *words*, writing nothing."""
    before = written()
    with pytest.raises(error) as caught:
        call()
    assert words in str(caught.value)
    assert written() == before


def independent(candidates: list[Member], rankings: list[list[Member]], seats: int) -> BallotSet:
    """The same ballots built here, one entry per ballot, for the rules' own count."""
    names = tuple(m.external_id for m in candidates)
    return BallotSet(
        candidates=names,
        rankings=tuple(tuple(names.index(m.external_id) for m in r) for r in rankings),
        counts=tuple(1 for _ in rankings),
        seats=seats,
    )


def test_members_vote_and_the_close_declares_the_stv_count(poll: Poll) -> None:
    a, b, c, e = poll.candidates
    rankings = [[a, b], [a, c], [a], [b, a], [c, b], [c], [a, e, b], [e, c]]
    for voter, ranking in zip(poll.voters, rankings, strict=True):
        actor = poll.users.get(voter.external_id, SYS)
        actions.cast_election_ballot(actor, poll.election, voter, ranking, at=d(3, 4))
    assert turnout(poll.election) == 8
    assert has_voted(poll.election, poll.voters[0])
    assert not has_voted(poll.election, poll.candidates[0])

    election = actions.close_election_poll(poll.secretary, poll.election, at=d(3, 5))

    expected = scottish_stv(independent(poll.candidates, rankings, 2), 2)
    assert election.status == Election.DECLARED
    assert election.method == "scottish-stv"
    assert election.result["elected"] == list(expected.elected)
    assert [w.member.external_id for w in election.winners.order_by("position")] == list(
        expected.elected
    )
    count = election.result["count"]
    assert count["valid_ballots"] == 8
    assert count["voters"] == 8
    assert count["roll"] == 12
    action, payload = journal()[-1]
    assert action == "close_election_poll"
    assert payload["elected"] == list(expected.elected)
    # The declared member can be seated like any other elected.
    seated = actions.seat_deputy(SYS, election, election.winners.first().member, at=d(3, 6))
    assert seated.election_id == election.pk


def test_a_meek_count_and_a_seeded_tie(poll: Poll) -> None:
    a, b, c, _ = poll.candidates
    rankings = [[a], [b], [c], [a, c], [b, c], [c, a]]
    for voter, ranking in zip(poll.voters, rankings, strict=False):
        actions.cast_election_ballot(SYS, poll.election, voter, ranking, at=d(3, 4))
    election = actions.close_election_poll(
        SYS, poll.election, method="meek-stv", tie_seed=7, at=d(3, 5)
    )
    expected = meek_stv(independent(poll.candidates, rankings, 2), 2, tie_seed=7)
    assert election.result["elected"] == list(expected.elected)
    assert election.method == "meek-stv"
    assert election.result["count"]["tie_seed"] == 7


def test_who_voted_is_kept_apart_from_what_was_voted(poll: Poll) -> None:
    a, b, c, _ = poll.candidates
    for voter, ranking in zip(poll.voters[:3], ([a, b], [b], [c, a]), strict=True):
        actions.cast_election_ballot(SYS, poll.election, voter, ranking, at=d(3, 4))

    # No column of a ballot names a person or a time, and the voter row holds no choice.
    def fields(model: type[models.Model]) -> dict[str, Any]:
        return {f.name: f for f in model._meta.concrete_fields}

    ballot = fields(ElectionBallot)
    assert set(ballot) == {"key", "election", "ranking", "filled", "box"}
    assert [f.related_model for f in ballot.values() if f.is_relation] == [Election]
    voter = fields(ElectionVoter)
    assert set(voter) == {"id", "election", "member"}
    assert not any(isinstance(f, models.DateTimeField) for f in [*ballot.values(), *voter.values()])
    # The journal names the voter, never the ranking.
    casts = [p for action, p in journal() if action == "cast_election_ballot"]
    assert [p["member"] for p in casts] == [v.external_id for v in poll.voters[:3]]
    assert all(set(p) == {"at", "organisation", "election", "member"} for p in casts)
    # The first cast made k decoys beside its ballot (the ballot box's bucket); then one box
    # per ballot: the row count says how many voted (public anyway), not who came when.
    assert ElectionBallot.objects.filter(election=poll.election).count() == bucket_size() + 3
    # While the poll is open the rows are sealed boxes: no ranking in clear.
    assert not ElectionBallot.objects.filter(filled=True).exists()
    assert not ElectionBallot.objects.exclude(ranking=[]).exists()

    actions.close_election_poll(SYS, poll.election, at=d(3, 5))
    sealed = list(ElectionBallot.objects.filter(election=poll.election).order_by("pk"))
    assert len(sealed) == 3
    assert all(s.filled for s in sealed)
    assert sorted(s.ranking for s in sealed) == sorted(
        [[a.external_id, b.external_id], [b.external_id], [c.external_id, a.external_id]]
    )


def all_rows() -> dict[str, set[tuple[Any, ...]]]:
    """Every row of every table, by raw SQL."""
    with connection.cursor() as cursor:
        out = {}
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            out[table] = {tuple(row) for row in cursor.fetchall()}
    return out


def physical_keys(election: Election) -> list[str]:
    """The ballot keys in the order the database stores the rows."""
    order = "ctid" if connection.vendor == "postgresql" else "rowid"
    table = ElectionBallot._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT key FROM {table} WHERE election_id = %s ORDER BY {order}", [election.pk]
        )
        return [row[0] for row in cursor.fetchall()]


def test_a_cast_touches_only_the_voter_the_slots_and_the_journal(poll: Poll) -> None:
    a, b, *_ = poll.candidates
    actions.cast_election_ballot(SYS, poll.election, poll.voters[0], [a], at=d(3, 4))
    before = all_rows()
    actions.cast_election_ballot(SYS, poll.election, poll.voters[1], [b, a], at=d(3, 4))
    after = all_rows()
    changed = {t for t in after if after[t] != before.get(t, set())}
    assert changed - {"smolny_live_event", "smolny_live_channel"} == {
        ElectionBallot._meta.db_table,
        ElectionVoter._meta.db_table,
        # The poll's bulletin board: one tracker more (no voter, no ranking beside it).
        ElectionTracker._meta.db_table,
        JournalEntry._meta.db_table,
        "councils_journalhead",
    }
    # The new voter row holds the election and the member only; no ballot key is anywhere
    # but in the ballot table.
    (new_voter,) = after[ElectionVoter._meta.db_table] - before[ElectionVoter._meta.db_table]
    assert len(new_voter) == 3
    keys = set(ElectionBallot.objects.values_list("key", flat=True))
    for table, rows in after.items():
        if table != ElectionBallot._meta.db_table:
            text = repr(rows)
            assert not any(k in text for k in keys), table
    # After the close the rows lie in key order, whatever the order of casting.
    actions.close_election_poll(SYS, poll.election, at=d(3, 5))
    stored = physical_keys(poll.election)
    assert stored == sorted(stored)
    assert len(stored) == 2


def test_a_member_votes_once_and_in_person(poll: Poll) -> None:
    voter = poll.voters[0]
    user = poll.users[voter.external_id]
    first = poll.candidates[0]
    refused(
        PermissionDenied,
        "cast by the voter alone",
        lambda: actions.cast_election_ballot(poll.secretary, poll.election, voter, [first]),
    )
    someone = poll.users[poll.voters[1].external_id]
    refused(
        PermissionDenied,
        "may not cast a secret ballot",
        lambda: actions.cast_election_ballot(someone, poll.election, voter, [first]),
    )
    actions.cast_election_ballot(user, poll.election, voter, [first], at=d(3, 4))
    refused(
        NotAllowed,
        "has voted in this election already",
        lambda: actions.cast_election_ballot(user, poll.election, voter, [poll.candidates[1]]),
    )


def test_only_the_constituency_roll_votes(poll: Poll) -> None:
    outsider = poll.other()
    refused(
        NotAllowed,
        "is not on the roll of Narva",
        lambda: actions.cast_election_ballot(SYS, poll.election, outsider, [poll.candidates[0]]),
    )


def test_the_ranking_names_candidates_each_once(poll: Poll) -> None:
    voter = poll.voters[0]
    a, b, *_ = poll.candidates
    cases = [
        ([], "ranks at least one candidate"),
        ([a, b, a], "ranked more than once"),
        ([a, poll.voters[1]], f"not a candidate in this election: {poll.voters[1].external_id}"),
        (["N-9999"], "not a candidate in this election: N-9999"),
    ]
    for ranking, words in cases:
        refused(
            ActionError,
            words,
            lambda r=ranking: actions.cast_election_ballot(SYS, poll.election, voter, r),
        )


def test_candidates_change_only_before_voting_starts(poll: Poll) -> None:
    a, b, c, e = poll.candidates
    sec = poll.secretary
    refused(
        NotAllowed,
        "is a candidate in this election already",
        lambda: actions.nominate_candidate(sec, poll.election, a),
    )
    refused(
        NotAllowed,
        "is not on the roll of Narva",
        lambda: actions.nominate_candidate(sec, poll.election, poll.other()),
    )
    voter_user = poll.users[poll.voters[0].external_id]
    refused(
        PermissionDenied,
        "is not a secretary",
        lambda: actions.nominate_candidate(voter_user, poll.election, poll.voters[1]),
    )
    actions.withdraw_candidate(sec, poll.election, e, at=d(3, 3, 13))
    refused(
        ActionError,
        "not a candidate in this election",
        lambda: actions.cast_election_ballot(SYS, poll.election, poll.voters[0], [e]),
    )
    actions.cast_election_ballot(SYS, poll.election, poll.voters[0], [a, b], at=d(3, 4))
    refused(
        NotAllowed,
        "voting has started",
        lambda: actions.withdraw_candidate(sec, poll.election, b),
    )
    refused(
        NotAllowed,
        "voting has started",
        lambda: actions.nominate_candidate(sec, poll.election, poll.voters[2]),
    )
    assert [c.member for c in Candidate.objects.filter(withdrawn_at=None)] == [a, b, c]


def test_a_poll_needs_as_many_candidates_as_seats() -> None:
    poll = make_poll(seats=2, nominees=1)
    refused(
        NotAllowed,
        "1 candidate(s) for 2 seat(s)",
        lambda: actions.cast_election_ballot(
            SYS, poll.election, poll.voters[0], [poll.candidates[0]]
        ),
    )


def test_online_ballots_and_an_entered_result_exclude_each_other(poll: Poll) -> None:
    a, b, *_ = poll.candidates
    refused(
        NotAllowed,
        "no member has voted",
        lambda: actions.close_election_poll(SYS, poll.election),
    )
    actions.cast_election_ballot(SYS, poll.election, poll.voters[0], [a], at=d(3, 4))
    refused(
        NotAllowed,
        "close its poll",
        lambda: actions.record_election_result(SYS, poll.election, [a, b]),
    )
    file_ballots = BallotSet(candidates=(a.external_id,), rankings=((0,),), counts=(3,))
    refused(
        NotAllowed,
        "close its poll",
        lambda: actions.count_election(SYS, poll.election, file_ballots),
    )
    refused(
        PermissionDenied,
        "is not a secretary",
        lambda: actions.close_election_poll(poll.users[poll.voters[0].external_id], poll.election),
    )
    # And the other way: an election whose result was entered takes no ballot.
    typed = actions.open_election(SYS, poll.frame.constituencies["Narva"], seats=1, at=d(4, 1))
    actions.nominate_candidate(SYS, typed, a, at=d(4, 1))
    actions.record_election_result(SYS, typed, [a], at=d(4, 2))
    refused(
        NotAllowed,
        "its poll is closed",
        lambda: actions.cast_election_ballot(SYS, typed, poll.voters[0], [a]),
    )


def test_a_candidate_off_the_roll_at_the_close_is_passed_over(poll: Poll) -> None:
    """The count withdraws a candidate who is no longer eligible, instead of refusing."""
    a, b, c, e = poll.candidates
    for voter, ranking in zip(poll.voters, ([a, b], [a, c], [b], [e, a]), strict=False):
        actions.cast_election_ballot(SYS, poll.election, voter, ranking, at=d(3, 4))
    # a leaves Narva's roll. No action ends a roll entry yet (a new roll only adds), so the
    # entry is ended here as such an action would end it.
    Member.objects.filter(pk=a.pk).update(end=d(3, 5))
    assert Member.objects.get(pk=a.pk).end is not None
    election = actions.close_election_poll(SYS, poll.election, at=d(3, 6))
    assert a.external_id not in election.result["elected"]
    assert election.result["count"]["withdrawn"] == [a.external_id]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    seats=st.integers(1, 2),
    drawn=st.lists(
        st.permutations(range(4)).flatmap(lambda p: st.integers(1, 4).map(lambda n: p[:n])),
        min_size=1,
        max_size=8,
    ),
    method=st.sampled_from(["scottish-stv", "meek-stv"]),
)
def test_the_declared_winners_are_the_stv_count_of_the_ballots_cast(
    db: None, seats: int, drawn: list[list[int]], method: str
) -> None:
    with transaction.atomic():
        poll = make_poll(seats=seats)
        rankings = [[poll.candidates[i] for i in r] for r in drawn]
        for voter, ranking in zip(poll.voters, rankings, strict=False):
            actions.cast_election_ballot(SYS, poll.election, voter, ranking, at=d(3, 4))
        counter = scottish_stv if method == "scottish-stv" else meek_stv
        expected = counter(independent(poll.candidates, rankings, seats), seats, tie_seed=1)
        if expected.elected:
            election = actions.close_election_poll(
                SYS, poll.election, method=method, tie_seed=1, at=d(3, 5)
            )
            assert election.result["elected"] == list(expected.elected)
            assert [w.member.external_id for w in election.winners.order_by("position")] == list(
                expected.elected
            )
        else:
            with pytest.raises(NotAllowed, match="elected nobody"):
                actions.close_election_poll(SYS, poll.election, method=method, tie_seed=1)
        transaction.set_rollback(True)
