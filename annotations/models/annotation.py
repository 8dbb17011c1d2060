"""Annotations, and the one way to write one.

Every change goes through a verb here: `Annotation.objects.create_by()`, `apply_change()`,
`remove()` and `AnnotationQuerySet.review()`. Each compares versions, records an
`AnnotationEvent`, and commits both together, so the workspace, the admin, undo and redo, and
the importers cannot disagree on what a stale write or a review status means. `save()` and the
bulk writes check that an annotation's tag, passage and targets all belong to one project: a
rule across tables that no CHECK constraint can state, kept here because every path to the
table — admin, workspace, importers, the shell — ends in one of these methods. For the same
reason they set the quote from the passage and the offsets (quotes.py): it is never typed.
"""

import uuid
from collections.abc import Iterable
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Case, Exists, F, OuterRef, Q, Value
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from transcripts.models import Passage

from . import counters
from .events import AnnotationEvent, snapshot
from .projects import Membership, Tag
from .quotes import QUOTE_INPUTS, SpanOutsidePassage, set_quotes, span_problem

LINKS = {"passage", "tag", "target", "target_passage"}
COUNTED = {"passage", "tag", "annotator"}  # what places an annotation in Progress's counters
CHUNK = 5000  # ids per IN (...) list: well inside SQLite's limit on query parameters


class WrongProject(ValidationError):
    """An annotation whose tag, passage or targets come from different projects."""


def _chunks(ids: set) -> Iterable[list]:
    ids = sorted(ids)
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _fk(annotation, name: str):
    # The id, or the pk of an object assigned before it was saved (bulk imports do that).
    value = getattr(annotation, f"{name}_id")
    if value is None and annotation._state.fields_cache.get(name) is not None:
        value = annotation._state.fields_cache[name].pk
    return value


FOUND_IN = "found_in_project"  # set by found_in(): the project a passage was looked up through


def found_in(passage: Passage | None, project) -> Passage | None:
    """Mark a passage the caller looked up through `project` (its transcripts): the write's
    one-project check then trusts that lookup instead of asking the database again."""
    if passage is not None:
        setattr(passage, FOUND_IN, project.pk)
    return passage


def cited_by_gold() -> Exists:
    """Whether gold items cite the annotation as a source: read with the row it deletes."""
    from .gold import GoldSource  # gold.py imports this module

    return Exists(GoldSource.objects.filter(annotation=OuterRef("pk")))


def _keys_of_rows(annotations: list) -> set:
    """The counters' keys of annotations given as objects (saved, or being saved)."""
    tags = {_fk(a, "tag") for a in annotations}
    passages = {_fk(a, "passage") for a in annotations}
    project_of = {}
    for ids in _chunks(tags - {None}):
        project_of |= dict(Tag.objects.filter(pk__in=ids).values_list("pk", "project_id"))
    transcript_of = {}
    for ids in _chunks(passages - {None}):
        rows = Passage.objects.filter(pk__in=ids).values_list("pk", "transcript_id")
        transcript_of |= dict(rows)
    return {
        (project_of[_fk(a, "tag")], transcript_of[_fk(a, "passage")], _fk(a, "annotator"))
        for a in annotations
        if _fk(a, "tag") in project_of and _fk(a, "passage") in transcript_of
    }


class Links(NamedTuple):
    passage_id: int | None
    tag_id: int | None
    target_id: int | None
    target_passage_id: int | None


