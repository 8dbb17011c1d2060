"""JSON datasets: our documented list, ConvoKit utterances (JSON Lines), Oyez, collections.

Our JSON format, documented in the README:
    [{"speaker": "CLINTON", "text": "Thank you.", "start": 12.5, "end": 14.0}, ...]
or {"title": ..., "date": "YYYY-MM-DD", "utterances": [...]}; "start"/"end" are optional seconds.
JSON Lines (ConvoKit's utterances.jsonl) works too; a speaker may be a string or an object with
a "name" or "id". A list of whole transcripts (scraped datasets: each item a title and a
transcript) is not one transcript: `collection` finds its items, and the reader refuses it with
code COLLECTION so the command can import each item on its own.
"""

from __future__ import annotations

import re

from ..units import Chunk, ParseError, Reading, Unit
from . import oyez
from .fields import END_KEYS, LIST_KEYS, SPEAKER_KEYS, START_KEYS, TEXT_KEYS, kind_of, time_value
from .jsonload import Locator, load_document, string

NAME = "json"
EXTENSIONS = (".json", ".jsonl")
# "[{", "{"…, "[]": JSON; "[00:01:02] ANNA: …" or "[CROSSTALK]" is a transcript.
_JSON_START = re.compile(r"[\[{]\s*[\[{\"\]}]")
TITLE_KEYS = ("title", "headline", "episode", "talk", "name")
WHOLE_TEXT_KEYS = ("transcript", "subtitle", "subtitles", "captions", "text", "content", "body")


def looks_like(text: str) -> bool:
    return bool(_JSON_START.match(text.lstrip("\ufeff \t\r\n")))


def _speaker(item: dict, where: str, line: int) -> str | None:
    for key in SPEAKER_KEYS:
        value = item.get(key)
        if isinstance(value, dict):
            value = next((value[k] for k in ("name", "id", "label") if value.get(k)), value)
        if value is not None and (not isinstance(value, str | int) or isinstance(value, bool)):
            raise ParseError(
                f'{where}: "{key}" must be a name or an object with a "name", not {kind_of(value)}',
                line=line,
            )
        if value is not None and str(value).strip():
            return " ".join(str(value).split())
    return None


def _text(item: dict, where: str, line: int) -> str | None:
    for key in TEXT_KEYS:
        if (value := string(item, key, where=where, line=line)) is not None:
            return value
    return None


def read(text: str, *, monologue_speaker: str | None = None) -> Reading:
    data = load_document(text)
    locator = Locator(text)
    if oyez.recognise(data):
        return oyez.read(data, locator)
    if isinstance(data, list) and (fields := collection_fields(data)):
        field = f'"{fields[0]}"' if len(fields) == 1 else " or ".join(f'"{f}"' for f in fields)
        raise ParseError(
            f"this JSON holds {len(data)} transcripts (objects with a title and a {field} field), "
            "not one: import each as its own transcript with `manage.py import_transcript FILE "
            f"--project SLUG{' --json-field NAME' if len(fields) > 1 else ''}`",
            line=1,
            code=ParseError.COLLECTION,
        )
    reading = Reading(units=[])
    items = data
    if isinstance(data, dict):
        for attribute, keys in (
            ("title", ("title",)),
            ("date_text", ("date",)),
            ("source_name", ("source",)),
            ("source_url", ("url", "source_url")),
        ):
            for key in keys:
                value = string(data, key, where="the document", line=1, numbers=True)
                if value and not getattr(reading, attribute):
                    setattr(reading, attribute, value)
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
        where = f"item {number}"
        words = _text(item, where, locator.line)
        if words is None:
            raise ParseError(f'{where} has no "text"', line=locator.line)
        body, line = locator.find(words)
        speaker = _speaker(item, where, line) or monologue_speaker
        if speaker is None:
            unknown += 1
            speaker = "UNKNOWN"
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


def collection_fields(items: list) -> list[str]:
    """The fields holding a whole transcript when every item is one (title + long text)."""
    if not items or not all(isinstance(item, dict) for item in items):
        return []
    if any(isinstance(item.get(key), str) for item in items for key in SPEAKER_KEYS[:3]):
        return []  # utterances name their speaker; whole transcripts do not
    if not all(any(isinstance(item.get(key), str) for key in TITLE_KEYS) for item in items):
        return []
    whole = []
    for key in WHOLE_TEXT_KEYS:
        values = [item.get(key) for item in items]
        long = [v for v in values if isinstance(v, str) and ("\n" in v.strip() or len(v) > 300)]
        if long and len(long) >= 0.5 * len(items):
            whole.append(key)
    return whole


def collection(text: str, *, field: str | None = None) -> list[tuple[str, str]]:
    """(title, transcript text) per item of a JSON collection; ParseError if it is not one."""
    data = load_document(text)
    fields = collection_fields(data) if isinstance(data, list) else []
    if not fields:
        raise ParseError("this JSON is not a list of whole transcripts", line=1)
    if field is None and len(fields) > 1:
        raise ParseError(
            f"each item has several transcript fields ({', '.join(fields)}): pick one with "
            "--json-field",
            line=1,
        )
    field = field or fields[0]
    if field not in fields:
        raise ParseError(f'no "{field}" field holds the transcripts; use {", ".join(fields)}')
    found = []
    for number, item in enumerate(data, start=1):
        title = next(item[key] for key in TITLE_KEYS if isinstance(item.get(key), str))
        body = string(item, field, where=f"item {number}", line=None)
        if body and body.strip():
            found.append((" ".join(title.split()), body))
    return found
