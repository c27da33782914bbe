"""Building the small council of :mod:`tests.integration.web.council_world` in a live server's
database, from a separate process with the server's environment (as an operator would)."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from tests.e2e.conftest import ROOT, LiveServer, server_environment


def build_world(server: LiveServer, tag: str, name: str = "") -> dict[str, Any]:
    """Build the world tagged *tag* (its organisation named *name*, if given); return ids."""
    env = server_environment(
        Path(tempfile.gettempdir()),
        SMOLNY_DATABASE_URL=server.extra["database_url"],
        DJANGO_SETTINGS_MODULE="smolny.settings",
    )
    code = (
        "import django; django.setup(); "
        "from tests.integration.web.council_world import main; "
        f"main({tag!r}, {name!r})"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=ROOT,
        check=True,
        timeout=120,
        capture_output=True,
        text=True,
    )
    line = next(x for x in done.stdout.splitlines() if x.startswith("WORLD "))
    world: dict[str, Any] = json.loads(line.removeprefix("WORLD "))
    return world
