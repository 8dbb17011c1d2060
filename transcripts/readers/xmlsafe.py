"""XML parsed without trusting it: no DTD reaches the parser, no entity is fetched or expanded
by it. Pure.

Parliamentary XML (ParlParse, TheyWorkForYou) declares HTML entities in an internal DTD
(`<!ENTITY pound "&#163;">`). We cut the DTD out and replace each reference ourselves: with the
declared value when it is plain text or character references (so nothing can expand into more
entities: no "billion laughs"), else with the HTML5 entity of that name. The rest goes to
defusedxml with DTDs, entities and external references forbidden.
"""

from __future__ import annotations

import html
import re
from xml.etree.ElementTree import Element, TreeBuilder
from xml.etree.ElementTree import ParseError as XMLSyntaxError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from ..units import ParseError, Reading

_DOCTYPE = re.compile(r"<!DOCTYPE\s[^\[>]*(?:\[(?P<subset>.*?)\]\s*)?>", re.DOTALL)
_ENTITY = re.compile(r"<!ENTITY\s+(?P<name>[\w.-]+)\s+(?P<quote>[\"'])(?P<value>.*?)(?P=quote)\s*>")
_PLAIN_VALUE = re.compile(r"(?:[^&<%]|&#\d{1,7};|&#x[0-9a-fA-F]{1,6};)*")
_REFERENCE = re.compile(r"&(?P<name>[A-Za-z][\w.-]*);")
XML_ENTITIES = frozenset({"amp", "lt", "gt", "quot", "apos"})
MAX_DTD = 100_000


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def without_dtd(text: str) -> str:
    """The document with its DOCTYPE removed and named entities written as characters."""
    doctype = _DOCTYPE.search(text, 0, 5000)
    declared: dict[str, str] = {}
    if doctype:
        subset = doctype["subset"] or ""
        if len(subset) > MAX_DTD:
            raise ParseError("the document type declaration is too long", line=1)
        # An external DTD is never fetched: entities not declared here are looked up as HTML's.
        for entity in _ENTITY.finditer(subset):
            if _PLAIN_VALUE.fullmatch(entity["value"]):
                declared[entity["name"]] = html.unescape(entity["value"])
        # Keep the line count: line numbers in errors must match the file.
        blank = "\n" * doctype.group().count("\n")
        text = text[: doctype.start()] + blank + text[doctype.end() :]

    def replace(match: re.Match) -> str:
        name = match["name"]
        if name in XML_ENTITIES:
            return match.group()
        if name in declared:
            value = declared[name]
        else:
            value = html.unescape(match.group())
            if value == match.group():
                raise ParseError(f"unknown entity &{name};", line=_line(text, match.start()))
        return html.escape(value, quote=False)

    return _REFERENCE.sub(replace, text)


LINE = "{parley}line"


class _LineBuilder(TreeBuilder):
    """Records each element's line in the source (as the attribute LINE), for errors and turns."""

    expat = None

    def start(self, tag, attrs):
        element = super().start(tag, attrs)
        element.set(LINE, self.expat.CurrentLineNumber)
        return element


def line_of(element: Element) -> int:
    return element.get(LINE) or 1


def parse_xml(text: str) -> Element:
    """The root element; any XML trouble is a ParseError with the line."""
    source = without_dtd(text)
    source = re.sub(r"^\s*<\?xml[^>]*\?>", lambda m: " " * len(m.group()), source, count=1)
    builder = _LineBuilder()
    parser = DefusedXMLParser(target=builder, forbid_dtd=True, forbid_entities=True)
    builder.expat = parser.parser
    try:
        parser.feed(source)
        return parser.close()
    except XMLSyntaxError as error:
        line = error.position[0] if error.position else None
        raise ParseError(f"malformed XML ({str(error).split(':')[0]})", line=line) from None
    except DefusedXmlException as error:
        raise ParseError(f"refused XML: {type(error).__name__}", line=1) from None


def local(tag) -> str:
    """A tag without its namespace: "{http://www.tei-c.org/ns/1.0}u" → "u"."""
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def words(element: Element) -> str:
    return " ".join("".join(element.itertext()).split())


def keep_front_matter(reading: Reading) -> None:
    """Notes and headings before the first speaker go to the metadata, as the text reader does."""
    front = []
    for unit in reading.units:
        if unit.label:
            break
        front += [c.text.text for p in unit.paragraphs for c in p.chunks]
    if front:
        stripped = {"where": "before the first turn", "lines": None, "text": "\n".join(front)}
        reading.metadata.setdefault("stripped", []).append(stripped)
