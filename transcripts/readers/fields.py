"""Field names and time values shared by the dataset readers (JSON, CSV/TSV). Pure."""

from __future__ import annotations

import math
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
    if isinstance(value, int | float) and not isinstance(value, bool):
        seconds = float(value) if abs(value) < 1e12 else math.inf
    elif isinstance(value, str) and CLOCK.fullmatch(text := value.strip()):
        seconds = 0.0
        for part in text.replace(",", ".").split(":"):
            seconds = seconds * 60 + float(part)
    else:
        try:
            seconds = float(value.strip()) if isinstance(value, str) else math.nan
        except ValueError:
            seconds = math.nan
    if not math.isfinite(seconds):
        shown = repr(value)[:40] if isinstance(value, str | int | float) else kind_of(value)
        raise ParseError(f"{where}: a time must be seconds or hh:mm:ss, not {shown}", line=line)
    return seconds


def kind_of(value) -> str:
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return "true/false" if isinstance(value, bool) else type(value).__name__
