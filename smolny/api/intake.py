"""The roll-call intake: named votes sent with an API token, taken in batches (group commit).

When a hall of 1,500 deputies answers a roll call, each answer is a small write, but every
write is serialised by the journal's lock and pays for its own commit, and every request pays
for Django's whole request cycle (middleware, a thread of its own, the route's look-ups).
Answered one by one, a 2-core machine takes some 20 ms of CPU per answer.

This ASGI wrapper takes the common case off that path: ``POST /api/votes/<id>/named`` with
``Authorization: Bearer smolny_...`` and a plain JSON body ``{"member": <id>, "choice":
"for"|"against"|"abstain"}``. Each such request is parsed in the event loop and queued; one
thread per process takes everything queued so far and settles it in one step
(:func:`settle`): the tokens are resolved with one query, and the ballots of each vote are
given to :func:`smolny.councils.actions.vote.cast_votes`, which decides each exactly as
:func:`~smolny.councils.actions.vote.cast_vote` would and records them in one transaction,
each with its own journal entry and live event. While that transaction runs, the next
answers queue up; so the busier the hall, the larger the batch and the fewer the commits.
Every answer is sent only after the transaction that holds it has committed.

Anything else is passed to Django unchanged (the body replayed): other paths, a session
cookie instead of a token, a body with other fields (``at``), a ranking, JSON the route
would refuse, an unknown or revoked token, a vote or member that does not exist, a host not
allowed. The route in :mod:`smolny.api.routers.votes` stays the one definition of the API
(its schema, its refusals); this path answers only what it would answer the same way: 201
with the same body, or the action's refusal with the same status and ``detail``. Should a
batch fail for any other reason, each of its requests is handed to Django to answer.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import re
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

logger = logging.getLogger(__name__)

PATH = re.compile(r"/api/votes/([1-9][0-9]{0,17})/named")
ELECTION_PATH = re.compile(r"/api/elections/([1-9][0-9]{0,17})/ballots")
MAX_RANKING = 1000
"""The route's limit on a ranking's length (``BallotIn``); a longer one is Django's to refuse."""
CHOICES = frozenset({"for", "against", "abstain"})
MAX_BODY = 4096
"""A named vote's body is some 40 bytes; anything much longer is Django's to judge."""
MAX_BATCH = 1000
MAX_ID = 2**63 - 1


@functools.cache
def security_headers() -> list[tuple[bytes, bytes]]:
    """The headers Django's security and clickjacking middleware (and Smolny's
    Content-Security-Policy middleware) put on every answer, read from the same settings (so
    that an answer from this path carries what the route's would)."""
    from django.conf import settings

    headers = [(b"content-type", b"application/json; charset=utf-8")]
    if settings.SECURE_CONTENT_TYPE_NOSNIFF:
        headers.append((b"x-content-type-options", b"nosniff"))
    for name, value in (
        (b"x-frame-options", settings.X_FRAME_OPTIONS),
        (b"referrer-policy", settings.SECURE_REFERRER_POLICY),
        (b"cross-origin-opener-policy", settings.SECURE_CROSS_ORIGIN_OPENER_POLICY),
        (b"content-security-policy", settings.SMOLNY_CONTENT_SECURITY_POLICY),
    ):
        if value:
            text = value if isinstance(value, str) else ",".join(value)
            headers.append((name, text.encode("latin-1")))
    return headers


Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]


@dataclass(frozen=True)
class Request:
    """A named vote (*vote*, *choice*) or a member's election ballot (*election*, *ranking*)
    as the intake read it."""

    token: str
    vote: int
    member: int
    choice: str
    election: int = 0
    ranking: tuple[int, ...] = ()


@dataclass(frozen=True)
class Answer:
    """The HTTP answer for one request: a status and a JSON body."""

    status: int
    body: dict[str, Any]


PASS = None
"""What :func:`settle` gives a request it leaves to Django."""


def read_request(scope: Scope, body: bytes) -> Request | None:
    """The named vote or election ballot in this request, or None when it is not the plain
    case (see above)."""
    match = PATH.fullmatch(scope["path"])
    election = ELECTION_PATH.fullmatch(scope["path"]) if match is None else None
    if match is None and election is None:
        return None
    headers = dict(scope["headers"])
    if scope.get("query_string") or b"smolny-occurred-at" in headers:
        return None  # a time given with the request: the route refuses it or checks the recorder
    authorization = headers.get(b"authorization", b"").decode("latin-1")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.startswith("smolny_"):
        return None
    content_type = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
    if content_type != b"application/json" or not _host_allowed(headers.get(b"host", b"")):
        return None
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    if election is not None:
        return _election_ballot(token, int(election.group(1)), data)
    if not isinstance(data, dict) or set(data) != {"member", "choice"}:
        return None
    member, choice = data["member"], data["choice"]
    if type(member) is not int or not 0 < member <= MAX_ID:
        return None
    if type(choice) is not str or choice not in CHOICES:
        return None
    return Request(token=token, vote=int(match.group(1)), member=member, choice=choice)  # type: ignore[union-attr]


