"""Record pages that revalidate cheaply: ETags from the journal's head, and a small memo.

Every change of state in Smolny is an action that appends to the journal, and the journal's
head (:class:`~smolny.councils.models.JournalHead`, one row) moves with every append. So the
head's number says whether anything a record page shows may have changed since it was
rendered: one indexed read of one row, against the hundreds of rows a council page reads.

* :func:`revalidated` gives a page an ``ETag`` made of the head, the address asked for, the
  language, and who asks (the user, the session and the CSRF cookie: the page carries the
  visitor's CSRF token in its forms, so one visitor's copy is never another's). A browser
  that sends the tag back in ``If-None-Match`` gets ``304 Not Modified`` without the page
  being built. ``Cache-Control: private, no-cache``: the browser keeps the page but asks
  every time, so a vote recorded a second ago is not hidden behind a stale copy (for at
  most :data:`HEAD_SECONDS` when :class:`EarlyRevalidation` answers before Django).
* :func:`shared_page` keeps a whole rendered page for visitors who are not signed in (the
  crowd reading a public record): one copy per address, language, minute and journal head,
  with a placeholder where the visitor's CSRF token goes, filled in per request.
* :func:`memo` keeps the costly part of a page (the council's composition, computed from
  thousands of dated rows) in this process for the same head, so that a crowd reading one
  council while nothing changes computes it once. A few entries only (:data:`MEMO_SIZE`).

A page that shows "now" (no ``?at=``) also depends on the clock: a mandate dated to end at
noon ends without a journal entry at noon. Such pages put the current minute in their tag and
memo key (:func:`clock_part`), so they are at most a minute behind a change that only the
clock makes, and never behind one an action makes.
"""

from __future__ import annotations

import functools
import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.translation import get_language

import smolny

T = TypeVar("T")

MEMO_SIZE = 32
CLOCK_SECONDS = 60


def journal_head() -> int:
    """The number of the journal's last entry (0 for an empty journal)."""
    from smolny.councils.models import JournalHead

    seq = JournalHead.objects.filter(pk=1).values_list("seq", flat=True).first()
    return int(seq or 0)


