"""Rows written column by column: one statement for thousands of rows on PostgreSQL.

The members' poll writes rows by the thousand inside one action (a batch's voters, boxes and
trackers; the opened ballots at the close). Django's ``bulk_create`` builds a model instance
and quotes every value of every row; on PostgreSQL :func:`insert_columns` sends one array per
column instead (``INSERT ... SELECT * FROM unnest(...)``). Called inside an action only.
"""

from __future__ import annotations

import json
from typing import Any

from django.db import connection, models

_TYPES = {
    "key": "text",
    "box": "text",
    "tracker": "text",
    "ranking": "jsonb",
    "filled": "boolean",
}


def insert_columns(model: type[models.Model], columns: dict[str, list[Any]]) -> None:
    """Insert rows given column by column. On PostgreSQL one ``INSERT ... SELECT unnest``
    with an array per column: a batch of a thousand ballots writes its voters, boxes and
    trackers without building a model instance or quoting a value per row (the ORM's
    ``bulk_create`` took a third of a batch's time). Elsewhere ``bulk_create``."""
    if connection.vendor != "postgresql":
        rows = [
            model(**{name: values[i] for name, values in columns.items()})
            for i in range(len(next(iter(columns.values()))))
        ]
        model._default_manager.bulk_create(rows, batch_size=1000)
        return
    if "ranking" in columns:  # JSON text for the jsonb column
        columns = {**columns, "ranking": [json.dumps(r) for r in columns["ranking"]]}
    names = list(columns)
    arrays = ", ".join(f"%s::{_TYPES.get(n, 'bigint')}[]" for n in names)
    quoted = ", ".join(f'"{n}"' for n in names)
    table = model._meta.db_table
    sql = f'INSERT INTO "{table}" ({quoted}) SELECT * FROM unnest({arrays})'
    with connection.cursor() as cursor:
        cursor.execute(sql, [columns[n] for n in names])


def _copy_field(value: Any) -> str:
    """*value* as a field of PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


COPY_ROWS = 100_000
"""Rows per chunk of text sent by :func:`insert_keyed`."""


def insert_keyed(
    model: type[models.Model],
    keys: list[str],
    fixed: dict[str, Any],
    column: str,
    values: list[str],
    choice: list[int],
) -> None:
    """Insert one row per key: ``key`` = ``keys[i]``, the *fixed* columns, and *column* =
    ``values[choice[i]]`` (text, a JSON column's JSON already). Rows written in the order of
    *keys*.

    For the close of a poll: a million opened ballots that share a few hundred thousand
    distinct rankings. On PostgreSQL one ``COPY ... FROM STDIN`` whose lines are each a key
    joined to its value's line end, built once per distinct value (the arrays of
    :func:`insert_columns` went through psycopg's pure-Python array quoting: a third of the
    close). Elsewhere one ``executemany``."""
    table = connection.ops.quote_name(model._meta.db_table)
    names = ["key", *fixed, column]
    quoted = ", ".join(connection.ops.quote_name(n) for n in names)
    if connection.vendor != "postgresql":
        first = tuple(fixed.values())
        marks = ", ".join(["%s"] * len(names))
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {table} ({quoted}) VALUES ({marks})",
                [(k, *first, values[j]) for k, j in zip(keys, choice, strict=True)],
            )
        return
    head = "".join("\t" + _copy_field(v) for v in fixed.values())
    ends = [f"{head}\t{_copy_field(v)}\n" for v in values]
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg's own cursor, for COPY
        with raw.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
            for start in range(0, len(keys), COPY_ROWS):
                part = zip(
                    keys[start : start + COPY_ROWS], choice[start : start + COPY_ROWS], strict=True
                )
                copy.write("".join([k + ends[j] for k, j in part]))
