"""TEI XML transcripts, as ParlaMint ships 30 parliaments: `<u who="#id">` utterances of `<seg>`
paragraphs, with `<note>`, `<kinesic>`, `<vocal>`, `<incident>`, `<gap>` and `<head>` for what
nobody says. Pure.

Speakers come from `<listPerson>` when the file has it (forename and surname), else from the
`<note type="speaker">` printed before the utterance, else from the id itself. Notes, agenda
headings and applause become stage passages, in the turn where they happen.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element

from ..units import Chunk, Paragraph, ParseError, Reading, Unit, mapped
from .xmlsafe import keep_front_matter, line_of, local, parse_xml, words

NAME = "tei"
EXTENSIONS = ()
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
STAGE = frozenset({"note", "kinesic", "vocal", "incident", "gap", "head", "desc", "pause"})


def sniff(head: str, text: str) -> bool:
    lowered = head.lower()
    return "<tei" in lowered or (lowered.startswith("<?xml") and "tei-c.org" in lowered)


def _people(root: Element) -> dict[str, str]:
    people = {}
    for person in root.iter():
        if local(person.tag) != "person" or not person.get(XML_ID):
            continue
        name = next((child for child in person if local(child.tag) == "persName"), None)
        if name is None:
            continue
        parts = {local(part.tag): words(part) for part in name}
        full = " ".join(p for p in (parts.get("forename"), parts.get("surname")) if p)
        people[person.get(XML_ID)] = full or words(name)
    return people


def _stage_text(element: Element) -> str:
    text = words(element)
    if not text:
        kind = element.get("reason") or element.get("type") or local(element.tag)
        text = f"[{kind}]"
    return text


class _Builder:
    def __init__(self, people: dict[str, str]):
        self.people = people
        self.reading = Reading(units=[])
        self.pending_label: str | None = None

    def stage(self, element: Element, unit: Unit | None = None) -> None:
        target = unit or Unit(label=None, line=line_of(element))
        paragraph = Paragraph(kind="stage")
        paragraph.chunks.append(Chunk(mapped(_stage_text(element), None)))
        target.paragraphs.append(paragraph)
        if unit is None:
            self.reading.units.append(target)

    def utterance(self, element: Element) -> None:
        who = (element.get("who") or "").lstrip("#")
        label = self.people.get(who) or self.pending_label or who or "UNKNOWN SPEAKER"
        self.pending_label = None
        unit = Unit(label=" ".join(label.split()), line=line_of(element))
        self.reading.units.append(unit)
        for seg in element:
            if local(seg.tag) in STAGE:
                self.stage(seg, unit)
                continue
            self.segment(seg, unit)

    def segment(self, seg: Element, unit: Unit) -> None:
        """A <seg> is a paragraph. A note inside it ("Pedimos <note>(Murmurios.)</note> que…")
        follows the paragraph as a stage passage, so the sentence around it stays whole."""
        pieces, notes = [seg.text or ""], []
        for child in seg:
            if local(child.tag) in STAGE:
                notes.append(child)
            else:
                pieces.append("".join(child.itertext()))
            pieces.append(child.tail or "")
        text = " ".join("".join(pieces).split())
        if text:
            unit.new_paragraph().chunks.append(Chunk(mapped(text, None)))
        for note in notes:
            self.stage(note, unit)

    def walk(self, element: Element) -> None:
        for child in element:
            tag = local(child.tag)
            if tag == "u":
                self.utterance(child)
            elif tag == "note" and child.get("type") == "speaker":
                self.pending_label = words(child).rstrip(":").strip() or None
            elif tag in STAGE:
                self.stage(child)
            else:
                self.walk(child)


def read(text: str, *, monologue_speaker: str | None = None) -> Reading:
    root = parse_xml(text)
    if local(root.tag) not in {"TEI", "teiCorpus"}:
        raise ParseError(f"expected a TEI document, found <{local(root.tag)}>", line=1)
    body = next((e for e in root.iter() if local(e.tag) == "body"), None)
    builder = _Builder(_people(root))
    if body is not None:
        builder.walk(body)
    reading = builder.reading
    reading.offsets_valid = False
    keep_front_matter(reading)
    if not any(unit.label for unit in reading.units):
        raise ParseError("no utterances (<u who=…>) in this TEI document", line=1)
    for element in root.iter():
        tag = local(element.tag)
        if tag == "title" and not reading.title:
            reading.title = words(element)
        elif tag == "date" and not reading.date_text:
            reading.date_text = element.get("when") or words(element)
    reading.metadata["speaker_ids"] = {label: who for who, label in builder.people.items() if label}
    return reading
