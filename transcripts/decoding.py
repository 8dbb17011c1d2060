"""Bytes to text. Pure Python; no Django.

Line ends are kept as they are: the decoded text is stored as the transcript's original, and
standoff annotations made on the file count every character.
"""

from __future__ import annotations

import codecs
import re

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
            return check_text(text)
    if b"\x00" in data[:4096] and (text := _utf16_without_bom(data)) is not None:
        return check_text(text)
    try:
        return check_text(data.decode("utf-8"))
    except UnicodeDecodeError as error:
        utf8_error = error
    try:
        return check_text(data.decode("cp1252"))
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


def check_text(text: str) -> str:
    """The text, unless it holds a NUL anywhere (no database stores one) or many controls."""
    nul = text.find("\x00")
    if nul >= 0:
        raise ParseError(
            "a NUL character (\\x00): this looks like a binary file, not a transcript",
            line=text.count("\n", 0, nul) + 1,
        )
    controls = _CONTROL.findall(text[:100_000])
    if len(controls) > max(10, len(text[:100_000]) // 100):
        raise ParseError("this looks like a binary file, not a transcript")
    if not text.strip():
        raise ParseError("the file is empty")
    return text
