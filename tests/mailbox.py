"""A real SMTP server for the tests (aiosmtpd), catching what Smolny sends.

The server listens on a free loopback port in a thread of its own; every message that
Django's SMTP backend (or the served application, given the port in its environment)
delivers to it is parsed and kept. :meth:`Mailbox.wait_for` waits for the next message to an
address; :func:`links` finds the links in a message's text, so that a test follows them as
the person would.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

LINK = re.compile(r"https?://\S+")


@dataclass(frozen=True)
class Caught:
    """One delivered message: the envelope's recipients and the parsed message."""

    recipients: tuple[str, ...]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def text(self) -> str:
        body = self.message.get_body(preferencelist=("plain",))
        assert body is not None, "the message has no text part"
        return str(body.get_content())


def links(caught: Caught) -> list[str]:
    """The links in the message's text, in order."""
    return LINK.findall(caught.text)


class _Handler:
    def __init__(self, box: Mailbox) -> None:
        self.box = box

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        with self.box.changed:
            self.box.messages.append(Caught(tuple(envelope.rcpt_tos), parsed))
            self.box.changed.notify_all()
        return "250 OK"


class Mailbox:
    """The messages the SMTP server on ``port`` has received."""

    def __init__(self) -> None:
        self.messages: list[Caught] = []
        self.changed = threading.Condition()
        self.port = 0

    def to(self, address: str) -> list[Caught]:
        with self.changed:
            return [m for m in self.messages if address in m.recipients]

    def wait_for(self, address: str, *, count: int = 1, timeout: float = 20) -> Caught:
        """The *count*-th message to *address*, waiting for it up to *timeout* seconds."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                found = [m for m in self.messages if address in m.recipients]
                if len(found) >= count:
                    return found[count - 1]
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(
                        f"no message {count} to {address} within {timeout} s "
                        f"(caught: {[m.recipients for m in self.messages]})"
                    )
                self.changed.wait(left)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def free_port() -> int:
    """A loopback port nothing listens on now (for a mail server that is down)."""
    return _free_port()


@contextmanager
def smtp_server(port: int | None = None) -> Iterator[Mailbox]:
    """Run an SMTP server on *port* (default: a free loopback port) for the block; yield
    its mailbox."""
    box = Mailbox()
    box.port = port or _free_port()
    controller = Controller(_Handler(box), hostname="127.0.0.1", port=box.port)
    controller.start()
    try:
        yield box
    finally:
        controller.stop()
