"""Reading an export's rows from PostgreSQL as plain tuples, with psycopg's own C loaders.

Django's connection loads every timestamptz through a Python subclass of psycopg's loader (to
pin the time zone), and every jsonb as text for JSONField to json.loads() again: two of them a
row took more of a million-row export's CPU than writing the CSV. The session's time zone is
already UTC (Django sets it), so on this one cursor psycopg's own loaders give the same values.
The query goes through Django's chunked (server-side) cursor, so it is counted and wrapped like
any other; rows come a fetch at a time, never all at once.
"""

from collections.abc import Iterator, Sequence

from django.db import connection
from django.db.models import QuerySet
from psycopg.types.datetime import TimestamptzLoader
from psycopg.types.json import JsonbLoader


def plain_rows(queryset: QuerySet, names: Sequence[str], chunk_size: int) -> Iterator[tuple]:
    """The rows of `queryset` (a values_list of `names`, in that order) as tuples."""
    sql, params = queryset.query.sql_with_params()
    with connection.chunked_cursor() as cursor:
        loaders = cursor.cursor.adapters  # this cursor's copy: the connection's stay Django's
        loaders.register_loader("timestamptz", TimestamptzLoader)
        loaders.register_loader("jsonb", JsonbLoader)
        cursor.execute(sql, params)
        selected = [column.name for column in cursor.description]
        if selected != list(names):  # values_list reorders fields and annotations in Python
            raise ValueError(f"the query selects {selected}, not {list(names)}")
        while rows := cursor.fetchmany(chunk_size):
            yield from rows
