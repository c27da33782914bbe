"""What the roll-call benchmark and the crash test share: a hall of deputies, the server as
deployed, and the deputies' HTTP clients.

- :func:`build_hall` writes, through the actions, an organisation whose council seats N
  deputies (100 works, one deputy per member, three fractions, seated with the bulk
  :func:`~smolny.councils.actions.slate.seat_slate`), each member linked to a login of their
  own with a personal API token, and a plenary sitting in progress with every deputy checked
  in. :func:`new_question` puts a fresh main motion on the agenda, ready for a vote.
- :class:`Server` runs uvicorn with N worker processes on the database, the way Smolny is
  deployed (DESIGN.md: stateless ASGI workers on one PostgreSQL), in a process group of its
  own so that one ``kill -9`` takes the master and every worker at once.
- :func:`roll_call` is the deputies: one keep-alive HTTP/1.1 connection each (raw asyncio
  streams; no client library is needed, and a light client leaves the 2 cores to the
  server), all connected before the vote opens, each sending its own named vote with its own
  token as soon as it opens. Every answer is kept with its time.

The process that calls these must have set up Django on the benchmark's database first
(:func:`smolny.commands.setup_django`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FRACTIONS = ("Bolsheviks", "Mensheviks", "SRs")
WORKS = 100
CHOICES = ("for", "against", "abstain")


@dataclass(frozen=True)
class Deputy:
    member: int
    key: str


@dataclass
class Hall:
    """A sitting in progress with every deputy in the hall, and the keys to act in it."""

    organisation: int
    session: int
    secretary_key: str
    deputies: list[Deputy]
    questions: int = 0


def build_hall(deputies: int, progress: Callable[[str], None] = print) -> Hall:
    """Write the organisation, council, deputies, logins and the sitting (see the module)."""
    from django.contrib.auth import get_user_model

    from smolny.api.auth import create_token
    from smolny.councils import actions
    from smolny.councils.actions import session
    from smolny.councils.actions.slate import seat_slate
    from smolny.councils.models import Member
    from smolny.councils.models.dated import valid_at

    if deputies % WORKS:
        raise SystemExit(f"--deputies {deputies}: use a multiple of {WORKS}")
    system = actions.SYSTEM
    now = datetime.now().astimezone()
    at = now - timedelta(days=2)
    organisation = actions.create_organisation(system, "Roll-call federation", at=at)
    council = actions.create_council(system, organisation, "Council of deputies", at=at)
    actions.set_representation_rule(system, council, per=1, minimum=1, at=at)
    names = [f"Works {w:03d}" for w in range(WORKS)]
    actions.create_constituencies(system, council, names, at=at)
    per_works = deputies // WORKS
    lines = ["member_id,name,constituency\n"] + [
        f"D{w:03d}-{i:03d},Deputy {w}-{i},{names[w]}\n"
        for w in range(WORKS)
        for i in range(per_works)
    ]
    actions.import_roll(system, council, lines, source="rollcall.csv", at=at)
    actions.apportion_council(system, council, at=at)
    for name in FRACTIONS:
        actions.create_fraction(system, council, name, at=at)
    members = list(
        Member.objects.filter(valid_at(at), organisation=organisation).order_by("external_id")
    )
    slate: dict[int, list[tuple[Member, str | None]]] = {}
    for n, member in enumerate(members):
        slate.setdefault(member.constituency_id, []).append((member, FRACTIONS[n % 3]))
    seated = seat_slate(system, council, slate, at=at + timedelta(minutes=1))
    progress(f"seated {seated} deputies")

    users = get_user_model()
    secretary = users.objects.create_user(username="secretary", password=None)
    actions.appoint_secretary(system, organisation, secretary, at=at)
    accounts = users.objects.bulk_create(
        [users(username=f"deputy-{m.external_id}", password="!") for m in members]
    )
    linked_at = at + timedelta(minutes=2)
    keys = []
    for member, user in zip(members, accounts, strict=True):
        actions.link_member_user(system, member, user, at=linked_at)
        keys.append(create_token(user, "roll call")[1])
    progress(f"linked {len(members)} deputies to logins with API tokens")

    opens = at + timedelta(days=1)
    plenum = actions.form_organ(
        system, council, "Plenum", kind="plenum", seat_rule="election", seats=1, at=at
    )
    session.set_organ_rules(system, plenum, notice=timedelta(0), at=at)
    sitting = session.convene_session(
        system, plenum, "Roll-call sitting", starts_at=opens, at=opens
    )
    session.check_in(system, sitting, members, at=opens)
    session.open_session(system, sitting, chair=members[0], at=opens)
    progress(f"sitting {sitting.pk} open, {len(members)} deputies in the hall")
    return Hall(
        organisation=organisation.pk,
        session=sitting.pk,
        secretary_key=create_token(secretary, "clerk")[1],
        deputies=[Deputy(m.pk, k) for m, k in zip(members, keys, strict=True)],
    )


def new_question(hall: Hall) -> tuple[int, str]:
    """A new agenda item with a main motion moved on it: (item id, motion key)."""
    from smolny.councils import actions
    from smolny.councils.actions import agenda, motion

    hall.questions += 1
    item = agenda.add_agenda_item(
        actions.SYSTEM, hall.session, f"Question {hall.questions}: the decree on the land"
    )
    row = motion.move_motion(
        actions.SYSTEM, item, "main", text=f"That question {hall.questions} be carried."
    )
    return item.pk, row.key


# --- the server ----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def server_environment(database_url: str) -> dict[str, str]:
    """The server's environment: the caller's, without its Smolny and Django settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SMOLNY_", "DJANGO_"))}
    env.update(
        SMOLNY_DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="smolny.settings",
        PYTHONUNBUFFERED="1",
    )
    return env


