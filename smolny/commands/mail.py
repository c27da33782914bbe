"""``smolny mail``: the outbox of notices by email, from the command line.

``smolny mail send`` sends every message that is due now (queued, or failed with its next
attempt due) and says how many went and how many failed; ``smolny mail retry`` makes every
failed message due at once (given up or not) and sends. ``smolny mail list`` prints one line
per message: id, state, attempts, address, subject, and the last error. The server does the
same on its own (:mod:`smolny.notices.outbox`); these are for a server that was down, or an
operator who fixed the mail settings and wants the outbox emptied now.

Exit status: 0 when nothing failed, 1 when some messages failed (they stay in the outbox
and are retried), 2 on bad usage or an unusable database.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from smolny.commands import fail

HELP = "the outbox of notices by email: send what is due, retry failures, list"
DESCRIPTION = """\
The outbox of notices by email (a sitting's notice, a recall vote or an election poll
opening). The server sends after each action and retries failed messages by itself; these
commands send now. Mail goes through the server's settings (SMOLNY_EMAIL_URL or
SMOLNY_SMTP_HOST and the like; the console without them).

Exit status: 0 when nothing failed, 1 when some messages failed (kept for a later retry),
2 on bad usage.
"""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "mail",
        help=HELP,
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = parser.add_subparsers(dest="mail_action", metavar="ACTION")
    for name, help_text in (
        ("send", "send the messages that are due now"),
        ("retry", "make every failed message due at once, then send"),
        ("list", "one line per message: id, state, attempts, address, subject, error"),
    ):
        sub = actions.add_parser(name, help=help_text, description=help_text)
        sub.add_argument("--db", metavar="URL", help="database URL (default: SMOLNY_DATABASE_URL)")
        if name == "list":
            sub.add_argument(
                "--state",
                choices=("queued", "sent", "failed"),
                help="only the messages in this state",
            )
        sub.set_defaults(handler=run, mail_action=name)

    def missing_action(args: argparse.Namespace) -> int:
        parser.print_help(sys.stderr)
        return 2

    parser.set_defaults(handler=missing_action)


def run(args: argparse.Namespace) -> int:
    from django.core.exceptions import ImproperlyConfigured

    from smolny.commands import setup_django
    from smolny.dburl import DatabaseURLError

    try:
        setup_django(args.db)
    except (DatabaseURLError, ImproperlyConfigured) as error:
        return fail(error)
    from django.db import DatabaseError

    try:
        if args.mail_action == "list":
            return _list(args.state)
        return _send(retry=args.mail_action == "retry")
    except DatabaseError as error:
        return fail(Exception(f"cannot read the outbox: {error}".strip()))


def _send(*, retry: bool) -> int:
    from smolny.notices import outbox

    if retry:
        again = outbox.retry()
        print(f"{again} failed message(s) made due again")
    done = outbox.send_due()
    print(f"sent {done.sent}, failed {done.failed}")
    if done.failed:
        print(
            "smolny: some messages could not be sent; they stay in the outbox "
            "(smolny mail list --state failed shows why)",
            file=sys.stderr,
        )
        return 1
    return 0


def _list(state: str | None) -> int:
    from smolny.notices.models import OutboxMessage

    messages = OutboxMessage.objects.order_by("pk")
    if state:
        messages = messages.filter(state=state)
    for m in messages.iterator():
        error = m.error.splitlines()[0] if m.error else ""
        print("\t".join((str(m.pk), m.state, str(m.attempts), m.to, m.subject, error)))
    return 0
