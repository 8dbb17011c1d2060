"""Learn a plain-text file's speaker pattern instead of assuming one. Pure.

Each shape reads every line its own way ("NAME: text", "Mr. SMITH. text", "SMITH — text",
"[SMITH] text", or a name standing alone above the text, perhaps with a time and a title line).
Each is scored on the file's own evidence: a small vocabulary of labels that recur, that
alternate, that are short and rarely seen inside the speech. The best explains the file; the
runners-up within reach are offered, and a caller may force one by name.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from ..segmenter import STAGE_WORDS, strip_span
from ..units import ParseError, words
from .labels import SENTENCE_END, believe_labels, label_kind, read_line, seconds

SAMPLE_LINES = 4000  # scoring reads the start of the file: linear however long it is
CLOSE = 0.5  # a runner-up with half the best score is worth offering
LEAD = 1.2  # "NAME:" is the common shape: another must beat it by this much to be picked
_TIME = r"\(?(?P<time>(?:\d{1,2}:)?\d{1,2}:\d{2})\)?"
_HONORIFIC = r"(?:Mr|Mrs|Ms|Mx|Dr|St|Sen|Rep|Gov|Hon)"
_PERIOD = re.compile(
    rf"(?P<label>(?:{_HONORIFIC}\.[ \t]+)?[^.\n:]{{1,60}}?)\.[ \t]+(?=[^\s:])", re.IGNORECASE
)
_JUST_HONORIFIC = re.compile(_HONORIFIC, re.IGNORECASE)
_DASH = re.compile(r"(?P<label>[^\s—–-][^—–\n:]{0,60}?)[ \t]+(?:—|–|--?)[ \t]+(?=\S)")
_BRACKET = re.compile(r"[\[<](?P<label>[^\]>\n:]{1,60})[\]>][ \t]*:?[ \t]+(?=\S)")
_STANDALONE = re.compile(rf"(?P<label>[^\W\d][^\n:]{{0,59}}?)(?:[ \t]+{_TIME})?[ \t]*")
_CAPS_WORD = re.compile(r"\b[^\W\d_]*[A-Z]{2,}[^\W\d_]*\b")
_TITLE_GLUE = words("- – — & of and at for the")
_SMALL = words("of pro tempore de la del van von the and")


def _blank(start: int) -> tuple:
    return (start, start, None, None, start, None)


def _prefix_shape(pattern: re.Pattern, accept: Callable[[str], str | None]):
    def infos(text: str, lines) -> tuple[list, dict]:
        found = []
        for line_start, line_end in lines:
            start, end = strip_span(text, line_start, line_end)
            match = pattern.match(text, start, end)
            label = " ".join(match["label"].split()) if match else ""
            kind = accept(label) if match else None
            if kind:
                found.append((start, end, label, kind, match.end(), None))
            else:
                found.append((start, end, None, None, start, None))
        return found, {}

    return infos


def _period_label(label: str) -> str | None:
    """ "Mr. SMITH", "The SPEAKER pro tempore", "THE COURT": a surname in capitals."""
    tokens = label.split()
    if _JUST_HONORIFIC.fullmatch(label) or ":" in label:
        return None
    if not 1 <= len(tokens) <= 6 or not _CAPS_WORD.search(label):
        return None
    if all(t[0].isupper() or t in _SMALL for t in tokens):
        return "caps"
    return None


def _plain_label(label: str) -> str | None:
    return None if STAGE_WORDS.match(label) else label_kind(label)


def _title_line(line: str) -> bool:
    """ "Northbank Securities - Analyst", "Chief Executive Officer": a role, not a sentence."""
    tokens = line.replace(",", " ").split()
    return (
        len(line) <= 60
        and 1 <= len(tokens) <= 8
        and not SENTENCE_END.search(line)
        and all(token[0].isupper() or token in _TITLE_GLUE for token in tokens)
    )


def _standalone(text: str, lines) -> tuple[list, dict]:
    """A short name line after a blank line, with the text on the lines below it."""
    infos = []
    for line_start, line_end in lines:
        start, end = strip_span(text, line_start, line_end)
        infos.append((start, end, None, None, start, None))
    roles: dict[str, str] = {}
    for index, (start, end, *_) in enumerate(infos):
        previous_blank = index == 0 or infos[index - 1][0] == infos[index - 1][1]
        if start == end or not previous_blank or index + 1 >= len(infos):
            continue
        following = infos[index + 1]
        if following[0] == following[1] or text[end - 1] in ".?!,;…":
            continue
        match = _STANDALONE.fullmatch(text, start, end)
        kind = match and _plain_label(" ".join(match["label"].split()))
        if not kind:
            continue
        label = " ".join(match["label"].split())
        time = seconds(match["time"]) if match["time"] else None
        infos[index] = (start, end, label, kind, end, time)
        title_end = following[1]
        after = infos[index + 2] if index + 2 < len(infos) else None
        if after and after[0] < after[1] and _title_line(text[following[0] : title_end]):
            roles.setdefault(label, text[following[0] : title_end])
            infos[index + 1] = _blank(following[0])
    return infos, roles


def _colon(text: str, lines) -> tuple[list, dict]:
    return [read_line(text, start, end) for start, end in lines], {}


@dataclass(frozen=True)
class Shape:
    name: str
    description: str
    infos: Callable


SHAPES = (
    Shape("colon", "NAME: text", _colon),
    Shape("period", "Mr. NAME. text", _prefix_shape(_PERIOD, _period_label)),
    Shape("dash", "NAME — text", _prefix_shape(_DASH, _plain_label)),
    Shape("bracket", "[NAME] text", _prefix_shape(_BRACKET, _plain_label)),
    Shape("standalone", "NAME alone on a line, the text below", _standalone),
)
BY_NAME = {shape.name: shape for shape in SHAPES}
COURT = {
    "name": "court",
    "description": "numbered court reporter's lines: NAME: text, Q. and A.",
    "example": "",
    "alternatives": [],
}


def score(text: str, infos: list) -> float:
    labels = [info[2] for info in infos if info[2]]
    counts = Counter(labels)
    recurring = sum(count for count in counts.values() if count >= 2)
    if recurring < 2:
        return 0.0
    singles = sum(1 for count in counts.values() if count == 1)
    alternation = sum(a != b for a, b in zip(labels, labels[1:], strict=False)) / (len(labels) - 1)
    length = sum(map(len, counts)) / len(counts)
    bodies = " ".join(text[info[4] : info[1]] for info in infos)
    inside = sum(bodies.count(label) for label, _ in counts.most_common(10) if len(label) > 2)
    value = recurring * (0.5 + 0.5 * alternation) - 0.5 * singles - 0.5 * inside
    return max(0.0, value * (1.0 if length <= 40 else 40 / length))


@dataclass
class Choice:
    shape: Shape
    infos: list
    roles: dict = field(default_factory=dict)
    scores: dict = field(default_factory=dict)

    def describe(self, text: str) -> dict:
        """What the preview and the command say: the shape, an example line, the runners-up."""
        best = self.scores.get(self.shape.name, 0.0)
        close = [
            name
            for name, value in sorted(self.scores.items(), key=lambda item: -item[1])
            if name != self.shape.name and value > 0 and value >= CLOSE * best
        ]
        return {
            "name": self.shape.name,
            "description": self.shape.description,
            "example": example(text, self.infos),
            "alternatives": [
                {"name": name, "description": BY_NAME[name].description} for name in close
            ],
        }


def example(text: str, infos: list) -> str:
    for number, info in enumerate(infos, start=1):
        if info[2]:
            return f"line {number}: {text[info[0] : info[1]][:100]}"
    return ""


def choose(text: str, lines, *, forced: str | None = None) -> Choice:
    """The shape that explains the most of the file (or the forced one), with every score."""
    if forced and forced not in BY_NAME:
        raise ParseError(f"unknown speaker pattern {forced!r}; use one of {', '.join(BY_NAME)}")
    sample = lines[:SAMPLE_LINES]
    scores = {}
    for shape in SHAPES:
        infos, _ = shape.infos(text, sample)
        believe_labels(text, infos)
        scores[shape.name] = round(score(text, infos), 1)
    name = forced or max(SHAPES, key=lambda shape: scores[shape.name]).name
    if not forced and scores[name] <= LEAD * scores["colon"]:
        name = "colon"  # no clear evidence against the common shape, whose messages apply
    infos, roles = BY_NAME[name].infos(text, lines)
    return Choice(BY_NAME[name], infos, roles, scores)
