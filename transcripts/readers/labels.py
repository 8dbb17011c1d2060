"""Speaker labels in plain text: what a label looks like ("NAME:", "Mr. Smith:", "**Jo:**",
"O señor CONSELLEIRO DE FACENDA (Martínez García):"), and which of the labels a file seems to
have to believe (not a "States:" inside a wrapped sentence, not a cover page's "PRESIDING:").
Pure.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..units import words

LINE_BREAK = re.compile(r"\r\n|\r|\n")
_TIME = r"(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?"
_LEADING_TIME = re.compile(rf"[\[(]?(?P<time>{_TIME})[\])]?[ \t]+")
# Markdown bold around a label ("**Jane Doe:**", "**Q**:") is common in pasted transcripts.
_LABEL = re.compile(
    r"(?P<bold>\*\*|__)?(?P<label>[^:\s*_][^:\n*]{0,79}?)[ \t]*(?:\*\*|__)?:(?:\*\*|__)?(?=\s|$)"
)
_AFTER_TIME = re.compile(rf"[ \t]*[\[(](?P<time>{_TIME})[\])]")
_PREFIX = re.compile(
    r"(?:(?:O|A|El|La|Os|As|Los|Las)\s+)?(?:señor|señora|señores|señoras|señorita|senhor|senhora)\s+"
    r"|(?:Mr|Mrs|Ms|Mx|Dr|Sr|Sra|Prof|Hon|Rep|Sen|Gov|Gen|Lt|Col|Capt|Adm|Rev)\.?\s+",
    re.IGNORECASE,
)
_SUFFIX = re.compile(r"\s*\([^()]{1,60}\)$|,\s*(?:Jr|Sr)\.?$|,\s*(?:II|III|IV)$")
_CAPS_TOKEN = re.compile(r"[^\W\d_][\w.'’&/-]*,?|\d+|&|-")
_NAME_TOKEN = re.compile(r"[^\W\d_][\w'’.-]*|[A-Z]\.|\d+")
PARTICLES = words("de da das do dos del della der den van von la le du di bin al y e")
# Cover-page and page-furniture headings that look like labels ("PRESENT:", "Source:").
HEADING_LINES = (
    "present, also present, members present, staff present, appearances, index, contents",
    "table of contents, exhibits, exhibit, witnesses, witness list, note, notes, editor's note",
    "source, sources, subject, date, time, place, location, venue, re, to, from, cc, bcc, url",
    "link, tags, topics, keywords, updated, posted, published, title, author, by, copyright, page",
    "warning, transcript, transcription, summary, agenda, attendees, participants, panelists",
    "speakers, guests, category, filed under, related, share, email, print, tel, phone, fax",
    "website, web, http, https, caption, photo, image, video, audio, disclaimer, correction",
    "update, background, description, abstract, language, languages, duration, recorded, format",
    "transcribed by, transcriber, edited by",
)
HEADINGS = frozenset(phrase.strip() for line in HEADING_LINES for phrase in line.split(","))
_HEADING_WORDS = frozenset(" ".join(HEADINGS).split()) - {"chair", "witness", "by"}
_DAYS_MONTHS = words(
    "monday tuesday wednesday thursday friday saturday sunday january february march april may "
    "june july august september october november december"
)
TERMINAL = tuple('.?!…"”’):;-—')
_WORD_CHAR = re.compile(r"[^\W_]")
SENTENCE_END = re.compile(r"[.?!…](?:\s|$)")


def split_lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of each line, line breaks (\\r\\n, \\r or \\n) excluded."""
    if "\r" not in text:  # the usual case, and 3x faster than the regex below
        lines, position = [], 0
        for line in text.split("\n"):
            end = position + len(line)
            lines.append((position, end))
            position = end + 1
        return lines
    lines, position = [], 0
    for match in LINE_BREAK.finditer(text):
        lines.append((position, match.start()))
        position = match.end()
    lines.append((position, len(text)))
    return lines


def seconds(value: str) -> float:
    parts = value.replace(",", ".").split(":")
    total = 0.0
    for part in parts:
        total = total * 60 + float(part)
    return total


def _is_heading(core: str) -> bool:
    lowered = core.lower().rstrip(".")
    words = lowered.split()
    return (
        lowered in HEADINGS
        or (len(words) <= 3 and all(word in _HEADING_WORDS for word in words))
        or words[-1] in {"present", "absent", "attendance"}
        or words[0]
        in {"page", "exhibit", "item", "step", "section", "chapter", "part", "appendix", "by"}
        or words[0] in _DAYS_MONTHS
    )


def _upper(token: str) -> bool:
    """Capitals, allowing the small letters of "McNALLY", "MacDONALD", "DeSANTIS"."""
    lower = sum(ch.islower() for ch in token)
    return lower == 0 or (lower <= 2 and sum(ch.isupper() for ch in token) >= 3 + lower)


