"""Journal tampering (issue 17, item 6): an insider who can write the database rewrites the
record with raw SQL, as they would with a database client; ``smolny audit verify`` finds each
of the 14 tamperings.

Before the fix it found 6 (an entry's hash, payload, time or actor edited, an entry deleted
from the middle, two entries swapped): the chain shows those. The other 8 left the chain
intact: entries cut off the end with the head set back, and an old payload edited with every
later hash and the head recomputed (now shown by a signed checkpoint the database does not
hold), and six changes to the state tables alone (now shown by checking the tables against
the journal).

The world: a council with a plenum in session, a roll-call vote and a secret ballot closed,
a deputy recalled by the constituency's vote and another resigned, a secretary appointed;
then a checkpoint is taken, as the server takes one at its interval.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from smolny.cli import main
from smolny.councils import actions
from smolny.councils.actions import agenda, motion, vote
from smolny.councils.actions.ballot import cast_secret_ballot
from smolny.councils.models import (
    ElectionBallot,
    Fraction,
    FractionMembership,
    JournalEntry,
    JournalHead,
    Mandate,
    Member,
    NamedVote,
    OrganisationRole,
    OrganSeat,
    RecallBallot,
    RecallVote,
    SecretBallot,
    Vote,
)
from smolny.journal import checkpoint as checkpoints
from smolny.journal.chain import entry_hash
from tests.integration.api.conftest import make_user
from tests.integration.sessions.conftest import SYS, build_council, d, open_sitting, organ_of
from tests.integration.sessions.conftest import recall as recall_deputy


@dataclass
class Record:
    """The world's rows an insider goes for, and the checkpoint file taken after it."""

    checkpoint: Path
    named: Vote
    secret: Vote
    recall: RecallVote
    resigned: Mandate
    organisation: int
    outsider: int


@pytest.fixture
def record(db: None, tmp_path: Path) -> Record:
    c = build_council({"Bolsheviks": 3, "SRs": 2}, at=d(3, 1))
    secretary = make_user("secretary")
    outsider = make_user("outsider")
    actions.appoint_secretary(SYS, c.frame.organisation, secretary, at=d(3, 1, 13))
    plenum = organ_of(c, "Plenum", at=d(3, 2))
    everyone = list(c.everyone())
    sitting = open_sitting(plenum, everyone, chair=everyone[0], at=d(10, 10))

    item = agenda.add_agenda_item(SYS, sitting, "Bread", at=d(10, 10, 12))
    motion.move_motion(SYS, item, "main", text="Requisition the bakeries.", at=d(10, 10, 12))
    named = vote.open_vote(SYS, item, "M1", method=Vote.ROLL_CALL, at=d(10, 10, 12, 5))
    for member, choice in zip(
        everyone, ["for", "for", "against", "against", "abstain"], strict=True
    ):
        vote.cast_vote(SYS, named, member, choice, at=d(10, 10, 12, 6))
    named = vote.close_vote(SYS, named, at=d(10, 10, 12, 10))

    item = agenda.add_agenda_item(SYS, sitting, "Insurrection", at=d(10, 10, 13))
    motion.move_motion(SYS, item, "main", text="An armed rising.", at=d(10, 10, 13))
    secret = vote.open_vote(SYS, item, "M1", method=Vote.SECRET, at=d(10, 10, 13, 5))
    for member, choice in zip(everyone, ["for", "for", "for", "against", "abstain"], strict=True):
        cast_secret_ballot(SYS, secret, member, choice, at=d(10, 10, 13, 6))
    secret = vote.close_vote(SYS, secret, at=d(10, 10, 14))
    assert secret.outcome == "carried"

    recall_deputy(c, c.deputies["SRs"][1], at=d(10, 20))
    resigned = actions.resign_mandate(SYS, c.deputies["Bolsheviks"][2], at=d(10, 21))
    # votes still open: their ballots are sealed boxes, which the audit cannot count yet
    item = agenda.add_agenda_item(SYS, sitting, "Peace", at=d(10, 22))
    motion.move_motion(SYS, item, "main", text="An armistice.", at=d(10, 22))
    still_open = vote.open_vote(SYS, item, "M1", method=Vote.SECRET, at=d(10, 22, 13))
    for member in everyone[:2]:
        cast_secret_ballot(SYS, still_open, member, "for", at=d(10, 22, 14))
    _open_recall_vote(c.deputies["Bolsheviks"][0], c.frame.members["Bolsheviks district"])
    path = tmp_path / "checkpoint.json"
    assert main(["audit", "checkpoint", "--output", str(path)]) == 0
    return Record(
        checkpoint=path,
        named=named,
        secret=secret,
        recall=RecallVote.objects.get(petition__mandate=c.deputies["SRs"][1]),
        resigned=resigned,
        organisation=c.frame.organisation.pk,
        outsider=outsider.pk,
    )


