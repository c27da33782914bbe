"""The live stream view: ``GET /live/<channel>`` as server-sent events.

The events come from :mod:`smolny.live` (the broker, and on PostgreSQL its transport between
processes); this module only turns them into a stream. It answers ``text/event-stream``:
first ``retry:`` (reconnect after a second), then either ``ready`` (a fresh connection: its id
is the channel's newest id, so a later reconnect knows where the client stood), or, when the
client sends ``Last-Event-ID`` (or ``?last_event_id=``, for a page that rendered the id it
read its state at), every event it missed, or ``reset`` when they cannot all be given and
the client must re-read the state. Then each event as ``id:``/``event: message``/``data:``
(its JSON; a burst goes out as one chunk), ``reset`` again if the client read so slowly
that its queue overflowed, and a comment line as a heartbeat every :data:`HEARTBEAT_SECONDS` so that
proxies keep the connection and the server notices a vanished client. When the client goes
away, Django's ASGI handler cancels the stream and the subscription is closed.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
from collections.abc import AsyncIterator
from typing import Any

from django.conf import settings

from smolny import live
from smolny.live import Delivery, Replay

HEARTBEAT_SECONDS = float(os.environ.get("SMOLNY_LIVE_HEARTBEAT", "15"))
RETRY_MILLISECONDS = 1000

CHANNEL_PATTERN = re.compile(r"[A-Za-z0-9_.:-]{1,120}")

MAX_PER_ADDRESS = int(os.environ.get("SMOLNY_LIVE_MAX_PER_ADDRESS", "") or 50)
"""Open streams one address may hold in one worker process (a page follows one or two
channels; a meeting room behind one router may hold a few dozen browsers)."""

MAX_ANONYMOUS = int(os.environ.get("SMOLNY_LIVE_MAX_ANONYMOUS", "") or 1000)
"""Open streams of viewers who are not signed in, together, in one worker process. Signed-in
users are not counted here: a crowd of anonymous viewers must not lock members out."""


class Streams:
    """The streams this process holds open, by address and for anonymous viewers.

    Counted in the process's memory on purpose: what the caps protect is this process's
    memory and event loop, and a stream lives and dies in one process. The counts are
    taken and given back on the event loop's thread only, so they need no lock.
    """

    def __init__(self) -> None:
        self.by_address: dict[str, int] = {}
        self.anonymous = 0

    def open(self, address: str, anonymous: bool) -> None:
        self.by_address[address] = self.by_address.get(address, 0) + 1
        self.anonymous += anonymous

    def close(self, address: str, anonymous: bool) -> None:
        left = self.by_address.get(address, 0) - 1
        if left > 0:
            self.by_address[address] = left
        else:
            self.by_address.pop(address, None)
        self.anonymous -= anonymous


STREAMS = Streams()


def _too_many(detail: str, limit: str) -> Any:
    """A 429 answer naming the limit, as JSON like the API's refusals."""
    from django.http import JsonResponse

    response = JsonResponse({"detail": detail, "limit": limit}, status=429)
    response["Retry-After"] = "30"
    return response


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def sse(event_id: int, kind: str, data: Any) -> str:
    """One server-sent event: ``id:``, ``event:`` and a one-line JSON ``data:``."""
    return f"id: {event_id}\nevent: {kind}\ndata: {_json(data)}\n\n"


def message(delivery: Delivery) -> str:
    """A published event as a server-sent ``message`` (its JSON encoded once)."""
    return f"id: {delivery.id}\nevent: message\ndata: {delivery.json}\n\n"


def last_event_id(request: Any) -> int | None:
    """The id the client saw last: the ``Last-Event-ID`` header, else ``?last_event_id=``."""
    raw = request.headers.get("Last-Event-ID") or request.GET.get("last_event_id")
    if raw is None or not raw.strip().isdigit():
        return None
    return int(raw.strip())


