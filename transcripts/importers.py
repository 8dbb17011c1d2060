"""import_transcript(): parse a file, then write transcript, speakers, turns and passages at once.

The command line and the browser both call this (through `Project.import_transcript`), so they
follow the same rules. Projects live in the annotations app, which this app never imports: the
caller passes the transcripts to check for duplicates (`duplicates_in`) and a callback that links
the new transcript (`link`), run in the same transaction so a failed link leaves nothing behind.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet

from .bulk import insert_rows
from .models import Passage, Speaker, Transcript, Turn
from .parsing import ParsedTranscript, parse_transcript

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ImportResult:
    transcript: Transcript
    parsed: ParsedTranscript
    created: bool  # False: the same content was already there, nothing was written

    @property
    def summary(self) -> str:
        return summary(self.parsed, title=self.transcript.title, date=self.transcript.date)


def summary(parsed: ParsedTranscript, *, title: str = "", date: datetime.date | None = None) -> str:
    """One line for the command and the preview: title, date, speakers, turns, passages."""
    date = date or parsed.date
    passages = sum(len(turn.passages) for turn in parsed.turns)
    return (
        f'"{title or parsed.title}" ({date.isoformat() if date else "no date"}): '
        f"{len(parsed.speaker_labels)} speakers, {len(parsed.turns)} turns, {passages} passages"
    )


def content_hash(text: str) -> str:
    """SHA-256 of the decoded text, line ends unified: the same file saved on Windows, or in
    UTF-16, is the same content."""
    unified = text.replace("\r\n", "\n").replace("\r", "\n")
    return hashlib.sha256(unified.encode("utf-8")).hexdigest()


def parse(
    data: bytes | str,
    *,
    filename: str = "",
    format: str = "auto",
    monologue_speaker=None,
    speaker_pattern=None,
    line_fixes=None,
):
    """parse_transcript() with the size limit from settings (TRANSCRIPT_MAX_BYTES)."""
    return parse_transcript(
        data,
        filename=filename,
        format=format,
        max_bytes=settings.TRANSCRIPT_MAX_BYTES,
        monologue_speaker=monologue_speaker or None,
        speaker_pattern=speaker_pattern or None,
        line_fixes=line_fixes,
    )


def import_transcript(
    data: bytes | str,
    *,
    filename: str = "",
    format: str = "auto",
    monologue_speaker: str | None = None,
    parsed: ParsedTranscript | None = None,
    title: str = "",
    date: datetime.date | None = None,
    speaker_names: Mapping[str, str] | None = None,
    imported_by=None,
    duplicates_in: QuerySet[Transcript] | None = None,
    link: Callable[[Transcript], object] | None = None,
) -> ImportResult:
    """Parse, then write everything in one transaction; skip it if `duplicates_in` has the text.

    ParseError comes out before the database is touched. `parsed` skips parsing again when the
    caller (the preview) already parsed these bytes. `title` and `date` override what the
    parser found; `speaker_names` maps labels to display names (blank keeps the label).
    """
    if parsed is None:
        parsed = parse(data, filename=filename, format=format, monologue_speaker=monologue_speaker)
    digest = content_hash(parsed.text)
    if duplicates_in is not None:
        existing = duplicates_in.filter(content_hash=digest).first()
        if existing is not None:
            logger.info("import skipped: %r is already transcript %s", filename, existing.pk)
            return ImportResult(transcript=existing, parsed=parsed, created=False)
    names = speaker_names or {}
    roles = parsed.metadata.get("roles") or {}  # Oyez's justices and advocates, title lines
    with transaction.atomic():
        transcript = Transcript.objects.create(
            title=(title or parsed.title).strip()[:300] or "Untitled transcript",
            date=date or parsed.date,
            source_name=parsed.source_name[:300],
            source_url=parsed.source_url[:500] if parsed.source_url.startswith("http") else "",
            original_text=parsed.text,
            content_hash=digest,
            format=parsed.format,
            imported_by=imported_by,
            metadata=parsed.metadata,
        )
        speakers = Speaker.objects.bulk_create(
            Speaker(
                transcript=transcript,
                label=label,
                display_name=(names.get(label) or "").strip()[:200],
                role=str(roles.get(label) or "").strip()[:200],
                position=position,
            )
            for position, label in enumerate(parsed.speaker_labels)
        )
        speaker_ids = {speaker.label: speaker.pk for speaker in speakers}
        insert_rows(Turn, TURN_FIELDS, list(_turn_rows(transcript.pk, parsed, speaker_ids)))
        turn_ids = dict(transcript.turns.values_list("position", "pk"))
        insert_rows(Passage, PASSAGE_FIELDS, list(_passage_rows(transcript.pk, parsed, turn_ids)))
        if link is not None:
            link(transcript)
    result = ImportResult(transcript=transcript, parsed=parsed, created=True)
    logger.info("imported %r as transcript %s: %s", filename, transcript.pk, result.summary)
    return result


TURN_FIELDS = (
    "transcript", "position", "speaker", "interpreted", "text", "source_line", "start_time",
    "end_time",
)  # fmt: skip
PASSAGE_FIELDS = (
    "transcript", "turn", "position", "kind", "text", "paragraph", "start", "end",
    "source_start", "source_end", "start_time", "end_time",
)  # fmt: skip


def _turn_rows(transcript_id: int, parsed: ParsedTranscript, speaker_ids: dict[str, int]):
    for position, turn in enumerate(parsed.turns):
        yield (
            transcript_id, position, speaker_ids[turn.speaker_label], turn.interpreted,
            turn.text, turn.line, turn.start_time, turn.end_time,
        )  # fmt: skip


def _passage_rows(transcript_id: int, parsed: ParsedTranscript, turn_ids: dict[int, int]):
    position = 0
    for turn_position, turn in enumerate(parsed.turns):
        turn_id = turn_ids[turn_position]
        for p in turn.passages:
            yield (
                transcript_id, turn_id, position, p.kind, p.text, p.paragraph, p.start, p.end,
                p.source_start, p.source_end, p.start_time, p.end_time,
            )  # fmt: skip
            position += 1
