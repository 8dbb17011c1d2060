"""The format readers, one module per format, and the registry that picks one for a file.

A reader module has `NAME`, `EXTENSIONS` and `read(text, *, monologue_speaker=None) -> Reading`,
plus `sniff(head, text)` when its content says for certain what it is (WEBVTT, an SRT cue, a
TEI root), or `looks_like(text)` for a weaker guess that only counts when the file's extension
says nothing. A new format is one module here and one line in `READERS`.
"""

from __future__ import annotations

import re

from ..units import ParseError
from . import jsondata, markdown, markup, parlparse, plaintext, pybytes, srt, tabular, tei, vtt

# In the order they are asked: certain signatures first, then the file extension, then guesses.
READERS = (vtt, srt, tei, parlparse, pybytes, jsondata, markup, markdown, tabular, plaintext)
BY_NAME = {reader.NAME: reader for reader in READERS}
# pybytes is a wrapper found by its shape, not a format one picks.
FORMATS = tuple(reader.NAME for reader in READERS if reader is not pybytes)

# A brat standoff line: "T1<TAB>Claim 120 178<TAB>text". Annotations, not a transcript.
_BRAT_LINE = re.compile(r"T\d+\t\S+ \d+ \d+")


def detect_format(text: str, filename: str = "") -> str:
    """The NAME of the reader for this text, or "brat" for annotations we refuse."""
    head = text.lstrip("\ufeff \t\r\n")[:2000]
    if filename.lower().endswith(".ann") or _BRAT_LINE.match(head):
        return "brat"
    extension = "." + filename.lower().rsplit(".", 1)[-1] if "." in filename else ""
    for reader in READERS:
        if hasattr(reader, "sniff") and reader.sniff(head, text):
            return reader.NAME
    for reader in READERS:
        if extension in reader.EXTENSIONS:
            return reader.NAME
    for reader in READERS:
        if hasattr(reader, "looks_like") and reader.looks_like(text):
            return reader.NAME
    return plaintext.NAME


def reader_for(name: str):
    if name == "brat":
        raise ParseError(
            "this is a brat standoff annotation file (.ann), not a transcript: import the .txt "
            "beside it as the transcript, then bring the annotations in with "
            "`manage.py import_annotations FILE.ann --project SLUG`",
            line=1,
        )
    if name not in BY_NAME:
        raise ParseError(f"unknown format {name!r}; use one of {', '.join(('auto', *FORMATS))}")
    return BY_NAME[name]
