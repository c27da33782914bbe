"""A small client for server-sent events over plain HTTP (http.client), for the tests."""

from __future__ import annotations

import http.client
import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Message:
    """One parsed block of the stream: an event (id, kind, data) or a comment line."""

    id: str | None
    kind: str | None
    data: str | None
    comment: str | None = None

    def json(self) -> Any:
        assert self.data is not None
        return json.loads(self.data)


class EventStream:
    """An open ``GET`` on an event stream; :meth:`next` reads one block (blocking)."""

    def __init__(self, url: str, headers: dict[str, str] | None = None, timeout: float = 10):
        parts = urlsplit(url)
        self.connection = http.client.HTTPConnection(
            parts.hostname or "127.0.0.1", parts.port, timeout=timeout
        )
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        self.connection.request(
            "GET", path, headers={"Accept": "text/event-stream", **(headers or {})}
        )
        self.response = self.connection.getresponse()
        self.status = self.response.status
        self.headers = {k.lower(): v for k, v in self.response.getheaders()}
        self.retry: int | None = None

    def next(self) -> Message:
        """The next event or comment (``retry:`` lines are remembered, not returned)."""
        fields: dict[str, str] = {}
        while True:
            raw = self.response.readline()
            if not raw:
                raise EOFError("the server closed the stream")
            line = raw.decode("utf-8").rstrip("\n")
            if line == "":
                if fields:
                    return Message(fields.get("id"), fields.get("event"), fields.get("data"))
                continue
            if line.startswith(":"):
                return Message(None, None, None, comment=line[1:].strip())
            name, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if name == "retry":
                self.retry = int(value)
            else:
                fields[name] = value

    def next_event(self, within: float = 10.0) -> Message:
        """The next event, skipping heartbeats; fails if none comes *within* seconds."""
        deadline = time.monotonic() + within
        while True:
            message = self.next()
            if message.comment is None:
                return message
            if time.monotonic() > deadline:
                raise TimeoutError(f"no event within {within} s, only heartbeats")

    def close(self) -> None:
        self.connection.close()

    def __enter__(self) -> EventStream:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
