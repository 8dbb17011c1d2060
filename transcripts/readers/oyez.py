"""Oyez oral arguments (JSON): `transcript.sections[].turns[]`, speaker objects, text blocks.

Not in the registry: the JSON reader hands a document over when `recognise` says it is one.
Every value is checked for its type, since a scraped file may hold anything anywhere.
"""

from __future__ import annotations

from ..units import Chunk, ParseError, Reading, Unit
from .fields import kind_of, time_value
from .jsonload import Locator, string


def recognise(data) -> bool:
    return (
        isinstance(data, dict)
        and isinstance(data.get("transcript"), dict)
        and "sections" in data["transcript"]
    )


def _objects(value, what: str, line: int) -> list[dict]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise ParseError(f'Oyez JSON: "{what}" must be a list of objects', line=line)
    return value


def read(data: dict, locator: Locator) -> Reading:
    transcript = data["transcript"]
    case = string(transcript, "title", where="the transcript", line=1) or ""
    hearing = string(data, "title", where="the document", line=1) or ""
    reading = Reading(
        units=[],
        title=" — ".join(
            part for part in (hearing, case.title() if case.isupper() else case) if part
        ),
    )
    reading.date_text, reading.source_name = hearing, "Oyez"
    roles: dict[str, str] = {}
    for section in _objects(transcript.get("sections"), "sections", 1):
        for turn in _objects(section.get("turns"), "turns", locator.line):
            speaker = turn.get("speaker") or {}
            if not isinstance(speaker, dict):
                raise ParseError(
                    f'Oyez JSON: a turn\'s "speaker" must be an object, not {kind_of(speaker)}',
                    line=locator.line,
                )
            name = string(speaker, "name", where="a speaker", line=locator.line) or ""
            label = " ".join(name.split()) or "UNKNOWN SPEAKER"
            if name:
                roles.setdefault(label, court_role(speaker.get("roles")))
            where = f"{label}'s turn"
            unit = Unit(
                label=label,
                line=locator.line,
                start_time=time_value(turn.get("start"), where, locator.line),
                end_time=time_value(turn.get("stop"), where, locator.line),
            )
            for block in _objects(turn.get("text_blocks"), "text_blocks", locator.line):
                words = string(block, "text", where="a text block", line=locator.line)
                if not words or not words.strip():
                    continue
                body, line = locator.find(words)
                if not unit.paragraphs:
                    unit.line = line
                start = time_value(block.get("start"), where, line)
                end = time_value(block.get("stop"), where, line)
                unit.new_paragraph().chunks.append(Chunk(body, start, end))
            reading.units.append(unit)
    reading.metadata["roles"] = roles
    return reading


def court_role(roles) -> str:
    """A justice's title from their Oyez roles ("Chief Justice" of "Chief Justice of the United
    States"); a speaker Oyez lists without a role is one of the advocates."""
    if not isinstance(roles, list) or not roles:
        return "Advocate"
    for role in roles:
        if isinstance(role, dict) and "justice" in str(role.get("type", "")):
            title = role.get("role_title")
            if not isinstance(title, str) or not title.strip():
                return "Justice"
            return " ".join(title.split()).split(" of the ")[0][:200]
    return "Advocate"
