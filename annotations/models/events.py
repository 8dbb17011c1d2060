"""The history: one AnnotationEvent per change to an annotation, by whom, and what it was before.

Every write to an annotation goes through `Annotation.apply_change()` (or its create/remove
siblings), which records one event here in the same transaction. Undo and redo read the events:
`before` and `after` are the annotation's fields on either side of the change, and
`version_after` the version it left, so undo can tell whether anybody has touched it since.
"""

from django.conf import settings
from django.db import models

from transcripts.models import Transcript

from .projects import Project

SNAPSHOT_FIELDS = [
    "passage_id",
    "tag_id",
    "annotator_id",
    "start",
    "end",
    "quote",
    "target_id",
    "target_passage_id",
    "note",
    "attributes",
    "status",
    "request_id",
]


def snapshot(annotation) -> dict:
    data = {field: getattr(annotation, field) for field in SNAPSHOT_FIELDS}
    if data["request_id"] is not None:
        data["request_id"] = str(data["request_id"])
    return data | {"id": annotation.pk, "version": annotation.version}


class AnnotationEventQuerySet(models.QuerySet):
    def about(self, annotation_id: int):
        return self.filter(subject=annotation_id)

    def of(self, membership, transcript):
        return self.filter(project=membership.project, transcript=transcript, user=membership.user)


class AnnotationEvent(models.Model):
    """One change to one annotation: the history, and what `u` (undo) and `U` (redo) reverse."""

    class Action(models.TextChoices):
        CREATE = "create"
        UPDATE = "update"
        DELETE = "delete"
        REVIEW = "review"
        MOVE = "move", "moved with its text"  # the structure editor split or merged passages

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="events")
    transcript = models.ForeignKey(
        Transcript, on_delete=models.CASCADE, related_name="annotation_events"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="annotation_events"
    )
    # The subject's row while it exists. Not nulled when it is deleted (no UPDATE of its whole
    # history on every delete, none back on undo): undo re-creates it under the same id, and
    # reads of a deleted one's events go by `subject` (the admin's join finds no row: None).
    annotation = models.ForeignKey(
        "annotations.Annotation",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="events",
    )
    subject = models.PositiveBigIntegerField(
        null=True, help_text="The annotation's id, kept after the annotation is deleted."
    )
    action = models.CharField(max_length=10, choices=Action)
    before = models.JSONField(null=True, blank=True, help_text="The annotation before the action.")
    after = models.JSONField(null=True, blank=True, help_text="The annotation after the action.")
    version_after = models.PositiveIntegerField(
        null=True, help_text="The version the action (or its latest undo or redo) left."
    )
    undone = models.BooleanField(default=False)
    undone_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AnnotationEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["project", "transcript", "user", "undone"]),
            models.Index(fields=["subject"]),
            # The transcript's latest event in one index probe (the adjudication's freshness).
            models.Index(fields=["project", "transcript", "id"]),
        ]

    def __str__(self):
        return f"{self.user} {self.action} {self.subject}"
