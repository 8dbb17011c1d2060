"""Court reporter's pages: a line number (1–25) down the margin, page numbers, form feeds,
"Q." and "A." for question and answer, headings (EXAMINATION, BY MR. HALE:) as stage notes. Pure.
"""

from __future__ import annotations

import re

from .labels import read_line

_COURT_LINE = re.compile(r"[ \t\f]*\d{1,2}(?:[ \t]+\S|[ \t]*$)")
_MARGIN = re.compile(r"[ \t\f]*\d{1,4}(?:[ \t]+|$)")  # line numbers, and page numbers alone
# "Q.  Where…" or "A    At home": a dot or a wide gap; "A volunteer; you know…" is prose.
_QUESTION_ANSWER = re.compile(r"(?P<label>[QA])(?:\.[ \t]+|[ \t]{2,}|\t)(?=\S)")


SAMPLE_LINES = 4000  # every page of a court transcript is numbered: its start tells


def court_pages(text: str, lines: list[tuple[int, int]]) -> bool:
    """Whether most lines carry a court reporter's margin line number (1–25 on each page)."""
    sample = lines[:SAMPLE_LINES]
    nonblank = [
        (start, end) for start, end in sample if end > start and not text[start:end].isspace()
    ]
    numbered = sum(bool(_COURT_LINE.match(text, start, end)) for start, end in nonblank)
    return len(nonblank) >= 10 and numbered >= 0.5 * len(nonblank)


def court_line(text: str, start: int, end: int):
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
