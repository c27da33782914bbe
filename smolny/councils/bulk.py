"""Writing many rows at once: PostgreSQL's COPY where available, one prepared INSERT elsewhere.

Used by the actions that write thousands of rows in one go (a roll import, an
apportionment over thousands of constituencies). Both paths write inside the caller's
transaction, so the all-or-nothing rule of the actions holds. Columns the caller does not
give take their field's default, as ``Model.objects.create`` would give them (neither COPY
nor a plain INSERT knows Django's defaults). Elsewhere than PostgreSQL the rows go in through
one ``executemany`` of a prepared INSERT, each value converted for the database as the ORM
would (a moment shared by every row is converted once): building a model instance per row
cost most of a world load's time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
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
    fields = {f.attname: f for f in model._meta.concrete_fields}
    defaulted = [
        f
        for f in model._meta.concrete_fields
        if f.attname not in columns and not f.primary_key and f.has_default()
    ]
    columns = [*columns, *(f.attname for f in defaulted)]
    rows = (tuple(row) + tuple(f.get_default() for f in defaulted) for row in rows)
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(str(fields[c].column)) for c in columns)
    count = 0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            if count >= ANALYZE_FROM:
                cursor.execute(f"ANALYZE {table}")
        return count
    prepare = [_preparer(fields[c]) for c in columns]
    values = [tuple(p(v) for p, v in zip(prepare, row, strict=True)) for row in rows]
    marks = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", values)
    return len(values)


def _preparer(field: models.Field[Any, Any]) -> Callable[[Any], Any]:
    """The conversion of one column's values for the database, as the ORM makes it on save;
    plain integers, strings and None pass as they are, other values are converted once each."""
    seen: dict[Any, Any] = {}

    def prepare(value: Any) -> Any:
        if value is None or type(value) in (int, str):
            return value
        try:
            return seen[value]
        except KeyError:
            seen[value] = field.get_db_prep_save(value, connection)
            return seen[value]
        except TypeError:  # not hashable (a JSON value): converted every time
            return field.get_db_prep_save(value, connection)

    return prepare