def check_one_project(annotations: Iterable["Annotation"], texts: dict | None = None) -> None:
    """Raise WrongProject unless each annotation's passage, target passage and target are
    in its tag's project. A few queries for any number of annotations. The passages' texts,
    read on the way, go into `texts` if given (set_quotes() needs them next)."""
    given = list(annotations)
    tag_project = {}
    for a in given:  # a tag already loaded with the annotation needs no query
        tag = a._state.fields_cache.get("tag")
        if tag is not None and tag.pk is not None and tag.pk == _fk(a, "tag"):
            tag_project[tag.pk] = tag.project_id
    # Plain records of the four ids, not model instances: an import checks 20,000 at once.
    annotations = [Links(*(_fk(a, n.removesuffix("_id")) for n in Links._fields)) for a in given]
    for ids in _chunks({a.tag_id for a in annotations} - set(tag_project)):
        tag_project |= dict(Tag.objects.filter(pk__in=ids).values_list("pk", "project_id"))
    placed = set()  # (passage, project) pairs: a transcript may be in several projects
    target_project = {}
    for a in given:  # a passage the caller found through the tag's project needs no query
        project = tag_project.get(_fk(a, "tag"))
        for name in ("passage", "target_passage"):
            passage = a._state.fields_cache.get(name)
            if passage is not None and getattr(passage, FOUND_IN, None) == project:
                placed.add((passage.pk, project))
        target = a._state.fields_cache.get("target")
        if target is not None and "tag" in target._state.fields_cache:
            target_project[target.pk] = target.tag.project_id
    passages = {a.passage_id for a in annotations} | {a.target_passage_id for a in annotations}
    for ids in _chunks(passages - {None} - {pk for pk, _ in placed}):
        rows = Passage.objects.filter(pk__in=ids, transcript__projects__isnull=False)
        if texts is None:
            placed |= set(rows.values_list("pk", "transcript__projects"))
            continue
        for pk, project, text in rows.values_list("pk", "transcript__projects", "text"):
            placed.add((pk, project))
            texts.setdefault(pk, text)  # a text given (not saved yet) wins
    for ids in _chunks({a.target_id for a in annotations} - {None} - set(target_project)):
        rows = Annotation.objects.filter(pk__in=ids).values_list("pk", "tag__project_id")
        target_project |= dict(rows)
    for a in annotations:
        project = tag_project.get(a.tag_id)
        if (a.passage_id, project) not in placed:
            raise WrongProject(
                f"The passage {a.passage_id} is not in the tag's project: an annotation, its tag "
                "and its passage must all belong to one project."
            )
        if a.target_passage_id is not None and (a.target_passage_id, project) not in placed:
            raise WrongProject(f"The target passage {a.target_passage_id} is in another project.")
        if a.target_id is not None and target_project.get(a.target_id) != project:
            raise WrongProject(f"The target annotation {a.target_id} is in another project.")


class StaleAnnotation(Exception):
    """Someone saved (or deleted) the annotation since this copy was read.

    `current` is the annotation as it is now in the database, or None if it was deleted, and
    `changed_by` who made the latest change: show them to the user rather than overwriting.
    """

    def __init__(self, current: "Annotation | None", changed_by=None):
        self.current, self.changed_by = current, changed_by
        who = f" by {changed_by}" if changed_by else " by someone else"
        super().__init__(
            f"This annotation was deleted{who}."
            if current is None
            else f"This annotation was changed{who} (now version {current.version})."
        )

    @classmethod
    def about(cls, annotation_id: int, current, *, since: int = 0) -> "StaleAnnotation":
        # The event that left it as it is now: the deletion, or the write that made its version.
        events = AnnotationEvent.objects.about(annotation_id).filter(pk__gt=since)
        if current is None:
            events = events.filter(action=AnnotationEvent.Action.DELETE)
        else:
            events = events.filter(version_after=current.version).exclude(
                action=AnnotationEvent.Action.DELETE
            )
        event = events.select_related("user").order_by("-pk").first()
        return cls(current, event.user if event else None)


class DuplicateAnnotation(Exception):
    """The annotator already has exactly this annotation (passage, tag, span and target)."""

    def __init__(self, existing: "Annotation"):
        self.existing = existing
        super().__init__(f"Already tagged as {existing.tag.name}.")


