"""Bytes to text, and which reader a text needs. Pure Python; no Django.

Line ends are kept as they are: the decoded text is stored as the transcript's original, and
standoff annotations made on the file count every character.
"""

from __future__ import annotations

import codecs
import re

from .records import looks_tabular
from .units import ParseError


def human_size(size: int) -> str:
    for unit, scale in (("MB", 2**20), ("KB", 2**10)):
        if size >= scale:
            return f"{size / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{size} bytes"


_SIGNATURES = {
    b"%PDF": "a PDF document; copy its text into a .txt file first",
    b"PK\x03\x04": "a ZIP archive (or a Word/OpenDocument file); save it as plain text first",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"{\\rtf": "an RTF document; save it as plain text first",
    b"\xd0\xcf\x11\xe0": "an old Microsoft Office document; save it as plain text first",
    b"\x1f\x8b": "a gzip archive",
}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def decode(data: bytes, *, filename: str = "") -> str:
    """Bytes to text: UTF-8 (BOM or not), UTF-16/32 with BOM, else Windows-1252.

    Line ends are left as they are (CRLF, CR or LF): the decoded text is stored as the
    transcript's original, and standoff annotations made on the file count every character,
    so normalising them would shift offsets. The readers split lines on all three.
    """
    suffix = filename.lower().rpartition(".")[2]
    if suffix in {"doc", "docx", "odt", "pdf", "rtf", "pages"}:
        raise ParseError(f"a .{suffix} file is not plain text; save the transcript as .txt first")
    if not data.strip():
        raise ParseError("the file is empty")
    for signature, what in _SIGNATURES.items():
        if data.startswith(signature):
            raise ParseError(f"this is {what}, not a transcript")
    for bom, encoding in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError as error:
                reason = (
                    f"not valid {encoding.upper()} despite its byte-order mark ({error.reason})"
                )
                raise ParseError(reason) from None
            return _check_text(text)
    if b"\x00" in data[:4096]:
        text = _utf16_without_bom(data)
        if text is None:
            raise ParseError("this looks like a binary file, not a transcript")
        return _check_text(text)
    try:
        return _check_text(data.decode("utf-8"))
    except UnicodeDecodeError as error:
        utf8_error = error
    try:
        return _check_text(data.decode("cp1252"))
    except UnicodeDecodeError:
        line = data.count(b"\n", 0, utf8_error.start) + 1
        byte = data[utf8_error.start]
        raise ParseError(
            f"cannot decode byte 0x{byte:02x}: neither UTF-8 nor Windows-1252", line=line
        ) from None


def _utf16_without_bom(data: bytes) -> str | None:
    sample = data[:4096]
    even_zeros, odd_zeros = sample[0::2].count(0), sample[1::2].count(0)
    encoding = "utf-16-le" if odd_zeros > 0.4 * len(sample) / 2 and even_zeros == 0 else None
    encoding = encoding or (
        "utf-16-be" if even_zeros > 0.4 * len(sample) / 2 and odd_zeros == 0 else None
    )
    if encoding is None or len(data) % 2:
        return None
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def _check_text(text: str) -> str:
    controls = _CONTROL.findall(text[:100_000])
    if "\x00" in controls or len(controls) > max(10, len(text[:100_000]) // 100):
        raise ParseError("this looks like a binary file, not a transcript")
    if not text.strip():
        raise ParseError("the file is empty")
    return text


_EXTENSIONS = {
    ".srt": "srt",
    ".vtt": "vtt",
    ".json": "json",
    ".jsonl": "json",
    ".csv": "csv",
    ".tsv": "csv",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
}
_HTML = re.compile(r"<(?:!doctype html|html|body|p|br|div|strong|b|font|span)\b", re.IGNORECASE)
# "[{", "{"…, "[]": JSON; "[00:01:02] ANNA: …" or "[CROSSTALK]" is a transcript.
_JSON_START = re.compile(r"[\[{]\s*[\[{\"\]}]")
_SRT_START = re.compile(r"\s*\d+\s*\r?\n\s*\d{1,2}:\d{2}:\d{2}[,.]\d{1,3}\s*-->")


# A brat standoff line: "T1<TAB>Claim 120 178<TAB>text". Annotations, not a transcript.
_BRAT_LINE = re.compile(r"T\d+\t\S+ \d+ \d+")


def detect_format(text: str, filename: str = "") -> str:
    """One of FORMATS, or "tei"/"pybytes"/"brat" for shapes we recognise to refuse or unwrap."""
    head = text.lstrip("\ufeff \t\r\n")[:2000]
    lowered = head.lower()
    if filename.lower().endswith(".ann") or _BRAT_LINE.match(head):
        return "brat"
    if head.startswith("WEBVTT"):
        return "vtt"
    if _SRT_START.match(head):
        return "srt"
    if "<tei" in lowered or (lowered.startswith("<?xml") and "tei-c.org" in lowered):
        return "tei"
    if re.match(r"b['\"]", head) and text.rstrip().endswith(head[1]) and _HTML.search(head):
        return "pybytes"
    extension = "." + filename.lower().rsplit(".", 1)[-1] if "." in filename else ""
    if extension in _EXTENSIONS and extension not in {".html", ".htm", ".xhtml"}:
        return _EXTENSIONS[extension]
    if _JSON_START.match(head):
        return "json"
    if extension in {".html", ".htm", ".xhtml"} or len(_HTML.findall(text[:20000])) >= 3:
        return "html"
    if looks_tabular(text):
        return "csv"
    return "text"
