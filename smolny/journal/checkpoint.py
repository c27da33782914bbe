"""Signed checkpoints of the journal, kept outside the database.

The hash chain shows any change to an entry, but not a journal rewritten as a whole: whoever
can write the database can recompute every later hash and move the head, or cut the last
entries off and set the head back. A checkpoint closes that gap. It names the head at one
moment (sequence number and hash) and the time, signed with the *instance key*, an Ed25519
key the database does not hold:

- ``SMOLNY_INSTANCE_KEY_FILE``, or ``instance_key`` in the data directory (beside the
  default SQLite database, as the federation's sealing key), created on first use with mode
  0600 and holding the 32-byte private key in hexadecimal.

A checkpoint is a small JSON document that carries its own public key, so anyone holding it
can check its signature; ``smolny audit verify --checkpoint FILE`` then checks that the
journal still extends it (the entry at its sequence number is there, with its hash, and the
chain up to it is intact). Someone who can write the database but not read the key file can
neither make a checkpoint for a rewritten journal nor change one already taken.

The server writes one into ``SMOLNY_CHECKPOINT_DIR`` (default: ``checkpoints/`` in the data
directory) when it starts and then every ``SMOLNY_CHECKPOINT_INTERVAL`` seconds (default
600, ten minutes) whenever the journal has grown since the last one: ``<seq>.json``, plus
``latest.json``. Copy them off the machine (mail them to the secretaries, a backup): a
checkpoint kept on the same disk as the database is only as safe as that disk.
"""

from __future__ import annotations

import json
import os
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from smolny.dburl import DEFAULT_SQLITE_PATH
from smolny.secretfile import create_once

FORMAT = "smolny-journal-checkpoint/1"
KEY_FILE_NAME = "instance_key"
KEY_BYTES = 32
DEFAULT_INTERVAL = 600.0
"""Seconds between the server's checkpoints (``SMOLNY_CHECKPOINT_INTERVAL``)."""


class CheckpointError(Exception):
    """A checkpoint cannot be made, read or trusted; the message says why."""


def key_file() -> Path:
    """Where the instance key is kept: ``SMOLNY_INSTANCE_KEY_FILE``, else the data directory."""
    named = os.environ.get("SMOLNY_INSTANCE_KEY_FILE", "").strip()
    return Path(named) if named else DEFAULT_SQLITE_PATH.parent / KEY_FILE_NAME


def checkpoint_directory() -> Path:
    """Where the server writes its checkpoints: ``SMOLNY_CHECKPOINT_DIR``, else the data
    directory's ``checkpoints/``."""
    named = os.environ.get("SMOLNY_CHECKPOINT_DIR", "").strip()
    return Path(named) if named else DEFAULT_SQLITE_PATH.parent / "checkpoints"


def _read_key(path: Path) -> Ed25519PrivateKey:
    text = path.read_text(encoding="ascii").strip()
    try:
        raw = bytes.fromhex(text)
    except ValueError:
        raw = b""
    if len(raw) != KEY_BYTES:
        raise CheckpointError(
            f"{path} does not hold an instance key ({KEY_BYTES} bytes in hexadecimal); "
            "restore it from its backup"
        )
    return Ed25519PrivateKey.from_private_bytes(raw)


def instance_key() -> Ed25519PrivateKey:
    """The instance key, made at random (mode 0600) the first time it is asked for.

    Written under a temporary name and linked into place, so two processes starting at once
    end with the same key (one link wins; the other reads the winner's)."""
    path = key_file()
    try:
        try:
            return _read_key(path)
        except FileNotFoundError:
            pass
        create_once(path, f"{secrets.token_bytes(KEY_BYTES).hex()}\n")
    except OSError as error:
        raise CheckpointError(
            f"cannot keep the instance key in {path}: {error.strerror or error}; "
            "set SMOLNY_INSTANCE_KEY_FILE to a file this process may write"
        ) from error
    return _read_key(path)


def local_public_key() -> str | None:
    """This installation's instance public key (hexadecimal), or None when it has no key file
    (the audit then runs elsewhere than the server: a copy of the database)."""
    try:
        return _public_hex(_read_key(key_file()).public_key())
    except FileNotFoundError:
        return None


def _public_hex(key: Ed25519PublicKey) -> str:
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    return key.public_bytes(Encoding.Raw, PublicFormat.Raw).hex()


def _signed_text(seq: int, head_hash: str, time: str, public_key: str) -> bytes:
    """The bytes the signature covers: every field but the signature, canonical JSON."""
    body = {"format": FORMAT, "hash": head_hash, "public_key": public_key, "seq": seq, "time": time}
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode("utf-8")


@dataclass(frozen=True)
class Checkpoint:
    """The journal's head at one moment, signed by the instance key."""

    seq: int
    hash: str
    time: str
    public_key: str
    signature: str

    def to_json(self) -> str:
        return (
            json.dumps(
                {
                    "format": FORMAT,
                    "seq": self.seq,
                    "hash": self.hash,
                    "time": self.time,
                    "public_key": self.public_key,
                    "signature": self.signature,
                },
                indent=2,
            )
            + "\n"
        )

    def check_signature(self) -> None:
        """Raise :class:`CheckpointError` unless the signature is the public key's over the
        checkpoint's fields."""
        try:
            public = Ed25519PublicKey.from_public_bytes(bytes.fromhex(self.public_key))
            public.verify(
                bytes.fromhex(self.signature),
                _signed_text(self.seq, self.hash, self.time, self.public_key),
            )
        except (ValueError, InvalidSignature) as error:
            raise CheckpointError(
                "the checkpoint's signature is not valid (the checkpoint was altered, or not "
                "signed by the key it names)"
            ) from error


