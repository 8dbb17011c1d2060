"""A long transcript for workspace tests, built from the seed text via factories.

The seed press conference is 15 turns, one chunk of the workspace; `copies` repeats it to make
a transcript long enough to load in chunks. The split here (speaker labels, short lines ending
a paragraph, sentences, parenthesised stage directions) is crude on purpose: the importer has
its own tests, and these only need real dialogue at real length.
"""

import datetime
import re
from pathlib import Path

from transcripts.models import Passage, Speaker, Turn

from .factories import TranscriptFactory

SEED = Path(__file__).resolve().parents[1] / "demo" / "clinton-lavrov-2009-05-07.txt"
LABEL = re.compile(r"^(?P<label>[A-Z][A-Z .'’-]{1,60}):\s+(?P<text>.*)$")
PIECE = re.compile(r"\([^)]*\)|[^(]+")
SENTENCE_END = re.compile(r"(?<=[.?!])\s+(?=[A-Z\"“])")
ROLES = {"SECRETARY CLINTON": "Secretary of State", "FOREIGN MINISTER LAVROV": "Russia"}


def seed_turns() -> list[tuple[str, list[str]]]:
    turns: list[tuple[str, list[list[str]]]] = []
    for line in SEED.read_text(encoding="utf-8").splitlines():
        if line.startswith("Source:"):
            break
        if match := LABEL.match(line):
            turns.append((match["label"], [[match["text"]]]))
        elif turns and line.strip():
            turns[-1][1][-1].append(line.strip())
            if line.rstrip().endswith(".") and len(line) < 55:
                turns[-1][1].append([])  # a short last line closes the paragraph
    return [(label, [" ".join(p) for p in paragraphs if p]) for label, paragraphs in turns]


def pieces(paragraph: str) -> list[tuple[str, str]]:
    """(kind, text) for each sentence or stage direction of a paragraph."""
    out = []
    for match in PIECE.finditer(paragraph):
        chunk = match.group().strip()
        if not chunk:
            continue
        if chunk.startswith("("):
            out.append((Passage.Kind.STAGE, chunk))
        else:
            out.extend((Passage.Kind.SPEECH, s) for s in SENTENCE_END.split(chunk) if s.strip())
    return out


def long_transcript(*, copies: int = 3, **fields):
    transcript = TranscriptFactory(
        title=fields.pop("title", "Remarks With Russian Foreign Minister Sergey Lavrov"),
        date=datetime.date(2009, 5, 7),
        original_text=SEED.read_text(encoding="utf-8"),
        **fields,
    )
    speakers: dict[str, Speaker] = {}
    turns, passages, position = [], [], 0
    for _ in range(copies):
        for label, paragraphs in seed_turns():
            if label not in speakers:
                speakers[label] = Speaker.objects.create(
                    transcript=transcript,
                    label=label,
                    role=ROLES.get(label, ""),
                    position=len(speakers),
                )
            text, spans = "", []
            for number, paragraph in enumerate(paragraphs):
                for kind, sentence in pieces(paragraph):
                    start = len(text) + (1 if text else 0)
                    text = f"{text} {sentence}" if text else sentence
                    spans.append((number, kind, sentence, start))
            turn = Turn(
                transcript=transcript,
                position=len(turns),
                speaker=speakers[label],
                interpreted="(Via interpreter)" in paragraphs[0],
                text=text,
            )
            turns.append(turn)
            for number, kind, sentence, start in spans:
                passages.append(
                    Passage(
                        transcript=transcript,
                        turn=turn,
                        position=position,
                        kind=kind,
                        text=sentence,
                        paragraph=number,
                        start=start,
                        end=start + len(sentence),
                    )
                )
                position += 1
    Turn.objects.bulk_create(turns)
    Passage.objects.bulk_create(passages)
    return transcript
