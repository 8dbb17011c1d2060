"""Plain-text transcripts: speaker labels, hard-wrapped lines, paragraphs, and the junk around them.

Reads "NAME: text" transcripts as they come from web pages, PDFs and datasets: one turn per line
(debate datasets), hard-wrapped pages (the seed), blank-line paragraphs (parliament records), and
"Full Name: (mm:ss)" blocks with the text below (Rev). Everything before the first label and
after the last turn that looks like page furniture is kept as metadata, never as speech.
"""

from __future__ import annotations

import re

from ..languages import PROCEDURE_ANY as PROCEDURE
from ..metadata import SOURCE_LINE, find_date, parse_source
from ..units import Chunk, Paragraph, ParseError, Reading, Unit, mapped, words

NAME = "text"
EXTENSIONS = ()  # a .txt may hold HTML or JSON: the content decides
LINE_BREAK = re.compile(r"\r\n|\r|\n")
_TIME = r"(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?"
_LEADING_TIME = re.compile(rf"[\[(]?(?P<time>{_TIME})[\])]?[ \t]+")
# Markdown bold around a label ("**Jane Doe:**", "**Q**:") is common in pasted transcripts.
_LABEL = re.compile(
    r"(?P<bold>\*\*|__)?(?P<label>[^:\s*_][^:\n*]{0,79}?)[ \t]*(?:\*\*|__)?:(?:\*\*|__)?(?=\s|$)"
)
_AFTER_TIME = re.compile(rf"[ \t]*[\[(](?P<time>{_TIME})[\])]")
_PREFIX = re.compile(
    r"(?:(?:O|A|El|La|Os|As|Los|Las)\s+)?(?:señor|señora|señores|señoras|señorita|senhor|senhora)\s+"
    r"|(?:Mr|Mrs|Ms|Mx|Dr|Sr|Sra|Prof|Hon|Rep|Sen|Gov|Gen|Lt|Col|Capt|Adm|Rev)\.?\s+",
    re.IGNORECASE,
)
_SUFFIX = re.compile(r"\s*\([^()]{1,60}\)$|,\s*(?:Jr|Sr)\.?$|,\s*(?:II|III|IV)$")
_CAPS_TOKEN = re.compile(r"[^\W\d_][\w.'’&/-]*,?|\d+|&|-")
_NAME_TOKEN = re.compile(r"[^\W\d_][\w'’.-]*|[A-Z]\.|\d+")
PARTICLES = words("de da das do dos del della der den van von la le du di bin al y e")
# Cover-page and page-furniture headings that look like labels ("PRESENT:", "Source:").
HEADING_LINES = (
    "present, also present, members present, staff present, appearances, index, contents",
    "table of contents, exhibits, exhibit, witnesses, witness list, note, notes, editor's note",
    "source, sources, subject, date, time, place, location, venue, re, to, from, cc, bcc, url",
    "link, tags, topics, keywords, updated, posted, published, title, author, by, copyright, page",
    "warning, transcript, transcription, summary, agenda, attendees, participants, panelists",
    "speakers, guests, category, filed under, related, share, email, print, tel, phone, fax",
    "website, web, http, https, caption, photo, image, video, audio, disclaimer, correction",
    "update, background, description, abstract, language, languages, duration, recorded, format",
    "transcribed by, transcriber, edited by",
)
HEADINGS = frozenset(phrase.strip() for line in HEADING_LINES for phrase in line.split(","))
_HEADING_WORDS = frozenset(" ".join(HEADINGS).split()) - {"chair", "witness", "by"}
_DAYS_MONTHS = words(
    "monday tuesday wednesday thursday friday saturday sunday january february march april may "
    "june july august september october november december"
)
_JUNK_LINE = re.compile(
    r"(?:back to|return to|top of|go to|skip to|print|share|e-?mail|posted|updated|related|tags?|"
    r"follow us|subscribe|home(?: page)?|contact|privacy|terms|copyright|all rights reserved|"
    r"end of (?:transcript|document)|end)\b.*|#{3}.*|(?:#\s){2}#.*|[-=_*~\s]+|©.*|https?://\S+|"
    r"www\.\S+|.*\|.*|\W*|page \d+(?: of \d+)?",
    re.IGNORECASE,
)
_TERMINAL = tuple('.?!…"”’):;-—')
_FIRST_WORD = re.compile(r"\S+")
_WORD_CHAR = re.compile(r"[^\W_]")
_SENTENCE_END = re.compile(r"[.?!…](?:\s|$)")
_COURT_LINE = re.compile(r"[ \t\f]*\d{1,2}(?:[ \t]+\S|[ \t]*$)")
_MARGIN = re.compile(r"[ \t\f]*\d{1,4}(?:[ \t]+|$)")  # line numbers, and page numbers alone
# "Q.  Where…" or "A    At home": a dot or a wide gap; "A volunteer; you know…" is prose.
_QUESTION_ANSWER = re.compile(r"(?P<label>[QA])(?:\.[ \t]+|[ \t]{2,}|\t)(?=\S)")


