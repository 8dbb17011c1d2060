"""The gold layer: curated annotations, one per agreed item, and the annotator versions behind each.

Gold is a layer of its own, not a status on each annotator's row: two annotators who tagged the
same claim give one `GoldAnnotation` with two `GoldSource`s, each naming the annotation and the
version of it the curator saw. An annotator's annotation is *decided* when it is rejected or is
the source of a gold item at its current version; an edit after that bumps its version, so the
item is open again and nothing changes in gold unnoticed.

Every write goes through a verb here (`GoldAnnotation.objects.accept`, `write`, `apply_change`,
`remove`, `reject_items`), which checks versions under a row lock and raises `StaleGold` (or the
annotation's `StaleAnnotation`), both answered with a 409, and records a `GoldEvent`.
"""

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import Exists, F, OuterRef, Q, Value
from django.db.models.functions import Coalesce

from transcripts.models import Passage, Transcript

from .annotation import Annotation, StaleAnnotation
from .projects import Project, Tag

GOLD_FIELDS = ["passage_id", "tag_id", "start", "end", "quote", "target_id", "target_passage_id"]
SNAPSHOT = [*GOLD_FIELDS, "note", "attributes", "origin", "curator_id"]


def gold_snapshot(gold) -> dict:
    return {name: getattr(gold, name) for name in SNAPSHOT} | {
        "id": gold.pk,
        "version": gold.version,
    }


class StaleGold(Exception):
    """Someone changed or removed this gold item since it was read (answered with a 409)."""

    def __init__(self, current: "GoldAnnotation | None", changed_by=None):
        self.current, self.changed_by = current, changed_by
        who = f" by {changed_by}" if changed_by else " by another curator"
        super().__init__(
            f"This gold item was removed{who}."
            if current is None
            else f"This gold item was changed{who} (now version {current.version})."
        )

    @classmethod
    def about(cls, gold_id: int, current) -> "StaleGold":
        event = GoldEvent.objects.filter(subject=gold_id).select_related("user").first()
        return cls(current, event.user if event else None)


class GoldConflict(ValueError):
    """The curator's gold item would be a copy of one already in gold, or is not valid."""


def undecided(annotations):
    """Annotations a curator has not decided: not rejected, not in gold at their version."""
    in_gold = GoldSource.objects.filter(annotation=OuterRef("pk"), version=OuterRef("version"))
    return annotations.exclude(status=Annotation.Status.REJECTED).exclude(Exists(in_gold))


class GoldQuerySet(models.QuerySet):
    def in_transcript(self, project, transcript_id: int):
        return self.filter(project=project, passage__transcript_id=transcript_id)

    @transaction.atomic
    def accept(self, annotation: Annotation, *, by, expected_version: int, project):
        """Put an annotator's version into gold, with every undecided copy of it as a source.

        Copies are the other annotators' annotations of the same passage, tag, span and target
        (the agreement's exact match); if that item is in gold already, they join its sources.
        """
        current = Annotation.objects.select_for_update().filter(pk=annotation.pk).first()
        if current is None or current.version != expected_version:
            raise StaleAnnotation.about(annotation.pk, current)
        target = None
        if current.target_id is not None:
            target = self.filter(project=project, source_rows__annotation=current.target_id).first()
        fields = {
            "project": project,
            "passage_id": current.passage_id,
            "tag_id": current.tag_id,
            "start": current.start,
            "end": current.end,
            "quote": current.quote,
            "target": target,
            "target_passage_id": current.target_passage_id,
        }
        gold = self.filter(**same_item(fields)).first()
        copies = undecided(Annotation.objects.in_project(project)).filter(
            passage_id=current.passage_id,
            tag_id=current.tag_id,
            start=current.start,
            end=current.end,
            target_passage_id=current.target_passage_id,
        )
        if current.target_id is not None:
            copies = copies.filter(
                target__start=current.target.start, target__end=current.target.end
            )
        else:
            copies = copies.filter(target__isnull=True)
        ids = {current.pk, *copies.values_list("pk", flat=True)}
        if gold is None:
            gold = self._create(
                by,
                origin=GoldAnnotation.Origin.ACCEPTED,
                note=current.note,
                attributes=current.attributes,
                **fields,
            )
        gold.add_sources(Annotation.objects.filter(pk__in=ids), by=by)
        return gold

    def write(self, *, by, project, **fields) -> "GoldAnnotation":
        """A curator's own gold item (span, tag, attributes, target)."""
        with transaction.atomic():
            return self._create(by, project=project, origin=GoldAnnotation.Origin.WRITTEN, **fields)

    def _create(self, by, **fields) -> "GoldAnnotation":
        gold = GoldAnnotation(curator=by, **fields)
        gold.check_span()
        try:
            with transaction.atomic():
                gold.save(force_insert=True)
        except IntegrityError:
            raise GoldConflict("This item is already in gold.") from None
        gold.record(by, GoldEvent.Action.CREATE, after=gold_snapshot(gold))
        return gold

    @transaction.atomic
    def reject_items(self, annotations, *, by, seen: dict[int, int]) -> int:
        """Reject annotator annotations a curator saw at the versions in `seen` (id: version)."""
        rows = list(Annotation.objects.select_for_update().filter(pk__in=list(seen)))
        for row in rows:
            if row.version != seen[row.pk]:
                raise StaleAnnotation.about(row.pk, row)
        if len(rows) != len(seen):
            missing = (set(seen) - {row.pk for row in rows}).pop()
            raise StaleAnnotation.about(missing, None)
        return Annotation.objects.filter(pk__in=list(seen)).reject(by=by)


