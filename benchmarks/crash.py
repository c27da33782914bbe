"""Crash test: kill -9 the server while a roll call's votes arrive; no acknowledged vote lost.

One command::

    .venv/bin/python benchmarks/crash.py [--rounds 20] [--deputies 1500] [--workers 2]
        [--seed N] [--write]

Set up once (as benchmarks/rollcall.py does, through the actions, on a throwaway PostgreSQL
server with fsync on): a council of 1,500 deputies, each with a login and an API token, in a
sitting in progress. Then each round:

1. a new question is put (agenda item and main motion) and the server is started as deployed
   (uvicorn, ``--workers`` ASGI worker processes, in a process group of its own);
2. every deputy connects, the secretary opens the vote over HTTP, every deputy sends its
   named vote at once;
3. at a random moment (after a random number of votes have been acknowledged with a 201,
   between 1 and N - 50, and a random further 0-20 ms) the whole process group gets SIGKILL:
   the master and every worker die at once, mid-request;
4. the server is started again, and checked in the database: every vote that got a 201 is
   there with the choice sent, no deputy is recorded twice, each recorded vote has exactly
   one ``cast_vote`` journal entry (and no entry lacks its vote), and ``smolny audit verify``
   passes (the journal's hash chain is intact);
5. every deputy without a 201 sends again to the restarted server: each is accepted (201)
   or refused as having voted already (409: the vote was committed but its answer lost in
   the kill), and after that the vote holds exactly N votes, each deputy once, and the
   journal verifies again. The vote is then closed.

The random moments come from ``--seed`` (printed; a new one each run unless given). A round
passes when every check holds; the summary is "R/R rounds passed". With ``--write`` the
rounds and the summary go to the "crash" section of benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks._rollcall import (  # noqa: E402
    Answer,
    Deputy,
    Hall,
    Server,
    build_hall,
    new_question,
    post,
    roll_call,
)

RESULTS = ROOT / "benchmarks" / "RESULTS.md"
BEGIN = "<!-- BEGIN crash (written by benchmarks/crash.py) -->"
END = "<!-- END crash -->"


@dataclass
class Round:
    """What one round saw, and what failed (an empty list: the round passed)."""

    number: int
    kill_after: int
    delay_ms: float
    acknowledged: int = 0
    recorded: int = 0
    unanswered_recorded: int = 0
    resent_accepted: int = 0
    resent_already: int = 0
    other_answers: Counter[int] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def line(self) -> str:
        status = "ok" if not self.failures else "FAILED: " + "; ".join(self.failures)
        others = (
            ", other answers "
            + ", ".join(f"{k}×{v}" for k, v in sorted(self.other_answers.items()))
            if self.other_answers
            else ""
        )
        return (
            f"round {self.number:2d}: killed after {self.kill_after} acknowledged"
            f" +{self.delay_ms:.1f} ms; {self.acknowledged} acknowledged, {self.recorded}"
            f" recorded at restart ({self.unanswered_recorded} committed without an answer)"
            f"{others}; resent {self.resent_accepted + self.resent_already}:"
            f" {self.resent_accepted} accepted, {self.resent_already} 'voted already';"
            f" {self.seconds:.0f} s — {status}"
        )


def recorded_votes(vote_id: int) -> tuple[dict[int, list[str]], Counter[str]]:
    """Member id -> the choices recorded for them in *vote_id*; and the journal's cast_vote
    entries for it, counted by member external id."""
    from smolny.councils.models import JournalEntry, NamedVote

    rows: dict[int, list[str]] = {}
    for member_id, choice in NamedVote.objects.filter(vote_id=vote_id).values_list(
        "mandate__member_id", "choice"
    ):
        rows.setdefault(member_id, []).append(choice)
    entries: Counter[str] = Counter()
    for text in JournalEntry.objects.filter(
        action="cast_vote", payload__endswith=f'"vote":{vote_id}}}'
    ).values_list("payload", flat=True):
        entries[json.loads(text)["member"]] += 1
    return rows, entries


def audit_verify(database_url: str) -> str | None:
    """``smolny audit verify``: None when it passes, else what it said."""
    result = subprocess.run(
        [sys.executable, "-m", "smolny", "audit", "verify", "--db", database_url],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    if result.returncode == 0:
        return None
    return (result.stdout + result.stderr).strip()[-500:]


def check_consistent(
    outcome: Round,
    vote_id: int,
    external: dict[int, str],
    database_url: str,
    when: str,
) -> dict[int, list[str]]:
    """No deputy twice, one journal entry per recorded vote and none more, the chain intact."""
    from django.db import connection

    rows, entries = recorded_votes(vote_id)
    connection.close()
    twice = [m for m, choices in rows.items() if len(choices) > 1]
    if twice:
        outcome.failures.append(f"{when}: {len(twice)} deputies recorded twice")
    by_external = Counter({external[m]: len(c) for m, c in rows.items()})
    if by_external != entries:
        outcome.failures.append(
            f"{when}: journal entries do not match the votes"
            f" ({sum(entries.values())} entries, {sum(by_external.values())} votes)"
        )
    problem = audit_verify(database_url)
    if problem is not None:
        outcome.failures.append(f"{when}: smolny audit verify failed: {problem}")
    return rows


def run_round(
    number: int, hall: Hall, database_url: str, workers: int, rng: random.Random, log: Path
) -> Round:
    from smolny.councils import actions
    from smolny.councils.actions import vote
    from smolny.councils.models import Member

    started = time.perf_counter()
    n = len(hall.deputies)
    outcome = Round(number, rng.randint(1, max(1, n - 50)), rng.uniform(0, 20))
    external = dict(
        Member.objects.filter(pk__in=[d.member for d in hall.deputies]).values_list(
            "pk", "external_id"
        )
    )
    item, key = new_question(hall)
    from django.db import connection

    connection.close()
    server = Server(database_url, workers, log).start()
    acknowledged = 0

    def on_answer(answer: Answer) -> None:
        nonlocal acknowledged
        if answer.status == 201:
            acknowledged += 1
            if acknowledged == outcome.kill_after:
                loop = asyncio.get_running_loop()
                loop.call_later(outcome.delay_ms / 1000, server.kill)

    try:
        vote_id, _, answers = asyncio.run(
            roll_call(server.port, hall, item, key, on_answer=on_answer)
        )
    finally:
        server.kill()
    sent = {a.member: a for a in answers}
    acked = {a.member: a.choice for a in answers if a.status == 201}
    outcome.acknowledged = len(acked)
    outcome.other_answers = Counter(a.status for a in answers if a.status not in (0, 201))
    if outcome.other_answers:
        outcome.failures.append("answers other than 201 or a broken connection")

    server = Server(database_url, workers, log).start()
    try:
        rows = check_consistent(outcome, vote_id, external, database_url, "after the kill")
        outcome.recorded = len(rows)
        lost = [m for m in acked if m not in rows]
        if lost:
            outcome.failures.append(f"{len(lost)} acknowledged votes lost")
        changed = [m for m, c in acked.items() if m in rows and rows[m] != [c]]
        if changed:
            outcome.failures.append(f"{len(changed)} acknowledged votes recorded otherwise")
        outcome.unanswered_recorded = len([m for m in rows if m not in acked])
        # Whoever had no 201 sends again: accepted once, or refused as having voted.
        again: list[Deputy] = [d for d in hall.deputies if d.member not in acked]
        statuses = asyncio.run(resend(server.port, vote_id, again, sent))
        for deputy, (status, body) in zip(again, statuses, strict=True):
            if status == 201:
                outcome.resent_accepted += 1
                if deputy.member in rows:
                    outcome.failures.append("a recorded vote was accepted a second time")
            elif status == 409 and b"voted in this roll call already" in body:
                outcome.resent_already += 1
                if deputy.member not in rows:
                    outcome.failures.append("refused as voted, but no vote was recorded")
            else:
                outcome.failures.append(f"resending: answer {status} {body[:120]!r}")
        rows = check_consistent(outcome, vote_id, external, database_url, "after resending")
        if len(rows) != n:
            outcome.failures.append(f"{len(rows)} votes recorded after resending, not {n}")
    finally:
        server.stop()
    vote.close_vote(actions.SYSTEM, vote_id)
    outcome.seconds = time.perf_counter() - started
    return outcome


async def resend(
    port: int, vote_id: int, deputies: list[Deputy], sent: dict[int, Answer]
) -> list[tuple[int, bytes]]:
    """Send the same vote again for each of *deputies*, 50 at a time."""
    gate = asyncio.Semaphore(50)

    async def one(deputy: Deputy) -> tuple[int, bytes]:
        async with gate:
            body = {"member": deputy.member, "choice": sent[deputy.member].choice}
            return await post(port, f"/api/votes/{vote_id}/named", body, deputy.key)

    return await asyncio.gather(*(one(d) for d in deputies))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--deputies", type=int, default=1500)
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument("--seed", type=int, default=None, help="seed of the random moments")
    parser.add_argument("--write", action="store_true", help="record in benchmarks/RESULTS.md")
    args = parser.parse_args(argv)
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(10**9)
    print(f"seed {seed}", flush=True)
    rng = random.Random(seed)

    from smolny.testing.postgres import ThrowawayPostgres

    rounds: list[Round] = []
    with (
        tempfile.TemporaryDirectory(prefix="smolny-crash-") as tmp,
        ThrowawayPostgres(fsync=True) as postgres,
    ):
        from smolny.commands import setup_django

        setup_django(postgres.url)
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        hall = build_hall(args.deputies)
        for number in range(1, args.rounds + 1):
            outcome = run_round(
                number, hall, postgres.url, args.workers, rng, Path(tmp) / "server.log"
            )
            rounds.append(outcome)
            print(outcome.line(), flush=True)
    passed = sum(1 for r in rounds if not r.failures)
    print(f"{passed}/{len(rounds)} rounds passed (seed {seed})", flush=True)
    if args.write:
        write_results(args, seed, rounds)
    return 0 if passed == len(rounds) else 1


def write_results(args: argparse.Namespace, seed: int, rounds: list[Round]) -> None:
    passed = sum(1 for r in rounds if not r.failures)
    command = f"python benchmarks/crash.py --write --seed {seed}"
    if args.workers != 2:
        command += f" --workers {args.workers}"
    lines = [
        BEGIN,
        "## Crash during a roll call: kill -9 while the votes arrive",
        "",
        f"- date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- machine: {os.cpu_count()} cores, {platform.system()} {platform.release()},"
        f" Python {platform.python_version()}; throwaway PostgreSQL with fsync on; uvicorn"
        f" with {args.workers} ASGI workers; shared with other work while run",
        f"- command: `{command}` (seed {seed}; the script prints a new seed unless given)",
        f"- each round: {args.deputies:,} deputies vote at once; SIGKILL to the server's"
        " process group after a random number of acknowledged (201) votes and a random"
        " 0-20 ms; restart; check; resend every vote without a 201",
        "- the votes go through the roll-call intake (smolny/api/intake.py), as deployed: it"
        " commits the votes that have arrived in batches and answers them after each commit,"
        " so a kill often falls between a batch's commit and its answers (the \"committed,"
        ' answer lost" column); those votes are in the record, and resent they are refused'
        " as voted already",
        "",
        f"**{passed}/{len(rounds)} rounds passed**: no acknowledged vote lost or changed, no"
        " deputy recorded twice, one journal entry per vote, `smolny audit verify` intact"
        " after the kill and after resending; every resent vote accepted once or refused as"
        " voted already."
        if passed == len(rounds)
        else f"**{passed}/{len(rounds)} rounds passed**; the failures are listed below.",
        "",
        "| round | killed after (201s) | +ms | acknowledged | recorded at restart |"
        " committed, answer lost | resent: accepted | resent: voted already | result |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in rounds:
        result = "ok" if not r.failures else "FAILED: " + "; ".join(r.failures)
        lines.append(
            f"| {r.number} | {r.kill_after} | {r.delay_ms:.1f} | {r.acknowledged} |"
            f" {r.recorded} | {r.unanswered_recorded} | {r.resent_accepted} |"
            f" {r.resent_already} | {result} |"
        )
    lines += ["", END]
    section = "\n".join(lines)
    current = RESULTS.read_text()
    if BEGIN in current:
        head, rest = current.split(BEGIN, 1)
        current = head + section + rest.split(END, 1)[1]
    else:
        current = current.rstrip("\n") + "\n\n" + section + "\n"
    RESULTS.write_text(current)


if __name__ == "__main__":
    raise SystemExit(main())
