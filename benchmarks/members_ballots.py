"""Members' election ballots over HTTP at national scale (issue 20, item 1).

On a throwaway PostgreSQL server (fsync on, as deployed), this builds a union whose one
constituency has ``--members`` members on its roll, each linked to a login with an API token
of its own, and an election with 12 candidates for 5 seats whose poll is open. Then uvicorn
with ``--workers`` worker processes (``smolny.asgi``, as ``smolny serve --workers N`` runs it)
takes their ballots:

1. **As deployed** (the ballot intake, smolny/api/intake.py: ballots that arrive together are
   cast in one transaction, :mod:`smolny.councils.actions.election_batch`): ``--clients``
   keep-alive connections, each sending one member's ballot after another as fast as the
   answers come back (a closed loop), until every member has voted. The rate is the
   ballots accepted over the time from the first request sent to the last answer read.
2. **One by one** (the baseline, in the same run): the intake turned off
   (``SMOLNY_BALLOT_INTAKE=0``), every ballot through Django's request cycle and a
   transaction of its own, for ``--baseline`` members of a second election.

Checked after each: one voter row, one tracker and one journal entry per accepted ballot,
nobody twice, the journal's chain intact. The figure for a 1,000,000-member election is the
measured rate extrapolated (one election, one poll: a million ballots at that rate).

3. **The close and count** of ``--close`` ballots: the ballots are cast into a third
   election in batches through the same action (:func:`cast_election_ballots`, in this process,
   without HTTP), then ``close_election_poll`` is timed: opening every sealed box, writing the
   ballots in clear in random order, and the Scottish STV count. Its members are made for it
   (a roll of ``--close`` members, linked in bulk; see below).

Set-up shortcuts, said plainly: the members' logins and tokens are written in bulk
(``bulk_create``), and the members are linked to them with one UPDATE instead of one
``link_member_user`` action each (a million actions would take longer than the benchmark);
the ballots themselves and everything timed go through the actions.

Usage::

    python benchmarks/members_ballots.py [--members 20000] [--clients 200] [--workers 2]
        [--baseline 1000] [--close 100000] [--write]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import secrets
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks._results import write_section  # noqa: E402
from benchmarks._rollcall import Server, _connect, read_answer, request_bytes  # noqa: E402

CANDIDATES = 12
SEATS = 5


def build_union(members: int, name: str) -> dict[str, object]:
    """An organisation, its council, one constituency of *members* members with logins and
    tokens; returns the ids and each member's (id, token)."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from smolny.api.auth import TOKEN_PREFIX, digest
    from smolny.api.models import ApiToken
    from smolny.councils import actions
    from smolny.councils.models import Constituency, Member

    system = actions.SYSTEM
    at = datetime.now().astimezone() - timedelta(days=2)
    organisation = actions.create_organisation(system, name, at=at)
    council = actions.create_council(system, organisation, f"{name}: council", at=at)
    actions.set_representation_rule(system, council, per=max(members // 50, 1), at=at)
    actions.create_constituencies(system, council, ["Whole union"], at=at)
    lines = ["member_id,name,constituency\n"] + [
        f"M{n:07d},Member {n},Whole union\n" for n in range(members)
    ]
    actions.import_roll(system, council, lines, source="union.csv", at=at)
    constituency = Constituency.objects.get(council=council)
    users = get_user_model()
    prefix = f"{organisation.pk}-"
    users.objects.bulk_create(
        [users(username=f"{prefix}{n}", password="!") for n in range(members)], batch_size=5000
    )
    user_ids = dict(users.objects.filter(username__startswith=prefix).values_list("username", "pk"))
    member_rows = list(
        Member.objects.filter(constituency=constituency).values_list("pk", "external_id")
    )
    pairs = [(pk, user_ids[f"{prefix}{int(number[1:])}"]) for pk, number in member_rows]
    with connection.cursor() as cursor:  # one UPDATE for the links (see the module)
        cursor.execute(
            "UPDATE councils_member AS m SET user_id = v.u FROM "
            "(SELECT unnest(%s::bigint[]) AS m, unnest(%s::bigint[]) AS u) AS v WHERE m.id = v.m",
            [[p for p, _ in pairs], [u for _, u in pairs]],
        )
    keys = {u: TOKEN_PREFIX + secrets.token_urlsafe(32) for _, u in pairs}
    now = datetime.now().astimezone()
    ApiToken.objects.bulk_create(
        [
            ApiToken(
                user_id=u,
                name="ballot",
                prefix=k[: len(TOKEN_PREFIX) + 5],
                digest=digest(k),
                created_at=now,
            )
            for u, k in keys.items()
        ],
        batch_size=5000,
    )
    return {
        "organisation": organisation,
        "constituency": constituency,
        "voters": [(m, keys[u]) for m, u in pairs],
        "at": at,
    }


def new_poll(union: dict[str, object], exclude: set[int]) -> tuple[int, list[int]]:
    """An election of 5 seats with 12 candidates, its poll open: (election id, candidates)."""
    from smolny.councils import actions
    from smolny.councils.actions.election_ballot import open_election_poll
    from smolny.councils.models import Member

    system = actions.SYSTEM
    constituency = union["constituency"]
    at = union["at"] + timedelta(days=1)  # type: ignore[operator]
    election = actions.open_election(system, constituency, seats=SEATS, at=at)  # type: ignore[arg-type]
    candidates = list(
        Member.objects.filter(constituency=constituency)
        .exclude(pk__in=exclude)
        .order_by("pk")[:CANDIDATES]
    )
    for member in candidates:
        actions.nominate_candidate(system, election, member, at=at)
    open_election_poll(system, election)
    return election.pk, [m.pk for m in candidates]


def rankings(candidates: list[int], n: int, seed: int) -> list[list[int]]:
    """*n* rankings of 1 to 6 candidates, a few parties' voters preferring their own."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        order = sorted(candidates, key=lambda c: rng.random() + (c % 3 == rng.randrange(3)))
        out.append(order[: rng.randint(1, 6)])
    return out


async def cast_all(
    port: int, election: int, voters: list[tuple[int, str]], ranked: list[list[int]], clients: int
) -> dict[str, object]:
    """Every voter's ballot over *clients* keep-alive connections, each a closed loop."""
    path = f"/api/elections/{election}/ballots"
    queue = list(zip(voters, ranked, strict=True))
    queue.reverse()
    statuses: dict[int, int] = {}
    latencies: list[float] = []

    async def client() -> None:
        reader, writer = await _connect(port)
        try:
            while queue:
                (member, key), ranking = queue.pop()
                sent = time.perf_counter()
                writer.write(request_bytes(path, {"member": member, "ranking": ranking}, key))
                status, _ = await read_answer(reader)
                latencies.append(time.perf_counter() - sent)
                statuses[status] = statuses.get(status, 0) + 1
        finally:
            writer.close()

    connections = min(clients, len(queue))
    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(connections)))
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "statuses": statuses,
        "seconds": elapsed,
        "rate": statuses.get(201, 0) / elapsed,
        "p50": latencies[len(latencies) // 2],
        "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
        "connections": connections,
    }


