"""Benchmark: notices by email to a whole roll (issue 15, item 6), queued and sent.

A throwaway SQLite database (or PostgreSQL with ``--db``); an organisation whose council has
two constituencies of N members each, one where every member has an address and one where
none has. In each, an election with two candidates, whose poll a secretary opens
(``open_election_poll``): in the first the action queues one letter for the N members in
its transaction, in the second nothing, so the ratio of the two times is what the queueing
costs the action. Then, as the postman does after the commit, the letter is addressed
(``expand_letters``: N messages) and sent (``send_due``) through a real SMTP server on the
loopback (aiosmtpd, as the tests use).

The set-up writes the addresses with one UPDATE (it is not what is measured; the actions
would take one journal entry each).

    .venv/bin/python benchmarks/notices.py [--members N] [--db URL] [--write]

With ``--write`` the figures go to the "Notices by email" section of benchmarks/RESULTS.md,
between its BEGIN and END markers (other sections are left alone).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._results import RESULTS, write_section  # noqa: E402

BEGIN = "<!-- BEGIN notices (written by benchmarks/notices.py) -->"
END = "<!-- END notices -->"


def setup(db: str | None) -> str:
    if db is None:
        folder = tempfile.mkdtemp(prefix="smolny-notices-")
        db = f"sqlite:///{folder}/bench.sqlite3"
    os.environ["SMOLNY_DATABASE_URL"] = db
    os.environ.setdefault("SMOLNY_SECRET_KEY", "benchmark-" + "x" * 50)
    os.environ["SMOLNY_MAIL_DELIVERY"] = "inline"
    os.environ["DJANGO_SETTINGS_MODULE"] = "smolny.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    return db


def build(members: int) -> tuple[object, object, object]:
    """The organisation's polls, ready to open: (with addresses, without, a small one to
    warm up on)."""
    from django.db.models import F, Value
    from django.db.models.functions import Concat

    from smolny.councils import actions
    from smolny.councils.models import Member

    sys_ = actions.SYSTEM
    org = actions.create_organisation(sys_, "Harbour Workers Federation")
    council = actions.create_council(sys_, org, "Harbour council")
    actions.set_representation_rule(sys_, council, per=1000, minimum=1)
    names = ("North quay", "Dry dock", "Lighthouse")
    rolls = {n: actions.create_constituency(sys_, council, n) for n in names}
    lines = ["member_id,name,constituency\n"]
    for branch, prefix, size in (
        ("North quay", "N", members),
        ("Dry dock", "D", members),
        ("Lighthouse", "L", 10),
    ):
        lines += [f"{prefix}{i},Docker {prefix} {i:06d},{branch}\n" for i in range(size)]
    actions.import_roll(sys_, council, lines, source="bench.csv")
    Member.objects.filter(constituency=rolls["North quay"]).update(
        email=Concat(F("external_id"), Value("@harbour.test"))
    )
    actions.apportion_council(sys_, council)
    polls = []
    for branch in names:
        election = actions.open_election(sys_, rolls[branch], seats=1)
        for m in Member.objects.filter(constituency=rolls[branch]).order_by("pk")[:2]:
            actions.nominate_candidate(sys_, election, m)
        polls.append(election)
    return polls[0], polls[1], polls[2]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=20_000)
    parser.add_argument("--db", help="a database URL (default: a throwaway SQLite file)")
    parser.add_argument("--write", action="store_true", help="write benchmarks/RESULTS.md")
    args = parser.parse_args()
    db = setup(args.db)
    from django.test import override_settings

    from smolny.councils.actions import SYSTEM
    from smolny.councils.actions.election_ballot import open_election_poll
    from smolny.notices import outbox
    from smolny.notices.models import OutboxLetter
    from tests.mailbox import smtp_server

    with_addresses, without, warm_up = build(args.members)
    with override_settings(SMOLNY_MAIL_DELIVERY="background"):  # queue only: nothing sent
        outbox._postman = outbox.Postman(3600)  # a postman that is never started
        open_election_poll(SYSTEM, warm_up)  # templates loaded, caches warm: not timed
        started = time.perf_counter()
        open_election_poll(SYSTEM, without)
        baseline = time.perf_counter() - started
        started = time.perf_counter()
        open_election_poll(SYSTEM, with_addresses)
        queueing = time.perf_counter() - started
    letters = OutboxLetter.objects.count()
    started = time.perf_counter()
    queued = outbox.expand_letters()
    addressing = time.perf_counter() - started
    with (
        smtp_server() as box,
        override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=box.port,
            EMAIL_USE_TLS=False,
            EMAIL_USE_SSL=False,
        ),
    ):
        started = time.perf_counter()
        done = outbox.send_due()
        sending = time.perf_counter() - started
        caught = len(box.messages)
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    engine = "PostgreSQL" if db.startswith("postgres") else "SQLite"
    lines = [
        "## Notices by email: a poll opening mailed to a whole roll",
        "",
        f"`python benchmarks/notices.py --members {args.members}` — {when}, "
        f"{os.cpu_count()} cores ({platform.machine()}, Python {platform.python_version()}), "
        f"{engine}, SMTP server on the loopback (aiosmtpd); the machine was shared with other "
        f"work (load average {os.getloadavg()[0]:.1f}).",
        "",
        "| step | seconds | per 1,000 messages |",
        "|---|---:|---:|",
        f"| `open_election_poll`, roll of {args.members:,} without addresses (baseline) "
        f"| {baseline:.2f} | |",
        f"| `open_election_poll`, roll of {args.members:,} with addresses: {letters} letter "
        f"queued in the action | {queueing:.2f} | |",
        f"| after the commit, `expand_letters`: {queued:,} messages addressed "
        f"| {addressing:.2f} | {addressing / max(queued, 1) * 1000:.2f} |",
        f"| `send_due`: {done.sent:,} sent ({caught:,} caught), {done.failed} failed "
        f"| {sending:.2f} | {sending / max(done.sent, 1) * 1000:.2f} |",
        "",
        f"Queueing costs the action {queueing / max(baseline, 1e-9):.1f}× the time of the same "
        "action with nobody to mail (one letter, whatever the roll's size); addressing and "
        "sending happen after the commit, outside the action.",
    ]
    text = "\n".join(lines)
    print(text)
    if args.write:
        write_section(f"{BEGIN}\n{text}\n{END}", BEGIN, END, RESULTS)
    return 0 if done.failed == 0 and caught == queued else 1


if __name__ == "__main__":
    raise SystemExit(main())