def sign(seq: int, head_hash: str, time: datetime | None = None) -> Checkpoint:
    """A checkpoint of the head (*seq*, *head_hash*) signed with the instance key."""
    key = instance_key()
    when = (time or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds")
    public = _public_hex(key.public_key())
    signature = key.sign(_signed_text(seq, head_hash, when, public)).hex()
    return Checkpoint(seq, head_hash, when, public, signature)


def current_head() -> tuple[int, str]:
    """The journal's head as the database records it (0 and the genesis hash when empty)."""
    from smolny.councils.models import JournalHead
    from smolny.journal.chain import GENESIS

    head = JournalHead.objects.filter(pk=1).first()
    return (0, GENESIS) if head is None else (head.seq, head.hash)


def take() -> Checkpoint:
    """A signed checkpoint of the journal's head now."""
    seq, head_hash = current_head()
    return sign(seq, head_hash)


def parse(text: str, source: str = "the checkpoint") -> Checkpoint:
    """Read a checkpoint document; raise :class:`CheckpointError` saying what is wrong."""
    try:
        value: Any = json.loads(text)
    except ValueError as error:
        raise CheckpointError(f"{source} is not JSON: {error}") from error
    if not isinstance(value, dict) or value.get("format") != FORMAT:
        raise CheckpointError(f"{source} is not a Smolny journal checkpoint ({FORMAT})")
    fields = {"seq": int, "hash": str, "time": str, "public_key": str, "signature": str}
    for name, kind in fields.items():
        if not isinstance(value.get(name), kind) or isinstance(value.get(name), bool):
            raise CheckpointError(f"{source}: {name!r} is missing or not a {kind.__name__}")
    if value["seq"] < 0:
        raise CheckpointError(f"{source}: 'seq' is negative")
    return Checkpoint(
        value["seq"], value["hash"], value["time"], value["public_key"], value["signature"]
    )


def read(path: Path) -> Checkpoint:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise CheckpointError(f"cannot read {path}: {error.strerror or error}") from error
    return parse(text, str(path))


def write(checkpoint: Checkpoint, directory: Path) -> Path:
    """Write *checkpoint* as ``<seq>.json`` and ``latest.json`` in *directory* (each written
    whole under a temporary name, then renamed into place); return the first."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    text = checkpoint.to_json()
    target = directory / f"{checkpoint.seq}.json"
    for path in (target, directory / "latest.json"):
        temporary = path.parent / f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}"
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(path)
    return target


class CheckpointWriter:
    """Writes a checkpoint into *directory* now and then every *interval* seconds whenever
    the journal has grown since the last one (a daemon thread of ``smolny serve``)."""

    def __init__(
        self,
        directory: Path,
        interval: float,
        on_error: Callable[[Exception], None] | None = None,
    ) -> None:
        self.directory = directory
        self.interval = interval
        self.on_error = on_error
        self.written_seq: int | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="journal-checkpoints", daemon=True)

    def write_if_grown(self) -> Path | None:
        """One round: a checkpoint when the head moved since the last one, else nothing."""
        seq, head_hash = current_head()
        if seq == self.written_seq:
            return None
        path = write(sign(seq, head_hash), self.directory)
        self.written_seq = seq
        return path

    def _run(self) -> None:
        from django.db import connection

        while True:
            try:
                self.write_if_grown()
            except Exception as error:  # a failed round must not end the server
                if self.on_error is not None:
                    self.on_error(error)
            finally:
                connection.close()  # this thread's own connection, idle until the next round
            if self._stop.wait(self.interval):
                return

    def start(self) -> CheckpointWriter:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)


def interval_from_environment() -> float:
    """``SMOLNY_CHECKPOINT_INTERVAL`` in seconds (default 600); 0 turns the writer off."""
    text = os.environ.get("SMOLNY_CHECKPOINT_INTERVAL", "").strip()
    if not text:
        return DEFAULT_INTERVAL
    try:
        value = float(text)
    except ValueError as error:
        raise CheckpointError(
            f"SMOLNY_CHECKPOINT_INTERVAL={text!r}: give a number of seconds (0 turns it off)"
        ) from error
    if value < 0:
        raise CheckpointError(f"SMOLNY_CHECKPOINT_INTERVAL={text!r}: give 0 or more seconds")
    return value


def start_server_writer(report: Callable[[str], None]) -> CheckpointWriter | None:
    """Start the server's checkpoint writer (None when the interval is 0)."""
    interval = interval_from_environment()
    if interval == 0:
        return None
    directory = checkpoint_directory()
    instance_key()  # made, or read, now: a key file that cannot be kept stops the start
    report(f"journal checkpoints every {interval:g} s in {directory}")
    return CheckpointWriter(
        directory, interval, on_error=lambda e: report(f"journal checkpoint not written: {e}")
    ).start()