def _open_recall_vote(mandate: Mandate, roll: list[Member]) -> None:
    """A recall vote opened by its petition, with two ballots cast, left open."""
    others = [m for m in roll if m.pk != mandate.member_id]
    petition = actions.open_recall_petition(SYS, mandate, others[0], at=d(10, 23))
    opened = None
    signers = iter(others[1:])
    while opened is None:
        opened = actions.sign_recall_petition(SYS, petition, next(signers), at=d(10, 23))
    for member, choice in zip(others[:2], (True, False), strict=True):
        actions.cast_recall_vote(SYS, opened, member, choice, at=d(10, 23, 13))


def verify(record: Record, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """Run ``smolny audit verify --checkpoint FILE``; its exit status and output."""
    capsys.readouterr()
    status = main(["audit", "verify", "--checkpoint", str(record.checkpoint)])
    out = capsys.readouterr()
    return status, out.out + out.err


def sql(statement: str, params: list[Any] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params or [])


def table(model: Any) -> str:
    return str(connection.ops.quote_name(model._meta.db_table))


def q(name: str) -> str:
    return str(connection.ops.quote_name(name))


def last_seq() -> int:
    return int(JournalEntry.objects.order_by("-seq").values_list("seq", flat=True)[0])


def assert_found(record: Record, capsys: pytest.CaptureFixture[str], *fragments: str) -> None:
    status, out = verify(record, capsys)
    assert status == 1, out
    for fragment in fragments:
        assert fragment in out, out


def test_the_untouched_record_verifies(record: Record, capsys: pytest.CaptureFixture[str]) -> None:
    status, out = verify(record, capsys)
    assert status == 0, out
    assert "extends 1 checkpoint(s), state tables agree" in out


# --- the 8 tamperings the chain alone did not show -------------------------------------------


def test_cutting_off_the_last_five_entries_and_setting_the_head_back(
    record: Record, capsys: pytest.CaptureFixture[str]
) -> None:
    end = last_seq()
    sql(f"DELETE FROM {table(JournalEntry)} WHERE seq > %s", [end - 5])
    new_end = JournalEntry.objects.get(seq=end - 5)
    sql(f"UPDATE {table(JournalHead)} SET seq = %s, hash = %s", [new_end.seq, new_end.hash])
    # the chain and its head agree again: only the checkpoint shows the cut
    assert main(["audit", "verify", "--chain-only"]) == 0
    assert_found(
        record, capsys, f"checkpoint: entry {end} is missing: the journal ends at {end - 5}"
    )


def test_editing_an_old_payload_and_recomputing_every_later_hash_and_the_head(
    record: Record, capsys: pytest.CaptureFixture[str]
) -> None:
    target = JournalEntry.objects.filter(action="create_organisation").get()
    forged = target.payload.replace('"Petrograd"', '"Moscow"')
    assert forged != target.payload
    prev_hash = target.prev_hash
    for entry in JournalEntry.objects.filter(seq__gte=target.seq).order_by("seq"):
        payload = forged if entry.seq == target.seq else entry.payload
        new_hash = entry_hash(prev_hash, entry.seq, entry.time, entry.actor, entry.action, payload)
        sql(
            f"UPDATE {table(JournalEntry)} SET payload = %s, prev_hash = %s, hash = %s "
            "WHERE seq = %s",
            [payload, prev_hash, new_hash, entry.seq],
        )
        prev_hash = new_hash
    sql(f"UPDATE {table(JournalHead)} SET hash = %s", [prev_hash])
    assert main(["audit", "verify", "--chain-only"]) == 0  # a perfect chain
    assert_found(record, capsys, f"checkpoint: entry {last_seq()} has another hash")


def test_editing_a_named_votes_choice(record: Record, capsys: pytest.CaptureFixture[str]) -> None:
    row = NamedVote.objects.filter(vote=record.named, choice="against").first()
    assert row is not None
    sql(f"UPDATE {table(NamedVote)} SET choice = 'for' WHERE id = %s", [row.pk])
    member = row.mandate.member.external_id
    assert_found(
        record,
        capsys,
        "named vote (vote, member, choice) "
        f"({record.named.pk}, '{member}', 'against'): the journal accounts for 1, "
        "the table holds 0",
        "named vote (vote, member, choice) "
        f"({record.named.pk}, '{member}', 'for'): the journal accounts for 0",
    )


def test_editing_a_secret_ballots_choice(
    record: Record, capsys: pytest.CaptureFixture[str]
) -> None:
    key = (
        SecretBallot.objects.filter(vote=record.secret, choice="for")
        .values_list("key", flat=True)
        .first()
    )
    sql(f"UPDATE {table(SecretBallot)} SET choice = 'against' WHERE {q('key')} = %s", [key])
    assert_found(
        record,
        capsys,
        f"vote {record.secret.pk}: the opened secret ballots count "
        "{'for': 2, 'against': 2, 'abstain': 1}",
    )


def test_editing_a_recall_ballots_choice(
    record: Record, capsys: pytest.CaptureFixture[str]
) -> None:
    key = (
        RecallBallot.objects.filter(vote=record.recall, choice=RecallBallot.RECALL)
        .values_list("key", flat=True)
        .first()
    )
    sql(f"UPDATE {table(RecallBallot)} SET choice = %s WHERE {q('key')} = %s", ["keep", key])
    assert_found(record, capsys, f"recall vote {record.recall.pk}: the ballots count")


def test_adding_a_thousand_to_a_closed_tally_and_marking_it_carried(
    record: Record, capsys: pytest.CaptureFixture[str]
) -> None:
    assert record.named.outcome != "carried"
    sql(
        f"UPDATE {table(Vote)} SET for_votes = for_votes + 1000, outcome = 'carried' WHERE id = %s",
        [record.named.pk],
    )
    assert_found(
        record,
        capsys,
        f"vote {record.named.pk}: for_votes is 1002, the journal's close says 2",
        f"vote {record.named.pk}: outcome is 'carried'",
    )


def test_clearing_a_resignation(record: Record, capsys: pytest.CaptureFixture[str]) -> None:
    sql(
        f"UPDATE {table(Mandate)} SET {q('end')} = NULL, end_reason = '' WHERE id = %s",
        [record.resigned.pk],
    )
    assert_found(record, capsys, f"mandate {record.resigned.pk}: the journal ends it (resigned)")


def test_inserting_a_secretary_role(record: Record, capsys: pytest.CaptureFixture[str]) -> None:
    sql(
        f"INSERT INTO {table(OrganisationRole)} (organisation_id, user_id, role, start) "
        "VALUES (%s, %s, 'secretary', %s)",
        [record.organisation, record.outsider, d(3, 1)],
    )
    assert_found(
        record,
        capsys,
        f"role (organisation, user, role, ended) ({record.organisation}, {record.outsider}, "
        "'secretary', False): the journal accounts for 0, the table holds 1",
    )


# --- the 6 the chain showed before, still shown ----------------------------------------------


def middle() -> int:
    return last_seq() // 2


def test_editing_an_entrys_hash(record: Record, capsys: pytest.CaptureFixture[str]) -> None:
    sql(f"UPDATE {table(JournalEntry)} SET hash = %s WHERE seq = %s", ["f" * 64, middle()])
    assert_found(record, capsys, f"chain: journal entry {middle()}: contents do not match")


def test_editing_an_entrys_payload(record: Record, capsys: pytest.CaptureFixture[str]) -> None:
    sql(
        f"UPDATE {table(JournalEntry)} SET payload = %s WHERE seq = %s",
        ['{"organisation":1}', middle()],
    )
    assert_found(record, capsys, f"chain: journal entry {middle()}: contents do not match")


def test_editing_an_entrys_time(record: Record, capsys: pytest.CaptureFixture[str]) -> None:
    sql(f"UPDATE {table(JournalEntry)} SET time = %s WHERE seq = %s", [d(1, 1), middle()])
    assert_found(record, capsys, f"chain: journal entry {middle()}: contents do not match")


def test_editing_an_entrys_actor(record: Record, capsys: pytest.CaptureFixture[str]) -> None:
    sql(
        f"UPDATE {table(JournalEntry)} SET actor = %s WHERE seq = %s",
        ["user:1:secretary", middle()],
    )
    assert_found(record, capsys, f"chain: journal entry {middle()}: contents do not match")


def test_deleting_an_entry_from_the_middle(
    record: Record, capsys: pytest.CaptureFixture[str]
) -> None:
    sql(f"DELETE FROM {table(JournalEntry)} WHERE seq = %s", [middle()])
    assert_found(record, capsys, f"chain: journal entry {middle()}: missing")


def test_swapping_two_entries(record: Record, capsys: pytest.CaptureFixture[str]) -> None:
    first, second = middle(), middle() + 1
    sql(f"UPDATE {table(JournalEntry)} SET seq = -1 WHERE seq = %s", [first])
    sql(f"UPDATE {table(JournalEntry)} SET seq = %s WHERE seq = %s", [first, second])
    sql(f"UPDATE {table(JournalEntry)} SET seq = %s WHERE seq = -1", [second])
    assert_found(record, capsys, f"chain: journal entry {first}: prev_hash does not match")


# --- the checkpoint itself -------------------------------------------------------------------


def test_a_checkpoint_with_an_edited_field_is_refused(
    record: Record, capsys: pytest.CaptureFixture[str]
) -> None:
    """Moving the checkpoint back to match a cut journal breaks its signature."""
    text = record.checkpoint.read_text()
    taken = checkpoints.parse(text)
    earlier = JournalEntry.objects.get(seq=taken.seq - 5)
    record.checkpoint.write_text(
        text.replace(f'"seq": {taken.seq}', f'"seq": {earlier.seq}').replace(
            taken.hash, earlier.hash
        )
    )
    assert checkpoints.parse(record.checkpoint.read_text()).seq == earlier.seq
    assert_found(record, capsys, "checkpoint: the checkpoint's signature is not valid")


# --- beyond the 14: the other state tables the audit checks ------------------------------------


def test_moving_a_deputy_to_another_fraction(
    record: Record, capsys: pytest.CaptureFixture[str]
) -> None:
    membership = FractionMembership.objects.filter(
        end=None, fraction__name="Bolsheviks"
    ).select_related("mandate__member", "mandate")[0]
    other = Fraction.objects.get(name="SRs")
    sql(
        f"UPDATE {table(FractionMembership)} SET fraction_id = %s WHERE id = %s",
        [other.pk, membership.pk],
    )
    key = (membership.mandate.council_id, membership.mandate.member.external_id)
    assert_found(
        record,
        capsys,
        f"fraction of (council, member) {key}: the table says 'SRs', the journal 'Bolsheviks'",
    )


def test_giving_an_organ_seat_to_a_deputy(
    record: Record, capsys: pytest.CaptureFixture[str]
) -> None:
    seat = OrganSeat.objects.get(end=None, organ__name="Plenum", number=1)
    assert seat.holder_id is None
    deputy = Mandate.objects.filter(end=None).select_related("member")[0]
    sql(
        f"UPDATE {table(OrganSeat)} SET holder_id = %s, status = 'held' WHERE id = %s",
        [deputy.pk, seat.pk],
    )
    assert_found(
        record,
        capsys,
        f"organ seat (organ, number) ({seat.organ_id}, 1): held by "
        f"'{deputy.member.external_id}' in the table, by None in the journal",
    )


def test_stuffing_a_ballot_into_a_closed_secret_vote(
    record: Record, capsys: pytest.CaptureFixture[str]
) -> None:
    """A ballot row added (here through the ORM, as an insert of any tool would) with no
    voter's entry: more filled ballots than voters, and a tally the close never counted."""
    SecretBallot.objects.bulk_create([SecretBallot(key="f" * 32, vote=record.secret, choice="for")])
    assert_found(
        record,
        capsys,
        f"vote {record.secret.pk}: 6 filled secret ballots for 5 voters in the journal",
        f"vote {record.secret.pk}: the opened secret ballots count "
        "{'for': 4, 'against': 1, 'abstain': 1}",
    )


def test_an_election_poll_open_and_counted_verifies_and_a_stuffed_ballot_shows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], db: None
) -> None:
    """Members' election ballots: sealed while the poll is open (nothing to count), in clear
    once it is counted; one filled ballot row added by SQL is more than the voters."""
    from tests.integration.councils.test_election_ballot import make_poll

    poll = make_poll()
    a, b, *_ = poll.candidates
    for voter in poll.voters[:3]:
        actions.cast_election_ballot(SYS, poll.election, voter, [a, b], at=d(3, 4))
    assert main(["audit", "verify"]) == 0
    actions.close_election_poll(poll.secretary, poll.election, at=d(3, 5))
    assert main(["audit", "verify"]) == 0
    sql(
        f"INSERT INTO {table(ElectionBallot)} ({q('key')}, election_id, ranking, filled, box) "
        "VALUES (%s, %s, %s, %s, '')",
        ["e" * 32, poll.election.pk, "[]", True],
    )
    capsys.readouterr()
    assert main(["audit", "verify"]) == 1
    assert (
        f"filled election ballots of election {poll.election.pk}: the journal accounts for 3, "
        "the table holds 4"
    ) in capsys.readouterr().out