@lru_cache(maxsize=4096)  # a transcript says the same few labels thousands of times
def label_kind(label: str) -> str | None:
    """ "caps" for "FOREIGN MINISTER LAVROV", "name" for "Chris Wallace", None for anything else."""
    core = _SUFFIX.sub("", _PREFIX.sub("", label, count=1)).strip()
    tokens = core.split()
    if not tokens or len(tokens) > 10 or _is_heading(core):
        return None
    if all(_CAPS_TOKEN.fullmatch(token) and _upper(token) for token in tokens):
        return "caps" if tokens[0][0].isalpha() else None
    if len(tokens) > 6 or not tokens[0][0].isupper() or "," in core:
        return None
    for token in tokens:
        if not _NAME_TOKEN.fullmatch(token):
            return None
        if not token[0].isupper() and token not in PARTICLES and not token.isdigit():
            return None
    return "name"


def read_line(text: str, start: int, end: int):
    """(content_start, content_end, label, kind, body_start, time) for one line."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    # Most lines of a wrapped transcript have no colon within a label's reach: skip the regexes.
    if start == end or text.find(":", start, min(end, start + 110)) < 0:
        return (start, end, None, None, start, None)
    position, time = start, None
    leading = _LEADING_TIME.match(text, start, end)
    if leading:
        position = leading.end()
    match = _LABEL.match(text, position, end)
    if not match or not (kind := label_kind(match["label"])):
        return (start, end, None, None, start, None)
    if leading:
        time = seconds(leading["time"])
    body = match.end()
    after = _AFTER_TIME.match(text, body, end)
    if after:
        time, body = seconds(after["time"]), after.end()
    while body < end and text[body].isspace():
        body += 1
    return (start, end, " ".join(match["label"].split()), kind, body, time)


def _drop_unlikely_name_labels(text: str, infos: list) -> None:
    """A "Name:" at a line start counts only after a blank line or a sentence end.

    ALL-CAPS labels are distinctive enough on their own; a capitalised word before a colon at
    the start of a wrapped line ("States: …") is usually the middle of a sentence.
    """
    previous_end = None
    for index, info in enumerate(infos):
        start, end, label, kind = info[:4]
        if start == end:
            previous_end = None
            continue
        if (
            kind == "name"
            and previous_end is not None
            and not text[previous_end - 1].endswith(TERMINAL)
        ):
            infos[index] = (start, end, None, None, start, None)
        previous_end = end


def has_word(text: str, start: int, end: int) -> bool:
    return _WORD_CHAR.search(text, start, end) is not None


def _names_only(said: str) -> bool:
    """ "HELEN MARSH, Commissioner": capitalised words, no sentence: a cover page's list."""
    tokens = said.replace(",", " ").split()
    return (
        2 <= len(tokens) <= 60
        and not SENTENCE_END.search(said)
        and all(token[0].isupper() or token in PARTICLES for token in tokens)
    )


def _drop_cover_labels(text: str, infos: list) -> None:
    """Cover pages ("PRESIDING:", "ROUNDTABLE PARTICIPANTS:" over a list of names) look like
    labels, but each is used once, at the top, and no sentence follows it: front matter."""
    counts: dict[str, int] = {}
    for info in infos:
        if info[2]:
            counts[info[2]] = counts.get(info[2], 0) + 1
    if not any(count > 1 for count in counts.values()):
        return  # no recurring speaker to tell the cover from the speech
    index = 0
    while index < len(infos):
        if not infos[index][2]:
            index += 1
            continue
        following = index + 1
        while following < len(infos) and not infos[following][2]:
            following += 1
        said = " ".join(text[info[4] : info[1]] for info in infos[index:following])
        if counts[infos[index][2]] > 1 or not _names_only(said):
            return
        infos[index] = (infos[index][0], infos[index][1], None, None, infos[index][0], None)
        index = following


def _drop_odd_name_labels(infos: list) -> None:
    """In a transcript labelled in capitals, a one-off "Live Analysis:" is a heading, not a name."""
    kinds = [info[3] for info in infos if info[3]]
    caps = kinds.count("caps")
    if caps < 5 or caps < 0.8 * len(kinds):
        return
    counts: dict[str, int] = {}
    for info in infos:
        if info[3] == "name":
            counts[info[2]] = counts.get(info[2], 0) + 1
    for index, info in enumerate(infos):
        if info[3] == "name" and counts[info[2]] == 1:
            infos[index] = (info[0], info[1], None, None, info[0], None)


def believe_labels(text: str, infos: list) -> None:
    """Unlabel what only looks like a label; `infos` are read_line() tuples, changed in place."""
    _drop_unlikely_name_labels(text, infos)
    _drop_odd_name_labels(infos)
    _drop_cover_labels(text, infos)