def same_item(fields: dict) -> dict:
    """The lookups that find the gold item `fields` describe (nulls compared as nulls)."""
    names = ["project", "passage_id", "tag_id", "start", "end", "target", "target_passage_id"]
    return {
        (f"{name}__isnull" if fields[name] is None else name): True
        if fields[name] is None
        else fields[name]
        for name in names
    }


class GoldAnnotation(models.Model):
    """One curated annotation of a project's gold layer."""

    class Origin(models.TextChoices):
        ACCEPTED = "accepted", "Accepted from an annotator"
        MERGED = "merged", "Merged automatically (all annotators agreed)"
        WRITTEN = "written", "Written by a curator"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="gold")
    passage = models.ForeignKey(Passage, on_delete=models.PROTECT, related_name="gold")
    tag = models.ForeignKey(Tag, on_delete=models.PROTECT, related_name="gold")
    start = models.PositiveIntegerField(null=True, blank=True, help_text="Blank = whole passage.")
    end = models.PositiveIntegerField(null=True, blank=True)
    quote = models.TextField(blank=True, help_text="passage text[start:end], never typed.")
    target = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="answered_by",
        help_text="The gold item this one answers.",
    )
    target_passage = models.ForeignKey(
        Passage, on_delete=models.PROTECT, null=True, blank=True, related_name="gold_answers"
    )
    note = models.TextField(blank=True)
    attributes = models.JSONField(default=dict, blank=True)
    origin = models.CharField(max_length=10, choices=Origin)
    curator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="gold_decisions"
    )
    sources = models.ManyToManyField(
        Annotation, through="GoldSource", related_name="gold", blank=True
    )
    version = models.PositiveIntegerField(default=1, help_text="Bumped on every save.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = GoldQuerySet.as_manager()
    Stale = StaleGold

    class Meta:
        verbose_name = "gold annotation"
        ordering = ["passage", "start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start__isnull=True, end__isnull=True)
                | Q(start__isnull=False, end__isnull=False, start__lt=F("end")),
                name="%(app_label)s_%(class)s_span_ordered",
            ),
            models.CheckConstraint(
                condition=Q(target__isnull=True) | Q(target_passage__isnull=False),
                name="%(app_label)s_%(class)s_target_has_passage",
            ),
            # One gold item per agreed item, however many annotators had it.
            models.UniqueConstraint(
                F("project"),
                F("passage"),
                F("tag"),
                Coalesce("start", Value(-1)),
                Coalesce("end", Value(-1)),
                Coalesce("target", Value(0)),
                Coalesce("target_passage", Value(0)),
                name="%(app_label)s_%(class)s_one_per_item",
            ),
        ]
        indexes = [models.Index(fields=["project", "passage"])]

    def __str__(self):
        return self.quote[:60] or f"passage {self.passage_id}"

    def check_span(self) -> None:
        """The README's rule: the quote is the passage text between the offsets."""
        text = Passage.objects.values_list("text", flat=True).get(pk=self.passage_id)
        if self.start is None:
            self.quote = text
            return
        if not 0 <= self.start < self.end <= len(text):
            raise GoldConflict(
                f"Span {self.start}–{self.end} is outside the passage (0–{len(text)})."
            )
        self.quote = text[self.start : self.end]

    def record(self, by, action: str, *, before=None, after=None) -> "GoldEvent":
        return GoldEvent.objects.create(
            project_id=self.project_id,
            gold=self if action != GoldEvent.Action.DELETE else None,
            subject=self.pk,
            user=by,
            action=action,
            before=before,
            after=after,
            version_after=self.version,
        )

    def add_sources(self, annotations, *, by) -> None:
        """Accept `annotations` (locked, versions bumped) and record them at their new versions."""
        count = annotations.accept(by=by)
        rows = list(annotations.values_list("pk", "version", "annotator_id"))
        GoldSource.objects.filter(gold=self, annotation__in=[pk for pk, _, _ in rows]).delete()
        GoldSource.objects.bulk_create(
            GoldSource(gold=self, annotation_id=pk, subject=pk, version=version, annotator_id=who)
            for pk, version, who in rows
        )
        if count:
            self.record(by, GoldEvent.Action.MERGE, after={"sources": [pk for pk, _, _ in rows]})

    def apply_change(self, by, expected_version: int, **fields) -> "GoldAnnotation":
        """Write `fields` if the item is still at `expected_version`; the quote follows the span."""
        with transaction.atomic():
            current = GoldAnnotation.objects.select_for_update().filter(pk=self.pk).first()
            if current is None or current.version != expected_version:
                raise StaleGold.about(self.pk, current)
            before = gold_snapshot(current)
            for name, value in fields.items():
                setattr(current, name, value)
            current.check_span()
            current.version += 1
            current.curator = by
            try:
                with transaction.atomic():
                    current.save()
            except IntegrityError:
                raise GoldConflict("That item is already in gold.") from None
            current.record(by, GoldEvent.Action.UPDATE, before=before, after=gold_snapshot(current))
        return current

    def remove(self, by, expected_version: int | None = None) -> None:
        """Take it out of gold: its sources' annotations are open for a decision again."""
        with transaction.atomic():
            current = GoldAnnotation.objects.select_for_update().filter(pk=self.pk).first()
            if current is None or expected_version not in (None, current.version):
                raise StaleGold.about(self.pk, current)
            sourced = list(current.sourced_annotations().values_list("pk", flat=True))
            current.record(by, GoldEvent.Action.DELETE, before=gold_snapshot(current))
            current.delete()  # its sources go with it (cascade): read them first
            reopened = Annotation.objects.filter(pk__in=sourced)
            reopened.review(Annotation.Status.SUBMITTED, by=by, reviewing=False)

    def sourced_annotations(self):
        """The annotations still at the version this item took from them."""
        at = GoldSource.objects.filter(
            gold=self, annotation=OuterRef("pk"), version=OuterRef("version")
        )
        return Annotation.objects.filter(Exists(at))


