"""Writing many rows at once: PostgreSQL's COPY where available, ``bulk_create`` elsewhere.

Used by the actions that write thousands of rows in one go (a roll import, an
apportionment over thousands of constituencies). Both paths write inside the caller's
transaction, so the all-or-nothing rule of the actions holds.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models

ANALYZE_FROM = 10_000
"""After loading this many rows on PostgreSQL the table is analysed, so that the planner
knows its new size before the next query over it."""


def insert_rows(
    model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Insert *rows* (values in the order of *columns*, which are attribute names such as
    ``constituency_id``) into *model*'s table; return how many."""
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(model._meta.db_table)
        column_of = {f.attname: str(f.column) for f in model._meta.concrete_fields}
        names = ", ".join(connection.ops.quote_name(column_of[c]) for c in columns)
        count = 0
        with connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            if count >= ANALYZE_FROM:
                cursor.execute(f"ANALYZE {table}")
        return count
    objects = [model(**dict(zip(columns, row, strict=True))) for row in rows]
    model._default_manager.bulk_create(objects, batch_size=2000)
    return len(objects)
