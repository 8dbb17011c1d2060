"""Plain-text transcripts: speaker labels, hard-wrapped lines, paragraphs, and the junk around them.

Reads "NAME: text" transcripts as they come from web pages, PDFs and datasets: one turn per line
(debate datasets), hard-wrapped pages (the seed), blank-line paragraphs (parliament records), and
"Full Name: (mm:ss)" blocks with the text below (Rev). Everything before the first label and
after the last turn that looks like page furniture is kept as metadata, never as speech.
"""

from __future__ import annotations

import re

from ..languages import AGENDA_ITEM, VOTE_RESULT
from ..languages import PROCEDURE_ANY as PROCEDURE
from ..metadata import SOURCE_LINE, find_date, parse_source
from ..units import Chunk, Paragraph, ParseError, Reading, Unit, mapped
from . import shapes
from .court import court_line, court_pages
from .labels import (
    TERMINAL,
    believe_labels,
    has_word,
    label_kind,
    split_lines,
)

NAME = "text"
MAX_UNLABELLED = 50
EXTENSIONS = ()  # a .txt may hold HTML or JSON: the content decides
LEARNS_SPEAKER_PATTERN = True  # parse_transcript(speaker_pattern=…) may force a shape
_JUNK_LINE = re.compile(
    r"(?:back to|return to|top of|go to|skip to|print|share|e-?mail|posted|updated|related|tags?|"
    r"follow us|subscribe|home(?: page)?|contact|privacy|terms|copyright|all rights reserved|"
    r"end of (?:transcript|document)|end)\b.*|#{3}.*|(?:#\s){2}#.*|[-=_*~\s]+|©.*|https?://\S+|"
    r"www\.\S+|.*\|.*|\W*|page \d+(?: of \d+)?",
    re.IGNORECASE,
)
_FIRST_WORD = re.compile(r"\S+")


def is_junk(text: str, start: int, end: int) -> bool:
    line = text[start:end]
    return bool(_JUNK_LINE.fullmatch(line) or SOURCE_LINE.fullmatch(line))


def _wrap_width(lengths: list[int]) -> int | None:
    """The width a hard-wrapped text was wrapped at, or None when lines are not wrapped."""
    if len(lengths) < 5:
        return None
    ordered = sorted(lengths)
    p90 = ordered[int(0.9 * (len(ordered) - 1))]
    if p90 > 100 or sum(length >= 0.75 * p90 for length in ordered) < 0.5 * len(ordered):
        return None
    return max(length for length in ordered if length <= 1.15 * p90)


