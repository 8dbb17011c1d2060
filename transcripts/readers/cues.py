"""What SRT and WebVTT share: cues become chunks with times; speakers from <v Name> or "NAME:".

A cue without a speaker continues the previous speaker (subtitles name a speaker only when it
changes); consecutive cues of one speaker become one turn. Cue text keeps its source offsets;
inline tags (<i>, <c.x>, <00:00:01.000>) are dropped from the text but not from the mapping.
"""

from __future__ import annotations

import re

from ..units import Chunk, MappedText, ParseError, Reading, Unit
from .labels import label_kind, split_lines

_TAG = re.compile(r"<(/?)([a-zA-Z0-9.]*|\d[\d:.]*)(?:\s+([^>]*))?>")
_PREFIX_LABEL = re.compile(r"(?:-\s*)?(?P<label>[^:\n]{1,60}?)\s*:\s+(?=\S)")


def _seconds(value: str) -> float:
    total = 0.0
    for part in value.replace(",", ".").split(":"):
        total = total * 60 + float(part)
    return total


def _cues(text: str, timing: re.Pattern, vtt: bool):
    """(line, start, end, [(line_start, line_end), …]) per cue, blocks split at blank lines."""
    lines = split_lines(text)
    block: list[tuple[int, int, int]] = []
    for number, (start, end) in enumerate([*lines, (len(text), len(text))], start=1):
        if text[start:end].strip():
            block.append((number, start, end))
            continue
        if not block:
            continue
        first_text = text[block[0][1] : block[0][2]]
        if vtt and (first_text.startswith(("WEBVTT", "NOTE", "STYLE", "REGION"))):
            block = []
            continue
        timed = next((i for i, (_, s, e) in enumerate(block[:2]) if timing.match(text, s, e)), None)
        if timed is None:
            raise ParseError(
                "expected a cue timing like '00:00:01,000 --> 00:00:04,000'", line=block[0][0]
            )
        match = timing.match(text, block[timed][1], block[timed][2])
        cue_lines = [(s, e) for _, s, e in block[timed + 1 :]]
        yield block[timed][0], _seconds(match[1]), _seconds(match[2]), cue_lines
        block = []


def _cue_text(text: str, cue_lines) -> tuple[MappedText, str | None]:
    """The cue's words without tags, and the speaker of a <v Name> tag if there is one."""
    result = MappedText()
    voice = None
    for line_start, line_end in cue_lines:
        if result.length:
            result.add(" ", None)
        cursor = line_start
        for match in _TAG.finditer(text, line_start, line_end):
            result.add(text[cursor : match.start()], cursor)
            if match[2].split(".")[0] == "v" and not match[1] and voice is None:
                voice = " ".join((match[3] or "").split()) or None
            cursor = match.end()
        result.add(text[cursor:line_end], cursor)
    return result, voice


def read_cues(
    text: str, timing: re.Pattern, monologue_speaker: str | None, *, vtt: bool
) -> Reading:
    reading = Reading(units=[])
    unit: Unit | None = None
    cues = list(_cues(text, timing, vtt))
    if not cues:
        raise ParseError("no subtitle cues found")
    for line, start, end, cue_lines in cues:
        body, speaker = _cue_text(text, cue_lines)
        content = body.text
        offset = len(content) - len(content.lstrip())
        prefix = _PREFIX_LABEL.match(content, offset)
        if speaker is None and prefix and label_kind(prefix["label"]):
            speaker, offset = " ".join(prefix["label"].split()), prefix.end()
        if speaker is None and unit is None:
            speaker = monologue_speaker
        if speaker is not None and (unit is None or unit.label != speaker):
            unit = Unit(label=speaker, line=line, start_time=start)
            unit.new_paragraph()
            reading.units.append(unit)
        if unit is None:
            continue  # leading cues without a speaker; reported below if nothing else has one
        piece = MappedText()
        piece.extend(body, offset)
        if piece.text.strip():
            unit.paragraphs[-1].chunks.append(Chunk(piece, start, end))
            unit.end_time = end
    if not reading.units:
        raise ParseError(
            "no speakers in these subtitles (no <v Name> voice tags or 'NAME:' prefixes); "
            "import them as one speaker's monologue instead",
            code=ParseError.NO_SPEAKERS,
        )
    unnamed = cues[0][0] if reading.units[0].line != cues[0][0] else None
    if unnamed:
        reading.warnings.append(
            f"line {unnamed}: cues before the first named speaker were left out"
        )
    return reading
