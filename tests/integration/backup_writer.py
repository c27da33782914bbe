"""A separate process writing votes into a database, for the backup tests.

    python -m tests.integration.backup_writer URL NAME [--votes N] [--stop FILE]

Migrates the database at URL, seats a small council for the organisation NAME (through the
actions, as the sessions tests do), opens a sitting and then takes roll-call votes one
after another: each motion is put, every deputy's vote is cast in a transaction of its own
(one journal entry each) and the vote is closed. It prints ``ready`` once the council is
seated and ``votes K`` after each vote cast, and stops after N votes cast or as soon as the
file named by --stop exists. It runs as its own process so that the backup command sees
real concurrent commits from another connection, not a test's uncommitted transaction.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("name")
    parser.add_argument("--votes", type=int, default=20)
    parser.add_argument("--stop", type=Path)
    args = parser.parse_args()

    from smolny.commands.world import prepare_database

    prepare_database(args.url)
    from smolny.councils.actions import agenda, motion, vote
    from tests.integration.sessions.conftest import SYS, build_council, open_sitting, organ_of

    start = datetime(1917, 3, 1, 12, tzinfo=UTC)
    council = build_council({"Bolsheviks": 6, "SRs": 3, "Mensheviks": 2}, at=start, name=args.name)
    plenum = organ_of(council, "Plenum", at=start)
    deputies = list(council.everyone())
    moment = start + timedelta(days=30)
    sitting = open_sitting(plenum, deputies, chair=deputies[0], at=moment)
    print("ready", flush=True)

    cast = 0
    round_ = 0
    while cast < args.votes:
        round_ += 1
        moment += timedelta(minutes=1)
        item = agenda.add_agenda_item(SYS, sitting, f"Question {round_}", at=moment)
        motion.move_motion(SYS, item, "main", text=f"Resolution {round_}.", at=moment)
        taken = vote.open_vote(SYS, item, "M1", method="roll call", at=moment)
        for i, deputy in enumerate(deputies):
            if cast >= args.votes or (args.stop and args.stop.exists()):
                return 0
            choice = "for" if (i + round_) % 3 else "against"
            vote.cast_vote(SYS, taken, deputy, choice, at=moment + timedelta(seconds=i + 1))
            cast += 1
            print(f"votes {cast}", flush=True)
        vote.close_vote(SYS, taken, at=moment + timedelta(seconds=59))
    return 0


if __name__ == "__main__":
    sys.exit(main())
