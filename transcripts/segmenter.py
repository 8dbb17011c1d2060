"""Sentence splitting and stage directions for spoken-dialogue transcripts. Pure and fast.

Rules of our own rather than pysbd/syntok: the issue measured pysbd at ~6 s and syntok at
~1.5 s for 323,000 words, and transcripts need only a few rules: end punctuation followed by
whitespace and a capital, except after titles ("Mr."), initials ("J."), dotted acronyms ("U.S.")
unless a sentence plainly starts after them, "No." before a number, and ellipses that trail
inside a quotation or run into lowercase. Decimals and "P-5+1" never split, because a boundary
needs whitespace after the punctuation. All functions take and return offsets into the text
they are given, so callers can keep their source mapping.
"""

from __future__ import annotations

import re

from .units import words

# Titles that precede a capitalised name: the next word being capitalised says nothing.
TITLES = words(
    "mr mrs ms mx messrs mme mlle dr prof gen sen rep gov lt col capt cpt sgt adm cmdr maj rev "
    "hon fr pres supt insp det st mt ft sr sra srta sres d dna v vs cf"
)
# Abbreviations that only hold the sentence together before a number ("No. 5", "p. 12").
BEFORE_NUMBER = words(
    "no nos nr p pp vol art sec ch fig para op jan feb mar apr jun jul aug sep sept oct nov dec"
)
# After "U.S." a sentence starts only if one of these follows ("… in the U.S. We need …").
SENTENCE_STARTERS = words(
    "I We The It And But So This That They He She You There What When How Why Now Thank Yes No "
    "Well Our My In If As"
)

# The leading lookahead gives the regex engine one set of characters to skip ahead to; without it
# the engine tried the whole pattern at every character, 4x slower on a 19 MB file.
_END = re.compile(r"(?=[.!?…。！？])(?:(?:[.!?…]+|[。！？]+)[\"'”’»)\]]*(?=\s|$)|[。！？]+)")
# A letter or digit (str.isalnum) without a Python loop over the characters.
ALNUM = re.compile(r"[^\W_]")
_OPENERS = "\"'“‘«([¿¡—-"
_DOTTED_ACRONYM = re.compile(r"(?:[A-Za-z]\.){2,}")
_INITIAL = re.compile(r"[A-Z]\.")

INTERPRETER = re.compile(
    r"[(\[]\s*(?:(?:via|through)\s+(?:an?\s+)?(?:interpreter|translator)|as\s+interpreted|interpreted)\s*[)\]]",
    re.IGNORECASE,
)

# Starts with a character class so the regex engine can skip ahead to brackets quickly.
_STAGE_CANDIDATE = re.compile(r"[(\[](?:(?<=\()([^()\n]{1,80})\)|(?<=\[)([^\[\]\n]{1,600})\])")
STAGE_WORDS = re.compile(
    r"(?:laughter|laughs?|laughing|applause|aplausos|murmurios|risas|rumores|crosstalk|cross-talk|"
    r"inaudible|unintelligible|indiscernible|pause[sd]?|silence|music|cheers|cheering|booing|boos|"
    r"cough(?:s|ing)?|sighs?|off[- ]?mi(?:c|ke|crophone)|overlapping|simultaneous|interruption|"
    r"interposing|recess|break|end of|beginning of|start of|speaking (?:in )?\w+|"
    r"through (?:an? )?(?:interpreter|translator)|via interpreter|video|audio|sound|bell|gavel|"
    r"no audio|technical|whereupon|off the record|discussion off)\b",
    re.IGNORECASE,
)
_STAGE_NOTE = re.compile(r"In [A-Z][a-z]+|BY (?:MR|MS|MRS|DR)\.\s+[A-Z'’-]+")


def is_stage_direction(content: str, bracket: str) -> bool:
    """Whether the text inside ( ) or [ ] is a note about the scene rather than spoken words."""
    content = content.strip()
    if not any(ch.isalpha() for ch in content):
        return False  # "[1]", "(2)": references and numbering belong to the speech
    if STAGE_WORDS.match(content) or _STAGE_NOTE.fullmatch(content):
        return True
    if bracket == "[":
        # "[sic]", "[the law]" are editorial words inside speech; capitalised or long notes are not.
        return content[0].isupper() or ":" in content or len(content.split()) >= 4
    # "(Aplausos.)", "(Pause.)": a short capitalised note ending in a full stop.
    return content[0].isupper() and content.endswith(".") and len(content.split()) <= 8


def stage_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    end = len(text) if end is None else end
    spans = []
    for match in _STAGE_CANDIDATE.finditer(text, start, end):
        before = text[match.start() - 1] if match.start() else " "
        if match.group(1) is not None and (before.isalnum() or before in "_(["):
            continue  # "1182(f)": a section number, not a note
        content, bracket = (
            (match.group(1), "(") if match.group(1) is not None else (match.group(2), "[")
        )
        if is_stage_direction(content, bracket):
            spans.append(match.span())
    return spans


def strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _splits_here(
    text: str,
    match: re.Match,
    next_at: int,
    region_start: int,
    open_quote: bool,
    abbreviations: frozenset[str] = frozenset(),
) -> bool:
    punct = match.group().rstrip("\"'”’»)]")
    if punct[-1] in "。！？":
        return True
    following = text[next_at]
    if following in _OPENERS and next_at + 1 < len(text):
        following = text[next_at + 1] if not text[next_at + 1].isspace() else following
    if following.islower():
        return False  # "e.g. this", "Mr. smith", "... and then": no new sentence starts lowercase
    if "…" in punct or "..." in punct:
        return not open_quote
    if punct != ".":
        return True  # "?", "!", "?!"
    # The word before the punctuation (at most 40 characters back): a backwards scan, since a
    # regex anchored at the end, (\S+)$, retried from every character of the window.
    stop = match.start()
    first, floor = stop, max(region_start, stop - 40)
    while first > floor and not text[first - 1].isspace():
        first -= 1
    if first == stop:
        return True
    word = text[first:stop].lstrip("\"'“‘«([¿¡—-")
    token = word + "."
    if "." in word and _DOTTED_ACRONYM.fullmatch(token):  # the cheap test first: most words
        next_word = re.match(r"\w+", text[next_at : next_at + 20])
        return bool(next_word) and next_word.group() in SENTENCE_STARTERS
    if len(word) == 1 and _INITIAL.fullmatch(token):
        return False
    lowered = word.lower()
    if lowered in abbreviations:  # the language's own: "núm. 34", "Abs. 2", "M. Dupont"
        return False
    return lowered not in TITLES and not (lowered in BEFORE_NUMBER and following.isdigit())


def sentence_spans(
    text: str, start: int = 0, end: int | None = None, abbreviations: frozenset[str] = frozenset()
) -> list[tuple[int, int]]:
    """Sentences of text[start:end] as (start, end) offsets, whitespace trimmed, none empty."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    sentence_start = start
    quotes_scanned, curly_open, straight = start, 0, 0
    for match in _END.finditer(text, start, end):
        next_at = match.end()
        while next_at < end and text[next_at].isspace():
            next_at += 1
        if next_at >= end:
            break
        punctuation = match.group()
        if "…" in punctuation or "..." in punctuation:
            chunk = text[quotes_scanned : match.start()]
            curly_open += chunk.count("“") - chunk.count("”")
            straight += chunk.count('"')
            quotes_scanned = match.start()
        open_quote = curly_open > 0 or straight % 2 == 1
        if _splits_here(text, match, next_at, sentence_start, open_quote, abbreviations):
            a, b = strip_span(text, sentence_start, match.end())
            if a < b:
                spans.append((a, b))
            sentence_start = match.end()
            quotes_scanned, curly_open, straight = sentence_start, 0, 0
    a, b = strip_span(text, sentence_start, end)
    if a < b:
        spans.append((a, b))
    return spans


def segment(
    text: str, start: int = 0, end: int | None = None, abbreviations: frozenset[str] = frozenset()
) -> list[tuple[int, int, str]]:
    """Passages of text[start:end]: ("speech" sentences and "stage" directions), in order."""
    end = len(text) if end is None else end
    passages: list[tuple[int, int, str]] = []
    cursor = start
    for stage_start, stage_end in stage_spans(text, start, end):
        spans = sentence_spans(text, cursor, stage_start, abbreviations)
        passages.extend((a, b, "speech") for a, b in spans)
        passages.append((stage_start, stage_end, "stage"))
        cursor = stage_end
    passages.extend((a, b, "speech") for a, b in sentence_spans(text, cursor, end, abbreviations))
    return _absorb_bare_punctuation(text, passages)


def _absorb_bare_punctuation(
    text: str, passages: list[tuple[int, int, str]]
) -> list[tuple[int, int, str]]:
    """ "… out there [crosstalk 00:08:48]." must not leave "." as a passage of its own."""
    result: list[tuple[int, int, str]] = []
    for start, end, kind in passages:
        if ALNUM.search(text, start, end) or not (result or len(passages) > 1):
            result.append((start, end, kind))
        elif result:
            previous_start, _, previous_kind = result.pop()
            result.append((previous_start, end, previous_kind))
        else:
            result.append((start, end, "pending"))
    if len(result) > 1 and result[0][2] == "pending":
        (start, _, _), (_, end, kind) = result[0], result[1]
        result[0:2] = [(start, end, kind)]
    return [(start, end, "speech" if kind == "pending" else kind) for start, end, kind in result]
