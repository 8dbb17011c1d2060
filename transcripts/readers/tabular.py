"""CSV/TSV datasets, a row per utterance.

A header names a speaker and a text column; the headerless "line number, speaker, sentence, …"
layout of fact-checking datasets is read with a warning.
"""

from __future__ import annotations

import csv
import io

from ..units import Chunk, MappedText, ParseError, Reading, Unit, mapped
from .fields import END_KEYS, SPEAKER_KEYS, START_KEYS, TEXT_KEYS, time_value
from .labels import label_kind, split_lines

NAME = "csv"
EXTENSIONS = (".csv", ".tsv")


def looks_like(text: str) -> bool:
    rows = [line for line in text.splitlines()[:30] if line.strip()][:20]
    if len(rows) < 2:
        return False
    if all(row.count("\t") == rows[0].count("\t") > 0 for row in rows):
        return True
    header = rows[0].lower()
    return (
        any(key in header for key in SPEAKER_KEYS)
        and any(key in header for key in TEXT_KEYS)
        and "," in header
    )


def _columns(header: list[str]) -> dict[str, int] | None:
    names = [cell.strip().lower().replace(" ", "_") for cell in header]
    found = {}
    for role, keys in (
        ("speaker", SPEAKER_KEYS),
        ("text", TEXT_KEYS),
        ("start", START_KEYS),
        ("end", END_KEYS),
    ):
        index = next((names.index(key) for key in keys if key in names), None)
        if index is not None:
            found[role] = index
    return found if "speaker" in found and "text" in found else None


def read(text: str, *, monologue_speaker: str | None = None) -> Reading:
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max("\t,;|", key=first.count)
    # TSV exports rarely quote, and a cell opening with a quote mark must stay text.
    quoting = csv.QUOTE_NONE if delimiter == "\t" else csv.QUOTE_MINIMAL
    reader = csv.reader(
        io.StringIO(text, newline=""), delimiter=delimiter, quoting=quoting, strict=True
    )
    try:
        rows = [(reader.line_num, row) for row in reader if any(cell.strip() for cell in row)]
    except csv.Error as error:
        raise ParseError(f"malformed CSV: {error}", line=reader.line_num) from None
    if not rows:
        raise ParseError("the file is empty")
    reading = Reading(units=[])
    columns = _columns(rows[0][1])
    if columns:
        rows = rows[1:]
    else:
        columns = _headerless_columns(rows, reading)
    line_bounds = split_lines(text)
    needed = max(columns.values()) + 1
    unit: Unit | None = None
    for line, row in rows:
        if len(row) < needed:
            raise ParseError(f"row has {len(row)} columns, expected at least {needed}", line=line)
        speaker = " ".join(row[columns["speaker"]].split()) or (
            unit.label if unit else monologue_speaker
        )
        if not speaker:
            raise ParseError("row has no speaker", line=line)
        words = row[columns["text"]]
        if not words.strip():
            continue
        start = time_value(row[columns["start"]], "start", line) if "start" in columns else None
        end = time_value(row[columns["end"]], "end", line) if "end" in columns else None
        body = _cell(text, line_bounds, line, row, columns["text"], delimiter)
        unit = Unit(label=speaker, line=line, start_time=start, end_time=end)
        unit.new_paragraph(hard_breaks=True).chunks.append(Chunk(body, start, end))
        reading.units.append(unit)
    return reading


def _headerless_columns(rows, reading: Reading) -> dict[str, int]:
    sample = [row for _, row in rows[:50]]

    def labelish(cell: str) -> bool:
        return 0 < len(cell.strip()) <= 60 and (label_kind(cell.strip()) is not None)

    if all(len(row) >= 3 and row[0].strip().isdigit() and labelish(row[1]) for row in sample):
        reading.warnings.append(
            "no header row; read the columns as line number, speaker, text (others ignored)"
        )
        return {"speaker": 1, "text": 2}
    if all(len(row) >= 2 and labelish(row[0]) for row in sample):
        reading.warnings.append("no header row; read the columns as speaker, text (others ignored)")
        return {"speaker": 0, "text": 1}
    raise ParseError("no header row naming a 'speaker' and a 'text' column", line=rows[0][0])


def _cell(
    text: str, line_bounds, line: int, row: list[str], column: int, delimiter: str
) -> MappedText:
    """The cell's text, mapped to the source when the row is one unquoted line."""
    start, end = line_bounds[line - 1] if line - 1 < len(line_bounds) else (0, 0)
    raw = text[start:end].split(delimiter)
    if raw == row:
        return mapped(row[column], start + sum(len(cell) + 1 for cell in raw[:column]))
    return mapped(row[column], None)
