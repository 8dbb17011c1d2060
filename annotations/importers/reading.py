"""Reading annotation files (pure: text in, rows with their line numbers out, no database)."""

import csv
import io
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import pairwise

REQUIRED_COLUMNS = ("transcript_hash", "passage_index", "tag", "annotator", "quote", "status")
# The other columns of our long CSV that a re-import reads; the rest (the passage's text, the
# speaker, the titles) are context for the reader of the file and are not even unguarded.
OPTIONAL_COLUMNS = (
    "annotation_id",
    "span_start",
    "span_end",
    "note",
    "target_annotation_id",
    "target_passage_index",
    "target_quote",
    "created_at",
    "updated_at",
)
BRAT_SPAN = re.compile(r"^(?P<id>T\d+)\t(?P<label>\S+) (?P<offsets>[\d ;]+)\t(?P<text>.*)$")


class RowError(ValueError):
    def __init__(self, message: str, *, line: int):
        super().__init__(f"line {line}: {message}")
        self.line = line


@dataclass(frozen=True)
class BratSpan:
    line: int
    label: str
    start: int
    end: int
    text: str
    fragments: tuple[tuple[int, int], ...] = ()  # more than one for a discontinuous span

    def source_text(self, source: str) -> str:
        """What the span covers in `source`, fragments joined by a space as brat writes them."""
        return " ".join(source[start:end] for start, end in self.fragments)


def read_long_csv(text: str) -> list[tuple[int, dict[str, str]]]:
    """(line where the row starts, row) for each data row, with the columns a re-import reads
    (REQUIRED_COLUMNS, OPTIONAL_COLUMNS and attr_*); CSV guards (') are undone."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    header = next(reader, None) or []
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise RowError(f"missing column(s): {', '.join(missing)}", line=1)
    wanted = {*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS}
    # (name, index) of each column read; a name given twice: the last one, as DictReader did.
    read = {n: i for i, n in enumerate(header) if n in wanted or n.startswith("attr_")}
    columns, width = list(read.items()), len(header)
    rows, line = [], reader.line_num + 1
    for cells in reader:
        if len(cells) > width:
            raise RowError("more cells than the header has columns", line=line)
        if not cells:  # a blank line is no row (DictReader skipped them too)
            line = reader.line_num + 1
            continue
        cells += [""] * (width - len(cells))  # a short row: the missing cells are empty
        row = {}
        for name, index in columns:
            value = cells[index]
            row[name] = value[1:] if value[:1] == "'" else value  # unguard(), inlined
        rows.append((line, row))
        line = reader.line_num + 1
    return rows


def read_brat(text: str) -> tuple[list[BratSpan], list[RowError], int]:
    """Text-bound annotations (T lines), errors for malformed ones, and how many others."""
    spans, errors, other = [], [], 0
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        if not raw.startswith("T"):
            other += 1  # relations, attributes, notes: not mapped (yet)
            continue
        match = BRAT_SPAN.match(raw)
        if not match:
            errors.append(RowError("expected 'T<n><TAB>Label start end<TAB>text'", line=number))
            continue
        fragments = tuple(
            tuple(int(n) for n in piece.split()) for piece in match["offsets"].split(";")
        )
        ordered = all(a[1] <= b[0] for a, b in pairwise(fragments))
        if not ordered or any(len(f) != 2 or f[0] >= f[1] for f in fragments):
            errors.append(RowError(f"bad offsets {match['offsets']!r}", line=number))
            continue
        start, end = fragments[0][0], fragments[-1][1]
        spans.append(BratSpan(number, match["label"], start, end, match["text"], fragments))
    return spans, errors, other


def source_to_passage(source: str, passage: str, offset: int) -> int | None:
    """Map an offset in a passage's source slice onto the passage text.

    The passage text is the source with its white space normalised (hard wraps unwrapped), so
    the offset is carried across by counting non-space characters; None when the texts differ.
    """
    if source == passage:
        return offset
    wanted = sum(1 for ch in source[:offset] if not ch.isspace())
    seen = 0
    for index, ch in enumerate(passage):
        if seen == wanted and not ch.isspace():
            return index
        seen += not ch.isspace()
    return len(passage) if seen == wanted else None


def whole_number(value: str, what: str, line: int) -> int | None:
    if value.strip() == "":
        return None
    try:
        number = int(value)
    except ValueError:
        raise RowError(f"{what} {value!r} is not a whole number", line=line) from None
    if number < 0:
        raise RowError(f"{what} {number} is negative", line=line)
    return number


def timestamp(value: str, what: str, line: int) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise RowError(f"{what} {value!r} is not an ISO 8601 timestamp", line=line) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
