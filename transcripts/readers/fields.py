"""Field names and time values shared by the dataset readers (JSON, CSV/TSV). Pure."""

from __future__ import annotations

import re

from ..units import ParseError

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
CLOCK = re.compile(r"(?:\d+:)?\d{1,2}:\d{2}(?:[.,]\d+)?")


def time_value(value, where: str, line: int | None) -> float | None:
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
    if CLOCK.fullmatch(text):
        total = 0.0
        for part in text.replace(",", ".").split(":"):
            total = total * 60 + float(part)
        return total
    raise ParseError(f"{where}: a time must be seconds or hh:mm:ss, not {text!r}", line=line)
