"""The secret ballot: who voted is recorded apart from what was chosen.

Two tables share only the vote: :class:`~smolny.councils.models.SecretVoter` (vote, mandate;
no time, no choice) and :class:`~smolny.councils.models.SecretBallot` (random key, vote,
choice, hash of the receipt; no voter, no time). The voter keeps a receipt code; after the
close, :func:`verify_receipt` finds the sealed ballot by the code's hash and shows that it was
counted, and with which choice, to whoever holds the code, and to nobody else.

Channels of linkage, and what is done about each:

* **Foreign keys**: none between the two tables, nor from the ballot to any person.
* **Timestamps**: neither table has one. The journal entry of a cast (``cast_secret_ballot``)
  carries the voter and its time but no choice, no ballot key, no receipt; its live event is
  the same payload. The tally appears only in the ``close_vote`` entry.
* **Sequence numbers and ids**: a ballot's key is 128 random bits, so key order says nothing.
  The voter rows have ordinary ids, which order the voters, but nothing of the ballot.
* **Order of filling**: the slots (one per voting member, created with random keys when the
  vote opens, before anyone votes) are filled at a slot chosen uniformly at random among the
  empty ones, so on SQLite the ballot keeps the slot's rowid, fixed before the vote. On
  PostgreSQL an UPDATE writes a new row version, appended where there is room: the physical
  order (``ctid``) would follow the order of arrival. So each cast rewrites, in the same
  single UPDATE statement, :data:`DECOYS` other slots chosen at random (unchanged values),
  processed in key order: the real ballot lands at a random place among them, and shares
  their transaction id (``xmin``).
* **At the close** every unused slot is deleted and every cast ballot is deleted and written
  again, sealed, in key order, in the closing transaction: the live rows then all carry that
  transaction's id (PostgreSQL's ``xmin``) and rowids in random-key order.

Residual risk, said plainly: while the vote is open, someone with direct access to the
database server can compare the transaction id (PostgreSQL ``xmin``) of the rows written with
a cast, or the write-ahead log, with the journal entry of the cast, which is written in the
same transaction. The decoys blur this: the cast ballot hides among the already-cast ballots
rewritten with it (up to :data:`DECOYS`; fewer early in the vote, when most decoys are still
empty slots), and later casts move rows again. After the close the superseded row versions
stay on disk (PostgreSQL) or in free pages (SQLite) until ``VACUUM`` runs. Operators limit
this by running ``VACUUM`` after a secret vote and by not granting direct database access to
anyone entitled to vote; the application never reads those system columns. A voter can also
show their receipt to someone else (the usual price of a verifiable receipt).
"""

from __future__ import annotations

import random
import secrets
from datetime import datetime

from django.db.models import Case, F, JSONField, Value, When

from smolny.councils.models import Member, SecretBallot, SecretVoter, Vote
from smolny.councils.queries.votes import (
    Answer,
    checked_answer,
    entitled,
    get_vote,
    receipt_hash,
    require_open,
    require_voter_in_person,
)
from smolny.journal.actions import (
    Actor,
    NotAllowed,
    action_transaction,
    fresh,
    record,
    within_action,
)

DECOYS = 16
"""Other slots rewritten, unchanged, together with each ballot cast (see the module)."""

_RANDOM = random.SystemRandom()


def _key() -> str:
    return secrets.token_hex(16)


@within_action
def make_slots(vote: Vote, n: int) -> None:
    """Empty ballot slots with random keys, made before anyone votes."""
    SecretBallot.objects.bulk_create(
        (SecretBallot(key=_key(), vote=vote) for _ in range(max(n, 1))), batch_size=1000
    )


def cast_secret_ballot(
    actor: Actor, vote: Vote | int, member: Member, choice: Answer, *, at: datetime | None = None
) -> str:
    """*member* casts a secret ballot (for, against, abstain; a ranking of the options in a
    preferential vote); the return value is their receipt code (keep it)."""
    with action_transaction(at) as at:
        vote = get_vote(vote)
        choice, ranking = checked_answer(vote, choice)
        member = fresh(member)
        require_voter_in_person(actor, member)
        if vote.method != Vote.SECRET:
            raise NotAllowed(f"this vote is by {vote.method}, not a secret ballot")
        require_open(vote)
        mandate = entitled(vote, member, at)
        if SecretVoter.objects.filter(vote=vote, mandate=mandate).exists():
            raise NotAllowed(f"{member.name} has voted in this ballot already")
        SecretVoter.objects.create(vote=vote, mandate=mandate)
        code = secrets.token_urlsafe(16)
        _fill_slot(vote, choice, ranking, receipt_hash(vote, code))
        record(
            actor,
            "cast_secret_ballot",
            {"vote": vote.pk, "member": member.external_id},
            at=at,
            organisation=vote.item.session.organ.council.organisation,
        )
    return code


def _fill_slot(vote: Vote, choice: str, ranking: list[str], receipt_hash: str) -> None:
    """Write the ballot into an empty slot chosen at random, rewriting :data:`DECOYS` other
    slots (unchanged) in the same statement, in key order."""
    empty = list(SecretBallot.objects.filter(vote=vote, choice="").values_list("key", flat=True))
    if not empty:
        make_slots(vote, 1)
        empty = list(
            SecretBallot.objects.filter(vote=vote, choice="").values_list("key", flat=True)
        )
    slot = empty[secrets.randbelow(len(empty))]
    others = list(
        SecretBallot.objects.filter(vote=vote).exclude(key=slot).values_list("key", flat=True)
    )
    decoys = _RANDOM.sample(others, min(DECOYS, len(others)))
    SecretBallot.objects.filter(key__in=[slot, *decoys]).update(
        choice=Case(When(key=slot, then=Value(choice)), default=F("choice")),
        ranking=Case(
            When(key=slot, then=Value(ranking, output_field=JSONField())),
            default=F("ranking"),
            output_field=JSONField(),
        ),
        receipt_hash=Case(When(key=slot, then=Value(receipt_hash)), default=F("receipt_hash")),
    )


@within_action
def seal(vote: Vote) -> None:
    """Inside the closing action: drop unused slots, rewrite the cast ballots in key order."""
    cast = list(
        SecretBallot.objects.filter(vote=vote)
        .exclude(choice="")
        .order_by("key")
        .values_list("key", "choice", "ranking", "receipt_hash")
    )
    SecretBallot.objects.filter(vote=vote).delete()
    SecretBallot.objects.bulk_create(
        (
            SecretBallot(key=k, vote=vote, choice=c, ranking=r, receipt_hash=h, sealed=True)
            for k, c, r, h in cast
        ),
        batch_size=1000,
    )
