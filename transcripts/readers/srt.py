"""SubRip (.srt) subtitles: numbered cues, comma-decimal timings."""

from __future__ import annotations

import re

from ..units import Reading
from .cues import read_cues

NAME = "srt"
EXTENSIONS = (".srt",)
TIMING = re.compile(r"\s*(\d{1,2}:\d{2}:\d{2}[,.]\d{1,3})\s*-->\s*(\d{1,2}:\d{2}:\d{2}[,.]\d{1,3})")
_START = re.compile(r"\s*\d+\s*\r?\n\s*\d{1,2}:\d{2}:\d{2}[,.]\d{1,3}\s*-->")


def sniff(head: str, text: str) -> bool:
    return bool(_START.match(head))


def read(text: str, *, monologue_speaker: str | None = None) -> Reading:
    return read_cues(text, TIMING, monologue_speaker, vtt=False)
