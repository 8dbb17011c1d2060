"""WebVTT subtitles: "WEBVTT" first, <v Name> voice tags, NOTE/STYLE blocks skipped."""

from __future__ import annotations

import re

from ..units import ParseError, Reading
from .cues import read_cues

NAME = "vtt"
EXTENSIONS = (".vtt",)
TIMING = re.compile(
    r"\s*((?:\d+:)?\d{2}:\d{2}\.\d{3})\s*-->\s*((?:\d+:)?\d{2}:\d{2}\.\d{3})(?:\s.*)?$"
)


def sniff(head: str, text: str) -> bool:
    return head.startswith("WEBVTT")


def read(text: str, *, monologue_speaker: str | None = None) -> Reading:
    if not text.lstrip("\ufeff").startswith("WEBVTT"):
        raise ParseError("a WebVTT file must start with 'WEBVTT'", line=1)
    return read_cues(text, TIMING, monologue_speaker, vtt=True)
