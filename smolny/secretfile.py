"""Files that hold a secret: made once, at random, readable by their owner only.

The development secret, the key file that seals the signing keys and the instance key that
signs journal checkpoints are all kept this way, outside the database. Each is written under
a temporary name with mode 0600 (whatever the umask) and linked into place: when two
processes start at once (two workers, or a command beside the server) one link wins and the
other process finds the file already there, so every process ends up reading the same secret.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def create_once(path: Path, content: str) -> bool:
    """Write *content* to *path* with mode 0600 unless the file exists; whether this call
    made it. Its folder is made (mode 0700) if missing. :class:`OSError` for anything else
    that stops the write (a read-only folder, a full disk)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temporary = path.parent / f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}"
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.fchmod(descriptor, 0o600)
        os.write(descriptor, content.encode("utf-8"))
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    try:
        os.link(temporary, path)
    except FileExistsError:
        return False
    finally:
        temporary.unlink()
    return True
