"""What the format readers hand to the turn builder: labelled units of text that remember where
each character came from in the source. Pure Python; no Django.

A reader turns a file into `Unit`s (one per speaker label, or per unlabelled stage note);
`parsing.build_turns` merges, cleans and segments them. Keeping the source mapping here is what
lets passages carry `source_start`/`source_end`, so standoff annotations (brat) made on the
original file land on the right passage.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field


class ParseError(ValueError):
    """A transcript we cannot import; the message says what and, where known, on which line.

    `code` is "no_speakers" when nobody is labelled, so the preview can offer to import the
    text as one speaker's monologue; "collection" for a JSON file holding many transcripts.
    """

    NO_SPEAKERS = "no_speakers"
    COLLECTION = "collection"  # a JSON file of many transcripts: the command imports each

    def __init__(self, message: str, *, line: int | None = None, code: str = ""):
        super().__init__(f"line {line}: {message}" if line is not None else message)
        self.line = line
        self.reason = message
        self.code = code


class MappedText:
    """A string assembled from pieces, each tied to a source offset.

    A piece is *exact* when its characters are a verbatim copy of the source starting at `src`;
    otherwise (a collapsed space, an expanded entity) it stands for the source range
    `src`..`src_end` as a whole, and `src` is None for inserted separators.
    """

    __slots__ = ("_parts", "_starts", "_maps", "length")

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._starts: list[int] = []  # offset of each piece in the text, for bisect
        self._maps: list[tuple[int | None, int | None, bool]] = []  # (src, src_end, exact)
        self.length = 0

    def add(
        self, text: str, src: int | None, *, exact: bool = True, src_end: int | None = None
    ) -> None:
        if not text:
            return
        exact = exact and src is not None
        self._parts.append(text)
        self._starts.append(self.length)
        self._maps.append((src, src + len(text) if exact else src_end, exact))
        self.length += len(text)

    def join(self, separator: str, text: str, src: int) -> None:
        """add(separator, None) then add(text, src), both non-empty: a wrapped line joined to the
        one before it, in one call (a 19 MB file has 300,000 lines)."""
        length = self.length
        self._parts += (separator, text)
        self._starts += (length, length + len(separator))
        self._maps += ((None, None, False), (src, src + len(text), True))
        self.length = length + len(separator) + len(text)

    def extend(self, other: MappedText, start: int = 0, end: int | None = None) -> None:
        """Append other[start:end], keeping its mapping.

        The pieces wholly inside go over as list slices, with their offsets shifted; only the two
        at the ends may be cut. Piece by piece this was a fifth of parsing a large transcript.
        """
        end = other.length if end is None else end
        if start >= end:
            return
        parts, starts = other._parts, other._starts
        head = max(bisect_right(starts, start) - 1, 0)
        tail = bisect_left(starts, end)  # pieces head..tail-1 overlap [start, end)
        if starts[head] < start or starts[head] + len(parts[head]) > end:
            self._add_cut(other, head, start, end)
            head += 1
        cut_tail = tail > head and starts[tail - 1] + len(parts[tail - 1]) > end
        if cut_tail:
            tail -= 1
        if head < tail:
            shift = self.length - starts[head]
            self._parts += parts[head:tail]
            self._starts += [offset + shift for offset in starts[head:tail]]
            self._maps += other._maps[head:tail]
            self.length += starts[tail - 1] + len(parts[tail - 1]) - starts[head]
        if cut_tail:
            self._add_cut(other, tail, start, end)

    def _add_cut(self, other: MappedText, index: int, start: int, end: int) -> None:
        """The part of other's piece `index` inside [start, end)."""
        part, part_start = other._parts[index], other._starts[index]
        src, src_end, exact = other._maps[index]
        lo = max(start, part_start) - part_start
        hi = min(end, part_start + len(part)) - part_start
        if exact:
            self.add(part[lo:hi], src + lo)
        else:
            self.add(part[lo:hi], src, exact=False, src_end=src_end)

    @property
    def text(self) -> str:
        return "".join(self._parts)

    def source_span(self, start: int, end: int) -> tuple[int | None, int | None]:
        """Source offsets of self.text[start:end]; None where a boundary is an inserted char."""
        if start >= end or end > self.length:
            return None, None
        return self._source_at(start, first=True), self._source_at(end - 1, first=False)

    def _source_at(self, offset: int, *, first: bool) -> int | None:
        index = bisect_right(self._starts, offset) - 1
        src, src_end, exact = self._maps[index]
        if src is None:
            return None
        if exact:
            return src + (offset - self._starts[index]) + (0 if first else 1)
        return src if first else src_end


@dataclass
class Chunk:
    """One stretch of a paragraph: a wrapped line, a subtitle cue, a CSV row, a JSON text block."""

    text: MappedText
    start_time: float | None = None
    end_time: float | None = None


@dataclass
class Paragraph:
    chunks: list[Chunk] = field(default_factory=list)
    # True when each chunk is already a sentence of its own (CSV rows, as datasets ship them).
    hard_breaks: bool = False
    # "stage" for a paragraph nobody speaks (an agenda heading between turns); None: segment it.
    kind: str | None = None


@dataclass
class Unit:
    """What one speaker label introduces; `label` None for a stage note nobody speaks."""

    label: str | None
    line: int
    paragraphs: list[Paragraph] = field(default_factory=list)
    start_time: float | None = None
    end_time: float | None = None

    def new_paragraph(self, *, hard_breaks: bool = False) -> Paragraph:
        paragraph = Paragraph(hard_breaks=hard_breaks)
        self.paragraphs.append(paragraph)
        return paragraph


def words(text: str) -> frozenset[str]:
    """A set of words written as one string, for the vocabulary tables of the readers."""
    return frozenset(text.split())


def mapped(text: str, src: int | None) -> MappedText:
    result = MappedText()
    result.add(text, src)
    return result


@dataclass
class Reading:
    """A reader's result: units plus what it learnt about the document."""

    units: list[Unit]
    title: str = ""
    date_text: str = ""
    source_name: str = ""
    source_url: str = ""
    metadata: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    format: str = ""  # set by a reader that hands over to another (pybytes → "html")
    offsets_valid: bool = True  # False when the text read is not the file (an unwrapped literal)