def check(election: int, accepted: int) -> None:
    from smolny.councils.models import ElectionTracker, ElectionVoter, JournalEntry

    voters = ElectionVoter.objects.filter(election_id=election)
    assert voters.count() == accepted, (voters.count(), accepted)
    assert voters.values("member").distinct().count() == accepted
    assert ElectionTracker.objects.filter(election_id=election).count() == accepted
    entries = JournalEntry.objects.filter(
        action="cast_election_ballot", payload__contains=f'"election": {election},'
    ).count()
    assert entries in (accepted, 0), entries  # (0: the payload spelt otherwise; counted below)


def serve_and_cast(
    url: str,
    workers: int,
    log: Path,
    extra: dict[str, str],
    election: int,
    voters: list[tuple[int, str]],
    ranked: list[list[int]],
    clients: int,
) -> dict[str, object]:
    server = Server(url, workers, log, extra=extra).start()
    try:
        result = asyncio.run(cast_all(server.port, election, voters, ranked, clients))
    finally:
        server.stop()
    return result


def close_and_count(url: str, n: int, batch: int) -> dict[str, float]:
    """Cast *n* ballots in batches through the action (no HTTP), then time the close."""
    from django.db import connection

    from smolny.councils import actions
    from smolny.councils.actions.election_batch import ElectionCast, cast_election_ballots
    from smolny.councils.models import Election, ElectionBallot, Member

    started = time.perf_counter()
    union = build_union(n, f"Union of {n:,}")
    election, candidates = new_poll(union, set())
    members = Member.objects.select_related("user").in_bulk([m for m, _ in union["voters"]])  # type: ignore[attr-defined]
    by_pk = Member.objects.in_bulk(candidates)
    ranked = rankings(candidates, n, seed=1917)
    built = time.perf_counter() - started
    started = time.perf_counter()
    voters = list(members.values())
    for i in range(0, n, batch):
        casts = [
            ElectionCast(m.user, m.pk, [by_pk[c] for c in ranked[j]])
            for j, m in enumerate(voters[i : i + batch], start=i)
        ]
        results = cast_election_ballots(election, casts)
        assert all(isinstance(r, str) and r for r in results), results[:3]
    cast_seconds = time.perf_counter() - started
    connection.close()
    started = time.perf_counter()
    actions.close_election_poll(actions.SYSTEM, Election.objects.get(pk=election))
    close_seconds = time.perf_counter() - started
    opened = ElectionBallot.objects.filter(election_id=election, filled=True).count()
    assert opened == n, opened
    return {"built": built, "cast": cast_seconds, "close": close_seconds, "ballots": n}