class AnnotationQuerySet(models.QuerySet):
    def in_project(self, project):
        return self.filter(tag__project=project)

    def visible_to(self, membership: Membership):
        qs = self.in_project(membership.project)
        return qs if membership.sees_all_annotations() else qs.filter(annotator=membership.user_id)

    def submitted(self):
        return self.filter(status=Annotation.Status.SUBMITTED)

    def accepted(self):
        return self.filter(status=Annotation.Status.ACCEPTED)

    def reviewed(self):
        return self.filter(status__in=[Annotation.Status.ACCEPTED, Annotation.Status.REJECTED])

    def exact_copy_of(self, annotation: "Annotation"):
        return self.filter(
            annotator_id=annotation.annotator_id,
            passage_id=annotation.passage_id,
            tag_id=annotation.tag_id,
            start=annotation.start,
            end=annotation.end,
            target_id=annotation.target_id,
            target_passage_id=annotation.target_passage_id,
        )

    # --- Writes ---------------------------------------------------------------------------

    def bulk_create(self, objs, *args, **kwargs):
        objs, texts = list(objs), {}
        check_one_project(objs, texts)
        set_quotes(objs, texts)
        created = super().bulk_create(objs, *args, **kwargs)
        counters.recount(_keys_of_rows(objs))
        return created

    def bulk_update(self, objs, fields, *args, passage_texts=None, **kwargs):
        """`passage_texts` (id -> text): passages whose new text is not saved yet, e.g. a
        merge moves annotations onto a passage before the passage itself is rewritten."""
        objs, names = list(objs), {f.removesuffix("_id") for f in fields}
        texts = dict(passage_texts or {})
        if LINKS & names:
            check_one_project(objs, texts)
        if QUOTE_INPUTS & names:
            set_quotes(objs, texts)
            fields = [*fields, "quote"] if "quote" not in names else fields
        if not COUNTED & names:
            return super().bulk_update(objs, fields, *args, **kwargs)
        rows = Annotation.objects.filter(pk__in=[a.pk for a in objs])
        before = counters.keys_of(rows)
        updated = super().bulk_update(objs, fields, *args, **kwargs)
        counters.recount(before | counters.keys_of(rows))
        return updated

    def update(self, **kwargs):
        quoted = sorted(k for k in kwargs if k.removesuffix("_id") in QUOTE_INPUTS)
        # bulk_update() sends its per-row CASE here after setting each quote itself; any other
        # value is one value for many rows, which cannot be each row's text at its offsets.
        if any(not isinstance(kwargs[k], Case | Cast) for k in quoted):
            raise SpanOutsidePassage(
                f"update() cannot set {', '.join(quoted)}: the quote follows from each "
                "annotation's passage and offsets; use apply_change() or bulk_update()."
            )
        moved = {
            k: v
            for k, v in kwargs.items()
            # bulk_update() sends CASE expressions here, after checking the rows itself.
            if k.removesuffix("_id") in LINKS and v and not hasattr(v, "resolve_expression")
        }
        if moved:
            # A bulk move (shell, data fix): check the rows as they would be afterwards.
            rows = [Annotation(pk=a.pk, **a.links()) for a in self.only(*LINKS)]
            for row in rows:
                for key, value in moved.items():
                    setattr(
                        row,
                        key if key.endswith("_id") else f"{key}_id",
                        getattr(value, "pk", value),
                    )
            check_one_project(rows)
        if not COUNTED & {k.removesuffix("_id") for k in kwargs}:
            return super().update(**kwargs)
        pks = list(self.values_list("pk", flat=True))
        before = counters.keys_of(Annotation.objects.filter(pk__in=pks))
        updated = super().update(**kwargs)
        counters.recount(before | counters.keys_of(Annotation.objects.filter(pk__in=pks)))
        return updated

    def delete(self):
        keys = counters.keys_of(self)
        deleted = super().delete()
        counters.recount(keys)
        return deleted

    def create_by(self, membership: Membership, *, request_id=None, **fields) -> "Annotation":
        """Create an annotation by `membership`'s user and record it, once per request id.

        A client that lost the answer retries with the same `request_id` and gets the first
        result back, not a second row. An exact copy of one of the user's annotations raises
        DuplicateAnnotation (the unique constraint settles a race between two requests).
        """
        user = fields.pop("annotator", None) or membership.user  # a curator may add for another
        if request_id is not None:
            done = self.filter(annotator=user, request_id=request_id).first()
            if done is not None:
                return done
        annotation = Annotation(annotator=user, request_id=request_id, **fields)
        try:  # the unique constraints decide: a copy or a repeated request id cannot slip in
            with transaction.atomic():
                annotation.save(force_insert=True)
                annotation.record(
                    membership, AnnotationEvent.Action.CREATE, after=snapshot(annotation)
                )
        except IntegrityError:
            if request_id is not None:
                done = self.filter(annotator=user, request_id=request_id).first()
                if done is not None:
                    return done
            existing = self.exact_copy_of(annotation).select_related("tag").first()
            if existing is not None:
                raise DuplicateAnnotation(existing) from None
            raise
        return annotation

    @transaction.atomic
    def review(self, status: str, *, by, reviewing: bool = True) -> int:
        """Move these annotations to `status` as `by`: versions bumped, each change recorded.

        Accepting and rejecting (`reviewing`) also note the reviewer; submitting and reopening
        a transcript's drafts (the annotator's own "mark as done") do not.
        """
        # Re-read by id: the caller's queryset may join nullable tables (the admin's list does),
        # and PostgreSQL cannot lock the nullable side of an outer join. The transcript comes
        # with each row (no query per annotation for its event).
        locked = Annotation.objects.filter(pk__in=self.values("pk")).select_related("tag")
        locked = locked.annotate(transcript_of=F("passage__transcript_id"))
        now, rows = timezone.now(), list(locked.select_for_update(of=("self",)))
        changes = {"status": status, "version": F("version") + 1, "updated_at": now}
        if reviewing:
            changes |= {"reviewed_by": by, "reviewed_at": now}
        events = []
        for annotation in rows:
            before = snapshot(annotation)
            annotation.status = status
            if reviewing:
                annotation.reviewed_by, annotation.reviewed_at = by, now
            annotation.version += 1
            annotation.updated_at = now
            events.append(
                AnnotationEvent(
                    project_id=annotation.tag.project_id,
                    transcript_id=annotation.transcript_of,
                    user=by,
                    annotation=annotation,
                    subject=annotation.pk,
                    action=AnnotationEvent.Action.REVIEW
                    if reviewing
                    else AnnotationEvent.Action.UPDATE,
                    before=before,
                    after=snapshot(annotation),
                    version_after=annotation.version,
                )
            )
        # One value for every row (the version is each row's own plus one): a plain UPDATE a
        # thousand ids at a time, not bulk_update's per-row CASE (3.3 s for 489 rows).
        ids = [annotation.pk for annotation in rows]
        for at in range(0, len(ids), 1000):
            Annotation.objects.filter(pk__in=ids[at : at + 1000]).update(**changes)
        AnnotationEvent.objects.bulk_create(events, batch_size=1000)
        return len(rows)

    @transaction.atomic
    def relocate(self, changes: dict[int, dict], *, by, transcript_id: int, texts=None) -> list:
        """Move annotations with the text they tag, as `by` (a user): the structure editor
        split or merged their passage. `changes` maps an id to its new passage, span, quote
        or target passage. Versions are bumped (an editor holding the old offsets gets a 409)
        and each move recorded; the status stays: the tag was not changed, only where its text
        now lives. A few queries for any number of annotations.
        """
        if not changes:
            return []
        locked = Annotation.objects.filter(pk__in=list(changes)).select_related("tag")
        rows, now, events = list(locked.select_for_update(of=("self",))), timezone.now(), []
        for annotation in rows:
            before = snapshot(annotation)
            for name, value in changes[annotation.pk].items():
                setattr(annotation, name, value)
            annotation.version += 1
            annotation.updated_at = now
            events.append(
                AnnotationEvent(
                    project_id=annotation.tag.project_id,
                    transcript_id=transcript_id,
                    user=by,
                    annotation=annotation,
                    subject=annotation.pk,
                    action=AnnotationEvent.Action.MOVE,
                    before=before,
                    after=snapshot(annotation),
                    version_after=annotation.version,
                )
            )
        fields = ["passage", "start", "end", "quote", "target_passage", "version", "updated_at"]
        Annotation.objects.bulk_update(rows, fields, batch_size=1000, passage_texts=texts)
        AnnotationEvent.objects.bulk_create(events, batch_size=1000)
        return rows

    def accept(self, *, by) -> int:
        return self.review(Annotation.Status.ACCEPTED, by=by)

    def reject(self, *, by) -> int:
        return self.review(Annotation.Status.REJECTED, by=by)


