"""Writing rows out: RFC 4180 CSV with the spreadsheet formula guard, and JSONL, in chunks."""

import csv
import io
import json
from collections.abc import Iterable, Iterator
from itertools import islice
from operator import itemgetter
from typing import Any

from .rows import csv_cell, spreadsheet_safe

ROWS_PER_CHUNK = 500  # one HTTP chunk / write() per this many rows: few syscalls, small buffers


def csv_chunks(
    columns: list[str], rows: Iterable[dict[str, Any]], *, excel: bool = False
) -> Iterator[str]:
    """RFC 4180 CSV (CRLF, quotes doubled, fields with , " or newlines quoted) in chunks."""
    getter = itemgetter(*columns)
    cells = getter if len(columns) > 1 else lambda row: (getter(row),)  # one column: no tuple
    return csv_cell_chunks(columns, (map(csv_cell, cells(row)) for row in rows), excel=excel)


def csv_cell_chunks(
    columns: list[str], rows: Iterable[Iterable[Any]], *, excel: bool = False
) -> Iterator[str]:
    """csv_chunks() for rows already made cells (csv_cell's guards and spellings applied; None
    is written empty): a batch of rows per writerows() call, no per-row Python."""
    buffer = io.StringIO()
    if excel:
        buffer.write("\ufeff")  # Excel reads UTF-8 only when the file starts with a BOM
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([spreadsheet_safe(column) for column in columns])
    rows = iter(rows)
    while batch := list(islice(rows, ROWS_PER_CHUNK)):
        writer.writerows(batch)
        if len(batch) < ROWS_PER_CHUNK:
            break  # the rest goes out below, with the header if there were no rows
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def jsonl_chunks(objects: Iterable[dict[str, Any]]) -> Iterator[str]:
    lines: list[str] = []
    for obj in objects:
        lines.append(json.dumps(obj, ensure_ascii=False) + "\n")
        if len(lines) == ROWS_PER_CHUNK:
            yield "".join(lines)
            lines.clear()
    yield "".join(lines)
