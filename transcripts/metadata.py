"""Dates, titles and sources found in the junk around a transcript or in its file name. Pure."""

from __future__ import annotations

import datetime
import re
from pathlib import PurePath

# English, Spanish, Galician, Portuguese, French, German (parliament records use them).
MONTH_NAMES = (
    "january february march april may june july august september october november december",
    "jan feb mar apr may jun jul aug sep oct nov dec",
    "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
    "xaneiro febreiro marzo abril maio xuño xullo agosto setembro outubro novembro decembro",
    "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro",
    "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "januar februar märz april mai juni juli august september oktober november dezember",
)
MONTHS = {name: number for names in MONTH_NAMES for number, name in enumerate(names.split(), 1)}
MONTHS["sept"] = 9
_MONTH = "|".join(sorted(map(re.escape, MONTHS), key=len, reverse=True))
_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_DAY_MONTH_YEAR = re.compile(
    rf"(?<!\w)(\d{{1,2}})(?:st|nd|rd|th|º)?\.?\s+(?:de\s+)?({_MONTH})\.?,?\s+(?:de\s+)?(\d{{4}})(?!\d)",
    re.IGNORECASE,
)
_MONTH_DAY_YEAR = re.compile(
    rf"(?<!\w)({_MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})(?!\d)", re.IGNORECASE
)
_COMPACT = re.compile(r"(?<!\d)((?:19|20)\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?!\d)")
_URL = re.compile(r"https?://[^\s,;]+|www\.[\w-]+(?:\.[\w-]+)+")
SOURCE_LINE = re.compile(
    r"(?:source|fonte|fuente|quelle)\s*:\s*(?P<source>\S.*?)\.?\s*$", re.IGNORECASE
)


def _date(year: str, month: int | str, day: str) -> datetime.date | None:
    try:
        return datetime.date(int(year), int(month), int(day))
    except ValueError:
        return None


def find_date(text: str) -> datetime.date | None:
    """The first calendar date written in text ("7 May 2009", "May 7, 2009", "2009-05-07")."""
    found: list[tuple[int, datetime.date]] = []
    for match in _ISO.finditer(text):
        if date := _date(match[1], match[2], match[3]):
            found.append((match.start(), date))
            break
    for match in _DAY_MONTH_YEAR.finditer(text):
        if date := _date(match[3], MONTHS[match[2].lower()], match[1]):
            found.append((match.start(), date))
            break
    for match in _MONTH_DAY_YEAR.finditer(text):
        if date := _date(match[3], MONTHS[match[1].lower()], match[2]):
            found.append((match.start(), date))
            break
    return min(found)[1] if found else None


def date_from_filename(filename: str) -> datetime.date | None:
    stem = PurePath(filename).stem
    if date := find_date(stem.replace("_", " ")):
        return date
    match = _COMPACT.search(stem)
    return _date(match[1], match[2], match[3]) if match else None


def title_from_filename(filename: str) -> str:
    stem = PurePath(filename).stem if filename else ""
    return re.sub(r"[_]+", " ", stem).strip() or "Untitled transcript"


def parse_source(line: str) -> tuple[str, str] | None:
    """("US Department of State, www.state.gov", "https://www.state.gov") from a "Source:" line."""
    match = SOURCE_LINE.fullmatch(line.strip())
    if not match:
        return None
    source = match["source"].strip()
    url_match = _URL.search(source)
    url = ""
    if url_match:
        url = url_match.group().rstrip(".")
        url = url if url.startswith("http") else f"https://{url}"
    return source, url