class Annotation(models.Model):
    """A tag on a passage (or a span of it) by one annotator.

    `target` is the annotation this one answers (e.g. the claim a disagreement disputes) and
    `target_passage` the passage answered: always set when there is a target, and the only link
    when the user picked a passage nobody had tagged yet.
    """

    class Status(models.TextChoices):
        DRAFT = "draft"
        SUBMITTED = "submitted"
        ACCEPTED = "accepted"
        REJECTED = "rejected"

    passage = models.ForeignKey(
        Passage,
        on_delete=models.PROTECT,  # never lost by a cascade: deleting a transcript asks first
        related_name="annotations",
    )
    tag = models.ForeignKey(Tag, on_delete=models.PROTECT, related_name="annotations")
    annotator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="annotations"
    )
    start = models.PositiveIntegerField(null=True, blank=True, help_text="Blank = whole passage.")
    end = models.PositiveIntegerField(null=True, blank=True)
    quote = models.TextField(blank=True, help_text="The tagged text.")
    target = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="answered_by"
    )
    target_passage = models.ForeignKey(
        Passage, on_delete=models.PROTECT, null=True, blank=True, related_name="answered_by"
    )
    note = models.TextField(blank=True)
    attributes = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    version = models.PositiveIntegerField(
        default=1, help_text="Bumped on every save (optimistic locking)."
    )
    request_id = models.UUIDField(
        null=True, blank=True, editable=False, help_text="The client's id for the create request."
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reviewed_annotations",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AnnotationQuerySet.as_manager()
    Stale = StaleAnnotation  # `except Annotation.Stale as stale:` reads like DoesNotExist

    class Meta:
        ordering = ["passage", "start", "pk"]
        constraints = [
            models.CheckConstraint(
                # SQL lets NULL pass a CHECK, so spell out "both null" and "both set, ordered".
                condition=Q(start__isnull=True, end__isnull=True)
                | Q(start__isnull=False, end__isnull=False, start__lt=F("end")),
                name="%(app_label)s_%(class)s_span_ordered",
            ),
            models.CheckConstraint(
                condition=Q(target__isnull=True) | Q(target_passage__isnull=False),
                name="%(app_label)s_%(class)s_target_has_passage",
            ),
            models.CheckConstraint(
                condition=~Q(target=F("id")), name="%(app_label)s_%(class)s_not_own_target"
            ),
            models.UniqueConstraint(
                fields=["annotator", "request_id"], name="%(app_label)s_%(class)s_one_per_request"
            ),
            # NULLs are distinct in a unique index, so a whole-passage annotation (no span) or
            # one without a target would never collide: compare them as -1 and 0 instead.
            models.UniqueConstraint(
                F("annotator"),
                F("passage"),
                F("tag"),
                Coalesce("start", Value(-1)),
                Coalesce("end", Value(-1)),
                Coalesce("target", Value(0)),
                Coalesce("target_passage", Value(0)),
                name="%(app_label)s_%(class)s_no_exact_copy",
            ),
        ]
        indexes = [
            models.Index(fields=["passage", "annotator"]),
            models.Index(fields=["annotator", "updated_at"]),
            models.Index(fields=["status"]),
        ]

    def __str__(self):
        return (
            self.quote[:60] or f"passage {self.passage_id}"
        )  # no FK hops: admin lists stay one query

    def save(self, *args, links_unchanged: bool = False, place=None, **kwargs):
        # links_unchanged: the caller knows the passage, targets and tag's project are as
        # they were when last checked (apply_change compares them), so no check is needed.
        # place: (project, transcript) of the passage, when the caller knows (undo does).
        fields = kwargs.get("update_fields")
        names = None if fields is None else {f.removesuffix("_id") for f in fields}
        texts = {}
        if not links_unchanged and (names is None or LINKS & names):
            check_one_project([self], texts)
        if names is None or QUOTE_INPUTS & names:
            set_quotes([self], texts)  # whatever quote the caller set, the stored one is the text's
            if names is not None and "quote" not in names:
                kwargs["update_fields"] = [*fields, "quote"]
        adding, was = self._state.adding, getattr(self, "_counted_at", None)
        with transaction.atomic(savepoint=False):  # the write and its count, or neither
            super().save(*args, **kwargs)
            now = self._placement()
            if adding:
                counters.count_one(self, self._counter_key(place=place), 1)
            elif (
                not links_unchanged and None not in (was, now) and was != now
            ):  # moved: out of one count, into another
                counters.count_one(self, self._counter_key(was), -1)
                counters.count_one(self, self._counter_key(), 1)
        self._counted_at = now

    def delete(self, *args, **kwargs):
        key = self._counter_key()
        with transaction.atomic(savepoint=False):
            deleted = super().delete(*args, **kwargs)
            counters.count_one(self, key, -1)
        return deleted

    def erase(self, *, answered: bool, sourced: bool) -> None:
        """Delete the row in one statement (and what depends on it, only if there is any):
        Django's deletion would ask for, or null, every relation whether or not it holds rows.
        The caller has locked the row and knows whether others answer it or gold cites it."""
        from .gold import GoldSource  # gold.py imports this module

        key = self._counter_key()
        if sourced:
            # Loss-free: the source row keeps who, which version and `subject` (the id).
            GoldSource.objects.filter(annotation_id=self.pk).update(annotation=None)
        if answered:
            Annotation.objects.filter(target_id=self.pk).update(target=None)
        Annotation._base_manager.filter(pk=self.pk)._raw_delete(self._state.db or "default")
        counters.count_one(self, key, -1)

    @classmethod
    def from_db(cls, db, field_names, values):
        # Where the row is counted as loaded, so save() knows when it moves (a row loaded
        # with only() some fields leaves it unknown: such a save moves nothing counted).
        row = super().from_db(db, field_names, values)
        row._counted_at = row._placement()
        return row

    def _placement(self) -> tuple | None:
        values = tuple(self.__dict__.get(name) for name in ("tag_id", "passage_id", "annotator_id"))
        return None if None in values else values

    def _counter_key(self, placement: tuple | None = None, place=None) -> tuple:
        """(project, transcript, annotator) of this annotation, or of an earlier placement."""
        tag_id, passage_id, annotator_id = (
            placement or self._placement() or (self.tag_id, self.passage_id, self.annotator_id)
        )
        if place is not None:
            return (*place, annotator_id)
        tag = self._state.fields_cache.get("tag")
        if tag is not None and tag.pk == tag_id:
            project_id = tag.project_id
        else:
            project_id = Tag.objects.values_list("project_id", flat=True).get(pk=tag_id)
        if passage_id == self.passage_id:
            transcript_id = self.passage_transcript_id()
        else:
            transcript_id = Passage.objects.values_list("transcript_id", flat=True).get(
                pk=passage_id
            )
        return (project_id, transcript_id, annotator_id)

    def clean(self):
        if self.tag_id and self.passage_id:
            check_one_project([self])
            problem = span_problem(self.passage.text, self.start, self.end)
            if problem:
                raise SpanOutsidePassage({"start": problem})

    @property
    def is_span(self) -> bool:
        return self.start is not None

    @property
    def is_reviewed(self) -> bool:
        return self.status in (self.Status.ACCEPTED, self.Status.REJECTED)

    def links(self) -> dict:
        return {f"{name}_id": getattr(self, f"{name}_id") for name in LINKS}

    def passage_transcript_id(self) -> int:
        passage = self._state.fields_cache.get("passage")
        if passage is not None and passage.pk == self.passage_id:
            return passage.transcript_id
        return Passage.objects.values_list("transcript_id", flat=True).get(pk=self.passage_id)

    def describe(self) -> str:
        """“Claim on ‘We disagree on Georgia.’ (Lavrov, turn 4)”, for messages."""
        quote = self.quote if len(self.quote) <= 60 else self.quote[:59].rstrip() + "…"
        turn = self.passage.turn
        return f"{self.tag.name} on ‘{quote}’ ({turn.speaker.name}, turn {turn.position + 1})"

    # --- The versioned write --------------------------------------------------------------

    def record(self, membership: Membership, action: str, *, before=None, after=None):
        return AnnotationEvent.objects.create(
            project=membership.project,
            transcript_id=self.passage_transcript_id(),
            user=membership.user,
            annotation=self,  # kept when it is deleted: undo re-creates it under this id
            subject=self.pk,
            action=action,
            before=before,
            after=after,
            version_after=self.version,  # for a deletion, the version it was deleted at
        )

    def member(self, by) -> Membership:
        """`by` as a member of this annotation's project: a Membership, or a user (the shell)."""
        if isinstance(by, Membership):
            return by
        project = self.tag.project
        found = project.membership_of(by)
        return found or Membership(project=project, user=by, role=Membership.Role.ANNOTATOR)

    def apply_change(self, by, expected_version: int, **fields) -> "Annotation":
        """Write `fields` if the annotation is still at `expected_version`, as `by`.

        Raises StaleAnnotation (naming who changed it) if anyone saved or deleted it since;
        otherwise bumps the version, sends reviewed work back to review when an annotator
        edits it, records the event, and returns the annotation as saved (also updating self).
        """
        by = self.member(by)
        with transaction.atomic():
            locked = Annotation.objects.select_for_update(of=("self",)).select_related("passage")
            current = locked.filter(pk=self.pk).first()  # the passage text sets the quote
            if current is None or current.version != expected_version:
                raise StaleAnnotation.about(self.pk, current)
            before = snapshot(current)
            for name, value in fields.items():
                setattr(current, name, value)
            if "status" not in fields:
                current.edited_by(by)
            current.version += 1
            self._share_loaded(current)
            current.save(links_unchanged=self._same_links(before, current))
            current.record(
                by, AnnotationEvent.Action.UPDATE, before=before, after=snapshot(current)
            )
        for name in [f.attname for f in self._meta.concrete_fields]:
            setattr(self, name, getattr(current, name))
        for name, value in fields.items():  # keep the related objects given, not re-read
            if name in LINKS:
                setattr(self, name, value)
        return current

    def _share_loaded(self, current: "Annotation") -> None:
        # The locked copy is the same row: lend it what this copy has loaded (its passage for
        # the event's transcript, its tag for the project check) instead of querying again.
        for name in ("passage", "tag"):
            loaded = self._state.fields_cache.get(name)
            if loaded is not None and loaded.pk == getattr(current, f"{name}_id"):
                current._state.fields_cache.setdefault(name, loaded)

    def _same_links(self, before: dict, current: "Annotation") -> bool:
        """True if only the tag may have changed, to another tag of the same project."""
        if any(before[f"{n}_id"] != getattr(current, f"{n}_id") for n in LINKS - {"tag"}):
            return False
        if before["tag_id"] == current.tag_id:
            return True
        old, new = self._state.fields_cache.get("tag"), current._state.fields_cache.get("tag")
        return bool(old and new and old.pk == before["tag_id"] and new.pk == current.tag_id
                    and old.project_id == new.project_id)  # fmt: skip

    def remove(self, by, expected_version: int | None = None) -> set[int]:
        """Delete it as `by`, if still at `expected_version` (None: whatever it is now).

        Returns the passages of the annotations that answered it: their link is gone.
        """
        by = self.member(by)
        with transaction.atomic():
            # The row and those answering it, locked in one query: their target is cleared.
            rows = Annotation.objects.select_for_update().filter(Q(pk=self.pk) | Q(target=self.pk))
            rows = list(rows.annotate(sourced=cited_by_gold()).order_by("pk"))
            current = next((row for row in rows if row.pk == self.pk), None)
            if current is None or expected_version not in (None, current.version):
                raise StaleAnnotation.about(self.pk, current)
            answers = [row for row in rows if row.target_id == self.pk]
            # Undo restores the links others made to it.
            before = snapshot(current) | {"answered_by": [row.pk for row in answers]}
            self._share_loaded(current)
            current.record(by, AnnotationEvent.Action.DELETE, before=before)
            current.erase(answered=bool(answers), sourced=current.sourced)
        return {row.passage_id for row in answers}

    def edited_by(self, membership: Membership) -> bool:
        """Note an edit by `membership`: an annotator's edit of reviewed work goes back to review.

        A curator accepted (or rejected) what they saw; if the annotator changes it afterwards the
        gold layer must not change unnoticed, so the annotation is submitted again. Curators and
        owners edit as reviewers and keep the status. Returns True if the status went back.
        """
        if not self.is_reviewed or membership.can_curate:
            return False
        self.status = self.Status.SUBMITTED
        return True


def new_request_id(value) -> uuid.UUID | None:
    """The client's request id if it is a UUID, else None (then a retry may duplicate)."""
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None