def read(
    text: str,
    *,
    monologue_speaker: str | None = None,
    headings: frozenset[int] = frozenset(),
    speaker_pattern: str | None = None,
    line_fixes: dict[int, str | None] | None = None,
) -> Reading:
    """`headings`: 0-based lines never read as labels (a Markdown "# Episode 4: Rivers");
    `speaker_pattern`: a shape's name (shapes.SHAPES) to use instead of the one learnt;
    `line_fixes`: for unlabelled lines (1-based) the preview offers, None to leave the line out
    or the speaker to give it to."""
    fixes = line_fixes or {}
    lines = split_lines(text)
    reading = Reading(units=[])
    court = not speaker_pattern and court_pages(text, lines)
    if court:
        infos = [court_line(text, start, end) for start, end in lines]
        reading.warnings.append("read as court reporter's pages: line and page numbers left out")
        reading.metadata["speaker_pattern"] = shapes.COURT
    else:
        choice = shapes.choose(text, lines, forced=speaker_pattern)
        infos = choice.infos
        reading.metadata["speaker_pattern"] = choice.describe(text)
        if choice.roles:
            reading.metadata["roles"] = choice.roles
    for index in headings:
        infos[index] = (*infos[index][:2], None, None, infos[index][0], None)
    believe_labels(text, infos)
    if not court:
        reading.metadata["speaker_pattern"]["example"] = shapes.example(text, infos)
    labelled = [index for index, info in enumerate(infos) if info[2]]
    if not labelled:
        if not monologue_speaker:
            raise ParseError(
                "no speaker labels found (expected lines like "
                f"'{reading.metadata['speaker_pattern']['description']}'); "
                "import it as one speaker's monologue instead",
                code=ParseError.NO_SPEAKERS,
            )
        first, last = 0, len(lines) - 1
    else:
        first, last = labelled[0], len(lines) - 1
        while last > labelled[-1] and (
            infos[last][0] == infos[last][1] or is_junk(text, *infos[last][:2])
        ):
            last -= 1
        _keep_furniture(text, infos[:first], infos[last + 1 :], first, last, reading)
    body = infos[first : last + 1]
    lengths = [info[1] - info[0] for info in body if info[1] > info[0]]
    width = _wrap_width(lengths)
    if court and lengths:  # indented Q/A lines defeat the estimate; court pages are always wrapped
        width = max(lengths)
    nonblank = sum(info[1] > info[0] for info in body)
    one_turn_per_line = (
        width is None and nonblank and sum(bool(info[2]) for info in body) >= 0.6 * nonblank
    )
    # A dataset's line per turn (no blank lines): an unlabelled line is its own paragraph.
    blanks = sum(info[1] == info[0] for info in body)
    separate_lines = one_turn_per_line and blanks < 0.3 * nonblank
    reading.metadata["wrapped_at"] = width
    known = {info[2] for info in body if info[2]}
    midline = midline_pattern(known)

    unit: Unit | None = None
    if not labelled:
        unit = Unit(label=monologue_speaker, line=1)
        reading.units.append(unit)
    pending_break, previous = False, None
    for index in range(first, last + 1):
        start, end, label, kind, body_start, time = infos[index]
        if start == end or not label and not has_word(text, start, end):
            pending_break = not court  # court pages are double-spaced: a blank line says nothing
            continue
        if not label and index + 1 in fixes:
            if fixes[index + 1] is None:
                reading.warnings.append(f"line {index + 1}: left out, as chosen in the preview")
                continue
            label, body_start = fixes[index + 1], start
        if label:
            unit = Unit(label=label, line=index + 1, start_time=time)
            reading.units.append(unit)
            paragraph = unit.new_paragraph()
        else:
            assert unit is not None
            if width is None:  # not wrapped: a line is a paragraph, unless it cuts a sentence
                ends = pending_break or separate_lines or previous is None
                ends = ends or text[previous[1] - 1] in TERMINAL
            else:
                ends = pending_break or _ends_paragraph(text, previous, start, width)
            current = unit.paragraphs[-1] if unit.paragraphs else None
            paragraph = _paragraph_for(unit, heading=kind == "heading", new=ends)
            started = current is not None and paragraph is not current
            if (
                started
                and pending_break
                and (
                    _procedure_paragraph(text, start, end)
                    or _heading_between_turns(text, infos, index, last)
                )
            ):
                paragraph.kind = "stage"
            if one_turn_per_line:
                reading.warnings.append(
                    f"line {index + 1}: no speaker label; kept as part of {unit.label}'s turn"
                )
                unlabelled = reading.metadata.setdefault("unlabelled", [])
                if len(unlabelled) < MAX_UNLABELLED:  # the preview offers to drop or move them
                    line = text[start:end]
                    unlabelled.append({"line": index + 1, "text": line[:300], "turn": unit.label})
        if midline is None or text.find(":", body_start, end) == -1:  # most lines: no label
            if body_start < end:
                _add_line(paragraph, text, body_start, end, unit)
            pending_break, previous = False, (start, end)
            continue
        pieces = split_midline(text, body_start, end, midline)
        for position, (piece_label, piece_start, piece_end) in enumerate(pieces):
            if position:
                unit = Unit(label=piece_label, line=index + 1)
                reading.units.append(unit)
                paragraph = unit.new_paragraph()
            if piece_start < piece_end:
                _add_line(paragraph, text, piece_start, piece_end, unit)
        pending_break, previous = False, (start, end)
    return reading


def _paragraph_for(unit: Unit, *, heading: bool, new: bool) -> Paragraph:
    """The paragraph an unlabelled line goes into: the current one, or a new one when the line
    starts a paragraph; headings of court pages (EXAMINATION) are stage notes of their own."""
    paragraph = unit.paragraphs[-1] if unit.paragraphs else unit.new_paragraph()
    if paragraph.chunks and (new or heading):
        paragraph = unit.new_paragraph()
    if heading:
        paragraph.kind = "stage"
    return paragraph


def _procedure_paragraph(text: str, start: int, end: int) -> bool:
    """A vote result or an agenda item in a paragraph of its own, whatever follows it: the
    chair's turn holds them, but nobody speaks them."""
    if VOTE_RESULT.match(text, start, end):
        return True
    return AGENDA_ITEM.match(text, start, end) is not None and end - start <= 400


