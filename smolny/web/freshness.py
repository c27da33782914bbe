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
  every time, so a vote recorded a second ago is never hidden behind a stale copy.
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
            return _mark(HttpResponseNotModified(), tag)
        response = view(request, *args, **kwargs)
        if response.status_code != 200 or response.streaming:
            return response
        cookie = request.META.get("CSRF_COOKIE")
        if cookie and request.COOKIES.get(settings.CSRF_COOKIE_NAME) != cookie:
            # A first visit: this answer sets the CSRF cookie, which the browser sends next.
            request.COOKIES = {**request.COOKIES, settings.CSRF_COOKIE_NAME: cookie}
            tag = etag_for(request, head)
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
