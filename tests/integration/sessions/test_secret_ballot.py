"""The secret ballot: nothing written during a secret vote links a voter to a choice.

The test knows who chose what; it then reads everything the database holds (every table, by
raw SQL, and every model through the ORM), every journal entry and every live event written
during the vote, and looks for any way to tie a voter to a choice: a row or entry naming both,
a ballot key or receipt outside the ballot table, a time or person column in the ballot table,
or the ballots' physical order following the order of casting.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

from smolny import live
from smolny.councils.actions import NotAllowed, agenda, motion, vote
from smolny.councils.actions.ballot import cast_secret_ballot
from smolny.councils.models import JournalEntry, SecretBallot, SecretTracker, SecretVoter, Vote
from smolny.councils.queries.votes import verify_receipt
from tests.integration.sessions.conftest import SYS, build_council, d, open_sitting, organ_of

STRENGTHS = {"Bolsheviks": 12, "SRs": 6, "Mensheviks": 3}


def all_rows() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of the database, by raw SQL."""
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        out = {}
        for table in tables:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            out[table] = [tuple(row) for row in cursor.fetchall()]
    return out


def physical_choices() -> list[str]:
    """The ballots' choices in the order the database stores the rows."""
    table = SecretBallot._meta.db_table
    order = "ctid" if connection.vendor == "postgresql" else "rowid"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT choice FROM {table} WHERE choice <> '' ORDER BY {order}")
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.django_db(transaction=True)  # actions commit, so live events are published
def test_no_row_entry_or_event_links_a_voter_to_a_choice() -> None:
    c = build_council(STRENGTHS, at=d(3, 1))
    plenum = organ_of(c, "Plenum", at=d(3, 2))
    sitting = open_sitting(plenum, list(c.everyone()), chair=c.members("SRs")[0], at=d(10, 10))
    item = agenda.add_agenda_item(SYS, sitting, "Insurrection", at=d(10, 10))
    motion.move_motion(SYS, item, "main", text="An armed rising is inevitable.", at=d(10, 10))
    # the cast order puts all 'for' first: a table in arrival order would show it
    plan = [(m, "for") for m in c.members("Bolsheviks")]
    plan += [(m, "against") for m in c.members("SRs")]
    plan += [(m, "abstain") for m in c.members("Mensheviks")]
    cast_order = [choice for _, choice in plan]

    before_rows = all_rows()
    first_seq = JournalEntry.objects.order_by("-seq").values_list("seq", flat=True)[0] + 1
    subscription = live.subscribe(f"organisation:{c.frame.organisation.pk}")
    receipts: dict[str, str] = {}
    # the vote, from its opening to its close
    v = vote.open_vote(SYS, item, "M1", method="secret ballot", at=d(10, 10, 13))
    for member, choice in plan:
        receipts[member.external_id] = cast_secret_ballot(
            SYS, v, member, choice, at=d(10, 10, 13, 5)
        )
    with pytest.raises(NotAllowed, match="voted in this ballot already"):
        cast_secret_ballot(SYS, v, plan[0][0], "against", at=d(10, 10, 13, 6))
    assert verify_receipt(v, receipts[plan[0][0].external_id]) is False  # not counted yet
    during = physical_choices()
    v = vote.close_vote(SYS, v, at=d(10, 10, 14))
    after_rows = all_rows()
    events = list(subscription)
    subscription.close()
    assert (v.for_votes, v.against, v.abstain, v.outcome) == (12, 6, 3, "carried")

    # 1. The ballot table has no person and no time; the voter table has no choice.
    ballot_columns = {f.column for f in SecretBallot._meta.concrete_fields}
    assert ballot_columns == {
        "key",
        "vote_id",
        "choice",
        "ranking",
        "receipt_hash",
        "sealed",
        "box",
    }
    voter_columns = {f.column for f in SecretVoter._meta.concrete_fields}
    assert voter_columns == {"id", "vote_id", "mandate_id"}
    with connection.cursor() as cursor:
        described = connection.introspection.get_table_description(
            cursor, SecretBallot._meta.db_table
        )
    assert {col.name for col in described} == ballot_columns

    # 2. Ballot keys occur only in the ballot table; the receipts (trackers) only there and on
    # the bulletin board's tracker table, which holds no voter.
    ballots = list(SecretBallot.objects.filter(vote=v))
    assert len(ballots) == 21
    assert all(b.sealed for b in ballots)
    # The opened ballots hold no tracker; the trackers are on the board's own table.
    assert {b.receipt_hash for b in ballots} == {""}
    assert set(SecretTracker.objects.filter(vote=v).values_list("tracker", flat=True)) == set(
        receipts.values()
    )
    keys = {b.key for b in ballots}
    codes = set(receipts.values())
    for table, rows in after_rows.items():
        for row in rows:
            text = " ".join(map(str, row))
            if table not in (SecretBallot._meta.db_table, SecretTracker._meta.db_table):
                assert not any(code in text for code in codes), table
            if table != SecretBallot._meta.db_table:
                assert not any(s in text for s in keys), table

    # 3. What changed during the vote, table by table: nothing that could carry a link.
    changed = {t for t in after_rows if set(after_rows[t]) != set(before_rows.get(t, []))}
    # PostgreSQL's live transport keeps the events in its own tables (checked in 2 and 4)
    assert changed - {"smolny_live_event", "smolny_live_channel"} == {
        SecretBallot._meta.db_table,
        SecretVoter._meta.db_table,
        SecretTracker._meta.db_table,  # the bulletin board: tracker and vote, nothing else
        Vote._meta.db_table,
        JournalEntry._meta.db_table,
        "councils_journalhead",
        "councils_motion",
        "councils_agendaitem",
    }
    # ... and the same through the ORM, model by model
    for model in apps.get_app_config("councils").get_models():
        for obj in model._default_manager.all():
            values = " ".join(str(getattr(obj, f.attname)) for f in model._meta.concrete_fields)
            if model is not SecretBallot:
                assert not any(s in values for s in keys), model.__name__
            if model not in (SecretBallot, SecretTracker):
                assert not any(s in values for s in codes), model.__name__

    # 4. Journal entries and live events: a voter's entry has no choice; the tally only at close.
    entries = list(JournalEntry.objects.filter(seq__gte=first_seq).order_by("seq"))
    assert [e.action for e in entries] == ["open_vote"] + ["cast_secret_ballot"] * 21 + [
        "close_vote"
    ]
    payloads = [json.loads(e.payload) for e in entries]
    assert [p["action"] for p in events] == [e.action for e in entries]
    assert [p["payload"] for p in events] == payloads
    voters = {m.external_id for m, _ in plan}
    for entry, payload in zip(entries, payloads, strict=True):
        if entry.action == "cast_secret_ballot":
            assert set(payload) == {"at", "organisation", "vote", "member"}
            assert payload["member"] in voters
        text = entry.payload
        assert not any(s in text for s in keys | codes)
        if any(x in text for x in voters):
            assert not any(w in text for w in ('"for"', '"against"', '"abstain"'))
    close = payloads[-1]
    assert (close["for"], close["against"], close["abstain"]) == (12, 6, 3)

    # 5. Order: during the vote no choice is in clear (the slots are sealed boxes, rewritten
    # on every cast); after the close the rows do not follow the casting order.
    assert during == []
    assert physical_choices() != cast_order
    assert [b.choice for b in SecretBallot.objects.filter(vote=v).order_by("key")] != cast_order
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(DISTINCT xmin::text) FROM {SecretBallot._meta.db_table}")
            assert cursor.fetchone()[0] == 1  # all rewritten by the closing transaction

    # 6. Each receipt verifies as counted (and says no more); a made-up one does not.
    for member, _ in plan:
        assert verify_receipt(v, receipts[member.external_id]) is True
    assert verify_receipt(v, "not-a-receipt") is False