def _heading_between_turns(text: str, infos: list, index: int, last: int) -> bool:
    """An unpunctuated paragraph standing alone before a turn: an agenda heading, not speech."""
    start, end = infos[index][:2]
    procedure = PROCEDURE.match(text, start, end) is not None  # "Efectuada a votación, …"
    if not procedure and (text[end - 1] in '.?!…"”’»):;,-—' or end - start > 300):
        return False
    following = index + 1
    if following > last or infos[following][1] > infos[following][0]:
        return False  # needs a blank line after it
    while following <= last and infos[following][1] == infos[following][0]:
        following += 1
    return following > last or bool(infos[following][2])


def _add_line(paragraph, text: str, start: int, end: int, unit: Unit) -> None:
    """Unwrap: a paragraph's lines join into one chunk, with a space where the line break was."""
    if paragraph.chunks:
        paragraph.chunks[-1].text.join(" ", text[start:end], start)
    else:
        paragraph.chunks.append(Chunk(mapped(text[start:end], start), unit.start_time))


def _ends_paragraph(text: str, previous, start: int, width: int) -> bool:
    """A short line ending a sentence ends a paragraph, if the next word would have fitted on it."""
    if previous is None:
        return False
    prev_start, prev_end = previous
    if not text[prev_end - 1].endswith(TERMINAL):
        return False
    word = _FIRST_WORD.match(text, start)
    return (prev_end - prev_start) + 1 + (len(word.group()) if word else 0) <= width


def midline_pattern(known: set[str]) -> re.Pattern | None:
    caps = [label for label in known if label_kind(label) == "caps"]
    if not caps:
        return None
    alternatives = "|".join(re.escape(label) for label in sorted(caps, key=len, reverse=True))
    return re.compile(rf"(?<=[.?!…\"”’)\]—-])[ \t]+(?P<label>{alternatives}):[ \t]+(?=\S)")


def split_midline(text: str, start: int, end: int, pattern: re.Pattern | None):
    """Split "… our country. COOPER: Secretary Clinton …" at labels the document uses elsewhere."""
    if pattern is None or text.find(":", start, end) == -1:
        return [(None, start, end)]  # most lines: no colon, no label inside (and no slicing)
    pieces: list[tuple[str | None, int, int]] = []
    label, cursor = None, start
    if pattern is not None:
        for match in pattern.finditer(text, start, end):
            pieces.append((label, cursor, match.start()))
            label, cursor = match["label"], match.end()
    pieces.append((label, cursor, end))
    return pieces


def _keep_furniture(
    text: str, header: list, trailer: list, first: int, last: int, reading: Reading
) -> None:
    header_lines = [text[start:end] for start, end, *_ in header if end > start]
    trailer_lines = [text[start:end] for start, end, *_ in trailer if end > start]
    keep_furniture(
        header_lines,
        trailer_lines,
        reading,
        header_lines=[1, first],
        trailer_lines=[last + 2, last + 1 + len(trailer)],
    )


def _clip(text: str, limit: int = 5000) -> str:
    return (
        text if len(text) <= limit else text[:limit] + f" … ({len(text) - limit} more characters)"
    )


def keep_furniture(header: list[str], trailer: list[str], reading: Reading, **where) -> None:
    """Title, date and source from the junk around the turns; the junk itself goes to metadata."""
    for line in header + trailer:
        if source := parse_source(line):
            reading.source_name, reading.source_url = source
            break
    dated = [line for line in header if len(line) <= 150 and find_date(line)]
    plain = [
        line
        for line in header
        if 8 <= len(line) <= 120
        and not _JUNK_LINE.fullmatch(line)
        and not line.endswith((".", ",", ";", ":"))
    ]
    reading.title = reading.title or (dated or plain or [""])[0].strip()
    reading.date_text = "\n".join([reading.title, *header, *trailer])
    stripped = []
    if header:
        stripped.append(
            {
                "where": "before the first turn",
                "lines": where.get("header_lines"),
                "text": _clip("\n".join(header)),
            }
        )
    if trailer:
        stripped.append(
            {
                "where": "after the last turn",
                "lines": where.get("trailer_lines"),
                "text": _clip("\n".join(trailer)),
            }
        )
    if stripped:
        reading.metadata["stripped"] = stripped