async def event_chunks(
    channel: str, after: int | None, start: Replay, subscription: Any
) -> AsyncIterator[str]:
    """The text of a stream after its headers: ``retry:``, then ``ready``, the replay or
    ``reset``, then the events as they come, with a heartbeat comment when none has come
    for :data:`HEARTBEAT_SECONDS`. Shared by the view and :class:`StreamGuard`'s path for
    anonymous viewers; the caller closes the subscription."""
    yield f"retry: {RETRY_MILLISECONDS}\n\n"
    sent, dropped = start.head, 0
    if after is None:
        yield sse(start.head, "ready", {"channel": channel, "id": start.head})
    elif not start.complete:
        yield sse(start.head, "reset", {"channel": channel, "id": start.head})
    else:
        for delivery in start.deliveries:
            yield message(delivery)
    while True:
        try:
            async with asyncio.timeout(HEARTBEAT_SECONDS):
                waiting = [await subscription.get()]
        except TimeoutError:
            yield ": heartbeat\n\n"
            continue
        waiting += subscription.get_waiting()  # send a burst as one chunk
        if subscription.dropped != dropped:
            # This client fell so far behind that events were dropped: say so.
            dropped, sent = subscription.dropped, waiting[-1].id
            yield sse(sent, "reset", {"channel": channel, "id": sent})
            continue
        fresh = [d for d in waiting if d.id > sent]
        if fresh:
            sent = fresh[-1].id
            yield "".join(message(d) for d in fresh)


def _start(channel: str, after: int | None) -> Replay:
    """Runs in a worker thread: listen, then read where the client stands (and close)."""
    from django.db import connection

    try:
        live.ensure_listening()
        if after is None:
            return Replay(live.head(channel), True, [])
        return live.replay(channel, after)
    finally:
        if not connection.in_atomic_block:
            connection.close()


async def may_follow(request: Any, channel: str) -> bool:
    """Who may read a channel: ``probe:`` channels anyone; an organisation's channel anyone
    when its record is public, else signed-in users (the rule of the pages,
    :mod:`smolny.web.access`)."""
    if channel.startswith("probe:"):
        return True
    from asgiref.sync import sync_to_async

    return await sync_to_async(_may_read, thread_sensitive=False)(request, channel)


def _public_channel(channel: str) -> bool:
    """Whether *channel* is the channel of an organisation whose record is public."""
    from smolny.councils.models import Organisation

    kind, _, key = channel.partition(":")
    if kind != "organisation" or not key.isdigit() or len(key) > 18:
        return False
    return Organisation.objects.filter(pk=int(key), public_record=True).exists()


def _channel_organisation(channel: str) -> Any:
    """The organisation an ``organisation:``, ``council:`` or ``organ:`` channel belongs to,
    if it exists (its records are read by the rule of :func:`smolny.web.access.may_read`)."""
    from smolny.councils.models import Council, Organ, Organisation

    kind, _, key = channel.partition(":")
    if not key.isdigit() or len(key) > 18:
        return None
    if kind == "organisation":
        return Organisation.objects.filter(pk=int(key)).first()
    if kind == "council":
        council = Council.objects.filter(pk=int(key)).select_related("organisation").first()
        return council.organisation if council else None
    if kind == "organ":
        organ = Organ.objects.filter(pk=int(key)).select_related("council__organisation")
        found = organ.first()
        return found.council.organisation if found else None
    return None


def _may_read(request: Any, channel: str) -> bool:
    """Runs in a worker thread: a signed-in user, or a public record's channel.

    The database connection the session and user lookups open is closed at once. Looked up
    through ``request.auser()`` instead, they ran in the request's own thread, whose
    connection Django closes only when the response ends: every open stream then held a
    database connection for its whole life (1,500 streams, 1,500 PostgreSQL connections).
    """
    from django.db import connection

    try:
        organisation = _channel_organisation(channel)
        if organisation is not None:
            from smolny.web.access import may_read

            return may_read(request.user, organisation)
        return bool(request.user.is_authenticated) or _public_channel(channel)
    finally:
        if not connection.in_atomic_block:
            connection.close()


