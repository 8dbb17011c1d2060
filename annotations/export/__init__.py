"""Tagged datasets out: rows first, then a writer picks the format (long CSV, wide CSV, JSONL).

rows.py builds each format's rows and writers.py writes them (both pure: records in, text out,
tested without a database); datasets.py turns a project and a `Selection` into the querysets that
feed them, so the export page, the admin action and `export_annotations` all produce the same
bytes. Everything is a generator: rows are read with iterators and written a chunk at a time,
never held in a list, so memory stays flat however large the export.

The data dictionary for each format is in README.md ("Exported datasets").
"""

from .datasets import (
    CHUNK_SIZE,
    FORMATS,
    GOLD_EXPRESSIONS,
    GOLD_FIELDS,
    RECORD_EXPRESSIONS,
    RECORD_FIELDS,
    Dataset,
    Selection,
    filename,
    select,
)
from .rows import (
    KEY_COLUMNS,
    LONG_COLUMNS,
    RECORD_ORDER,
    TIME_COLUMNS,
    WIDE_CONTEXT_COLUMNS,
    attribute_names,
    csv_cell,
    gold_columns,
    gold_row,
    json_object,
    long_cells,
    long_columns,
    long_row,
    spreadsheet_safe,
    unguard,
    wide_columns,
    wide_rows,
    with_sources,
)
from .writers import ROWS_PER_CHUNK, csv_cell_chunks, csv_chunks, jsonl_chunks

__all__ = [
    "CHUNK_SIZE",
    "FORMATS",
    "GOLD_EXPRESSIONS",
    "GOLD_FIELDS",
    "KEY_COLUMNS",
    "LONG_COLUMNS",
    "RECORD_EXPRESSIONS",
    "RECORD_FIELDS",
    "RECORD_ORDER",
    "ROWS_PER_CHUNK",
    "TIME_COLUMNS",
    "WIDE_CONTEXT_COLUMNS",
    "Dataset",
    "Selection",
    "attribute_names",
    "csv_cell",
    "csv_cell_chunks",
    "csv_chunks",
    "filename",
    "gold_columns",
    "gold_row",
    "json_object",
    "jsonl_chunks",
    "long_cells",
    "long_columns",
    "long_row",
    "select",
    "spreadsheet_safe",
    "unguard",
    "wide_columns",
    "wide_rows",
    "with_sources",
]