@pytest.mark.django_db
def test_observers_cannot_cast_a_secret_ballot_and_votes_after_close_are_refused() -> None:
    c = build_council(STRENGTHS, at=d(3, 1))
    plenum = organ_of(c, "Plenum", at=d(3, 2))
    people = list(c.everyone()) + c.outsiders
    sitting = open_sitting(plenum, people, chair=c.members("SRs")[0], at=d(10, 10))
    item = agenda.add_agenda_item(SYS, sitting, "X", at=d(10, 10))
    motion.move_motion(SYS, item, "main", text="X.", at=d(10, 10))
    v = vote.open_vote(SYS, item, "M1", method="secret ballot", at=d(10, 10, 13))
    before = JournalEntry.objects.count()
    with pytest.raises(NotAllowed, match="an observer does not vote"):
        cast_secret_ballot(SYS, v, c.outsiders[0], "for", at=d(10, 10, 13, 1))
    assert JournalEntry.objects.count() == before
    assert not SecretVoter.objects.exists()
    vote.close_vote(SYS, v, at=d(10, 10, 14))
    with pytest.raises(NotAllowed, match="is closed"):
        cast_secret_ballot(SYS, v, c.members("SRs")[1], "for", at=d(10, 10, 14, 1))
    assert not SecretBallot.objects.exists()  # no ballot cast: the empty slots are gone


