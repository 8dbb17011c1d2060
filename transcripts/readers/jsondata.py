"""JSON datasets: our documented list, ConvoKit utterances (JSON Lines), Oyez.

Our JSON format, documented in the README:
    [{"speaker": "CLINTON", "text": "Thank you.", "start": 12.5, "end": 14.0}, ...]
or {"title": ..., "date": "YYYY-MM-DD", "utterances": [...]}; "start"/"end" are optional seconds.
JSON Lines (ConvoKit's utterances.jsonl) works too; a speaker may be a string or an object with
a "name" or "id".
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right

from ..units import Chunk, MappedText, ParseError, Reading, Unit, mapped
from .fields import END_KEYS, LIST_KEYS, SPEAKER_KEYS, START_KEYS, TEXT_KEYS, time_value
from .plaintext import split_lines

NAME = "json"
EXTENSIONS = (".json", ".jsonl")
# "[{", "{"…, "[]": JSON; "[00:01:02] ANNA: …" or "[CROSSTALK]" is a transcript.
_JSON_START = re.compile(r"[\[{]\s*[\[{\"\]}]")


def looks_like(text: str) -> bool:
    return bool(_JSON_START.match(text.lstrip("\ufeff \t\r\n")))


class _Locator:
    """Finds where a JSON string value sits in the file, for line numbers and source offsets."""

    def __init__(self, text: str):
        self.text = text
        self.cursor = 0
        self.line_starts = [start for start, _ in split_lines(text)]

    def line_of(self, offset: int) -> int:
        return bisect_right(self.line_starts, offset)

    def find(self, value: str) -> tuple[MappedText, int]:
        needle = json.dumps(value, ensure_ascii=False)
        position = self.text.find(needle, self.cursor)
        if position < 0:
            needle = json.dumps(value)
            position = self.text.find(needle, self.cursor)
        if position < 0:
            return mapped(value, None), self.line_of(self.cursor)
        self.cursor = position + len(needle)
        exact = needle[1:-1] == value
        return (mapped(value, position + 1) if exact else mapped(value, None)), self.line_of(
            position
        )


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


def read(text: str, *, monologue_speaker: str | None = None) -> Reading:
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
        start = time_value(next((item[k] for k in START_KEYS if k in item), None), where, line)
        end = time_value(next((item[k] for k in END_KEYS if k in item), None), where, line)
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