class GoldSource(models.Model):
    """Which annotator annotation, at which version, a gold item came from."""

    gold = models.ForeignKey(GoldAnnotation, on_delete=models.CASCADE, related_name="source_rows")
    # Loss-free: deleting the annotation later keeps this row (who, which version, which id),
    # so the gold item still names where it came from (the export's `sources` column).
    annotation = models.ForeignKey(
        Annotation, on_delete=models.SET_NULL, null=True, related_name="gold_sources"
    )
    subject = models.PositiveBigIntegerField(
        null=True, help_text="The annotation's id, kept after the annotation is deleted."
    )
    version = models.PositiveIntegerField(help_text="The annotation's version the curator took.")
    annotator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="gold_sources"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["gold", "annotation"], name="%(app_label)s_%(class)s_once"
            ),
        ]
        indexes = [models.Index(fields=["annotation", "version"])]

    def __str__(self):
        return f"{self.subject} v{self.version} → gold {self.gold_id}"

    def save(self, *args, **kwargs):
        self.subject = self.subject or self.annotation_id
        super().save(*args, **kwargs)


class Adjudication(models.Model):
    """One transcript's curation in one project: whether agreed items merge on opening."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="adjudications")
    transcript = models.ForeignKey(
        Transcript, on_delete=models.CASCADE, related_name="adjudications"
    )
    auto_merge = models.BooleanField(
        default=True, help_text="Merge items all annotators agree on when the page opens."
    )
    merged_through = models.PositiveBigIntegerField(
        default=0, help_text="The last annotation event the automatic merge has seen."
    )
    declined = models.JSONField(
        default=list, blank=True, help_text="Annotations whose automatic merge a curator undid."
    )
    # The board's counters, kept true by each decision (see adjudication.counting) so that no
    # request counts the whole transcript; recounted when annotators' events arrived since.
    annotated_count = models.PositiveIntegerField(
        default=0, help_text="Passages with annotators' work."
    )
    open_count = models.PositiveIntegerField(
        default=0, help_text="Passages with an annotation no curator has decided."
    )
    coder_ids = models.JSONField(
        default=list, blank=True, help_text="Annotators with work up for adjudication, as counted."
    )
    counted_through = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="The last annotation event the counts include."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["project", "transcript"], name="%(app_label)s_%(class)s_unique"
            ),
        ]

    def __str__(self):
        return f"{self.transcript} in {self.project}"


class GoldEvent(models.Model):
    """The gold layer's history: who created, changed, merged or removed each item, and when."""

    class Action(models.TextChoices):
        CREATE = "create"
        UPDATE = "update"
        DELETE = "delete"
        MERGE = "merge", "merge (sources added)"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="gold_events")
    gold = models.ForeignKey(
        GoldAnnotation, on_delete=models.SET_NULL, null=True, blank=True, related_name="events"
    )
    subject = models.PositiveBigIntegerField(help_text="The gold item's id, kept after removal.")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="gold_events"
    )
    action = models.CharField(max_length=10, choices=Action)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    version_after = models.PositiveIntegerField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["subject"])]

    def __str__(self):
        return f"{self.user} {self.action} gold {self.subject}"
