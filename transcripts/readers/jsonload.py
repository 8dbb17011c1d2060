"""Loading JSON that may be hostile, and reading its values by the type we expect. Pure.

`json.loads` raises RecursionError on deep nesting and ValueError on integers past Python's
digit limit; both become a ParseError naming the line. A field holding an object or a list
where a string belongs is refused with the item and the line, never turned into "{'a': 1}".
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right

from ..units import MappedText, ParseError, mapped
from .fields import kind_of
from .labels import split_lines

_LONG_NUMBER = re.compile(r"-?\d{4000,}")


def _line_at(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _deepest(text: str) -> int:
    """Offset where bracket nesting first gets deeper than json can recurse (strings skipped)."""
    depth, in_string, escaped = 0, False, False
    for offset, char in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > 500:
                return offset
        elif char in "]}":
            depth -= 1
    return 0


def loads(text: str, *, base_line: int = 1):
    """json.loads, every failure a ParseError with the line (base_line: where text starts)."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise
    except RecursionError:
        line = _line_at(text, _deepest(text)) + base_line - 1
        raise ParseError("the JSON is nested too deeply to read", line=line) from None
    except ValueError:  # int() past sys.get_int_max_str_digits()
        match = _LONG_NUMBER.search(text)
        line = (_line_at(text, match.start()) if match else 1) + base_line - 1
        raise ParseError("the JSON holds a number too long to read", line=line) from None


def load_document(text: str):
    """A JSON document, or JSON Lines (ConvoKit's utterances.jsonl) as a list of its values."""
    try:
        return loads(text)
    except json.JSONDecodeError as error:
        if error.msg != "Extra data":
            raise ParseError(
                f"malformed JSON: {error.msg} (column {error.colno})", line=error.lineno
            ) from None
    items = []
    for number, (start, end) in enumerate(split_lines(text), start=1):
        if text[start:end].strip():
            try:
                items.append(loads(text[start:end], base_line=number))
            except json.JSONDecodeError as error:
                raise ParseError(
                    f"malformed JSON line: {error.msg} (column {error.colno})", line=number
                ) from None
    return items


def string(item: dict, key: str, *, where: str, line: int | None, numbers: bool = False):
    """item[key] as a string, None when absent or null; anything else is refused."""
    value = item.get(key)
    if value is None or isinstance(value, str):
        return value
    if numbers and isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise ParseError(f'{where}: "{key}" must be a string, not {kind_of(value)}', line=line)


class Locator:
    """Finds where a JSON string value sits in the file, for line numbers and source offsets."""

    def __init__(self, text: str):
        self.text = text
        self.cursor = 0
        self.line_starts = [start for start, _ in split_lines(text)]

    def line_of(self, offset: int) -> int:
        return bisect_right(self.line_starts, offset)

    @property
    def line(self) -> int:
        return self.line_of(self.cursor)

    def find(self, value: str) -> tuple[MappedText, int]:
        needle = json.dumps(value, ensure_ascii=False)
        position = self.text.find(needle, self.cursor)
        if position < 0:
            needle = json.dumps(value)
            position = self.text.find(needle, self.cursor)
        if position < 0:
            return mapped(value, None), self.line
        self.cursor = position + len(needle)
        exact = needle[1:-1] == value
        return mapped(value, position + 1 if exact else None), self.line_of(position)