@dataclass
class Server:
    """uvicorn with *workers* worker processes, in a process group (session) of its own."""

    database_url: str
    workers: int
    log: Path
    port: int = 0
    extra: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    def start(self, timeout: float = 60) -> Server:
        self.port = self.port or free_port()
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [
                    *(sys.executable, "-m", "uvicorn", "smolny.asgi:application"),
                    *("--host", "127.0.0.1", "--port", str(self.port)),
                    *("--workers", str(self.workers)),
                    *("--log-level", "warning", "--lifespan", "off", "--backlog", "4096"),
                ],
                env={**server_environment(self.database_url), **self.extra},
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=ROOT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while not self._healthy():
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited with {self.process.returncode}: {self.log}")
            if time.monotonic() > deadline:
                self.kill()
                raise RuntimeError(f"the server did not answer within {timeout} s: {self.log}")
            time.sleep(0.05)
        self._warm()
        return self

    def _healthy(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                # A host name the server answers (only localhost names, unless configured).
                s.sendall(
                    b"GET /api/health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                )
                return s.recv(64).startswith(b"HTTP/1.1 200")
        except OSError:
            return False

    def _warm(self) -> None:
        """Ask for the health page until every worker has answered a few times (each one
        imports the API on its first request), so the measurement does not include that."""
        for _ in range(10 * self.workers):
            self._healthy()

    def kill(self) -> None:
        """``kill -9`` the master and every worker (the whole process group)."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        """Stop gracefully (SIGTERM to the group), or kill after 15 s."""
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill()


def cpu_seconds(pid: int) -> float:
    """CPU time of process *pid* and its living descendants, plus what its reaped children
    used (so a database server's ended backends count too); 0 for a vanished process."""
    tick = os.sysconf("SC_CLK_TCK")
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return 0.0
    own = sum(int(x) for x in fields[11:15]) / tick  # utime, stime, cutime, cstime
    return own + sum(cpu_seconds(int(child)) for child in children)


# --- the deputies --------------------------------------------------------------------------


@dataclass
class Answer:
    """One deputy's request: when it was sent and answered, and the status (0: no answer)."""

    member: int
    choice: str
    sent: float = 0.0
    answered: float = 0.0
    status: int = 0
    body: bytes = b""


async def _connect(port: int) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    return await asyncio.open_connection("127.0.0.1", port)


def request_bytes(path: str, body: dict[str, object], key: str) -> bytes:
    data = json.dumps(body, separators=(",", ":")).encode()
    return (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {key}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n\r\n"
    ).encode() + data


async def read_answer(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    """Read one HTTP/1.1 response with a Content-Length: (status, body)."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split(b" ", 2)[1])
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    body = await reader.readexactly(length) if length else b""
    return status, body


async def post(port: int, path: str, body: dict[str, object], key: str) -> tuple[int, bytes]:
    """One request on a connection of its own."""
    reader, writer = await _connect(port)
    try:
        writer.write(request_bytes(path, body, key))
        await writer.drain()
        return await read_answer(reader)
    finally:
        writer.close()


def choice_of(n: int) -> str:
    return CHOICES[n % 7 % 3]


async def roll_call(
    port: int,
    hall: Hall,
    item: int,
    motion: str,
    *,
    deputies: Sequence[Deputy] | None = None,
    on_answer: Callable[[Answer], None] | None = None,
    on_open: Callable[[], None] | None = None,
    timeout: float = 120,
) -> tuple[int, float, list[Answer]]:
    """Connect every deputy, open the vote over HTTP (the secretary), then every deputy
    votes at once. Returns (vote id, time the open was sent, answers).

    An answer whose connection broke (a killed server) keeps status 0.
    """
    deputies = hall.deputies if deputies is None else deputies
    connections = []
    for start in range(0, len(deputies), 250):  # the listen backlog holds 250 at a time
        connections += await asyncio.gather(
            *(_connect(port) for _ in deputies[start : start + 250])
        )
    if on_open is not None:
        on_open()
    opened = time.perf_counter()
    status, body = await post(
        port,
        f"/api/agenda/{item}/votes",
        {"motion": motion, "method": "roll call"},
        hall.secretary_key,
    )
    if status != 201:
        raise RuntimeError(f"the vote did not open: {status} {body[:300]!r}")
    vote_id = int(json.loads(body)["id"])
    path = f"/api/votes/{vote_id}/named"
    answers = [Answer(d.member, choice_of(n)) for n, d in enumerate(deputies)]

    async def one(
        deputy: Deputy,
        answer: Answer,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
    ) -> None:
        payload = request_bytes(
            path, {"member": deputy.member, "choice": answer.choice}, deputy.key
        )
        try:
            answer.sent = time.perf_counter()
            writer.write(payload)
            await writer.drain()
            answer.status, answer.body = await read_answer(reader)
            answer.answered = time.perf_counter()
        except (OSError, asyncio.IncompleteReadError, ValueError, IndexError):
            answer.status = 0
        finally:
            writer.close()
        if on_answer is not None:
            on_answer(answer)

    await asyncio.wait_for(
        asyncio.gather(
            *(one(d, a, r, w) for d, a, (r, w) in zip(deputies, answers, connections, strict=True))
        ),
        timeout,
    )
    return vote_id, opened, answers
