"""A "large project" built from the seed's real sentences with bulk inserts: tests and bench/.

    project = build_large_project()            # 2,000 turns, 20,000 annotations, 3 annotators

The seed press conference (15 turns, 173 passages) is repeated turn by turn to the length asked
for. Annotations follow what three analysts tagging a transcript produce: most passages get a
whole-passage tag, a third a span of a few words, annotators agree on the tag about three times
in four, and every Disagreement points at an earlier passage (at an annotation on it when there
is one, otherwise at the passage alone). Reviews, drafts, notes and attributes are sprinkled in.

No two annotations of one annotator share passage, tag, span and target: each annotator's n-th
annotation on a passage takes the n-th span of that passage's enumeration, so (annotator,
passage, start, end) alone is unique. Rows are written by `insert(model, rows)`, Django's
bulk_create by default; bench/corpus.py passes a PostgreSQL COPY writer instead. Nothing relies
on primary keys returned by an insert: ids are read back by position.
"""

import hashlib
import random
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.contrib.auth import get_user_model
from django.db.models import OuterRef, Subquery

from annotations.models import Annotation, Membership, Project, counters
from transcripts.models import Passage, Speaker, Transcript, Turn

from .long_transcript import ROLES, SEED, pieces, seed_turns

BATCH = 5000
WORD = re.compile(r"\S+")
NOW = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)
NOTES = ["Check against the interpreter's version.", "Hedged; see guideline 4.2.", "Unsure."]
ATTRIBUTES = {
    "Claim": ("type", ["factual", "evaluative", "policy"]),
    "Commitment": ("strength", ["firm", "hedged"]),
    "Disagreement": ("kind", ["correction", "denial", "counter-claim"]),
}
TAG_WEIGHTS = {"Claim": 5, "Commitment": 2, "Disagreement": 2}

Insert = Callable[[type, Iterable[dict]], None]


def bulk_insert(model, rows: Iterable[dict]) -> None:
    """Django's bulk_create, a batch at a time (rows are dicts of attnames)."""
    batch = []
    for row in rows:
        batch.append(model(**row))
        if len(batch) == BATCH:
            model.objects.bulk_create(batch)
            batch = []
    if batch:
        model.objects.bulk_create(batch)


@dataclass
class LargeProject:
    project: Project
    transcripts: list[Transcript]
    owner: object
    curator: object
    annotators: list = field(default_factory=list)

    @property
    def transcript(self) -> Transcript:
        return self.transcripts[0]


def build_large_project(
    *,
    slug: str = "large",
    turns: int = 2000,
    annotations: int = 20_000,
    annotators: int = 3,
    transcripts: int = 1,
    insert: Insert = bulk_insert,
    seed: int = 10,
) -> LargeProject:
    """A project with `transcripts` transcripts of `turns` turns, `annotations` on each."""
    project = Project.create_with_default_tags(slug=slug, name=f"Large project ({slug})")
    people = make_members(project, annotators)
    built = []
    for number in range(transcripts):
        transcript = build_transcript(turns=turns, title=f"{slug} {number + 1}", insert=insert)
        project.transcripts.add(transcript)
        annotate(
            project,
            transcript,
            count=annotations,
            annotators=people.annotators,
            curator=people.curator,
            insert=insert,
            seed=seed + number,
        )
        built.append(transcript)
    people.project, people.transcripts = project, built
    return people


def make_members(project: Project, annotators: int) -> LargeProject:
    model = get_user_model()

    def member(username: str, role: str):
        user = model(username=f"{username}-{project.slug}", email=f"{username}@example.org")
        user.set_unusable_password()  # logins go through force_login (tests and bench)
        user.save()
        Membership.objects.create(project=project, user=user, role=role)
        return user

    return LargeProject(
        project=project,
        transcripts=[],
        owner=member("owner", Membership.Role.OWNER),
        curator=member("curator", Membership.Role.CURATOR),
        annotators=[
            member(f"annotator{i + 1}", Membership.Role.ANNOTATOR) for i in range(annotators)
        ],
    )


