"""Fast inserts of many plain rows (demo values, computed results).

``bulk_create`` builds a model instance per row and prepares each field value in Python;
for the 185,000 demo values and 13,000 results per computation that dominated setup
time. This writes tuples with one ``executemany`` per batch instead. Use it only for
rows whose values are already valid database values (no defaults, no signals needed).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import islice
from typing import Any

from django.db import connection, models


def insert_rows(
    model: type[models.Model],
    fields: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    batch_size: int = 5000,
) -> int:
    """Insert ``rows`` (tuples in the order of ``fields``) into ``model``'s table."""
    opts = model._meta
    quote = connection.ops.quote_name
    columns = [opts.get_field(name).column for name in fields]
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 - quoted names, no user text
        quote(opts.db_table),
        ", ".join(quote(c) for c in columns),
        ", ".join(["%s"] * len(columns)),
    )
    count = 0
    iterator = iter(rows)
    with connection.cursor() as cursor:
        while batch := list(islice(iterator, batch_size)):
            cursor.executemany(sql, batch)
            count += len(batch)
    return count