def clock_part(request: HttpRequest) -> str:
    """The current minute for a page of "now" (no ``?at=``), else nothing."""
    if request.GET.get("at", "").strip():
        return ""
    return str(int(time.time() // CLOCK_SECONDS))


def etag_for(request: HttpRequest, head: int) -> str:
    """The page's tag: what it shows (head, address, language, clock) and to whom."""
    user = getattr(request, "user", None)
    who = str(user.pk) if user is not None and user.is_authenticated else "-"
    parts = [
        smolny.__version__,
        str(head),
        request.get_full_path(),
        get_language() or "",
        clock_part(request),
        who,
        request.COOKIES.get(settings.SESSION_COOKIE_NAME, ""),
        request.COOKIES.get(settings.CSRF_COOKIE_NAME, ""),
    ]
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]
    return f'W/"{digest}"'


def _matches(request: HttpRequest, tag: str) -> bool:
    sent = request.headers.get("If-None-Match", "")
    return any(t.strip() in (tag, "*") for t in sent.split(",")) if sent else False


def _mark(response: HttpResponse, tag: str) -> HttpResponse:
    response["ETag"] = tag
    response["Cache-Control"] = "private, no-cache"
    vary = [v.strip() for v in response.get("Vary", "").split(",") if v.strip()]
    for name in ("Cookie", "Accept-Language"):
        if name not in vary:
            vary.append(name)
    response["Vary"] = ", ".join(vary)
    return response


def revalidated(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A GET page answered ``304`` when the visitor's copy is current (see the module).

    Only a ``200`` is tagged: an error page or a redirect is sent as it is. Put it inside
    the access check (:func:`smolny.web.access.reader_page`), so that a visitor who may not
    read the page is refused before any tag is compared.
    """

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        head = journal_head()
        request.journal_head = head  # type: ignore[attr-defined]  # for memo_key()
        tag = etag_for(request, head)
        if _matches(request, tag):
            _remember(request, tag, head)  # (the tag may have come from another process)
            return _mark(HttpResponseNotModified(), tag)
        response = view(request, *args, **kwargs)
        if response.status_code != 200 or response.streaming:
            return response
        cookie = request.META.get("CSRF_COOKIE")
        if cookie and request.COOKIES.get(settings.CSRF_COOKIE_NAME) != cookie:
            # A first visit: this answer sets the CSRF cookie, which the browser sends next.
            request.COOKIES = {**request.COOKIES, settings.CSRF_COOKIE_NAME: cookie}
            tag = etag_for(request, head)
        _remember(request, tag, head)
        return _mark(response, tag)

    return wrapped


def memo_key(request: HttpRequest, *parts: Hashable) -> tuple[Hashable, ...]:
    """A :func:`memo` key for what a page computes from *parts*: with the journal's head (as
    :func:`revalidated` read it), the language and the clock (:func:`clock_part`)."""
    head = getattr(request, "journal_head", None)
    if head is None:
        head = journal_head()
    return (*parts, head, get_language() or "", clock_part(request))


_memo: OrderedDict[Hashable, Any] = OrderedDict()
_memo_lock = threading.Lock()


def memo(key: Hashable, compute: Callable[[], T]) -> T:
    """*compute()*, or the value it gave for *key* in this process before; *key* must hold
    everything the value depends on (the journal's head among them). The value is shared
    between requests: it must not be changed by its users."""
    with _memo_lock:
        if key in _memo:
            _memo.move_to_end(key)
            return _memo[key]  # type: ignore[no-any-return]
    value = compute()
    with _memo_lock:
        _memo[key] = value
        while len(_memo) > MEMO_SIZE:
            _memo.popitem(last=False)
    return value


CSRF_PLACEHOLDER = "smolny-csrf-placeholder-9f3c1e7a"
"""What a shared page holds where the visitor's CSRF token goes (see :func:`shared_page`)."""


def shared_page(
    request: HttpRequest, template: str, context: dict[str, Any]
) -> HttpResponse | None:
    """The page for a visitor who is not signed in, rendered once per address, language,
    minute and journal head in this process and shared; None for anyone else (render as
    usual).

    Every page carries the visitor's CSRF token (the language form, htmx's header), so the
    shared copy is rendered with :data:`CSRF_PLACEHOLDER` in its place and each answer gets
    the visitor's own (masked) token. A visitor with a session or with messages waiting
    (a cookie of either) is not served a shared copy: the page could show them something of
    their own."""
    if request.user.is_authenticated or {settings.SESSION_COOKIE_NAME, "messages"} & set(
        request.COOKIES
    ):
        return None
    key = memo_key(request, "page", template, request.get_full_path())
    html = memo(
        key,
        lambda: render_to_string(template, {**context, "csrf_token": CSRF_PLACEHOLDER}, request),
    )
    return HttpResponse(html.replace(CSRF_PLACEHOLDER, str(get_token(request))))


# Revalidation before Django -------------------------------------------------------------------

HEAD_SECONDS = 0.5
"""How often each process reads the journal's head for :class:`EarlyRevalidation`: a page
changed by a write may be confirmed as unchanged for at most this long afterwards."""

ISSUED_SIZE = 20_000


@dataclass(frozen=True)
class Issued:
    """A tag this process gave a visitor not signed in, and what it was made of."""

    path: str
    head: int
    clock: str
    accept_language: str
    cookies: tuple[str, str]  # the language cookie and the CSRF cookie sent


_issued: OrderedDict[str, Issued] = OrderedDict()
_head = {"value": -1}
_head_reader: list[threading.Thread] = []
_head_stop = threading.Event()


def _remember(request: HttpRequest, tag: str, head: int) -> None:
    """Note a tag given to a visitor not signed in, for :class:`EarlyRevalidation`."""
    if request.user.is_authenticated or settings.SESSION_COOKIE_NAME in request.COOKIES:
        return
    _issued[tag] = Issued(
        path=request.get_full_path(),
        head=head,
        clock=clock_part(request),
        accept_language=request.headers.get("Accept-Language", ""),
        cookies=(
            request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, ""),
            request.COOKIES.get(settings.CSRF_COOKIE_NAME, ""),
        ),
    )
    while len(_issued) > ISSUED_SIZE:
        _issued.popitem(last=False)


def _read_head_forever() -> None:
    """A daemon thread: the journal's head, read every :data:`HEAD_SECONDS`."""
    from django.db import connection

    while not _head_stop.is_set():
        try:
            _head["value"] = journal_head()
        except Exception:  # the database is away: no early answer until it is back
            _head["value"] = -1
            connection.close()
        _head_stop.wait(HEAD_SECONDS)
    _head["value"] = -1
    connection.close()


def stop_head_reader() -> None:
    """Stop the head's reader (tests: its connection must not outlive the test database)."""
    if _head_reader:
        _head_stop.set()
        _head_reader.pop().join(timeout=5)
        _head_stop.clear()


def _known_head() -> int:
    if not _head_reader:
        reader = threading.Thread(target=_read_head_forever, name="smolny-head", daemon=True)
        _head_reader.append(reader)
        reader.start()
    return _head["value"]


class EarlyRevalidation:
    """An ASGI wrapper answering ``304`` to a visitor not signed in whose copy of a record
    page is current, without Django.

    Most of a crowd's requests for the public record are revalidations, and a revalidation
    through Django costs its whole request cycle (middleware, a thread, the queries) for a
    page it does not build. Here a ``GET`` with ``If-None-Match`` and no session cookie is
    answered in the event loop when the tag is one this process gave (:func:`revalidated`
    remembers those it gives visitors not signed in) for the same address, language headers
    and cookies, and the journal's head, as this process last read it (every
    :data:`HEAD_SECONDS`), and the clock's minute are what they were. Anything else goes to
    Django, which answers as before. The price: for at most :data:`HEAD_SECONDS` after a
    write, a copy made before it may be confirmed.
    """

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope.get("method") == "GET":
            headers = self._answer(scope)
            if headers is not None:
                await send({"type": "http.response.start", "status": 304, "headers": headers})
                await send({"type": "http.response.body", "body": b""})
                return
        await self.app(scope, receive, send)

    def _answer(self, scope: Any) -> list[tuple[bytes, bytes]] | None:
        headers = dict(scope.get("headers", ()))
        sent = headers.get(b"if-none-match")
        if not sent:
            return None
        cookies = _cookies(headers.get(b"cookie", b"").decode("latin-1"))
        if settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies:
            return None
        query = scope.get("query_string", b"").decode("latin-1")
        path = scope["path"] + (f"?{query}" if query else "")
        head = _known_head()
        for tag in sent.decode("latin-1").split(","):
            issued = _issued.get(tag.strip())
            if (
                issued is not None
                and head >= 0
                and issued.path == path
                and issued.head == head
                and issued.accept_language == headers.get(b"accept-language", b"").decode("latin-1")
                and issued.cookies
                == (
                    cookies.get(settings.LANGUAGE_COOKIE_NAME, ""),
                    cookies.get(settings.CSRF_COOKIE_NAME, ""),
                )
                and issued.clock == _clock_of(query)
            ):
                from smolny.api.intake import security_headers

                return [
                    *[h for h in security_headers() if h[0] != b"content-type"],
                    (b"etag", tag.strip().encode("latin-1")),
                    (b"cache-control", b"private, no-cache"),
                    (b"vary", b"Cookie, Accept-Language"),
                ]
        return None


def _cookies(text: str) -> dict[str, str]:
    out = {}
    for part in text.split(";"):
        name, _, value = part.strip().partition("=")
        if name:
            out[name] = value
    return out


def _clock_of(query: str) -> str:
    """:func:`clock_part` from a raw query string."""
    from urllib.parse import parse_qs

    if (parse_qs(query).get("at") or [""])[0].strip():
        return ""
    return str(int(time.time() // CLOCK_SECONDS))