async def stream(request: Any, channel: str) -> Any:
    """``GET /live/<channel>``: the channel's events as ``text/event-stream``."""
    from asgiref.sync import sync_to_async
    from django.http import HttpResponseForbidden, HttpResponseNotFound, StreamingHttpResponse

    if not CHANNEL_PATTERN.fullmatch(channel):
        return HttpResponseNotFound("no such channel", content_type="text/plain")
    address = str(request.META.get("REMOTE_ADDR") or "unknown")
    if STREAMS.by_address.get(address, 0) >= MAX_PER_ADDRESS:
        # Checked before anything touches the database: refusing costs next to nothing.
        return _too_many(
            f"too many open streams from this address (at most {MAX_PER_ADDRESS})",
            "SMOLNY_LIVE_MAX_PER_ADDRESS",
        )
    anonymous = settings.SESSION_COOKIE_NAME not in request.COOKIES
    if anonymous and STREAMS.anonymous >= MAX_ANONYMOUS:
        return _too_many(
            f"too many open streams of viewers not signed in (at most {MAX_ANONYMOUS}); "
            "sign in, or try again later",
            "SMOLNY_LIVE_MAX_ANONYMOUS",
        )
    STREAMS.open(address, anonymous)
    closed = False

    def release() -> None:
        nonlocal closed
        if not closed:
            closed = True
            STREAMS.close(address, anonymous)

    try:
        if not await may_follow(request, channel):
            release()
            return HttpResponseForbidden(
                "sign in to follow this channel", content_type="text/plain"
            )
        after = last_event_id(request)
        subscription = live.subscribe_async(channel)
        try:
            start = await sync_to_async(_start, thread_sensitive=False)(channel, after)
        except BaseException:
            subscription.close()
            raise
    except BaseException:
        release()
        raise

    async def events() -> AsyncIterator[str]:
        try:
            async for chunk in event_chunks(channel, after, start, subscription):
                yield chunk
        finally:
            subscription.close()
            release()

    response = StreamingHttpResponse(events(), content_type="text/event-stream; charset=utf-8")
    # The handler closes the response however the stream ends, even if it never started.
    response._resource_closers.append(release)  # type: ignore[attr-defined]
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    # Which worker process holds the stream: the browser tests prove with it that pages
    # followed from different processes (the session pages send it on every answer too).
    response["X-Smolny-Process"] = str(os.getpid())
    return response


GUARDED = Streams()
"""The streams :class:`StreamGuard` has let in (counted apart from the view's own count)."""

SETTING_UP = int(os.environ.get("SMOLNY_LIVE_SETTING_UP", "") or 2)
"""Streams that may be between arriving and their first answer at once, in one process."""