def split_lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of each line, line breaks (\\r\\n, \\r or \\n) excluded."""
    lines, position = [], 0
    for match in LINE_BREAK.finditer(text):
        lines.append((position, match.start()))
        position = match.end()
    lines.append((position, len(text)))
    return lines


def seconds(value: str) -> float:
    parts = value.replace(",", ".").split(":")
    total = 0.0
    for part in parts:
        total = total * 60 + float(part)
    return total


def _is_heading(core: str) -> bool:
    lowered = core.lower().rstrip(".")
    words = lowered.split()
    return (
        lowered in HEADINGS
        or (len(words) <= 3 and all(word in _HEADING_WORDS for word in words))
        or words[-1] in {"present", "absent", "attendance"}
        or words[0]
        in {"page", "exhibit", "item", "step", "section", "chapter", "part", "appendix", "by"}
        or words[0] in _DAYS_MONTHS
    )


def _upper(token: str) -> bool:
    """Capitals, allowing the small letters of "McNALLY", "MacDONALD", "DeSANTIS"."""
    lower = sum(ch.islower() for ch in token)
    return lower == 0 or (lower <= 2 and sum(ch.isupper() for ch in token) >= 3 + lower)


def label_kind(label: str) -> str | None:
    """ "caps" for "FOREIGN MINISTER LAVROV", "name" for "Chris Wallace", None for anything else."""
    core = _SUFFIX.sub("", _PREFIX.sub("", label, count=1)).strip()
    tokens = core.split()
    if not tokens or len(tokens) > 10 or _is_heading(core):
        return None
    if all(_CAPS_TOKEN.fullmatch(token) and _upper(token) for token in tokens):
        return "caps" if tokens[0][0].isalpha() else None
    if len(tokens) > 6 or not tokens[0][0].isupper() or "," in core:
        return None
    for token in tokens:
        if not _NAME_TOKEN.fullmatch(token):
            return None
        if not token[0].isupper() and token not in PARTICLES and not token.isdigit():
            return None
    return "name"


def read_line(text: str, start: int, end: int):
    """(content_start, content_end, label, kind, body_start, time) for one line."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    # Most lines of a wrapped transcript have no colon within a label's reach: skip the regexes.
    if start == end or text.find(":", start, min(end, start + 110)) < 0:
        return (start, end, None, None, start, None)
    position, time = start, None
    leading = _LEADING_TIME.match(text, start, end)
    if leading:
        position = leading.end()
    match = _LABEL.match(text, position, end)
    if not match or not (kind := label_kind(match["label"])):
        return (start, end, None, None, start, None)
    if leading:
        time = seconds(leading["time"])
    body = match.end()
    after = _AFTER_TIME.match(text, body, end)
    if after:
        time, body = seconds(after["time"]), after.end()
    while body < end and text[body].isspace():
        body += 1
    return (start, end, " ".join(match["label"].split()), kind, body, time)


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
    text: str, *, monologue_speaker: str | None = None, headings: frozenset[int] = frozenset()
) -> Reading:
    """`headings`: 0-based lines never read as labels (a Markdown "# Episode 4: Rivers")."""
    lines = split_lines(text)
    infos = [read_line(text, start, end) for start, end in lines]
    for index in headings:
        infos[index] = (*infos[index][:2], None, None, infos[index][0], None)
    reading = Reading(units=[])
    court = _court_pages(text, infos)
    if court:
        infos = [_court_line(text, start, end) for start, end in lines]
        reading.warnings.append("read as court reporter's pages: line and page numbers left out")
    _drop_unlikely_name_labels(text, infos)
    _drop_odd_name_labels(infos)
    _drop_cover_labels(text, infos)
    labelled = [index for index, info in enumerate(infos) if info[2]]
    if not labelled:
        if not monologue_speaker:
            raise ParseError(
                "no speaker labels found (expected lines like 'NAME: text'); "
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
        if start == end or not label and not _has_word(text, start, end):
            pending_break = not court  # court pages are double-spaced: a blank line says nothing
            continue
        if label:
            unit = Unit(label=label, line=index + 1, start_time=time)
            reading.units.append(unit)
            paragraph = unit.new_paragraph()
        else:
            assert unit is not None
            ends = pending_break or width is None or _ends_paragraph(text, previous, start, width)
            current = unit.paragraphs[-1] if unit.paragraphs else None
            paragraph = _paragraph_for(unit, heading=kind == "heading", new=ends)
            started = current is not None and paragraph is not current
            if started and pending_break and _heading_between_turns(text, infos, index, last):
                paragraph.kind = "stage"
            if one_turn_per_line:
                reading.warnings.append(
                    f"line {index + 1}: no speaker label; kept as part of {unit.label}'s turn"
                )
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
        chunk = paragraph.chunks[-1].text
        chunk.add(" ", None)
        chunk.add(text[start:end], start)
    else:
        paragraph.chunks.append(Chunk(mapped(text[start:end], start), unit.start_time))


def _ends_paragraph(text: str, previous, start: int, width: int) -> bool:
    """A short line ending a sentence ends a paragraph, if the next word would have fitted on it."""
    if previous is None:
        return False
    prev_start, prev_end = previous
    if not text[prev_end - 1].endswith(_TERMINAL):
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
    pieces: list[tuple[str | None, int, int]] = []
    label, cursor = None, start
    if pattern is not None:
        for match in pattern.finditer(text, start, end):
            pieces.append((label, cursor, match.start()))
            label, cursor = match["label"], match.end()
    pieces.append((label, cursor, end))
    return pieces


def _drop_unlikely_name_labels(text: str, infos: list) -> None:
    """A "Name:" at a line start counts only after a blank line or a sentence end.

    ALL-CAPS labels are distinctive enough on their own; a capitalised word before a colon at
    the start of a wrapped line ("States: …") is usually the middle of a sentence.
    """
    previous_end = None
    for index, info in enumerate(infos):
        start, end, label, kind = info[:4]
        if start == end:
            previous_end = None
            continue
        if (
            kind == "name"
            and previous_end is not None
            and not text[previous_end - 1].endswith(_TERMINAL)
        ):
            infos[index] = (start, end, None, None, start, None)
        previous_end = end


def _has_word(text: str, start: int, end: int) -> bool:
    return _WORD_CHAR.search(text, start, end) is not None


def _names_only(said: str) -> bool:
    """ "HELEN MARSH, Commissioner": capitalised words, no sentence: a cover page's list."""
    tokens = said.replace(",", " ").split()
    return (
        2 <= len(tokens) <= 60
        and not _SENTENCE_END.search(said)
        and all(token[0].isupper() or token in PARTICLES for token in tokens)
    )


def _drop_cover_labels(text: str, infos: list) -> None:
    """Cover pages ("PRESIDING:", "ROUNDTABLE PARTICIPANTS:" over a list of names) look like
    labels, but each is used once, at the top, and no sentence follows it: front matter."""
    counts: dict[str, int] = {}
    for info in infos:
        if info[2]:
            counts[info[2]] = counts.get(info[2], 0) + 1
    if not any(count > 1 for count in counts.values()):
        return  # no recurring speaker to tell the cover from the speech
    index = 0
    while index < len(infos):
        if not infos[index][2]:
            index += 1
            continue
        following = index + 1
        while following < len(infos) and not infos[following][2]:
            following += 1
        said = " ".join(text[info[4] : info[1]] for info in infos[index:following])
        if counts[infos[index][2]] > 1 or not _names_only(said):
            return
        infos[index] = (infos[index][0], infos[index][1], None, None, infos[index][0], None)
        index = following


def _drop_odd_name_labels(infos: list) -> None:
    """In a transcript labelled in capitals, a one-off "Live Analysis:" is a heading, not a name."""
    kinds = [info[3] for info in infos if info[3]]
    caps = kinds.count("caps")
    if caps < 5 or caps < 0.8 * len(kinds):
        return
    counts: dict[str, int] = {}
    for info in infos:
        if info[3] == "name":
            counts[info[2]] = counts.get(info[2], 0) + 1
    for index, info in enumerate(infos):
        if info[3] == "name" and counts[info[2]] == 1:
            infos[index] = (info[0], info[1], None, None, info[0], None)


def _court_pages(text: str, infos: list) -> bool:
    """Whether most lines carry a court reporter's margin line number (1–25 on each page)."""
    nonblank = [info for info in infos if info[1] > info[0]]
    numbered = sum(bool(_COURT_LINE.match(text, info[0], info[1])) for info in nonblank)
    return len(nonblank) >= 10 and numbered >= 0.5 * len(nonblank)


def _court_line(text: str, start: int, end: int):
    """read_line() for a court reporter's line: margin number dropped, "Q." and "A." as labels."""
    margin = _MARGIN.match(text, start, end)
    if margin:
        start = margin.end()
    info = read_line(text, start, end)
    content_start, content_end = info[:2]
    if info[2] or content_start == content_end:
        return info
    question = _QUESTION_ANSWER.match(text, content_start, content_end)
    if question:
        return (content_start, content_end, question["label"], "caps", question.end(), None)
    line = text[content_start:content_end]
    if line.upper() == line and any(ch.isalpha() for ch in line):  # "EXAMINATION", "BY MR. HALE:"
        return (content_start, content_end, None, "heading", content_start, None)
    return info


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
