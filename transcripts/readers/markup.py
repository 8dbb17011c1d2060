"""HTML transcripts: main content only, <p>/<br> as paragraph boundaries, labels in <b>/<strong>.

Uses the standard library's html.parser with `convert_charrefs=False`, so every character of
text keeps its offset in the page (brat-style annotations on the HTML still map) and only the
HTML5 named and numeric character references are expanded: no DTDs, no external entities, no
fetching. Script, style, navigation, header, footer and forms are dropped; when the page marks
its content with <main> or <article>, only that is read.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from ..units import Chunk, MappedText, ParseError, Reading, Unit, words
from .labels import label_kind, read_line
from .plaintext import is_junk, keep_furniture, midline_pattern, split_midline

SKIP = words(
    "script style nav header footer aside noscript template form select button svg iframe head "
    "menu object canvas audio video math title"
)
BLOCK = words(
    "p div br li ul ol h1 h2 h3 h4 h5 h6 tr table blockquote section article main dd dt dl pre hr "
    "td th figure figcaption address center body html tbody thead"
)
NAME = "html"
EXTENSIONS = (".html", ".htm", ".xhtml")
TAGS = re.compile(r"<(?:!doctype html|html|body|p|br|div|strong|b|font|span)\b", re.IGNORECASE)
BOLD = frozenset({"b", "strong"})
_COLLAPSE = re.compile(r"\s{2,}|[^\S ]")


def looks_like(text: str) -> bool:
    return len(TAGS.findall(text[:20000])) >= 3


class _Block:
    __slots__ = ("text", "bold", "main", "line", "trailing_space")

    def __init__(self, line: int, main: bool):
        self.text = MappedText()
        self.bold: list[tuple[int, int]] = []  # spans of self.text inside <b>/<strong>
        self.main = main
        self.line = line
        self.trailing_space = True  # leading whitespace of a block is dropped


class _PageReader(HTMLParser):
    def __init__(self, source: str):
        super().__init__(convert_charrefs=False)
        self.source = source
        self.line_starts = [0] + [match.end() for match in re.finditer("\n", source)]
        self.skip: list[str] = []
        self.main_depth = 0
        self.bold_start: int | None = None
        self.bold_depth = 0
        self.blocks: list[_Block] = []
        self.block = _Block(1, False)
        self.title_parts: list[str] = []
        self.heading = ""
        self._capture: str | None = None

    def source_offset(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def handle_starttag(self, tag, attrs):
        if tag == "title" or (tag == "h1" and not self.skip):
            self._capture = tag
        if tag in SKIP:
            self.skip.append(tag)
            return
        if tag in ("main", "article") or dict(attrs).get("role") == "main":
            self.main_depth += 1
        if tag in BLOCK:
            self.flush()
        if tag in BOLD:
            self.bold_depth += 1
            if self.bold_depth == 1:
                self.bold_start = self.block.text.length

    def handle_startendtag(self, tag, attrs):
        if tag in BLOCK:
            self.flush()

    def handle_endtag(self, tag):
        if self.skip:
            if tag in self.skip:
                while self.skip and self.skip.pop() != tag:
                    pass
            if tag == self._capture:
                self._capture = None
            return
        if tag == self._capture:
            self._capture = None
        if tag in BOLD and self.bold_depth:
            self.bold_depth -= 1
            if self.bold_depth == 0 and self.bold_start is not None:
                self.block.bold.append((self.bold_start, self.block.text.length))
                self.bold_start = None
        if tag in BLOCK:
            self.flush()
        if tag in ("main", "article") and self.main_depth:
            self.main_depth -= 1

    def handle_data(self, data):
        if self._capture:
            captured = " ".join(data.split())
            if self._capture == "title":
                self.title_parts.append(data)
            else:
                self.heading = (self.heading + " " + captured).strip()
        if self.skip:
            return
        start = self.source_offset()
        block = self.block
        position = 0
        if block.trailing_space:  # collapse into the space already there
            position = len(data) - len(data.lstrip())
        # Single spaces stay inside exact pieces; only runs and other whitespace are collapsed.
        for match in _COLLAPSE.finditer(data, position):
            block.text.add(data[position : match.start()], start + position)
            if match.start() > position or not block.trailing_space:
                block.text.add(" ", start + match.start(), exact=False, src_end=start + match.end())
            block.trailing_space = True
            position = match.end()
        if position < len(data):
            block.text.add(data[position:], start + position)
            block.trailing_space = data[-1] == " "

    def _reference(self, raw: str, expanded: str) -> None:
        if self._capture == "title":
            self.title_parts.append(expanded)
        if self.skip:
            return
        start = self.source_offset()
        if self.source.startswith(raw + ";", start):
            raw += ";"
        if expanded.isspace():
            if not self.block.trailing_space:
                self.block.text.add(" ", start, exact=False, src_end=start + len(raw))
                self.block.trailing_space = True
            return
        self.block.text.add(expanded, start, exact=expanded == raw, src_end=start + len(raw))
        self.block.trailing_space = False

    def handle_entityref(self, name):
        raw = f"&{name}"
        self._reference(raw, html.unescape(raw + ";"))

    def handle_charref(self, name):
        raw = f"&#{name}"
        self._reference(raw, html.unescape(raw + ";"))

    def flush(self):
        if self.bold_depth and self.bold_start is not None:
            self.block.bold.append((self.bold_start, self.block.text.length))
            self.bold_start = self.block.text.length if self.bold_depth else None
        if self.block.text.text.strip():
            self.blocks.append(self.block)
        self.block = _Block(self.getpos()[0], self.main_depth > 0)
        if self.bold_depth:
            self.bold_start = 0


def _bold_label(block: _Block) -> tuple[str, int] | None:
    """("Mr. LIMAN", body offset) for "<strong>Mr. LIMAN</strong>: …", colon inside or after."""
    if not block.bold:
        return None
    text = block.text.text
    start, end = block.bold[0]
    if text[:start].strip():
        return None
    label = text[start:end].strip()
    position = end
    if label.endswith(":"):
        label = label[:-1].rstrip()
    else:
        while position < len(text) and text[position] == " ":
            position += 1
        if not text.startswith(":", position):
            return None
        position += 1
    words = label.split()
    if (
        not words
        or len(words) > 8
        or len(label) > 80
        or label[-1] in ".,;!?"
        and not label.endswith("Jr.")
    ):
        return None
    if label_kind(label) is None and not any(ch.isupper() for ch in label[:1]):
        return None
    return " ".join(words), position


def read(source: str, *, monologue_speaker: str | None = None) -> Reading:
    reader = _PageReader(source)
    try:
        reader.feed(source)
        reader.close()
    except (AssertionError, ValueError) as error:  # html.parser gives up on some broken markup
        raise ParseError(f"cannot read this HTML ({error})", line=reader.getpos()[0]) from None
    reader.flush()
    blocks = reader.blocks
    if any(block.main for block in blocks):
        blocks = [block for block in blocks if block.main]
    labelled = []
    for block in blocks:
        text = block.text.text
        found = _bold_label(block)
        if found:
            label, body = found
        else:
            _, _, label, _, body, _ = read_line(text, 0, len(text))
        labelled.append((block, label, body))
    reading = Reading(
        units=[], title=" ".join("".join(reader.title_parts).split()) or reader.heading
    )
    indexes = [index for index, (_, label, _) in enumerate(labelled) if label]
    if not indexes:
        if not monologue_speaker:
            raise ParseError(
                "no speaker labels found (expected 'NAME:' at the start of paragraphs, or in "
                "bold); import it as one speaker's monologue instead",
                code=ParseError.NO_SPEAKERS,
            )
        first, last = 0, len(labelled) - 1
        unit = Unit(label=monologue_speaker, line=blocks[0].line if blocks else 1)
        reading.units.append(unit)
    else:
        first, last = indexes[0], len(labelled) - 1
        while last > indexes[-1] and is_junk(
            labelled[last][0].text.text.strip(), 0, len(labelled[last][0].text.text.strip())
        ):
            last -= 1
        header = [block.text.text.strip() for block, _, _ in labelled[:first]]
        trailer = [block.text.text.strip() for block, _, _ in labelled[last + 1 :]]
        keep_furniture(header, trailer, reading)
        unit = None
    pattern = midline_pattern({label for _, label, _ in labelled[first : last + 1] if label})
    for block, label, body in labelled[first : last + 1]:
        text = block.text.text
        if label:
            unit = Unit(label=label, line=block.line)
            reading.units.append(unit)
        paragraph = unit.new_paragraph()
        for position, (piece_label, start, end) in enumerate(
            split_midline(text, body, len(text), pattern)
        ):
            if position:
                unit = Unit(label=piece_label, line=block.line)
                reading.units.append(unit)
                paragraph = unit.new_paragraph()
            piece = MappedText()
            piece.extend(block.text, start, end)
            if piece.text.strip():
                paragraph.chunks.append(Chunk(piece))
    return reading