# --- walking the journal in runs (audit verify's processes) ----------------------------------


def _tamper(kind: str) -> None:
    """One of the chain's tamperings above, at the middle entry."""
    at = middle()
    if kind == "hash":
        sql(f"UPDATE {table(JournalEntry)} SET hash = %s WHERE seq = %s", ["f" * 64, at])
    elif kind == "organisation":
        sql(f"UPDATE {table(JournalEntry)} SET organisation_id = NULL WHERE seq = %s", [at])
    elif kind == "deletion":
        sql(f"DELETE FROM {table(JournalEntry)} WHERE seq = %s", [at])
    elif kind == "swap":
        sql(f"UPDATE {table(JournalEntry)} SET seq = -1 WHERE seq = %s", [at])
        sql(f"UPDATE {table(JournalEntry)} SET seq = %s WHERE seq = %s", [at, at + 1])
        sql(f"UPDATE {table(JournalEntry)} SET seq = %s WHERE seq = -1", [at + 1])


@pytest.mark.parametrize("kind", ["intact", "hash", "organisation", "deletion", "swap"])
def test_runs_of_the_journal_joined_find_what_one_walk_finds(record: Record, kind: str) -> None:
    """``audit verify`` checks a long journal in runs, a process each, and joins them. Cut
    at every place into two runs, and into three: the join gives one walk's finding and
    entry count, or declines (a seam that does not hold), and then one walk decides."""
    from smolny.journal.chain import _finish, _join, _walk, verify_journal

    _tamper(kind)
    whole = verify_journal()
    assert (whole[1] is None) == (kind == "intact")
    end = last_seq()
    declined = 0
    for cut in range(2, end + 1):
        for runs in (
            [(None, cut - 1), (cut, None)],
            [(None, cut // 2), (cut // 2 + 1, cut - 1), (cut, None)],
        ):
            if runs[0][1] == 0 or runs[1][0] > (runs[1][1] or end):
                continue
            joined = _join([_walk(low, high, False, frozenset()) for low, high in runs])
            if joined is None:
                declined += 1
                continue
            assert _finish(*joined) == whole, (runs, joined, whole)
    if kind in ("intact", "hash", "organisation"):
        assert declined == 0  # no entry is missing at any seam: every join stands
