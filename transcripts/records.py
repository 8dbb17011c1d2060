"""Datasets: JSON (our documented list, ConvoKit utterances, Oyez) and CSV/TSV, a row per utterance.

Our JSON format, documented in the README:
    [{"speaker": "CLINTON", "text": "Thank you.", "start": 12.5, "end": 14.0}, ...]
or {"title": ..., "date": "YYYY-MM-DD", "utterances": [...]}; "start"/"end" are optional seconds.
JSON Lines (ConvoKit's utterances.jsonl) works too; a speaker may be a string or an object with
a "name" or "id". CSV/TSV needs a header naming a speaker and a text column; the headerless
"line number, speaker, sentence, …" layout of fact-checking datasets is read with a warning.
"""

from __future__ import annotations

import csv
import io
import json
import re

from .textformat import label_kind, split_lines
from .units import Chunk, MappedText, ParseError, Reading, Unit

SPEAKER_KEYS = (
    "speaker",
    "speaker_name",
    "speaker_label",
    "name",
    "who",
    "role",
    "user",
    "author",
    "participant",
)
TEXT_KEYS = ("text", "utterance", "content", "transcript", "sentence", "speech", "line", "words")
START_KEYS = ("start", "start_time", "begin", "from", "start_seconds")
END_KEYS = ("end", "end_time", "stop", "to", "end_seconds")
LIST_KEYS = ("utterances", "turns", "segments", "transcript", "dialogue", "messages", "items")
_CLOCK = re.compile(r"(?:\d+:)?\d{1,2}:\d{2}(?:[.,]\d+)?")


def _time(value, where: str, line: int | None) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ParseError(f"{where}: a time must be seconds or hh:mm:ss, not {value!r}", line=line)
    if isinstance(value, int | float):
        return float(value)
    text = str(value).strip()
    try:
        return float(text)
    except ValueError:
        pass
    if _CLOCK.fullmatch(text):
        total = 0.0
        for part in text.replace(",", ".").split(":"):
            total = total * 60 + float(part)
        return total
    raise ParseError(f"{where}: a time must be seconds or hh:mm:ss, not {text!r}", line=line)


class _Locator:
    """Finds where a JSON string value sits in the file, for line numbers and source offsets."""

    def __init__(self, text: str):
        self.text = text
        self.cursor = 0
        self.line_starts = [start for start, _ in split_lines(text)]

    def line_of(self, offset: int) -> int:
        from bisect import bisect_right

        return bisect_right(self.line_starts, offset)

    def find(self, value: str) -> tuple[MappedText, int]:
        needle = json.dumps(value, ensure_ascii=False)
        position = self.text.find(needle, self.cursor)
        if position < 0:
            needle = json.dumps(value)
            position = self.text.find(needle, self.cursor)
        if position < 0:
            return _unmapped(value), self.line_of(self.cursor)
        self.cursor = position + len(needle)
        exact = needle[1:-1] == value
        return (_mapped_at(value, position + 1) if exact else _unmapped(value)), self.line_of(
            position
        )


def _mapped_at(value: str, source: int) -> MappedText:
    result = MappedText()
    result.add(value, source)
    return result


def _unmapped(value: str) -> MappedText:
    result = MappedText()
    result.add(value, None)
    return result


def _load_json(text: str):
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        if error.msg != "Extra data":
            raise ParseError(
                f"malformed JSON: {error.msg} (column {error.colno})", line=error.lineno
            ) from None
    items = []  # JSON Lines, as ConvoKit writes utterances.jsonl
    for number, (start, end) in enumerate(split_lines(text), start=1):
        if text[start:end].strip():
            try:
                items.append(json.loads(text[start:end]))
            except json.JSONDecodeError as error:
                raise ParseError(
                    f"malformed JSON line: {error.msg} (column {error.colno})", line=number
                ) from None
    return items