def build_transcript(*, turns: int, title: str, insert: Insert = bulk_insert) -> Transcript:
    """The seed's turns repeated to `turns` turns; original_text the seed file repeated as often."""
    seed = [(label, sentences(paragraphs)) for label, paragraphs in seed_turns()]
    copies = -(-turns // len(seed))
    text = SEED.read_text(encoding="utf-8") * copies  # long, as an imported source would be
    transcript = Transcript.objects.create(
        title=title,
        source_name="US Department of State (synthetic repeat)",
        original_text=text,
        content_hash=hashlib.sha256(f"{title}\n{text}".encode()).hexdigest(),
        metadata={"synthetic": True, "turns": turns},
    )
    speakers = {}
    for label, _ in seed:
        if label not in speakers:
            speakers[label] = Speaker.objects.create(
                transcript=transcript,
                label=label,
                role=ROLES.get(label, ""),
                position=len(speakers),
            )
    insert(
        Turn,
        (
            {
                "transcript_id": transcript.pk,
                "position": i,
                "speaker_id": speakers[seed[i % len(seed)][0]].pk,
                "interpreted": "LAVROV" in seed[i % len(seed)][0],
                "text": seed[i % len(seed)][1][0],
                "source_line": None,
                "start_time": None,
                "end_time": None,
            }
            for i in range(turns)
        ),
    )
    turn_ids = dict(transcript.turns.values_list("position", "pk"))
    insert(Passage, passage_rows(transcript, seed, turn_ids))
    return transcript


def sentences(paragraphs: list[str]) -> tuple[str, list[tuple[int, str, str, int]]]:
    """A seed turn's text and its (paragraph, kind, sentence, start) pieces."""
    text, spans = "", []
    for number, paragraph in enumerate(paragraphs):
        for kind, sentence in pieces(paragraph):
            start = len(text) + (1 if text else 0)
            text = f"{text} {sentence}" if text else sentence
            spans.append((number, kind, sentence, start))
    return text, spans


def passage_rows(transcript: Transcript, seed: list, turn_ids: dict[int, int]) -> Iterator[dict]:
    position = 0
    for turn_position, turn_id in sorted(turn_ids.items()):
        for paragraph, kind, sentence, start in seed[turn_position % len(seed)][1][1]:
            yield {
                "transcript_id": transcript.pk,
                "turn_id": turn_id,
                "position": position,
                "kind": kind,
                "text": sentence,
                "paragraph": paragraph,
                "start": start,
                "end": start + len(sentence),
                "source_start": None,
                "source_end": None,
                "start_time": None,
                "end_time": None,
            }
            position += 1


def span(text: str, index: int) -> tuple[int | None, int | None] | None:
    """The `index`-th span of a passage: 0 is the whole passage, then word windows.

    Windows are enumerated by (length, first word), so distinct indexes give distinct offsets;
    None when the enumeration has no such window (a short passage).
    """
    if index == 0:
        return None, None
    words = [(m.start(), m.end()) for m in WORD.finditer(text)]
    n = len(words)
    shortest = min(3, n - 1)
    if shortest < 1:
        return None
    first, length = (index - 1) % n, shortest + (index - 1) // n
    last = first + length - 1
    if last >= n or (first == 0 and last == n - 1):
        return None
    return words[first][0], words[last][1]


def annotate(project, transcript, *, count, annotators, curator, insert=bulk_insert, seed=10):
    """`count` annotations on `transcript` by `annotators`, then the disagreement links."""
    tags = {tag.name: tag for tag in project.tags.all()}
    passages = list(
        transcript.passages.speech().order_by("position").values_list("pk", "position", "text")
    )
    insert(Annotation, annotation_rows(passages, tags, annotators, curator, count, seed))
    link_targets(project, transcript)
    # A COPY writer bypasses the model's bulk_create, which keeps Progress's counters.
    in_transcript = Annotation.objects.in_project(project).filter(passage__transcript=transcript)
    counters.recount(counters.keys_of(in_transcript))


def annotation_rows(passages, tags, annotators, curator, count, seed) -> Iterator[dict]:
    rng = random.Random(seed)
    names, weights = list(TAG_WEIGHTS), list(TAG_WEIGHTS.values())
    # Per round, each annotator tags a passage with this probability (at most 0.9).
    chance = min(0.9, count / max(1, len(passages) * len(annotators)))
    made, round_ = 0, 0
    while made < count:
        for index, (_, _, text) in enumerate(passages):
            agreed = (rng.choices(names, weights)[0], rng.random() < 0.35)
            for annotator in annotators:
                if rng.random() >= chance:
                    continue
                tag, partial = (
                    agreed
                    if rng.random() < 0.75
                    else (
                        rng.choices(names, weights)[0],
                        rng.random() < 0.35,
                    )
                )
                offsets = span(text, 2 * round_ + partial)
                if offsets is None:
                    continue
                if tag == "Disagreement" and index == 0:
                    tag = "Claim"  # nothing earlier to disagree with
                yield annotation_row(rng, passages, index, tags[tag], annotator, curator, offsets)
                made += 1
                if made == count:
                    return
        round_ += 1
        if round_ > 200:
            raise ValueError(f"cannot place {count} distinct annotations on these passages")


def annotation_row(rng, passages, index, tag, annotator, curator, offsets) -> dict:
    passage_id, _, text = passages[index]
    start, end = offsets
    target_passage = None
    if tag.needs_target:
        target_passage = passages[max(0, index - rng.randint(1, 6))][0]
    name, choices = ATTRIBUTES.get(tag.name, ("", []))
    status = rng.choices(["submitted", "accepted", "rejected", "draft"], [70, 15, 5, 10])[0]
    reviewed = status in ("accepted", "rejected")
    return {
        "passage_id": passage_id,
        "tag_id": tag.pk,
        "annotator_id": annotator.pk,
        "start": start,
        "end": end,
        "quote": text if start is None else text[start:end],
        "target_id": None,  # link_targets() points it at an annotation on target_passage
        "target_passage_id": target_passage,
        "note": rng.choice(NOTES) if rng.random() < 0.05 else "",
        "attributes": {name: rng.choice(choices)} if choices and rng.random() < 0.6 else {},
        "status": status,
        "version": 1,
        "reviewed_by_id": curator.pk if reviewed else None,
        "reviewed_at": NOW if reviewed else None,
        "created_at": NOW,
        "updated_at": NOW,
    }


def link_targets(project, transcript) -> int:
    """Each disagreement answers the first annotation on its target passage, if it has one."""
    in_project = Annotation.objects.in_project(project)
    first = in_project.filter(passage=OuterRef("target_passage")).order_by("pk").values("pk")[:1]
    linking = in_project.filter(passage__transcript=transcript, target_passage__isnull=False)
    return linking.update(target=Subquery(first))
