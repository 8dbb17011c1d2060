"""Admin lists of tables with millions of rows: the page count without reading every row.

The admin counts the rows of a list to page it. On PostgreSQL COUNT(*) reads the whole table
(0.2-0.3 s at 1.1M annotations or 150,000 passages on this machine, every page), so a list of a
whole large table takes the planner's estimate instead (pg_class.reltuples, kept by ANALYZE and
autovacuum): "about" is enough to page through and to show how big it is. A filtered or searched
list, a small table and SQLite count exactly.
"""

from functools import cached_property

from django.core.paginator import Paginator
from django.db import connections

ESTIMATE_FROM = 100_000  # rows: below this an exact COUNT is quick


def estimated_rows(queryset) -> int | None:
    """The planner's row estimate of the queryset's table when it is unfiltered, else None."""
    query = queryset.query
    connection = connections[queryset.db]
    if connection.vendor != "postgresql" or query.where or query.distinct or query.combinator:
        return None
    if query.is_sliced:
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(%s)",
            [connection.ops.quote_name(queryset.model._meta.db_table)],
        )
        row = cursor.fetchone()
    return row[0] if row and row[0] >= 0 else None  # -1: never analysed


class EstimatedCountPaginator(Paginator):
    @cached_property
    def count(self) -> int:
        estimate = estimated_rows(self.object_list) if hasattr(self.object_list, "query") else None
        return estimate if estimate is not None and estimate >= ESTIMATE_FROM else super().count


class CountsCheaply:
    """For a ModelAdmin of a big table: one count a page (not the filtered and the full one),
    estimated when the list is the whole table."""

    paginator = EstimatedCountPaginator
    show_full_result_count = False
