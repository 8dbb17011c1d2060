"""TEI XML (ParlaMint and other TEI corpora): recognised, and refused until it has a reader."""

from __future__ import annotations

from ..units import ParseError, Reading

NAME = "tei"
EXTENSIONS = ()


def sniff(head: str, text: str) -> bool:
    lowered = head.lower()
    return "<tei" in lowered or (lowered.startswith("<?xml") and "tei-c.org" in lowered)


def read(text: str, *, monologue_speaker: str | None = None) -> Reading:
    raise ParseError(
        "TEI XML is not supported yet; export the transcript as plain text or HTML", line=1
    )
