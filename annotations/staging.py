"""What an import preview parsed, kept server-side until the confirm imports it.

The preview of a 19 MB file parses it once (seconds); the confirm must not parse it again, nor
make the browser send the file a second time. So the preview stashes its parse under a random
token and the confirm names the token. A token is good for one user, one project and
IMPORT_STAGING_SECONDS: anyone else's token, another project's, or a stale one is simply not
found. Files are signed with SECRET_KEY, since they are unpickled: one that is not ours is
refused before it is read.
"""

from __future__ import annotations

import hmac
import logging
import os
import pickle
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.crypto import salted_hmac

from transcripts.parsing import ParsedPassage, ParsedTranscript, ParsedTurn, collector_paused

logger = logging.getLogger(__name__)

TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")  # secrets.token_urlsafe(32): never a path of its own
SALT = "parley.staged-import"
SIGNATURE_BYTES = 64  # hex SHA-256


class StagedImportGone(LookupError):
    """The token names no preview this user may import here (unknown, expired or someone else's)."""


@dataclass(frozen=True)
class StagedFile:
    name: str
    parsed: ParsedTranscript
    digest: str


def _directory() -> Path:
    directory = Path(settings.IMPORT_STAGING_DIR)
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    return directory


def _signature(payload: bytes) -> bytes:
    return salted_hmac(SALT, payload, algorithm="sha256").hexdigest().encode()


def stash(user, project, files: list[StagedFile]) -> str:
    """Keep `files` for the user's confirm in `project`; the token to confirm with."""
    sweep()
    token = secrets.token_urlsafe(32)
    packed = [(staged.name, staged.digest, _pack(staged.parsed)) for staged in files]
    record = {"user": user.pk, "project": project.pk, "files": packed}
    with collector_paused():  # a large parse is millions of objects: see collector_paused
        payload = pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL)
    path = _directory() / token
    partial = path.with_suffix(".partial")
    with open(partial, "wb") as stream:
        stream.write(_signature(payload))
        stream.write(payload)
    os.replace(partial, path)  # a reader never sees half a file
    return token


def unstash(token: str, user, project) -> list[StagedFile]:
    """The files stashed under `token` by this user for this project, or StagedImportGone."""
    if not TOKEN.fullmatch(token or ""):
        raise StagedImportGone(token)
    path = _directory() / token
    try:
        if time.time() - path.stat().st_mtime > settings.IMPORT_STAGING_SECONDS:
            raise StagedImportGone(token)
        content = path.read_bytes()
    except FileNotFoundError:
        raise StagedImportGone(token) from None
    signature, payload = content[:SIGNATURE_BYTES], content[SIGNATURE_BYTES:]
    if not hmac.compare_digest(signature, _signature(payload)):
        logger.warning("staged import %s: bad signature, refused", token[:8])
        raise StagedImportGone(token)
    with collector_paused():
        record = pickle.loads(payload)  # noqa: S301 (signed by us above)
        if record["user"] != user.pk or record["project"] != project.pk:
            raise StagedImportGone(token)
        return [
            StagedFile(name, _unpack(parsed), digest) for name, digest, parsed in record["files"]
        ]


def _pack(parsed: ParsedTranscript) -> tuple:
    """Plain tuples, without each passage's text (a slice of its turn's): pickling 170,000
    dataclasses took 2 s and 64 MB for a 19 MB file; these tuples take 0.6 s and 41 MB. A
    passage is a named tuple, so the rest of it is one slice."""
    turns = [
        (
            turn.speaker_label, turn.text, turn.interpreted, turn.line, turn.start_time,
            turn.end_time, [passage[1:] for passage in turn.passages],
        )
        for turn in parsed.turns
    ]  # fmt: skip
    return (
        parsed.title, parsed.date, parsed.source_name, parsed.source_url, parsed.format,
        parsed.text, parsed.metadata, turns,
    )  # fmt: skip


def _unpack(packed: tuple) -> ParsedTranscript:
    title, date, source_name, source_url, format, text, metadata, turns = packed
    return ParsedTranscript(
        title=title,
        date=date,
        source_name=source_name,
        source_url=source_url,
        format=format,
        text=text,
        metadata=metadata,
        turns=tuple(
            ParsedTurn(
                speaker_label=label,
                text=turn_text,
                interpreted=interpreted,
                line=line,
                start_time=start_time,
                end_time=end_time,
                # (kind, paragraph, start, end, …): the text is turn_text[start:end]
                passages=tuple(
                    ParsedPassage(turn_text[rest[2] : rest[3]], *rest) for rest in passages
                ),
            )
            for label, turn_text, interpreted, line, start_time, end_time, passages in turns
        ),
    )


def discard(token: str) -> None:
    if TOKEN.fullmatch(token or ""):
        (_directory() / token).unlink(missing_ok=True)


def sweep() -> None:
    """Delete what nobody confirmed in time (a preview left open, a closed tab)."""
    limit = time.time() - settings.IMPORT_STAGING_SECONDS
    for path in _directory().iterdir():
        try:
            if path.stat().st_mtime < limit:
                path.unlink(missing_ok=True)
        except FileNotFoundError:
            pass  # another worker swept it first