@pytest.mark.django_db
def test_any_secret_vote_counts_every_ballot_once_and_every_receipt_verifies() -> None:
    c = build_council({"Bolsheviks": 4, "SRs": 3}, at=d(3, 1))
    plenum = organ_of(c, "Plenum", at=d(3, 2))
    deputies = list(c.everyone())
    sitting = open_sitting(plenum, deputies, chair=deputies[0], at=d(10, 10))
    answers = st.lists(st.sampled_from(["for", "against", "abstain", None]), min_size=7, max_size=7)

    @settings(max_examples=15, deadline=None)
    @given(answers)
    def check(plan: list[str | None]) -> None:
        item = agenda.add_agenda_item(SYS, sitting, "Q", at=d(10, 10))
        motion.move_motion(SYS, item, "main", text="Q.", at=d(10, 10))
        v = vote.open_vote(SYS, item, "M1", method="secret ballot", at=d(10, 10))
        receipts = [
            (cast_secret_ballot(SYS, v, m, a, at=d(10, 10)), a)
            for m, a in zip(deputies, plan, strict=True)
            if a is not None
        ]
        v = vote.close_vote(SYS, v, at=d(10, 10))
        assert (v.for_votes, v.against, v.abstain) == (
            plan.count("for"),
            plan.count("against"),
            plan.count("abstain"),
        )
        assert SecretVoter.objects.filter(vote=v).count() == len(receipts)
        assert SecretBallot.objects.filter(vote=v, sealed=True).count() == len(receipts)
        assert not SecretBallot.objects.filter(vote=v, choice="").exists()
        counted = sorted(SecretBallot.objects.filter(vote=v).values_list("choice", flat=True))
        assert counted == sorted(answer for _, answer in receipts)
        for code, _answer in receipts:
            assert verify_receipt(v, code) is True  # counted, and nothing about the choice
        assert verify_receipt(v, "0" * 64) is False

    check()


@pytest.mark.django_db
def test_only_the_voter_casts_a_secret_ballot() -> None:
    """A secretary who could cast a member's secret ballot would learn the choice and hold the
    receipt: the action refuses anyone but the voter in person."""
    from django.contrib.auth import get_user_model

    from smolny.councils.actions import PermissionDenied
    from smolny.councils.actions.organisation import appoint_secretary, link_member_user

    c = build_council(STRENGTHS, at=d(3, 1))
    plenum = organ_of(c, "Plenum", at=d(3, 2))
    sitting = open_sitting(plenum, list(c.everyone()), chair=c.members("SRs")[0], at=d(10, 10))
    item = agenda.add_agenda_item(SYS, sitting, "X", at=d(10, 10))
    motion.move_motion(SYS, item, "main", text="X.", at=d(10, 10))
    v = vote.open_vote(SYS, item, "M1", method="secret ballot", at=d(10, 10, 13))
    users = get_user_model().objects
    secretary = users.create_user("secretary", password="x")
    voter_user = users.create_user("voter", password="x")
    appoint_secretary(SYS, c.frame.organisation, secretary, at=d(3, 1))
    voter = c.members("Bolsheviks")[0]
    link_member_user(SYS, voter, voter_user, at=d(3, 1))
    before = JournalEntry.objects.count()
    with pytest.raises(PermissionDenied, match="cast by the voter alone"):
        cast_secret_ballot(secretary, v, voter, "for", at=d(10, 10, 13, 1))
    assert JournalEntry.objects.count() == before
    assert not SecretVoter.objects.exists()
    receipt = cast_secret_ballot(voter_user, v, voter, "for", at=d(10, 10, 13, 2))
    v = vote.close_vote(SYS, v, at=d(10, 10, 14))
    assert verify_receipt(v, receipt) is True
