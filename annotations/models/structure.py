"""The structure history: one StructureChange per edit a curator made to a transcript's
speakers, turns or passages, with what undoing it needs.

The edits themselves live in `annotations.structure` (the orchestration) and
`transcripts.edits` (the rows of the transcript); the annotations they move are recorded as
`AnnotationEvent`s of action "move", in the same transaction as the change.
"""

from django.conf import settings
from django.db import models

from transcripts.models import Transcript

from .projects import Project


class StructureChangeQuerySet(models.QuerySet):
    def of(self, transcript):
        return self.filter(transcript=transcript)

    def standing(self):
        return self.filter(undone=False)


class StructureChange(models.Model):
    class Action(models.TextChoices):
        RENAME_SPEAKER = "rename_speaker", "Renamed a speaker"
        MERGE_SPEAKERS = "merge_speakers", "Merged two speakers"
        REASSIGN_TURN = "reassign_turn", "Gave a turn to another speaker"
        REASSIGN_PASSAGE = "reassign_passage", "Gave a passage to another speaker"
        SPLIT_TURN = "split_turn", "Split a turn"
        MERGE_TURN = "merge_turn", "Merged a turn with the one before"
        SPLIT_PASSAGE = "split_passage", "Split a passage"
        MERGE_PASSAGE = "merge_passage", "Merged a passage with the next"
        MARK_KIND = "mark_kind", "Marked a passage spoken or not spoken"

    project = models.ForeignKey(
        Project,
        on_delete=models.CASCADE,
        related_name="structure_changes",
        help_text="The project the curator worked in (the transcript may be in several).",
    )
    transcript = models.ForeignKey(
        Transcript, on_delete=models.CASCADE, related_name="structure_changes"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,  # the transcript's history outlives the curator's account
        null=True,
        related_name="structure_changes",
    )
    action = models.CharField(max_length=20, choices=Action)
    summary = models.CharField(max_length=500, help_text="What was done, as the curator saw it.")
    steps = models.JSONField(
        default=list, help_text="The row edits made, in order, with what undoing each needs."
    )
    moved = models.JSONField(
        default=list,
        help_text="The annotations moved: id, version left, and their place before the change.",
    )
    undone = models.BooleanField(default=False)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    undone_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = StructureChangeQuerySet.as_manager()

    class Meta:
        ordering = ["-pk"]
        indexes = [models.Index(fields=["transcript", "undone"])]

    def __str__(self):
        return self.summary[:80]
