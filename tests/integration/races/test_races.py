"""The three races of issue 9, on PostgreSQL with real concurrency.

1. A thousand submissions of one deputy's vote at once record exactly one.
2. A recall completing while its deputy votes leaves either the vote (cast before the recall
   took effect) or a refusal (after it), never both.
3. A vote closing while ballots arrive counts exactly the ballots accepted before the close,
   and refuses every later one; by named roll call and by secret ballot; and with the
   ballots arriving in batches (the roll-call intake's group commit), each sent twice.

Every action takes the journal's advisory lock first, so each of them is one serial step;
the tests check what that promises from the outside: the rows, the refusals and the journal's
order agree, and the journal's chain is intact.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from datetime import datetime

import pytest

from smolny.councils.actions import ActionError, NotAllowed, agenda, motion, vote
from smolny.councils.actions import recall as recall_actions
from smolny.councils.actions.ballot import cast_secret_ballot
from smolny.councils.models import Mandate, Member, NamedVote, RecallVote, SecretVoter, Vote
from smolny.journal.chain import verify_journal
from tests.integration.races.conftest import journal, run_concurrently
from tests.integration.sessions.conftest import (
    SYS,
    Council,
    build_council,
    d,
    open_sitting,
    organ_of,
)

CHOICES = ("for", "against", "abstain")

pytestmark = pytest.mark.postgres_only


def open_question(c: Council, method: str, *, chair_fraction: str) -> Vote:
    """A plenum sitting with every deputy in the hall, one motion, its vote open by *method*."""
    plenum = organ_of(c, "Plenum", at=d(3, 2))
    sitting = open_sitting(
        plenum, list(c.everyone()), chair=c.members(chair_fraction)[0], at=d(10, 10)
    )
    item = agenda.add_agenda_item(SYS, sitting, "All power to the soviets", at=d(10, 10))
    motion.move_motion(SYS, item, "main", text="The soviets take power.", at=d(10, 10))
    return vote.open_vote(SYS, item, "M1", method=method, at=d(10, 10, 13))


@pytest.mark.django_db(transaction=True)
def test_a_thousand_simultaneous_submissions_of_one_vote_record_one() -> None:
    c = build_council({"Bolsheviks": 4, "SRs": 3}, at=d(3, 1))
    v = open_question(c, Vote.ROLL_CALL, chair_fraction="SRs")
    deputy = c.members("Bolsheviks")[1]
    before = len(journal("cast_vote"))

    outcomes = run_concurrently(
        [lambda i=i: vote.cast_vote(SYS, v.pk, deputy, CHOICES[i % 3]) for i in range(1000)],
        workers=50,
    )

    assert [o.value for o in outcomes if o.kind == "error"] == []
    accepted = [o.value for o in outcomes if o.kind == "ok"]
    refused = [o.value for o in outcomes if o.kind == "refused"]
    assert len(accepted) == 1
    assert len(refused) == 999
    assert all(
        isinstance(r, NotAllowed) and "voted in this roll call already" in str(r) for r in refused
    )
    [row] = NamedVote.objects.filter(vote=v)
    assert row.pk == accepted[0].pk
    assert row.mandate.member_id == deputy.pk
    assert len(journal("cast_vote")) == before + 1
    closed = vote.close_vote(SYS, v, at=d(10, 10, 14))
    assert (
        Counter({"for": closed.for_votes, "against": closed.against, "abstain": closed.abstain})[
            row.choice
        ]
        == 1
    )
    assert closed.for_votes + closed.against + closed.abstain == 1
    assert verify_journal()[1] is None


def recall_ready(c: Council, mandate: Mandate) -> RecallVote:
    """A recall of *mandate* with its vote open and carried once closed: the petition signed
    to its threshold, a majority of the roll voting to recall."""
    roll = c.frame.members[mandate.constituency.name]
    others = [m for m in roll if m.pk != mandate.member_id]
    petition = recall_actions.open_recall_petition(SYS, mandate, others[0], at=d(10, 1))
    opened = None
    signers = iter(others[1:])
    while opened is None:
        opened = recall_actions.sign_recall_petition(SYS, petition, next(signers), at=d(10, 1))
    for member in others[: len(roll) // 2 + 1]:
        recall_actions.cast_recall_vote(SYS, opened, member, True, at=d(10, 2))
    return opened


@pytest.mark.django_db(transaction=True)
def test_a_recall_completing_while_the_deputy_votes_is_before_or_after_never_both() -> None:
    rounds = 8
    c = build_council({"Bolsheviks": rounds, "SRs": 2}, at=d(3, 1))
    deputies = c.deputies["Bolsheviks"]
    recalls = [recall_ready(c, m) for m in deputies]
    v = open_question(c, Vote.ROLL_CALL, chair_fraction="SRs")
    jitter = random.Random(9)
    orders = []

    for mandate, recall_vote in zip(deputies, recalls, strict=True):
        member = mandate.member
        delays = [jitter.uniform(0, 0.004), jitter.uniform(0, 0.004)]

        def close(delay: float = delays[0], rv: RecallVote = recall_vote) -> RecallVote:
            time.sleep(delay)
            return recall_actions.close_recall_vote(SYS, rv)

        def cast(delay: float = delays[1], m: Member = member) -> NamedVote:
            time.sleep(delay)
            return vote.cast_vote(SYS, v.pk, m, "for")

        closing, casting = run_concurrently([close, cast], workers=2)

        assert closing.kind == "ok", closing.value
        assert closing.value.outcome == "recalled"
        mandate.refresh_from_db()
        assert mandate.end is not None
        assert mandate.end_reason == Mandate.RECALLED
        [(recall_seq, _)] = journal("close_recall_vote", vote=recall_vote.pk)
        cast_entries = journal("cast_vote", vote=v.pk, member=member.external_id)
        rows = NamedVote.objects.filter(vote=v, mandate=mandate)
        if casting.kind == "ok":  # the vote came first: cast while the mandate was current
            orders.append("vote, then recall")
            [(cast_seq, payload)] = cast_entries
            assert cast_seq < recall_seq
            assert datetime.fromisoformat(payload["at"]) < mandate.end
            assert [r.pk for r in rows] == [casting.value.pk]
        else:  # the recall came first: the deputy no longer votes, nothing is recorded
            orders.append("recall, then refusal")
            assert casting.kind == "refused", casting.value
            assert isinstance(casting.value, NotAllowed)
            assert "holds no current mandate" in str(casting.value)
            assert cast_entries == []
            assert not rows.exists()

    print("orders seen:", Counter(orders))
    voted = NamedVote.objects.filter(vote=v).count()
    closed = vote.close_vote(SYS, v)
    assert closed.for_votes == voted == orders.count("vote, then recall")
    assert verify_journal()[1] is None


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("method", [Vote.ROLL_CALL, Vote.SECRET])
def test_a_vote_closing_while_ballots_arrive_counts_exactly_those_accepted_before(
    method: str,
) -> None:
    c = build_council({"Bolsheviks": 120, "SRs": 80}, at=d(3, 1), bulk=True)
    v = open_question(c, method, chair_fraction="SRs")
    voters = list(c.everyone())
    choice_of = {m.pk: CHOICES[i % 3] for i, m in enumerate(voters)}
    counted = NamedVote.objects if method == Vote.ROLL_CALL else SecretVoter.objects
    cast = vote.cast_vote if method == Vote.ROLL_CALL else cast_secret_ballot
    action = "cast_vote" if method == Vote.ROLL_CALL else "cast_secret_ballot"

    def close() -> Vote:
        # close once a quarter of the ballots are in: the rest are still arriving
        while counted.filter(vote=v).count() < len(voters) // 4:
            time.sleep(0.001)
        return vote.close_vote(SYS, v.pk)

    tasks = [close] + [
        (lambda m=m: cast(SYS, v.pk, m, choice_of[m.pk]))  # type: ignore[operator]
        for m in voters
    ]
    outcomes = run_concurrently(tasks, workers=51)

    closing, casts = outcomes[0], outcomes[1:]
    assert closing.kind == "ok", closing.value
    assert [o.value for o in casts if o.kind == "error"] == []
    accepted = [m for m, o in zip(voters, casts, strict=True) if o.kind == "ok"]
    refused = [o.value for o in casts if o.kind == "refused"]
    assert len(accepted) >= len(voters) // 4
    assert refused, "the close came after every ballot: nothing raced"
    assert all(isinstance(r, NotAllowed) and "is closed" in str(r) for r in refused)
    closed = Vote.objects.get(pk=v.pk)
    expected = Counter(choice_of[m.pk] for m in accepted)
    assert (closed.for_votes, closed.against, closed.abstain) == (
        expected["for"],
        expected["against"],
        expected["abstain"],
    )
    assert counted.filter(vote=v).count() == len(accepted)
    [(close_seq, _)] = journal("close_vote", vote=v.pk)
    cast_seqs = [seq for seq, _ in journal(action, vote=v.pk)]
    assert len(cast_seqs) == len(accepted)
    assert all(seq < close_seq for seq in cast_seqs)
    assert verify_journal()[1] is None


@pytest.mark.django_db(transaction=True)
def test_batches_of_ballots_racing_each_other_and_the_close_count_each_deputy_once() -> None:
    """The intake's group commit (``cast_votes``): batches from several processes at once,
    each deputy's ballot sent in two of them, and the close arriving meanwhile."""
    c = build_council({"Bolsheviks": 120, "SRs": 80}, at=d(3, 1), bulk=True)
    v = open_question(c, Vote.ROLL_CALL, chair_fraction="SRs")
    voters = list(c.everyone())
    choice_of = {m.pk: CHOICES[i % 3] for i, m in enumerate(voters)}
    shuffled = random.Random(5)
    copies = voters + voters  # every ballot sent twice, in different batches
    shuffled.shuffle(copies)
    batches = [copies[i : i + 25] for i in range(0, len(copies), 25)]

    def close() -> Vote:
        while NamedVote.objects.filter(vote=v).count() < len(voters) // 3:
            time.sleep(0.001)
        return vote.close_vote(SYS, v.pk)

    def take(batch: list[Member]) -> list[NamedVote | ActionError]:
        return vote.cast_votes(v.pk, [vote.Ballot(SYS, m, choice_of[m.pk]) for m in batch])

    tasks = [close] + [lambda b=b: take(b) for b in batches]
    outcomes = run_concurrently(tasks, workers=9)

    assert outcomes[0].kind == "ok", outcomes[0].value
    assert [o.value for o in outcomes[1:] if o.kind != "ok"] == []
    results = [r for o in outcomes[1:] for r in o.value]
    accepted = [r for r in results if isinstance(r, NamedVote)]
    assert len(accepted) >= len(voters) // 3
    assert len(accepted) < len(voters), "the close came after every ballot: nothing raced"
    assert all(
        "voted in this roll call already" in str(r) or "is closed" in str(r)
        for r in results
        if not isinstance(r, NamedVote)
    )
    rows = NamedVote.objects.filter(vote=v)
    assert rows.count() == len(accepted) == len({r.mandate_id for r in accepted})
    closed = Vote.objects.get(pk=v.pk)
    expected = Counter(r.choice for r in accepted)
    assert (closed.for_votes, closed.against, closed.abstain) == (
        expected["for"],
        expected["against"],
        expected["abstain"],
    )
    [(close_seq, _)] = journal("close_vote", vote=v.pk)
    cast_seqs = [seq for seq, _ in journal("cast_vote", vote=v.pk)]
    assert len(cast_seqs) == len(accepted)
    assert all(seq < close_seq for seq in cast_seqs)
    assert verify_journal()[1] is None