class StreamGuard:
    """An ASGI wrapper that applies the stream caps before Django sees the request.

    Issue 17 found that 3,000 anonymous streams opened at once stalled ``/api/health`` for
    15 s: each went through Django's middleware and the thread hops of the view before it
    was refused or started. Here a stream over a cap is refused with a 429 in the event loop
    (no thread, no database), and at most :data:`SETTING_UP` streams are being set up at once
    (the rest wait their turn, cheaply): a burst of streams queues behind itself, not in
    front of the other requests. The count is given back when the ASGI call ends, however
    the stream ended. The client's address is the ASGI ``client`` (behind a reverse proxy,
    run uvicorn with ``--proxy-headers`` so that it is the visitor's). A viewer who is not
    signed in (no session cookie) is then served here too (:func:`serve_anonymous`), not by
    the view: the same rule, the same stream, without Django's request cycle.
    """

    def __init__(self, app: Any) -> None:
        self.app = app
        self._gate: asyncio.Semaphore | None = None

    @staticmethod
    def is_stream(scope: Any) -> bool:
        path: str = scope.get("path", "")
        return (
            scope["type"] == "http"
            and scope.get("method") == "GET"
            and path.startswith("/live/")
            and "/" not in path[len("/live/") :]
        )

    @staticmethod
    def anonymous(scope: Any) -> bool:
        name = settings.SESSION_COOKIE_NAME.encode("latin-1") + b"="
        return not any(k == b"cookie" and name in v for k, v in scope.get("headers", ()))

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if not self.is_stream(scope):
            await self.app(scope, receive, send)
            return
        address = str((scope.get("client") or ("unknown",))[0])
        anonymous = self.anonymous(scope)
        refusal = None
        if GUARDED.by_address.get(address, 0) >= MAX_PER_ADDRESS:
            refusal = (
                f"too many open streams from this address (at most {MAX_PER_ADDRESS})",
                "SMOLNY_LIVE_MAX_PER_ADDRESS",
            )
        elif anonymous and GUARDED.anonymous >= MAX_ANONYMOUS:
            refusal = (
                f"too many open streams of viewers not signed in (at most {MAX_ANONYMOUS}); "
                "sign in, or try again later",
                "SMOLNY_LIVE_MAX_ANONYMOUS",
            )
        if refusal is not None:
            body = json.dumps({"detail": refusal[0], "limit": refusal[1]}).encode()
            headers = [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"retry-after", b"30"),
                # Closed at once: a flood's refused connections hold nothing of the server.
                (b"connection", b"close"),
            ]
            await send({"type": "http.response.start", "status": 429, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        if self._gate is None:  # made in the worker's own event loop
            self._gate = asyncio.Semaphore(SETTING_UP)
        gate = self._gate
        GUARDED.open(address, anonymous)
        await gate.acquire()
        held = True

        def started() -> None:
            nonlocal held
            if held:
                held = False
                gate.release()

        async def send_started(message: Any) -> None:
            if message["type"] == "http.response.start":
                started()
            await send(message)

        try:
            channel = scope["path"][len("/live/") :]
            if anonymous and self.direct(scope, channel):
                await serve_anonymous(scope, receive, send, channel, started)
            else:
                await self.app(scope, receive, send_started)
        finally:
            started()
            GUARDED.close(address, anonymous)
            _give_back_memory()

    @staticmethod
    def direct(scope: Any, channel: str) -> bool:
        """Whether this stream is served here, without Django: a viewer not signed in, a
        well-formed channel, a host the settings allow (else Django answers, as ever)."""
        if not DIRECT or not CHANNEL_PATTERN.fullmatch(channel):
            return False
        from smolny.api.intake import _host_allowed

        host = next((v for k, v in scope.get("headers", ()) if k == b"host"), b"")
        return _host_allowed(host)


DIRECT = os.environ.get("SMOLNY_LIVE_DIRECT", "1") not in ("0", "false", "no")
"""Serve anonymous viewers' streams in the event loop, without Django's request cycle."""

PUBLIC_SECONDS = 2.0
"""How long a process trusts its answer to "may a viewer not signed in follow this
channel?" (whether the organisation's record is public). A record made private stops new
anonymous streams within this time; the streams already open run on, as they do in the view."""

_public_answers: dict[str, tuple[float, bool]] = {}


def _anonymous_may_read(channel: str) -> bool:
    """Runs in a worker thread: the view's rule (:func:`_may_read`) for a viewer not signed
    in; its database connection closed at once."""
    from django.contrib.auth.models import AnonymousUser
    from django.db import connection

    try:
        organisation = _channel_organisation(channel)
        if organisation is not None:
            from smolny.web.access import may_read

            return bool(may_read(AnonymousUser(), organisation))
        return _public_channel(channel)
    finally:
        if not connection.in_atomic_block:
            connection.close()


async def anonymous_may_follow(channel: str) -> bool:
    """:func:`may_follow` for a viewer not signed in, remembered for :data:`PUBLIC_SECONDS`
    per channel (a crowd asking for one public channel costs one look-up, not thousands)."""
    if channel.startswith("probe:"):
        return True
    loop = asyncio.get_running_loop()
    known = _public_answers.get(channel)
    if known is not None and loop.time() - known[0] < PUBLIC_SECONDS:
        return known[1]
    from asgiref.sync import sync_to_async

    allowed = await sync_to_async(_anonymous_may_read, thread_sensitive=False)(channel)
    if len(_public_answers) > 10_000:
        _public_answers.clear()
    _public_answers[channel] = (loop.time(), allowed)
    return allowed


def _query_last_event_id(scope: Any) -> int | None:
    """``Last-Event-ID`` (header), else ``?last_event_id=``, as :func:`last_event_id`."""
    from urllib.parse import parse_qs

    for key, value in scope.get("headers", ()):
        if key == b"last-event-id":
            raw = value.decode("latin-1").strip()
            return int(raw) if raw.isdigit() else None
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    raw = (query.get("last_event_id") or [""])[0].strip()
    return int(raw) if raw.isdigit() else None


def _stream_headers(content_type: bytes) -> list[tuple[bytes, bytes]]:
    from smolny.api.intake import security_headers

    return [
        (b"content-type", content_type),
        *[h for h in security_headers() if h[0] != b"content-type"],
    ]


async def serve_anonymous(scope: Any, receive: Any, send: Any, channel: str, started: Any) -> None:
    """A stream for a viewer not signed in, served in the event loop: what the view
    answers (403 for a channel the viewer may not follow, else the same event stream), but
    with no middleware and no thread, except one look-up of a channel's organisation every
    :data:`PUBLIC_SECONDS` and, on PostgreSQL, the read of the channel's head. A flood of
    anonymous viewers then costs the other requests little (``benchmarks/stream_flood.py``)."""
    if not await anonymous_may_follow(channel):
        body = b"sign in to follow this channel"
        headers = [
            *_stream_headers(b"text/plain"),
            (b"content-length", str(len(body)).encode()),
        ]
        await send({"type": "http.response.start", "status": 403, "headers": headers})
        await send({"type": "http.response.body", "body": body})
        return
    after = _query_last_event_id(scope)
    subscription = live.subscribe_async(channel)
    try:
        if isinstance(live.transport(), live.LocalTransport):
            start = _start_local(channel, after)  # in memory: no thread needed
        else:
            from asgiref.sync import sync_to_async

            start = await sync_to_async(_start, thread_sensitive=False)(channel, after)
        headers = [
            *_stream_headers(b"text/event-stream; charset=utf-8"),
            (b"cache-control", b"no-cache"),
            (b"x-accel-buffering", b"no"),
            (b"x-smolny-process", str(os.getpid()).encode()),
        ]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        started()

        async def pump() -> None:
            async for chunk in event_chunks(channel, after, start, subscription):
                await send(
                    {"type": "http.response.body", "body": chunk.encode(), "more_body": True}
                )

        async def until_gone() -> None:
            while (await receive())["type"] != "http.disconnect":
                pass

        tasks = [asyncio.ensure_future(pump()), asyncio.ensure_future(until_gone())]
        try:
            done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        for task in done:
            if not task.cancelled() and task.exception() is not None:
                raise task.exception()  # type: ignore[misc]
    finally:
        subscription.close()


def _start_local(channel: str, after: int | None) -> Replay:
    """:func:`_start` for the in-process broker, which holds head and replay in memory."""
    if after is None:
        return Replay(live.head(channel), True, [])
    return live.replay(channel, after)


TRIM_ABOVE = 500
"""After at least this many streams were open at once, and most of them have closed, the
process hands its freed memory back to the system (:func:`_give_back_memory`)."""

_trim = {"peak": 0, "scheduled": False}


def _give_back_memory() -> None:
    """When the open streams fall to a quarter of a peak of :data:`TRIM_ABOVE` or more, ask
    the C allocator, a second later, to return its free memory to the system.

    Python frees the objects of closed streams, but glibc keeps the freed pages in its heaps
    for reuse, so after a flood of thousands of streams the process stayed tens of MiB larger
    (issue 17: "the memory was not given back"). ``malloc_trim`` gives those pages back; it is
    called once per flood, not per stream. Elsewhere than glibc it is not there and nothing
    is done.
    """
    open_now = sum(GUARDED.by_address.values())
    _trim["peak"] = max(_trim["peak"], open_now + 1)
    if _trim["peak"] < TRIM_ABOVE or open_now > _trim["peak"] // 4 or _trim["scheduled"]:
        return
    _trim["scheduled"] = True

    def trim() -> None:
        import ctypes
        import ctypes.util
        import gc

        _trim["scheduled"] = False
        _trim["peak"] = sum(GUARDED.by_address.values())
        gc.collect()
        name = ctypes.util.find_library("c")
        try:
            libc = ctypes.CDLL(name) if name else None
            if libc is not None and hasattr(libc, "malloc_trim"):
                libc.malloc_trim(0)
        except OSError:
            pass

    asyncio.get_running_loop().call_later(1.0, trim)
