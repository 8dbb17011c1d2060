"""A bound on the database work one request may do, so a runaway query fails instead of hanging.

The project page's multi-join count once filled the disk with SQLite's temp file (issue 10,
part 1). A guard that meets such a page must fail, not take the machine down: on SQLite a
progress handler counts virtual-machine steps (deterministic, the same on every machine) and
interrupts the query past the budget; on PostgreSQL, which has no such counter, a statement
timeout is the safety net. Either way the request raises OperationalError.
"""

import re
from contextlib import contextmanager

from django.db import connection

SQLITE_STEPS = 100_000  # the handler runs once per this many VM steps
SQLITE_BUDGET = 400  # ... so 40 million steps per request in all
POSTGRES_TIMEOUT = "15s"


@contextmanager
def bounded_database_work():
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        calls = 0

        def tick():
            nonlocal calls
            calls += 1
            return calls > SQLITE_BUDGET  # true interrupts the running statement

        connection.connection.set_progress_handler(tick, SQLITE_STEPS)
        try:
            yield
        finally:
            connection.connection.set_progress_handler(None, SQLITE_STEPS)
    elif connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW statement_timeout")
            before = cursor.fetchone()[0]
            cursor.execute(f"SET statement_timeout = '{POSTGRES_TIMEOUT}'")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('statement_timeout', %s, false)", [before])
    else:
        yield


COUNTED = re.compile(r"COUNT\(DISTINCT\s+([\w\".]+)", re.IGNORECASE)


class MultiJoinCount(AssertionError):
    """A statement counts DISTINCT over several joins: the product of the joins is sorted."""


def refuse_multi_join_counts(execute, sql, params, many, context):
    """An execute_wrapper: refuse, before it runs, a statement counting DISTINCT two columns.

    Issue 10: "Counts come from subqueries or stored counters, never from a multi-join
    Count(distinct=True)". Distinct counts of two different columns in one SELECT mean two
    multi-valued joins multiplied together; on the large project that query never finishes, so
    it is stopped here. (Two filtered counts of the same column join nothing extra.)
    """
    if len(set(COUNTED.findall(sql))) >= 2:
        raise MultiJoinCount(f"multi-join COUNT(DISTINCT …): {sql[:300]}")
    return execute(sql, params, many, context)


@contextmanager
def guarded():
    """Both bounds, for one request."""
    with connection.execute_wrapper(refuse_multi_join_counts), bounded_database_work():
        yield
