"""Annotations in: our long CSV read back (the round trip) and brat standoff (.ann) from corpora.

Reading comes first and writes nothing: `read_long_csv` and `read_brat` (reading.py) are pure
(text in, rows with their line numbers out); `plan_long_csv` and `plan_brat` (planning.py) match
those rows against a project — transcripts by content hash, passages by index or source offsets,
tags by name, users by username — and return what would be created plus a `RowError` per row
that does not match. Only then does `import_planned` (writing.py) write, in one transaction, and
by default only when nothing failed (the command's `--skip-bad` writes the rows that did match).
"""

from .planning import Plan, Planned, free_shortcut, plan_brat, plan_long_csv
from .reading import BratSpan, RowError, read_brat, read_long_csv, source_to_passage
from .writing import import_planned, reserve_ids

__all__ = [
    "BratSpan",
    "Plan",
    "Planned",
    "RowError",
    "free_shortcut",
    "import_planned",
    "plan_brat",
    "plan_long_csv",
    "read_brat",
    "read_long_csv",
    "reserve_ids",
    "source_to_passage",
]
