"""The PostgreSQL live transport's buffer: channels, events and the event id sequence.

Created on PostgreSQL only (the in-process transport SQLite uses needs no table). The
statements say ``IF NOT EXISTS`` because databases served before this migration existed got
the same tables from the transport itself at its first use.
"""

# ruff: noqa: RUF012
from __future__ import annotations

from typing import Any

from django.db import migrations

CREATE = [
    "CREATE TABLE IF NOT EXISTS smolny_live_channel ("
    " channel text PRIMARY KEY, head bigint NOT NULL DEFAULT 0,"
    " pruned_through bigint NOT NULL DEFAULT 0)",
    "CREATE SEQUENCE IF NOT EXISTS smolny_live_event_id",
    "CREATE TABLE IF NOT EXISTS smolny_live_event ("
    " channel text NOT NULL, id bigint NOT NULL, event text NOT NULL,"
    " PRIMARY KEY (channel, id))",
]
DROP = [
    "DROP TABLE IF EXISTS smolny_live_event",
    "DROP SEQUENCE IF EXISTS smolny_live_event_id",
    "DROP TABLE IF EXISTS smolny_live_channel",
]


def _run(statements: list[str]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [migrations.RunPython(_run(CREATE), _run(DROP))]
