"""ParlParse / TheyWorkForYou XML: `<speech speakername="…" time="…">` of `<p>` paragraphs,
headings and speeches with `nospeaker="true"` for procedure, an internal DTD of HTML entities,
often ISO-8859-1. Pure.

Times ("14:31:00") become seconds since midnight on the turn. Headings, divisions and speeches
without a speaker are stage passages: what the record says happened, not what anyone said.
"""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element

from ..units import Chunk, Paragraph, ParseError, Reading, Unit, mapped
from .xmlsafe import keep_front_matter, line_of, local, parse_xml, words

NAME = "parlparse"
EXTENSIONS = ()
ROOTS = ("publicwhip", "debates", "wrans", "westminhall", "lordsdebates")
_ROOT = re.compile(rf"<(?:{'|'.join(ROOTS)})[\s>]")
_CLOCK = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?")
STAGE = frozenset({"major-heading", "minor-heading", "oral-heading", "division", "heading"})


def sniff(head: str, text: str) -> bool:
    return head.startswith(("<?xml", "<!DOCTYPE", "<publicwhip")) and bool(_ROOT.search(head))


def _seconds(value: str | None) -> float | None:
    match = _CLOCK.fullmatch((value or "").strip())
    if not match:
        return None
    hours, minutes, secs = (int(part or 0) for part in match.groups())
    return hours * 3600 + minutes * 60 + secs


def _stage(element: Element) -> Unit:
    unit = Unit(label=None, line=line_of(element))
    paragraph = Paragraph(kind="stage")
    paragraph.chunks.append(Chunk(mapped(words(element), None)))
    unit.paragraphs.append(paragraph)
    return unit


def _speech(element: Element) -> Unit:
    label = " ".join((element.get("speakername") or "").split())
    nobody = element.get("nospeaker") == "true" or not label
    time = _seconds(element.get("time"))
    unit = Unit(label=None if nobody else label, line=line_of(element), start_time=time)
    paragraphs = [child for child in element if local(child.tag) == "p"] or [element]
    for paragraph in paragraphs:
        text = words(paragraph)
        if text:
            kind = "stage" if nobody or paragraph.get("class") == "italic" else None
            target = Paragraph(kind=kind)
            target.chunks.append(Chunk(mapped(text, None), time))
            unit.paragraphs.append(target)
    return unit


def read(text: str, *, monologue_speaker: str | None = None) -> Reading:
    root = parse_xml(text)
    if local(root.tag) not in ROOTS:
        raise ParseError(f"expected ParlParse XML, found <{local(root.tag)}>", line=1)
    reading = Reading(units=[], offsets_valid=False, source_name="ParlParse")
    for element in root:
        tag = local(element.tag)
        if tag == "speech":
            reading.units.append(_speech(element))
        elif tag in STAGE and words(element):
            reading.units.append(_stage(element))
            if tag == "major-heading" and not reading.title:
                reading.title = words(element)
    if not any(unit.label for unit in reading.units):
        raise ParseError("no speeches with a speakername in this ParlParse XML", line=1)
    keep_front_matter(reading)
    first_id = next((e.get("id") for e in root if e.get("id")), "") or ""
    reading.date_text = " ".join(re.findall(r"\d{4}-\d{2}-\d{2}", first_id)[:1])
    return reading
