"""A throwaway PostgreSQL server in a temporary directory.

The integration tests (and the benchmarks) run against a real PostgreSQL, not a mock. When
``SMOLNY_TEST_DATABASE_URL`` is not set, this module starts a private server from the
machine's ``initdb``/``pg_ctl`` (Debian's ``postgresql-15`` puts them in
``/usr/lib/postgresql/15/bin``), listening on a free loopback port and a socket inside the
temporary directory, and removes everything when stopped.

PostgreSQL refuses to run as root, and CI runs as root: in that case the server is started
as the ``postgres`` system user (created by the Debian package) through ``runuser``.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server binaries on this machine; the message says how to install them."""


def find_bindir() -> Path:
    """Locate the directory holding ``initdb`` and ``pg_ctl``, newest version first."""
    for candidate in sorted(
        glob.glob("/usr/lib/postgresql/*/bin"),
        key=lambda p: int(p.split("/")[-2]) if p.split("/")[-2].isdigit() else 0,
        reverse=True,
    ):
        if Path(candidate, "initdb").exists() and Path(candidate, "pg_ctl").exists():
            return Path(candidate)
    initdb = shutil.which("initdb")
    if initdb and shutil.which("pg_ctl"):
        return Path(initdb).resolve().parent
    raise PostgresUnavailable(
        "PostgreSQL server binaries (initdb, pg_ctl) not found: "
        "install them with `apt-get install -y postgresql`, "
        "or set SMOLNY_TEST_DATABASE_URL to an existing server"
    )


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class ThrowawayPostgres:
    """A private PostgreSQL server; use as a context manager or call start()/stop().

    ``fsync`` is off by default because the tests do not survive power loss anyway and it
    makes them several times faster; the crash benchmarks turn it on.
    """

    fsync: bool = False
    extra_settings: dict[str, str] = field(default_factory=dict)
    port: int = 0
    directory: Path | None = None
    _prefix: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        """The URL of the ``smolny`` database on this server (created on start)."""
        return f"postgres://smolny@127.0.0.1:{self.port}/smolny"

    def start(self) -> ThrowawayPostgres:
        bindir = find_bindir()
        self.directory = Path(tempfile.mkdtemp(prefix="smolny-pg-"))
        data = self.directory / "data"
        if os.geteuid() == 0:
            try:
                user = pwd.getpwnam("postgres")
            except KeyError:
                raise PostgresUnavailable(
                    "running as root needs the 'postgres' system user to start a server"
                ) from None
            os.chown(self.directory, user.pw_uid, user.pw_gid)
            self._prefix = ["runuser", "-u", "postgres", "--"]
        self.port = _free_port()
        self._run(
            [
                str(bindir / "initdb"),
                "-D",
                str(data),
                "-U",
                "smolny",
                "--auth=trust",
                "--encoding=UTF8",
                "--no-locale",
                "--no-sync",
            ]
        )
        settings = {
            "listen_addresses": "127.0.0.1",
            "port": str(self.port),
            "unix_socket_directories": str(self.directory),
            "fsync": "on" if self.fsync else "off",
            "synchronous_commit": "on" if self.fsync else "off",
            "full_page_writes": "on" if self.fsync else "off",
            "max_connections": "300",
            "shared_buffers": "256MB",
            **self.extra_settings,
        }
        options = " ".join(f"-c {key}={value}" for key, value in settings.items())
        self._run(
            [
                str(bindir / "pg_ctl"),
                "-D",
                str(data),
                "-l",
                str(self.directory / "server.log"),
                "-o",
                options,
                "-w",
                "-t",
                "60",
                "start",
            ]
        )
        self._run(
            [
                str(bindir / "createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                "smolny",
                "smolny",
            ]
        )
        return self

    def stop(self) -> None:
        if self.directory is None:
            return
        data = self.directory / "data"
        if (data / "postmaster.pid").exists():
            with contextlib.suppress(subprocess.CalledProcessError, PostgresUnavailable):
                self._run(
                    [
                        str(find_bindir() / "pg_ctl"),
                        "-D",
                        str(data),
                        "-m",
                        "immediate",
                        "-w",
                        "stop",
                    ]
                )
        shutil.rmtree(self.directory, ignore_errors=True)
        self.directory = None

    def _run(self, command: list[str]) -> None:
        result = subprocess.run(
            [*self._prefix, *command], capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            log = ""
            if self.directory and (self.directory / "server.log").exists():
                log = (self.directory / "server.log").read_text(errors="replace")[-2000:]
            raise subprocess.CalledProcessError(
                result.returncode, command, result.stdout, result.stderr + log
            )

    def __enter__(self) -> ThrowawayPostgres:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


@contextlib.contextmanager
def postgres_url() -> Iterator[str]:
    """Yield a PostgreSQL URL: ``SMOLNY_TEST_DATABASE_URL`` if set, else a throwaway server's."""
    configured = os.environ.get("SMOLNY_TEST_DATABASE_URL")
    if configured:
        yield configured
        return
    with ThrowawayPostgres() as server:
        yield server.url
