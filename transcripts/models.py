"""Sources: a transcript, the speakers in it, their turns and the sentence passages of each turn.

This app never imports `annotations`: a transcript exists before, and apart from, any project
that annotates it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse


def count_of(rows: models.QuerySet, outer: str = "transcript"):
    """How many of `rows` point at the outer row, as a correlated subquery.

    Counting through joins (`Count("turns", distinct=True)` beside `Count("speakers")`) makes
    the database build and sort the product of the joined tables, carrying every column of the
    outer row; on two real transcripts that was a 33 GB sort. One subquery a count stays linear.
    """
    counted = rows.filter(**{outer: OuterRef("pk")}).order_by().values(outer)
    return Coalesce(Subquery(counted.annotate(n=Count("pk")).values("n")), 0)


class TranscriptQuerySet(models.QuerySet):
    def listing(self):
        """For list pages: the counts they show, and never the (large) source text."""
        return self.defer("original_text", "metadata").annotate(
            turn_count=count_of(Turn.objects.all()),
            speaker_count=count_of(Speaker.objects.all()),
        )

    def visible_to(self, user):
        # Through the reverse relation only: this app never imports `annotations`.
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:  # an owner of every project, as in annotations' access rule
            return self.all()
        return self.filter(projects__memberships__user=user).distinct()


class Transcript(models.Model):
    class Format(models.TextChoices):
        TEXT = "text", "Plain text"
        HTML = "html", "HTML"
        SRT = "srt", "SubRip subtitles"
        VTT = "vtt", "WebVTT subtitles"
        JSON = "json", "JSON"
        CSV = "csv", "CSV / TSV"
        TEI = "tei", "TEI XML (ParlaMint)"
        PARLPARSE = "parlparse", "ParlParse XML (TheyWorkForYou)"
        MARKDOWN = "markdown", "Markdown"

    title = models.CharField(max_length=300)
    date = models.DateField(null=True, blank=True, help_text="When it was spoken, if known.")
    source_name = models.CharField(
        max_length=300, blank=True, help_text="e.g. US Department of State"
    )
    source_url = models.URLField(max_length=500, blank=True)
    original_text = models.TextField(
        help_text="The decoded source exactly as imported; source offsets index into it."
    )
    content_hash = models.CharField(max_length=64, db_index=True, help_text="SHA-256 of the text.")
    format = models.CharField(max_length=10, choices=Format, default=Format.TEXT)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,  # the transcript outlives the account that brought it in
        null=True,
        blank=True,
        related_name="imported_transcripts",
    )
    imported_at = models.DateTimeField(auto_now_add=True)
    metadata = models.JSONField(default=dict, blank=True)

    objects = TranscriptQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "title", "pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("transcripts:detail", args=[self.pk])


class Speaker(models.Model):
    transcript = models.ForeignKey(Transcript, on_delete=models.CASCADE, related_name="speakers")
    label = models.CharField(max_length=200, help_text="Exactly as written in the source.")
    display_name = models.CharField(max_length=200, blank=True, help_text="Blank = the label.")
    role = models.CharField(max_length=200, blank=True, help_text="e.g. Secretary of State")
    position = models.PositiveIntegerField(default=0, help_text="Order of first appearance.")

    class Meta:
        ordering = ["transcript", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["transcript", "label"], name="%(app_label)s_%(class)s_unique_label"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return self.display_name or self.label


class TurnQuerySet(models.QuerySet):
    def with_passages(self):
        return self.select_related("speaker").prefetch_related("passages")


class Turn(models.Model):
    # No index of its own: the unique (transcript, position) index serves every lookup by
    # transcript, and one index less is one less to fill on each import (see Passage).
    transcript = models.ForeignKey(
        Transcript, on_delete=models.CASCADE, related_name="turns", db_index=False
    )
    position = models.PositiveIntegerField(help_text="0-based order within the transcript.")
    # RESTRICT, not PROTECT: a speaker alone cannot be deleted while it has turns, but deleting
    # the transcript removes both (PROTECT refused every transcript deletion).
    speaker = models.ForeignKey(Speaker, on_delete=models.RESTRICT, related_name="turns")
    interpreted = models.BooleanField(default=False, help_text="Spoken through an interpreter.")
    text = models.TextField(blank=True, help_text="Unwrapped text; passage offsets index into it.")
    source_line = models.PositiveIntegerField(null=True, blank=True)
    start_time = models.FloatField(null=True, blank=True, help_text="Seconds from the start.")
    end_time = models.FloatField(null=True, blank=True)

    objects = TurnQuerySet.as_manager()

    class Meta:
        ordering = ["transcript", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["transcript", "position"], name="%(app_label)s_%(class)s_unique_position"
            ),
        ]

    def __str__(self):
        return f"turn {self.position}"


class PassageQuerySet(models.QuerySet):
    def speech(self):
        return self.filter(kind=Passage.Kind.SPEECH)


class Passage(models.Model):
    """A sentence of a turn (or a stage direction, kept apart from the spoken text)."""

    class Kind(models.TextChoices):
        SPEECH = "speech", "Speech"
        STAGE = "stage", "Stage direction"

    transcript = models.ForeignKey(
        Transcript,
        on_delete=models.CASCADE,
        related_name="passages",
        help_text="Denormalised from the turn so a transcript's passages are one indexed query.",
        db_index=False,
    )
    # Neither foreign key has an index of its own: (transcript, position) and (turn, position)
    # begin with them and serve the same lookups. Each index is filled row by row on import: a
    # 19 MB file writes 170,000 passages, and these two were a fifth of that.
    turn = models.ForeignKey(
        Turn, on_delete=models.CASCADE, related_name="passages", db_index=False
    )
    position = models.PositiveIntegerField(help_text="0-based order within the whole transcript.")
    kind = models.CharField(max_length=10, choices=Kind, default=Kind.SPEECH)
    text = models.TextField()
    paragraph = models.PositiveIntegerField(default=0, help_text="0-based paragraph in the turn.")
    start = models.PositiveIntegerField(help_text="Offset of the first character in the turn text.")
    end = models.PositiveIntegerField(help_text="Offset after the last character in the turn text.")
    source_start = models.PositiveIntegerField(null=True, blank=True)
    source_end = models.PositiveIntegerField(null=True, blank=True)
    start_time = models.FloatField(null=True, blank=True)
    end_time = models.FloatField(null=True, blank=True)

    objects = PassageQuerySet.as_manager()

    class Meta:
        ordering = ["transcript", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["transcript", "position"], name="%(app_label)s_%(class)s_unique_position"
            ),
            models.CheckConstraint(
                condition=Q(start__lt=F("end")), name="%(app_label)s_%(class)s_span_ordered"
            ),
            models.CheckConstraint(
                # NULL passes a CHECK, so spell out "both null" or "both set and ordered".
                condition=Q(source_start__isnull=True, source_end__isnull=True)
                | Q(
                    source_start__isnull=False,
                    source_end__isnull=False,
                    source_start__lt=F("source_end"),
                ),
                name="%(app_label)s_%(class)s_source_span_ordered",
            ),
            models.CheckConstraint(condition=~Q(text=""), name="%(app_label)s_%(class)s_not_empty"),
        ]
        indexes = [models.Index(fields=["turn", "position"])]

    def __str__(self):
        return self.text[:60]

    @property
    def is_speech(self) -> bool:
        return self.kind == self.Kind.SPEECH
