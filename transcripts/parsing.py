"""Transcript files in, typed turns and passages out: the contract the importer consumes.

Pure Python, no Django. `parse_transcript` decodes the bytes, picks a reader from the
`readers` registry, then `build_turns` merges the readers' units into turns and
cuts them into passages with `segmenter`. Anything we cannot read raises `ParseError` with a
one-line reason and, where it applies, the line.
"""

from __future__ import annotations

import dataclasses
import datetime
import gc
import json
from bisect import bisect_right
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import NamedTuple

from .decoding import check_text, decode, human_size
from .languages import ABBREVIATIONS, VOTE_RESULT, detect_language
from .metadata import date_from_filename, find_date, title_from_filename
from .readers import FORMATS, detect_format, jsondata, reader_for
from .segmenter import ALNUM, INTERPRETER, segment, stage_spans
from .units import MappedText, Paragraph, ParseError, Reading, Unit

__all__ = [
    "ParseError",
    "ParsedPassage",
    "ParsedTurn",
    "ParsedTranscript",
    "FORMATS",
    "decode",
    "detect_format",
    "parse_collection",
    "parse_transcript",
]

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
MAX_LABEL = 200  # Speaker.label's max_length
MAX_WARNINGS = 50


class ParsedPassage(NamedTuple):
    """A named tuple rather than a frozen dataclass: a 19 MB file has 170,000 passages, and a
    frozen dataclass spends ~2 µs on each (one object.__setattr__ a field), a tuple ~0.3 µs."""

    text: str  # == turn.text[start:end]
    kind: str  # "speech" or "stage"
    paragraph: int  # 0-based within the turn
    start: int
    end: int
    source_start: int | None  # offsets into ParsedTranscript.text; None where not derivable
    source_end: int | None
    start_time: float | None = None
    end_time: float | None = None


@dataclass(frozen=True)
class ParsedTurn:
    speaker_label: str
    text: str  # paragraphs joined by "\n", "(Via interpreter)" removed
    interpreted: bool
    passages: tuple[ParsedPassage, ...]
    line: int
    start_time: float | None = None
    end_time: float | None = None


@dataclass(frozen=True)
class ParsedTranscript:
    title: str
    date: datetime.date | None
    source_name: str
    source_url: str
    format: str
    text: str  # the decoded original; source offsets index into it
    turns: tuple[ParsedTurn, ...]
    metadata: dict = field(default_factory=dict)

    @property
    def speaker_labels(self) -> list[str]:
        return list(dict.fromkeys(turn.speaker_label for turn in self.turns))


