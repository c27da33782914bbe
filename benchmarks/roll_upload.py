"""Benchmark: a roll of 200,000 members uploaded through the web page, on PostgreSQL.

A throwaway PostgreSQL server and uvicorn (one worker) in front of it; a verified person
founds an organisation, and its council gets 100 branches (through the actions: the set-up is
not what is measured). Then, over HTTP as a browser would: the secretary signs in, posts the
CSV file to the roll page's preview (multipart; the server streams it to disk and checks every
line) and confirms (the server runs ``import_roll``: every line checked again, then COPY).
Each of the two requests is timed from the first byte sent to the answer read. Target
(issue 15, item 3): 200,000 rows in under 60 s.

    .venv/bin/python benchmarks/roll_upload.py [--members N] [--branches N] [--no-write]

The figures go to the "Roll upload" section of benchmarks/RESULTS.md, between its BEGIN and
END markers (other sections are left alone), unless --no-write is given.
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import re
import secrets
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
BEGIN = "<!-- BEGIN roll_upload (written by benchmarks/roll_upload.py) -->"
END = "<!-- END roll_upload -->"
USERNAME = "secretary"
PASSWORD = "harbour-bench-2026"


def multipart(
    fields: dict[str, str], field: str, filename: str, content: bytes
) -> tuple[bytes, str]:
    """A multipart/form-data body with *fields* and one file, and its content type."""
    boundary = "smolny" + secrets.token_hex(12)
    head = "".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in fields.items()
    )
    head += (
        f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; '
        f'filename="{filename}"\r\nContent-Type: text/csv\r\n\r\n'
    )
    body = head.encode() + content + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def post(
    base: str, path: str, body: bytes, content_type: str, cookie: str
) -> tuple[float, int, str, str]:
    """POST *body*: (seconds, status, Location header, text of the answer)."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=600)
    started = time.perf_counter()
    connection.request(
        "POST",
        path,
        body=body,
        headers={"Content-Type": content_type, "Cookie": cookie, "Referer": base + "/"},
    )
    answer = connection.getresponse()
    text = answer.read().decode("utf-8", "replace")
    elapsed = time.perf_counter() - started
    connection.close()
    return elapsed, answer.status, answer.getheader("Location") or "", text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", type=int, default=200_000)
    parser.add_argument("--branches", type=int, default=100)
    parser.add_argument("--no-write", action="store_true", help="do not update RESULTS.md")
    args = parser.parse_args(argv)

    from councils import roll_file  # benchmarks/councils.py: the same skewed roll
    from live import session_cookie

    from smolny.testing.postgres import ThrowawayPostgres
    from tests.e2e.conftest import start_postgres_server

    with tempfile.TemporaryDirectory(prefix="smolny-bench-") as tmp, ThrowawayPostgres() as pg:
        server = start_postgres_server(Path(tmp), pg.url, workers=1)
        try:
            from smolny.commands import setup_django

            setup_django(pg.url)
            from django.contrib.auth import get_user_model

            from smolny.accounts.models import Account
            from smolny.councils import actions
            from smolny.councils.actions import founding
            from smolny.councils.models import JournalEntry, Member

            user = get_user_model().objects.create_user(
                USERNAME, email="secretary@harbour.test", password=PASSWORD
            )
            Account.objects.create(user=user, email=user.email, verified_at=datetime.now(UTC))
            organisation = founding.found_organisation(user, "Harbour Workers Federation")
            council = actions.create_council(user, organisation, "Federation Council")
            actions.create_constituencies(
                user, council, [f"Branch {c:05d}" for c in range(args.branches)]
            )
            path = Path(tmp) / "roll.csv"
            roll_file(path, args.members, args.branches)
            content = path.read_bytes()

            cookie = session_cookie(server, USERNAME, PASSWORD)
            csrf = re.search(r"csrftoken=([^;]+)", cookie)
            assert csrf is not None, cookie
            base = f"/o/{organisation.pk}/setup/councils/{council.pk}/roll/"
            body, content_type = multipart(
                {"csrfmiddlewaretoken": csrf.group(1)}, "roll", "roll.csv", content
            )
            preview_s, status, _, text = post(
                server.base, base + "preview", body, content_type, cookie
            )
            assert status == 200, text[:2000]
            token = re.search(r'name="token" value="([^"]+)"', text)
            assert token is not None, text[:2000]
            form = urlencode({"csrfmiddlewaretoken": csrf.group(1), "token": token.group(1)})
            import_s, status, location, text = post(
                server.base,
                base + "import",
                form.encode(),
                "application/x-www-form-urlencoded",
                cookie,
            )
            assert status == 302, text[:2000]
            assert location.endswith(f"/{council.pk}/"), location
            on_rolls = Member.objects.filter(organisation=organisation).count()
            assert on_rolls == args.members, on_rolls
            assert JournalEntry.objects.filter(action="import_roll").count() == 1
        finally:
            from django.db import connections

            connections.close_all()
            server.stop()

    total = preview_s + import_s
    megabytes = len(content) / 1e6
    print(f"file: {args.members:,} rows, {megabytes:.1f} MB, {args.branches} branches")
    print(f"preview (upload, stream to disk, check every line): {preview_s:.2f} s")
    print(f"confirm (import_roll: check again, COPY, journal): {import_s:.2f} s")
    print(f"total: {total:.2f} s ({'under' if total < 60 else 'OVER'} 60 s)")
    if not args.no_write:
        write_results(args, megabytes, preview_s, import_s)
    return 0


def write_results(
    args: argparse.Namespace, megabytes: float, preview_s: float, import_s: float
) -> None:
    command = "python benchmarks/roll_upload.py"
    if (args.members, args.branches) != (200_000, 100):
        command += f" --members {args.members} --branches {args.branches}"
    total = preview_s + import_s
    lines = [
        "## Roll upload through the web page (PostgreSQL)",
        "",
        f"`{command}` — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores "
        f"({platform.machine()}, Python {platform.python_version()}), throwaway PostgreSQL "
        "(fsync off), uvicorn with one worker, over HTTP with the secretary's session; the "
        "machine was shared with other work while measured.",
        "",
        f"File: {args.members:,} members in {args.branches} branches, {megabytes:.1f} MB "
        "(the skewed roll of benchmarks/councils.py).",
        "",
        "| request | seconds |",
        "|---|---:|",
        f"| preview: upload (streamed to disk) and check every line | {preview_s:.2f} |",
        f"| confirm: `import_roll` (check again, COPY, one journal entry) | {import_s:.2f} |",
        f"| total | {total:.2f} |",
        "",
        f"Target (issue 15, item 3): under 60 s — {'met' if total < 60 else 'NOT met'}.",
        "",
    ]
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    section = BEGIN + "\n" + "\n".join(lines) + END
    if BEGIN in text and END in text:
        start = text.index(BEGIN)
        end = text.index(END) + len(END)
        text = text[:start] + section + text[end:]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    RESULTS.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
