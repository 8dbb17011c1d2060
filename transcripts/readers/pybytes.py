"""An HTML page saved as a Python bytes literal (b'<div …>\\n\\t…'), as scrapers leave them.

The literal is evaluated safely (ast.literal_eval) and the HTML inside is read by `markup`.
Source offsets cannot be kept: the escapes make the file and the page differ.
"""

from __future__ import annotations

import ast
import re

from ..units import ParseError, Reading
from . import markup

NAME = "pybytes"
EXTENSIONS = ()
_START = re.compile(r"b['\"]")


def sniff(head: str, text: str) -> bool:
    return bool(_START.match(head)) and text.rstrip().endswith(head[1]) and "<" in head


def read(text: str, *, monologue_speaker: str | None = None) -> Reading:
    reading = markup.read(unwrap(text), monologue_speaker=monologue_speaker)
    reading.format, reading.offsets_valid = "html", False
    reading.warnings.insert(
        0, "the file held a Python bytes literal (b'…'); read the HTML inside it"
    )
    return reading


def unwrap(text: str) -> str:
    """The HTML inside a page saved as a Python bytes literal (b'<html>…')."""
    try:
        value = ast.literal_eval(text.strip())
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        raise ParseError(
            "looks like a Python bytes literal (b'…') but is not a complete one", line=1
        ) from None
    if not isinstance(value, bytes):
        raise ParseError("looks like a Python literal, not a transcript", line=1)
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return value.decode("cp1252", errors="replace")
