"""Markdown transcripts (podcast show notes, wikis): `**Full Name:** text`, continuation
paragraphs without a label, escaped timestamps `\\[04:05\\]`, notes `\\[laughter\\]`, section
breaks `**Break**: \\[17:04\\]`. Pure.

The Markdown is reduced to plain text line by line (the line count kept, so errors and turns
point at the file), then read by `plaintext`. A timestamp right after a label becomes the turn's
time; others are dropped from the speech; a label that says nothing but a time is a section
break, kept as a stage note. Source offsets are not kept: the escapes make the file and the text
differ.
"""

from __future__ import annotations

import re

from ..units import Reading
from . import plaintext
from .labels import LINE_BREAK

NAME = "markdown"
EXTENSIONS = (".md", ".markdown")
LEARNS_SPEAKER_PATTERN = True  # parse_transcript(speaker_pattern=…) may force a shape
_BOLD_LABEL = re.compile(r"^\s*(?:\*\*|__)[^*_\n]{1,80}(?::(?:\*\*|__)|(?:\*\*|__):)", re.MULTILINE)
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>|~])")
_EMPHASIS = re.compile(r"(?<![\w*])(\*{1,3}|_{1,3})(?=\S)(.+?)(?<=\S)\1(?![\w*])")
_LINK = re.compile(r"!?\[([^\]\n]*)\]\([^)\s]*\)")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_QUOTE = re.compile(r"^\s{0,3}>\s?")
_TIME = r"\d{1,2}:\d{2}(?::\d{2})?"
_STAMP = re.compile(rf"\s*\[{_TIME}\]")
_LABEL_THEN_STAMP = re.compile(rf"^(?P<label>[^:\n]{{1,80}}:)\s*\[(?P<time>{_TIME})\]")
_ONLY_STAMP = re.compile(rf"^(?P<label>[^:\n]{{1,80}}):\s*\[(?P<time>{_TIME})\]\s*$")


def looks_like(text: str) -> bool:
    return len(_BOLD_LABEL.findall(text[:50_000])) >= 3


def plain_line(line: str) -> str:
    line = _QUOTE.sub("", _HEADING.sub("", line))
    line = _LINK.sub(r"\1", line)
    for _ in range(2):  # nested emphasis: ***a*** or **_a_**
        line = _EMPHASIS.sub(r"\2", line)
    line = _ESCAPE.sub(r"\1", line).strip()
    if brk := _ONLY_STAMP.match(line):  # "Break: [17:04]": a section break, nobody speaks
        return f"[{brk['label'].strip()} {brk['time']}]"
    kept = _LABEL_THEN_STAMP.match(line)
    head = f"{kept['label']} [{kept['time']}]" if kept else ""
    rest = line[kept.end() :] if kept else line
    return (head + _STAMP.sub("", rest)).strip() if kept else _STAMP.sub("", rest).strip()


def read(text: str, **options) -> Reading:
    """plaintext.read() on the text without its Markdown; options are plaintext.read()'s."""
    raw = LINE_BREAK.split(text)
    headings = frozenset(index for index, line in enumerate(raw) if _HEADING.match(line))
    lines = [plain_line(line) for line in raw]
    reading = plaintext.read("\n".join(lines), headings=headings, **options)
    reading.format, reading.offsets_valid = NAME, False
    return reading
