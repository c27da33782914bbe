"""ASGI entry point: Smolny is deployed as stateless ASGI workers (docs/architecture.md).

Django runs every request's view in a thread of its own. Under a burst (1,500 deputies
answering a roll call at once) a worker would start a thread and a database connection for
every request at the same moment, past PostgreSQL's connection limit, and the threads would
fight over the interpreter while all but one wait for the journal lock anyway. So each worker
admits at most ``SMOLNY_CONCURRENT_REQUESTS`` requests (default 4) into Django at a time; the
rest wait, cheaply, in the event loop, in order of arrival. The event streams under
``/live/`` are not counted: they last as long as the client listens.

On PostgreSQL each worker keeps a pool of connections (``SMOLNY_DB_POOL``, at most 64 by
default; see smolny/settings.py) instead of opening one per request. The admitted requests
use at most ``SMOLNY_CONCURRENT_REQUESTS`` of them; the rest is room for the event streams,
whose request thread keeps the connection it used to find the signed-in user until the
stream ends.

In front of both, :class:`smolny.api.intake.RollCallIntake` takes the named votes sent with an
API token in batches, one transaction per batch (group commit; see that module). Setting
``SMOLNY_ROLL_CALL_INTAKE=0`` sends them through Django one by one instead. Members' election
ballots sent with a token take the same way, in batches per election
(:mod:`smolny.councils.actions.election_batch`); ``SMOLNY_BALLOT_INTAKE=0`` turns that off.

``SMOLNY_WORKER_PID_HEADER=1`` makes every answer carry ``X-Smolny-Worker: <pid>``, the
process that answered it; a test (or an operator) can then tell which of ``smolny serve
--workers N``'s processes served a page, an API call or an event stream.
"""

import asyncio
import os
from typing import Any

CONCURRENT = int(os.environ.get("SMOLNY_CONCURRENT_REQUESTS", "4") or 4)
INTAKE = os.environ.get("SMOLNY_ROLL_CALL_INTAKE", "1") not in ("0", "false", "no")
BALLOT_INTAKE = os.environ.get("SMOLNY_BALLOT_INTAKE", "1") not in ("0", "false", "no")
WORKER_HEADER = os.environ.get("SMOLNY_WORKER_PID_HEADER", "") == "1"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smolny.settings")
os.environ.setdefault("SMOLNY_DB_POOL", "64")

from django.core.asgi import get_asgi_application  # noqa: E402 - after the environment

from smolny.api.intake import RollCallIntake  # noqa: E402
from smolny.web.freshness import EarlyRevalidation  # noqa: E402
from smolny.web.live import StreamGuard  # noqa: E402

django_application = get_asgi_application()


class Admission:
    """An ASGI wrapper letting at most *limit* requests (streams excepted) in at once."""

    def __init__(self, app: Any, limit: int) -> None:
        self.app = app
        self.limit = limit
        self._gate: asyncio.Semaphore | None = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or (
            scope["method"] == "GET" and scope["path"].startswith("/live/")
        ):
            await self.app(scope, receive, send)
            return
        if self._gate is None:  # made in the worker's own event loop
            self._gate = asyncio.Semaphore(self.limit)
        async with self._gate:
            await self.app(scope, receive, send)


class WorkerHeader:
    """An ASGI wrapper adding ``X-Smolny-Worker: <pid>`` to every HTTP answer."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.header = (b"x-smolny-worker", str(os.getpid()).encode("ascii"))

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_pid(message: Any) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", ()), self.header]}
            await send(message)

        await self.app(scope, receive, send_with_pid)


def build(app: Any) -> Any:
    """*app* (Django's ASGI application) with the admission gate and the roll-call intake
    (and the worker's pid on every answer, when asked)."""
    if CONCURRENT > 0:
        app = Admission(app, CONCURRENT)
    app = StreamGuard(app)  # the event streams' caps, before Django (smolny/web/live.py)
    app = EarlyRevalidation(app)  # 304s for current copies, before Django (web/freshness.py)
    if INTAKE or BALLOT_INTAKE:
        app = RollCallIntake(app, named=INTAKE, ballots=BALLOT_INTAKE)
    return WorkerHeader(app) if WORKER_HEADER else app


application = build(django_application)
