"""The whole audit: the chain, the checkpoints it must extend, the state tables against it.

:func:`audit` is what ``smolny audit verify`` runs. Each finding says where: the entry
whose chain breaks, the checkpoint the journal no longer extends, the row that disagrees
with its entry.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from smolny.councils.models import JournalEntry, JournalHead
from smolny.journal.chain import JournalBreak, StateRow, verify_journal
from smolny.journal.checkpoint import Checkpoint, CheckpointError, local_public_key


@dataclass
class AuditReport:
    entries: int = 0
    """Entries of the chain that hold, from the first."""
    chain: JournalBreak | None = None
    checkpoints: list[str] = field(default_factory=list)
    state: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.chain is None and not self.checkpoints and not self.state

    def findings(self) -> list[str]:
        found = [f"chain: {self.chain}"] if self.chain is not None else []
        found += [f"checkpoint: {problem}" for problem in self.checkpoints]
        return found + [f"state: {problem}" for problem in self.state]


def check_checkpoint(
    checkpoint: Checkpoint, entries_intact: int, trusted_key: str | None = None
) -> str | None:
    """Why the journal does not extend *checkpoint*, or None when it does.

    *entries_intact*: how many entries from the first hold their chain; the entry at the
    checkpoint's sequence number must be one of them, with the checkpoint's hash (then, the
    hashes being chained, every entry before it is as it was when the checkpoint was taken).
    *trusted_key*: the instance public key the checkpoint must be signed with (this
    installation's, when it has one), so that a checkpoint made with another key is refused.
    """
    try:
        checkpoint.check_signature()
    except CheckpointError as error:
        return str(error)
    if trusted_key is not None and checkpoint.public_key != trusted_key:
        return (
            f"the checkpoint is signed by the key {checkpoint.public_key}, not by this "
            f"installation's instance key {trusted_key}"
        )
    where = f"the checkpoint of entry {checkpoint.seq} ({checkpoint.time})"
    if checkpoint.seq == 0:
        return None
    head = JournalHead.objects.filter(pk=1).first()
    entry = JournalEntry.objects.filter(seq=checkpoint.seq).only("hash").first()
    if entry is None:
        last = head.seq if head is not None else 0
        return f"entry {checkpoint.seq} is missing: the journal ends at {last}, behind {where}"
    if entry.hash != checkpoint.hash:
        return f"entry {checkpoint.seq} has another hash than {where}: the journal was rewritten"
    if entries_intact < checkpoint.seq:
        return f"the chain breaks at entry {entries_intact + 1}, before {where}"
    if head is None or head.seq < checkpoint.seq:
        return f"the head ({head.seq if head else 'missing'}) is behind {where}"
    return None


def audit(
    checkpoints: Sequence[Checkpoint] = (), *, state: bool = True, processes: int = 1
) -> AuditReport:
    """Check the chain, that it extends every one of *checkpoints*, and (*state*) the state
    tables against it. *processes*: how many processes may walk a long journal (see
    :func:`smolny.journal.chain.verify_journal`)."""
    from smolny.journal.state import CHECKED_ACTIONS, check_state, journal_from_rows

    report = AuditReport()
    # One walk of the journal serves both: the chain's checks, and the entries the state
    # checks read (gathered as it goes, so the table is not read a second time).
    rows: list[StateRow] | None = [] if state else None
    report.entries, report.chain = verify_journal(rows, CHECKED_ACTIONS, processes=processes)
    trusted = local_public_key() if checkpoints else None
    for checkpoint in checkpoints:
        problem = check_checkpoint(checkpoint, report.entries, trusted)
        if problem is not None:
            report.checkpoints.append(problem)
    if rows is not None:
        report.state = check_state(journal=journal_from_rows(rows))
    return report