def _election_ballot(token: str, election: int, data: Any) -> Request | None:
    """``{"member": <id>, "ranking": [<member id>, ...]}`` and nothing else, else None."""
    if not isinstance(data, dict) or set(data) != {"member", "ranking"}:
        return None
    member, ranking = data["member"], data["ranking"]
    if type(member) is not int or not 0 < member <= MAX_ID:
        return None
    if type(ranking) is not list or not 0 < len(ranking) <= MAX_RANKING:
        return None
    if any(type(r) is not int or not 0 < r <= MAX_ID for r in ranking):
        return None
    return Request(
        token=token, vote=0, member=member, choice="", election=election, ranking=tuple(ranking)
    )


def _host_allowed(host: bytes) -> bool:
    from django.conf import settings
    from django.http.request import split_domain_port, validate_host

    domain, _ = split_domain_port(host.decode("latin-1"))
    return bool(domain) and validate_host(domain, settings.ALLOWED_HOSTS)


def settle(requests: list[Request]) -> list[Answer | None]:
    """Answer *requests* (in a thread of their own, where Django's database access may run):
    one query for the tokens, one for the votes and members, one transaction per vote."""
    from django.db import close_old_connections

    close_old_connections()
    try:
        return _settle(requests)
    finally:
        close_old_connections()


def _settle(requests: list[Request]) -> list[Answer | None]:
    answers: list[Answer | None] = [PASS] * len(requests)
    named = [i for i, r in enumerate(requests) if not r.election]
    ballots = [i for i, r in enumerate(requests) if r.election]
    if named:
        for i, answer in zip(named, _settle_named([requests[i] for i in named]), strict=True):
            answers[i] = answer
    if ballots:
        settled = _settle_ballots([requests[i] for i in ballots])
        for i, answer in zip(ballots, settled, strict=True):
            answers[i] = answer
    return answers


def _users(requests: list[Request]) -> tuple[list[str], dict[str, Any]]:
    """Each request's token digest, and the active users of the tokens (one query)."""
    from django.contrib.auth import get_user_model

    from smolny.api.auth import digest
    from smolny.api.models import ApiToken

    digests = [digest(r.token) for r in requests]
    # The tokens as (digest, user id) pairs and each active user once: a batch of a thousand
    # answers builds a thousand users, not a thousand tokens besides.
    owners = dict(
        ApiToken.objects.filter(digest__in=set(digests), revoked_at=None).values_list(
            "digest", "user_id"
        )
    )
    users = get_user_model().objects.filter(is_active=True).in_bulk(set(owners.values()))
    tokens = {d: users[u] for d, u in owners.items() if u in users}
    return digests, tokens


def _settle_ballots(requests: list[Request]) -> list[Answer | None]:
    """Members' election ballots: those of each election in one transaction
    (:func:`smolny.councils.actions.election_batch.cast_election_ballots`); the answer is
    what the route gives, the turnout after the batch and the voter's receipt."""
    from django.utils import timezone

    from smolny.councils.actions import ActionError
    from smolny.councils.actions.election_batch import ElectionCast, cast_election_ballots
    from smolny.councils.models import Election, Member
    from smolny.councils.queries import roll_size
    from smolny.councils.queries.elections import turnout

    digests, tokens = _users(requests)
    elections = Election.objects.select_related("constituency").in_bulk(
        {r.election for r in requests}
    )
    # Member numbers by id: the rankings as the action reads them, and which ids exist (the
    # voters themselves are read again, fresh, inside the batch's transaction).
    members = dict(
        Member.objects.filter(
            pk__in={r.member for r in requests} | {pk for r in requests for pk in r.ranking}
        ).values_list("pk", "external_id")
    )
    answers: list[Answer | None] = [PASS] * len(requests)
    by_election: dict[int, list[int]] = {}
    for index, request in enumerate(requests):
        if (
            tokens.get(digests[index]) is not None
            and request.election in elections
            and request.member in members
            and all(pk in members for pk in request.ranking)
        ):
            by_election.setdefault(request.election, []).append(index)
    for election, indexes in by_election.items():
        casts = [
            ElectionCast(
                tokens[digests[i]],
                requests[i].member,
                [members[pk] for pk in requests[i].ranking],
            )
            for i in indexes
        ]
        try:
            results = cast_election_ballots(election, casts)
        except Exception:  # these requests go to Django, which answers each from the record
            logger.exception("intake: %d ballots of election %d failed", len(casts), election)
            continue
        row = Election.objects.select_related("constituency").get(pk=election)
        out = {
            "election": election,
            "status": row.status,
            "voters": turnout(row),
            "roll": roll_size(row.constituency, timezone.now()),
        }
        for index, result in zip(indexes, results, strict=True):
            if isinstance(result, ActionError):
                answers[index] = Answer(result.http_status, {"detail": str(result)})
            else:
                answers[index] = Answer(201, {**out, "receipt": result})
    return answers