@contextmanager
def collector_paused():
    """Hold off Python's cyclic garbage collector while the parse builds its objects.

    A 19 MB file makes millions of small objects that all stay alive; each full collection walks
    every one of them, and collections come more often as they pile up, so the collector alone
    made parsing grow faster than the file (0.6 s a MB at 1 MB, 0.85 s at 19 MB). The parser makes
    no reference cycles, so nothing is left for the collector to find afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@collector_paused()
def parse_transcript(
    data: bytes | str,
    *,
    filename: str = "",
    format: str = "auto",
    max_bytes: int = DEFAULT_MAX_BYTES,
    monologue_speaker: str | None = None,
    language: str = "auto",
    speaker_pattern: str | None = None,
    line_fixes: dict[int, str | None] | None = None,
) -> ParsedTranscript:
    """`language` ("auto", or one of languages.ABBREVIATIONS) picks the abbreviations that
    never end a sentence; the one used is kept in the metadata. `speaker_pattern` forces a
    label shape (readers.shapes) on plain text and Markdown instead of the one learnt;
    `line_fixes` drops (None) or reassigns unlabelled lines there, by 1-based line number."""
    size = len(data.encode("utf-8")) if isinstance(data, str) else len(data)
    if size > max_bytes:
        raise ParseError(f"the file is {human_size(size)}, over the {human_size(max_bytes)} limit")
    if isinstance(data, bytes):
        text = decode(data, filename=filename)
    else:
        text = check_text(data.removeprefix("\ufeff"))
    if not text.strip():
        raise ParseError("the file is empty")
    detected = detect_format(text, filename) if format == "auto" else format
    reader = reader_for(detected)
    options = {"monologue_speaker": monologue_speaker}
    if getattr(reader, "LEARNS_SPEAKER_PATTERN", False):
        options |= {"speaker_pattern": speaker_pattern, "line_fixes": line_fixes}
    elif speaker_pattern:
        reason = f"a speaker pattern applies to plain text and Markdown, not {detected}"
        raise ParseError(reason)
    reading = reader.read(text, **options)
    detected = reading.format or detected
    if language not in ABBREVIATIONS:
        language = detect_language(text)
    turns = build_turns(
        reading, offsets_valid=reading.offsets_valid, abbreviations=ABBREVIATIONS[language]
    )
    if not turns:
        raise ParseError("no speaker turns with any text found")
    title = reading.title or title_from_filename(filename)
    date = find_date(title) or find_date(reading.date_text) or date_from_filename(filename)
    warnings = reading.warnings
    if len(warnings) > MAX_WARNINGS:  # metadata is stored with the transcript: keep it small
        warnings[MAX_WARNINGS:] = [f"… and {len(warnings) - MAX_WARNINGS} more warnings"]
    metadata = {**reading.metadata, "language": language, "warnings": warnings}
    return ParsedTranscript(
        title=title[:300],
        date=date,
        source_name=reading.source_name,
        source_url=reading.source_url,
        format=detected,
        text=text,
        turns=tuple(turns),
        metadata=json.loads(json.dumps(metadata, default=str)),
    )


def parse_collection(
    data: bytes | str,
    *,
    filename: str = "",
    field: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    monologue_speaker: str | None = None,
) -> list[ParsedTranscript]:
    """Each transcript of a JSON file holding many (a list of items with a title and a
    transcript), parsed on its own; an item that fails names itself in the error."""
    size = len(data.encode("utf-8")) if isinstance(data, str) else len(data)
    if size > max_bytes:
        raise ParseError(f"the file is {human_size(size)}, over the {human_size(max_bytes)} limit")
    text = decode(data, filename=filename) if isinstance(data, bytes) else check_text(data)
    parsed = []
    for number, (title, body) in enumerate(jsondata.collection(text, field=field), start=1):
        try:
            item = parse_transcript(body, monologue_speaker=monologue_speaker)
        except ParseError as error:
            reason = f"item {number} ({title[:60]}): {error}"
            raise ParseError(reason, line=None, code=error.code) from None
        parsed.append(
            dataclasses.replace(item, title=title[:300], date=item.date or find_date(title))
        )
    return parsed


def _stage_only(unit: Unit) -> bool:
    for paragraph in unit.paragraphs:
        for chunk in paragraph.chunks:
            text, cursor = chunk.text.text, 0
            for start, end in [*stage_spans(text), (len(text), len(text))]:
                if ALNUM.search(text, cursor, start):
                    return False
                cursor = end
    return True


def build_turns(
    reading: Reading, *, offsets_valid: bool = True, abbreviations: frozenset[str] = frozenset()
) -> list[ParsedTurn]:
    """Merge the reader's units into turns and cut each into passages."""
    units = []
    for unit in reading.units:
        if any(paragraph.chunks for paragraph in unit.paragraphs):
            units.append(unit)
        elif unit.label:
            reading.warnings.append(f"line {unit.line}: {unit.label} says nothing; left out")
    # A label that never says a word ("SYSTEM: (Inaudible.)") is a stage note in the current turn.
    speaking: set[str] = set()
    for unit in units:
        if unit.label and unit.label not in speaking and not _stage_only(unit):
            speaking.add(unit.label)
    merged: list[tuple[Unit, bool]] = []
    for unit in units:
        interpreted = any(
            INTERPRETER.search(c.text.text) for p in unit.paragraphs for c in p.chunks
        )
        if merged and (unit.label is None or unit.label not in speaking):
            previous = merged[-1][0]
            if unit.label is not None:
                reading.warnings.append(
                    f"line {unit.line}: {unit.label} only has stage directions; "
                    f"kept as a note in {previous.label}'s turn"
                )
            _append_paragraphs(previous, unit)
            continue
        if merged and merged[-1][0].label == unit.label and merged[-1][1] == interpreted:
            _append_paragraphs(merged[-1][0], unit)
            continue
        if unit.label is None:
            continue  # a stage note before any speaker: the readers keep it as metadata
        merged.append((unit, interpreted))
    turns = []
    for unit, interpreted in merged:
        if len(unit.label or "") > MAX_LABEL:
            raise ParseError(f"speaker label longer than {MAX_LABEL} characters", line=unit.line)
        turn = _build_turn(unit, interpreted, offsets_valid, abbreviations)
        if turn is None:
            reading.warnings.append(f"line {unit.line}: {unit.label} has no text; skipped")
        else:
            turns.append(turn)
    return turns