def _speaker(item: dict) -> str | None:
    for key in SPEAKER_KEYS:
        value = item.get(key)
        if isinstance(value, dict):
            value = value.get("name") or value.get("id") or value.get("label")
        if isinstance(value, str | int) and str(value).strip():
            return " ".join(str(value).split())
    return None


def _text(item: dict) -> str | None:
    for key in TEXT_KEYS:
        value = item.get(key)
        if isinstance(value, str):
            return value
    return None


def read_json(text: str, *, monologue_speaker: str | None = None) -> Reading:
    data = _load_json(text)
    locator = _Locator(text)
    if (
        isinstance(data, dict)
        and isinstance(data.get("transcript"), dict)
        and "sections" in data["transcript"]
    ):
        return _read_oyez(data, locator)
    reading = Reading(units=[])
    items = data
    if isinstance(data, dict):
        reading.title = str(data.get("title") or "")
        reading.date_text = str(data.get("date") or "")
        reading.source_name = str(data.get("source") or "")
        reading.source_url = str(data.get("url") or data.get("source_url") or "")
        items = next((data[key] for key in LIST_KEYS if isinstance(data.get(key), list)), None)
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise ParseError(
            'JSON not recognised: expected a list of {"speaker": …, "text": …} objects '
            "(or ConvoKit utterances, or an Oyez transcript)",
            line=1,
        )
    if not items:
        raise ParseError("the JSON holds no utterances", line=1)
    unknown = 0
    for number, item in enumerate(items, start=1):
        words = _text(item)
        if words is None:
            raise ParseError(f'item {number} has no "text"', line=locator.line_of(locator.cursor))
        body, line = locator.find(words)
        speaker = _speaker(item) or monologue_speaker
        if speaker is None:
            unknown += 1
            speaker = "UNKNOWN"
        where = f"item {number}"
        start = _time(next((item[k] for k in START_KEYS if k in item), None), where, line)
        end = _time(next((item[k] for k in END_KEYS if k in item), None), where, line)
        unit = Unit(label=speaker, line=line, start_time=start, end_time=end)
        unit.new_paragraph().chunks.append(Chunk(body, start, end))
        reading.units.append(unit)
    if unknown == len(items):
        raise ParseError(
            "no item names a speaker; import it as one speaker's monologue instead",
            line=1,
            code=ParseError.NO_SPEAKERS,
        )
    if unknown:
        reading.warnings.append(f"{unknown} items without a speaker were attributed to UNKNOWN")
    return reading


def _read_oyez(data: dict, locator: _Locator) -> Reading:
    transcript = data["transcript"]
    case, hearing = str(transcript.get("title") or ""), str(data.get("title") or "")
    reading = Reading(
        units=[],
        title=" — ".join(
            part for part in (hearing, case.title() if case.isupper() else case) if part
        ),
    )
    reading.date_text, reading.source_name = hearing, "Oyez"
    for section in transcript.get("sections") or []:
        for turn in section.get("turns") or []:
            speaker = turn.get("speaker") or {}
            label = " ".join(str(speaker.get("name") or "").split()) or "UNKNOWN SPEAKER"
            unit = Unit(
                label=label, line=1, start_time=turn.get("start"), end_time=turn.get("stop")
            )
            for block in turn.get("text_blocks") or []:
                words = block.get("text")
                if not isinstance(words, str) or not words.strip():
                    continue
                body, line = locator.find(words)
                if not unit.paragraphs:
                    unit.line = line
                unit.new_paragraph().chunks.append(
                    Chunk(body, block.get("start"), block.get("stop"))
                )
            reading.units.append(unit)
    return reading


def looks_tabular(text: str) -> bool:
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


def read_csv(text: str, *, monologue_speaker: str | None = None) -> Reading:
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
        start = _time(row[columns["start"]], "start", line) if "start" in columns else None
        end = _time(row[columns["end"]], "end", line) if "end" in columns else None
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
        return _mapped_at(row[column], start + sum(len(cell) + 1 for cell in raw[:column]))
    return _unmapped(row[column])