def _settle_named(requests: list[Request]) -> list[Answer | None]:
    from smolny.councils.actions import ActionError
    from smolny.councils.actions.vote import Ballot, cast_votes
    from smolny.councils.models import Member, Vote

    digests, tokens = _users(requests)
    votes = set(Vote.objects.filter(pk__in={r.vote for r in requests}).values_list("pk", flat=True))
    members = Member.objects.in_bulk({r.member for r in requests})
    answers: list[Answer | None] = [PASS] * len(requests)
    by_vote: dict[int, list[int]] = {}
    for index, request in enumerate(requests):
        user = tokens.get(digests[index])
        if user is not None and request.vote in votes and request.member in members:
            by_vote.setdefault(request.vote, []).append(index)
    for vote, indexes in by_vote.items():
        ballots = [
            Ballot(tokens[digests[i]], members[requests[i].member], requests[i].choice)
            for i in indexes
        ]
        try:
            results = cast_votes(vote, ballots)
        except Exception:  # this vote's requests go to Django, which answers each from the record
            logger.exception("roll-call intake: %d ballots of vote %d failed", len(ballots), vote)
            continue
        for index, result in zip(indexes, results, strict=True):
            if isinstance(result, ActionError):
                answers[index] = Answer(result.http_status, {"detail": str(result)})
            else:
                answers[index] = Answer(
                    201,
                    {
                        "vote": vote,
                        "member": requests[index].member,
                        "choice": result.choice,
                        "ranking": list(result.ranking),
                        "fraction": result.fraction,
                    },
                )
    return answers


class RollCallIntake:
    """ASGI wrapper: named votes with a token go into batches; everything else to *app*."""

    def __init__(
        self, app: App, max_batch: int = MAX_BATCH, *, named: bool = True, ballots: bool = True
    ) -> None:
        self.app = app
        self.named = named
        """Whether named votes come this way (``SMOLNY_ROLL_CALL_INTAKE``)."""
        self.ballots = ballots
        """Whether members' election ballots do (``SMOLNY_BALLOT_INTAKE``)."""
        self.max_batch = max_batch
        self._queue: list[tuple[Request, asyncio.Future[Answer | None]]] = []
        self._draining: asyncio.Task[None] | None = None
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="smolny-intake")
        self.batches = 0
        """How many batches this process has settled (read by the tests)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or not self.takes(scope["path"]):
            await self.app(scope, receive, send)
            return
        body, ended = await _read_body(receive)
        replay = _replaying(body, ended, receive)
        request = read_request(scope, body) if ended is None else None
        if request is None:
            await self.app(scope, replay, send)
            return
        answer = await self._submit(request)
        if answer is PASS:
            await self.app(scope, replay, send)
            return
        payload = json.dumps(answer.body).encode("utf-8")
        headers = [*security_headers(), (b"content-length", str(len(payload)).encode("ascii"))]
        await send({"type": "http.response.start", "status": answer.status, "headers": headers})
        await send({"type": "http.response.body", "body": payload})

    def takes(self, path: str) -> bool:
        """Whether a POST to *path* may be one this intake takes."""
        if PATH.fullmatch(path) is not None:
            return self.named
        return self.ballots and ELECTION_PATH.fullmatch(path) is not None

    async def _submit(self, request: Request) -> Answer | None:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Answer | None] = loop.create_future()
        if self._draining is not None and self._draining.get_loop() is not loop:
            self._queue, self._draining = [], None  # a new event loop: the old one is gone
        self._queue.append((request, future))
        if self._draining is None or self._draining.done():
            self._draining = asyncio.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        """Settle what is queued, batch after batch, until the queue is empty."""
        loop = asyncio.get_running_loop()
        while self._queue:
            batch, self._queue = self._queue[: self.max_batch], self._queue[self.max_batch :]
            requests = [request for request, _ in batch]
            try:
                answers = await loop.run_in_executor(self._executor, settle, requests)
            except Exception:
                logger.exception(
                    "roll-call intake: a batch of %d failed; Django answers", len(batch)
                )
                answers = [PASS] * len(batch)
            self.batches += 1
            for (_, future), answer in zip(batch, answers, strict=True):
                if not future.done():
                    future.set_result(answer)


async def _read_body(receive: Receive) -> tuple[bytes, Message | None]:
    """The request's body, up to about :data:`MAX_BODY`, and the message that ended the
    reading early (a disconnect), or None once the body was read whole (or not quite whole:
    then the last message said ``more_body``)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks), message
        chunk = message.get("body", b"")
        chunks.append(chunk)
        size += len(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks), None
        if size > MAX_BODY:
            return b"".join(chunks), {"type": "http.request", "more_body": True}


def _replaying(body: bytes, ended: Message | None, receive: Receive) -> Receive:
    """A ``receive`` that first gives back what was read, then the rest of the request."""
    pending: list[Message] = [
        {"type": "http.request", "body": body, "more_body": ended is not None}
    ]
    if ended is not None and ended["type"] != "http.request":
        pending.append(ended)

    async def replay() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replay