def _append_paragraphs(target: Unit, unit: Unit) -> None:
    for paragraph in unit.paragraphs:
        if paragraph.hard_breaks and target.paragraphs and target.paragraphs[-1].hard_breaks:
            target.paragraphs[-1].chunks.extend(paragraph.chunks)
        else:
            target.paragraphs.append(paragraph)
    if unit.end_time is not None:
        target.end_time = unit.end_time


def _spoken_spans(content: str):
    """Trimmed, non-empty stretches of a chunk with "(Via interpreter)" cut out."""
    cursor = 0
    for match in [*INTERPRETER.finditer(content), None]:
        end = match.start() if match else len(content)
        start = cursor
        while start < end and content[start].isspace():
            start += 1
        while end > start and content[end - 1].isspace():
            end -= 1
        if start < end:
            yield start, end
        if match:
            cursor = match.end()


def _build_turn(
    unit: Unit, interpreted: bool, offsets_valid: bool, abbreviations: frozenset[str]
) -> ParsedTurn | None:
    text = MappedText()
    paragraphs: list[tuple[int, int, Paragraph]] = []  # (start, end, paragraph) in the turn text
    chunk_starts: list[int] = []
    chunk_times: list[tuple[float | None, float | None]] = []
    for paragraph in unit.paragraphs:
        paragraph_start = None
        for chunk in paragraph.chunks:
            chunk_started = False
            for start, end in _spoken_spans(chunk.text.text):
                if text.length:
                    text.add(" " if paragraph_start is not None else "\n", None)
                if paragraph_start is None:
                    paragraph_start = text.length
                if not chunk_started:
                    chunk_starts.append(text.length)
                    chunk_times.append((chunk.start_time, chunk.end_time))
                    chunk_started = True
                text.extend(chunk.text, start, end)
        if paragraph_start is not None:
            paragraphs.append((paragraph_start, text.length, paragraph))
    content = text.text
    passages = []
    for number, (p_start, p_end, paragraph) in enumerate(paragraphs):
        bounds = [p_start, p_end]
        if paragraph.hard_breaks:  # each chunk is a sentence already (CSV rows): never merge them
            bounds[1:1] = [b for b in chunk_starts if p_start < b < p_end]
        for lo, hi in zip(bounds, bounds[1:], strict=False):
            pieces = (
                [(lo, hi, paragraph.kind)]
                if paragraph.kind
                else segment(content, lo, hi, abbreviations)
            )
            for start, end, kind in pieces:
                if kind == "speech" and VOTE_RESULT.match(content, start, end):
                    kind = "stage"  # "Imos votar. Efectuada a votación, …" on the chair's line
                source_start, source_end = (
                    text.source_span(start, end) if offsets_valid else (None, None)
                )
                first = bisect_right(chunk_starts, start) - 1
                last = bisect_right(chunk_starts, end - 1) - 1
                passages.append(
                    ParsedPassage(  # by position: a named tuple's keywords cost a dict a passage
                        content[start:end],
                        kind,
                        number,
                        start,
                        end,
                        source_start,
                        source_end,
                        chunk_times[first][0],
                        chunk_times[last][1],
                    )
                )
    if not passages:
        return None
    starts = [start for start, _ in chunk_times if start is not None]
    ends = [end for _, end in chunk_times if end is not None]
    return ParsedTurn(
        speaker_label=unit.label or "",
        text=content,
        interpreted=interpreted,
        passages=tuple(passages),
        line=unit.line,
        start_time=min(starts) if starts else unit.start_time,
        end_time=max(ends) if ends else unit.end_time,
    )