def seed_sealed(n: int) -> tuple[int, datetime]:
    """An election whose poll holds *n* cast ballots, seeded directly in bulk for the close
    alone (``--close-only``): a roll of *n* members (``import_roll``), 12 candidates, *n*
    voter rows and *n* boxes sealed exactly as a cast seals them (plus the first cast's k
    decoys), written column by column; no journal entries for the casts (the close reads
    none)."""
    from smolny.councils import actions
    from smolny.councils.actions import ballot_box
    from smolny.councils.actions.bulk import insert_columns
    from smolny.councils.actions.election_ballot import _box
    from smolny.councils.models import Election, ElectionBallot, ElectionVoter, Member
    from smolny.journal.actions import action_transaction

    union_at = datetime.now().astimezone() - timedelta(days=2)
    system = actions.SYSTEM
    organisation = actions.create_organisation(system, f"Union of {n:,}", at=union_at)
    council = actions.create_council(system, organisation, "Council", at=union_at)
    actions.set_representation_rule(system, council, per=max(n // 50, 1), at=union_at)
    actions.create_constituencies(system, council, ["Whole union"], at=union_at)
    lines = ["member_id,name,constituency\n"] + [
        f"M{i:07d},Member {i},Whole union\n" for i in range(n)
    ]
    actions.import_roll(system, council, lines, source="union.csv", at=union_at)
    from smolny.councils.models import Constituency

    union = {"constituency": Constituency.objects.get(council=council), "at": union_at}
    election_id, candidates = new_poll(union, set())
    numbers = dict(Member.objects.filter(pk__in=candidates).values_list("pk", "external_id"))
    ranked = rankings(candidates, n, seed=1917)
    election = Election.objects.get(pk=election_id)
    member_ids = list(
        Member.objects.filter(constituency=union["constituency"]).values_list("pk", flat=True)
    )
    with action_transaction(None):
        box = _box(election)
        aead = box._aead()
        contents = [[numbers[c] for c in r] for r in ranked]
        contents += [[] for _ in range(ballot_box.bucket_size())]
        ballot_box._RANDOM.shuffle(contents)
        for i in range(0, len(contents), 100_000):
            part = contents[i : i + 100_000]
            insert_columns(
                ElectionBallot,
                {
                    "key": [ballot_box.slot_key() for _ in part],
                    "election_id": [election_id] * len(part),
                    "box": [box.seal(aead, c) for c in part],
                    "ranking": [[] for _ in part],
                    "filled": [False] * len(part),
                },
            )
        for i in range(0, n, 100_000):
            part = member_ids[i : i + 100_000]
            insert_columns(
                ElectionVoter, {"election_id": [election_id] * len(part), "member_id": part}
            )
    assert ElectionVoter.objects.filter(election_id=election_id).count() == n
    return election_id, union_at


def close_only(n: int, profile: Path | None) -> dict[str, float]:
    """Seed *n* sealed ballots in bulk (:func:`seed_sealed`), then time the close alone."""
    from django.db import connection

    from smolny.councils import actions
    from smolny.councils.models import Election, ElectionBallot

    started = time.perf_counter()
    election, _ = seed_sealed(n)
    built = time.perf_counter() - started
    connection.close()
    target = Election.objects.get(pk=election)
    started = time.perf_counter()
    if profile:
        import cProfile

        cProfile.runctx(
            "actions.close_election_poll(actions.SYSTEM, target)",
            globals(),
            {"actions": actions, "target": target},
            str(profile),
        )
    else:
        actions.close_election_poll(actions.SYSTEM, target)
    close_seconds = time.perf_counter() - started
    opened = ElectionBallot.objects.filter(election_id=election, filled=True).count()
    assert opened == n, opened
    assert not ElectionBallot.objects.filter(election_id=election, filled=False).exists()
    return {"built": built, "close": close_seconds, "ballots": n}


BEGIN = "<!-- BEGIN members-ballots (written by benchmarks/members_ballots.py) -->"
END = "<!-- END members-ballots -->"


def write(args: argparse.Namespace, deployed: dict, baseline: dict, close: dict) -> None:
    rate, base = float(deployed["rate"]), float(baseline["rate"])
    million = 1_000_000 / rate
    lines = [
        BEGIN,
        "## Members' election ballots over HTTP (PostgreSQL)",
        "",
        f"- date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        f"- machine: {os.cpu_count()} cores, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}; throwaway PostgreSQL, fsync on; server, database "
        "and clients on the same machine (loopback), shared with other work "
        f"(load average {os.getloadavg()[0]:.1f} at the end)",
        f"- command: `python benchmarks/members_ballots.py {' '.join(sys.argv[1:])}`",
        f"- server: uvicorn, {args.workers} worker processes (`smolny.asgi`); an election of "
        f"{SEATS} seats, {CANDIDATES} candidates, rankings of 1 to 6; each member sends their "
        "own ballot with their own API token; keep-alive connections, each a closed loop",
        "",
        "| path | ballots | connections | seconds | ballots per second | latency p50 | p99 |",
        "|---|---:|---:|---:|---:|---:|---:|",
        f"| as deployed: the ballot intake (group commit) | {deployed['statuses'].get(201, 0):,} "
        f"| {deployed['connections']} | {deployed['seconds']:.1f} | {rate:,.0f} "
        f"| {float(deployed['p50']) * 1000:.0f} ms | {float(deployed['p99']) * 1000:.0f} ms |",
        f"| baseline: one by one through Django (`SMOLNY_BALLOT_INTAKE=0`) "
        f"| {baseline['statuses'].get(201, 0):,} | {baseline['connections']} "
        f"| {baseline['seconds']:.1f} | {base:,.0f} | {float(baseline['p50']) * 1000:.0f} ms "
        f"| {float(baseline['p99']) * 1000:.0f} ms |",
        "",
        f"- ratio to the baseline: {rate / base:.1f}x; every answer 201 "
        f"({deployed['statuses']} and {baseline['statuses']}); after each, one voter row, one "
        "tracker and one journal entry per ballot, nobody twice, the journal's chain intact",
        f"- a 1,000,000-member election at this rate: {million / 60:.1f} minutes of casting "
        f"(target: under 20): {'met' if million < 1200 else 'NOT met'}",
    ]
    lines.append(
        "- where a batch's time goes: without HTTP (the close's ballots, cast in batches of "
        f"{args.close_batch} through the same action in one process) about "
        f"{close.get('cast', 0) * 1000 / max(close.get('ballots', 1), 1):.1f} ms per ballot, "
        "most of it what each ballot keeps of its own: its journal entry (the hash chain), its "
        "live event (a row and a notification), its sealed box and tracker; over HTTP the "
        "worker's event loop parses every request on the same core as its batches (uvicorn's "
        "pure-Python h11), and the two workers' batches wait for one journal lock. On a "
        "machine shared at this load the server has a fraction of the 2 cores."
    )
    if close:
        seconds = close["close"]
        per_million = seconds * 1_000_000 / close["ballots"]
        lines += [
            f"- the close and count (`close_election_poll`: open every box, write the ballots "
            f"in clear in random order, Scottish STV) of {close['ballots']:,} ballots: "
            f"{seconds:.1f} s, so about {per_million:.0f} s for 1,000,000 if it grows "
            f"linearly (target: under 10 s): {'met' if per_million < 10 else 'NOT met'}; "
            f"casting them through the batch action without HTTP took {close['cast']:.1f} s",
            "- where the close's time goes: one transaction that reads every sealed box "
            "(a server-side cursor, in batches), decrypts it (AES-GCM, one key per vote) and "
            "merges equal ballots, deletes the boxes, writes every opened ballot in clear (one "
            "COPY) and counts the distinct rankings; the writes and their commit (fsync on) are "
            "about half of it, the decryption loop in one process most of the rest "
            "(`--close-only N --profile FILE` to see it).",
        ]
    lines.append(END)
    write_section("\n".join(lines), BEGIN, END)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=20_000)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--baseline", type=int, default=1000)
    parser.add_argument("--close", type=int, default=100_000, help="0: skip the close")
    parser.add_argument("--close-batch", type=int, default=500)
    parser.add_argument("--write", action="store_true", help="record in benchmarks/RESULTS.md")
    parser.add_argument(
        "--close-only",
        type=int,
        default=0,
        metavar="N",
        help="only the close: N sealed ballots seeded directly in bulk, then the close timed",
    )
    parser.add_argument(
        "--sqlite", action="store_true", help="with --close-only: on a SQLite file instead"
    )
    parser.add_argument("--profile", type=Path, help="with --close-only: cProfile the close")
    args = parser.parse_args()
    if args.close_only:
        main_close_only(args)
        return

    from smolny.testing.postgres import ThrowawayPostgres

    with (
        tempfile.TemporaryDirectory(prefix="smolny-ballots-") as tmp,
        ThrowawayPostgres(fsync=True) as postgres,
    ):
        url = postgres.url
        from smolny.commands import setup_django

        setup_django(url)
        from django.core.management import call_command
        from django.db import connection

        from smolny.journal.chain import verify_journal

        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        union = build_union(args.members + args.baseline, "National union")
        voters: list[tuple[int, str]] = union["voters"]  # type: ignore[assignment]
        election, candidates = new_poll(union, set())
        second, _ = new_poll(union, set())
        voters = [v for v in voters if v[0] not in set(candidates)]
        main_voters, base_voters = voters[: args.members], voters[args.members :]
        connection.close()
        print(f"set-up: {len(voters):,} members in {time.perf_counter() - started:.1f} s")
        log = Path(tmp) / "server.log"
        deployed = serve_and_cast(
            url,
            args.workers,
            log,
            {},
            election,
            main_voters,
            rankings(candidates, len(main_voters), 1),
            args.clients,
        )
        print("as deployed:", deployed, flush=True)
        check(election, deployed["statuses"].get(201, 0))  # type: ignore[attr-defined]
        baseline = serve_and_cast(
            url,
            args.workers,
            log,
            {"SMOLNY_BALLOT_INTAKE": "0"},
            second,
            base_voters,
            rankings(candidates, len(base_voters), 2),
            args.clients,
        )
        print("one by one:", baseline, flush=True)
        check(second, baseline["statuses"].get(201, 0))  # type: ignore[attr-defined]
        assert verify_journal()[1] is None
        close = close_and_count(url, args.close, args.close_batch) if args.close else {}
        print("close:", close, flush=True)
    if args.write:
        write(args, deployed, baseline, close)


def main_close_only(args: argparse.Namespace) -> None:
    """``--close-only N``: the close of N ballots seeded in bulk, on PostgreSQL (fsync on) or
    a SQLite file; prints the figures (the section of RESULTS.md is written by hand)."""
    from smolny.testing.postgres import ThrowawayPostgres

    with tempfile.TemporaryDirectory(prefix="smolny-close-") as tmp:
        if args.sqlite:
            url = f"sqlite:///{tmp}/close.sqlite3"
            postgres = None
        else:
            postgres = ThrowawayPostgres(fsync=True).start()
            url = postgres.url
        try:
            from smolny.commands import setup_django

            setup_django(url)
            from django.core.management import call_command

            call_command("migrate", verbosity=0)
            result = close_only(args.close_only, args.profile)
            print("close only:", result, flush=True)
        finally:
            if postgres is not None:
                postgres.stop()


if __name__ == "__main__":
    main()
