"""The annotation list and form: the curator's desk.

The list shows where each annotation is (transcript, speaker) and what it says, filters by what
the curator may see (filters.py) and acts through the model's verbs: accept and reject go
through `review()`, the form through `apply_change()`, so each records an AnnotationEvent and
a save over a newer edit is refused. The change page shows the passage between its neighbours
and the annotation's history (history.py).
"""

from django.contrib import admin, messages
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import smart_split, unescape_string_literal

from transcripts.admin import SearchesWithinTranscript
from transcripts.models import Passage
from transcripts.paging import CountsCheaply

from ..admin_gold import GoldColumn  # also registers the gold layer and the adjudication URLs
from ..export import FORMATS, Dataset
from ..models import Annotation, StaleAnnotation
from .filters import AnnotatorFilter, ProjectFilter, SpeakerFilter, TagFilter, TranscriptFilter
from .forms import AnnotationAdminForm, WithinTranscript, attribute_fields
from .history import history_of

RECORD = ["annotator", "version", "created_at", "updated_at", "reviewed_by", "reviewed_at"]
ADD_FIELDS = ["passage", "tag", "annotator", "start", "end", "target", "target_passage"]


def search_terms(search_term: str) -> list[str]:
    """The admin's own splitting: words, or "quoted phrases"."""
    return [unescape_string_literal(t) if t[0] in "\"'" else t for t in smart_split(search_term)]


def matching(term: str):
    """Ids of annotations whose quote, note or passage text holds `term`: three index reads
    united, not one OR over a join that PostgreSQL can only answer by reading every row."""
    annotations = Annotation.objects.order_by().values("pk")
    passages = Passage.objects.order_by().filter(text__icontains=term).values("pk")
    return (
        annotations.filter(quote__icontains=term)
        .union(annotations.filter(note__icontains=term))
        .union(annotations.filter(passage__in=passages))
    )


@admin.register(Annotation)
class AnnotationAdmin(CountsCheaply, GoldColumn, SearchesWithinTranscript, admin.ModelAdmin):
    form = AnnotationAdminForm
    change_form_template = "admin/annotations/annotation/change_form.html"
    list_display = [
        "quote_shown",
        "transcript",
        "speaker",
        "tag",
        "annotator",
        "status",
        "in_gold_column",
    ]
    list_filter = [
        ProjectFilter,
        TranscriptFilter,
        TagFilter,
        AnnotatorFilter,
        "status",
        SpeakerFilter,
    ]
    # Quote, note and the passage's text each have a trigram index on PostgreSQL (migration
    # 0010); `matching()` asks each index apart and unites the ids, because the admin's own
    # OR across the join to the passages defeated the indexes (8-16 s at 1.1M annotations).
    search_fields = ["quote", "note", "passage__text"]
    # The model's order (passage, then its transcript's) sorts every annotation before the
    # first page shows: a million rows took seconds. Newest first walks the primary key.
    ordering = ["-pk"]
    search_help_text = "Searches quotes, notes and the passages' text."
    raw_id_fields = ["passage", "target", "target_passage"]
    actions = ["accept_selected", "reject_selected", "add_to_gold", "export_selected_csv"]
    transcript_path = "passage__transcript"

    def get_search_results(self, request, queryset, search_term):
        if "field_name" in request.GET:  # the autocomplete, inside one transcript: a plain OR
            return super().get_search_results(request, queryset, search_term)
        for term in search_terms(search_term):  # every term must match, as in the admin
            queryset = queryset.filter(pk__in=matching(term))
        return queryset, False

    def get_queryset(self, request):
        # What the list and the form show, joined in the one query: no query a row.
        return (
            super()
            .get_queryset(request)
            .select_related("tag", "annotator", "passage__transcript", "passage__turn__speaker")
            .defer(
                "passage__transcript__original_text",
                "passage__transcript__metadata",
                "passage__turn__text",
            )
        )

    @admin.display(description="quote", ordering="quote")
    def quote_shown(self, annotation):
        quote = annotation.quote
        return quote if len(quote) <= 90 else quote[:89].rstrip() + "…"

    @admin.display(description="transcript", ordering="passage__transcript__title")
    def transcript(self, annotation):
        return annotation.passage.transcript.title

    @admin.display(description="speaker", ordering="passage__turn__speaker__label")
    def speaker(self, annotation):
        return annotation.passage.turn.speaker.name

    @admin.display(description="quote")
    def quote_from_offsets(self, annotation):
        return format_html(
            "“{}” <span class='quiet'>(the passage's text at start–end: change the offsets "
            "to change it)</span>",
            annotation.quote,
        )

    # --- The form -------------------------------------------------------------------------

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": [*ADD_FIELDS, "note", "status"]})]
        attributes = list(attribute_fields(obj.tag))
        fieldsets = [
            (None, {"fields": ["tag", ("start", "end"), "quote_from_offsets", "status", "note"]}),
            (
                "Attributes",
                {
                    "fields": attributes,
                    "description": f"As {obj.tag.name}'s schema defines them. After changing "
                    "the tag, save, then fill in the new tag's attributes.",
                },
            ),
            (
                "Target",
                {
                    "fields": ["target", "target_passage"],
                    "description": "What this annotation answers: an annotation of the same "
                    "transcript (its passage follows), or a passage alone. Type to search.",
                },
            ),
            ("Record", {"fields": [*RECORD, "seen_version"]}),
        ]
        return [fs for fs in fieldsets if fs[1]["fields"]]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["passage", "quote_from_offsets", *RECORD]

    def get_form(self, request, obj=None, change=False, **kwargs):
        declared = attribute_fields(obj.tag) if obj is not None else {}
        kwargs["form"] = type(
            "AnnotationAdminForm", (self.form,), {**declared, "user": request.user}
        )
        form = super().get_form(request, obj, change=change, **kwargs)
        tag_widget = form.base_fields["tag"].widget  # tags are edited on the project's page
        tag_widget.can_add_related = tag_widget.can_change_related = False
        tag_widget.can_delete_related = False
        if obj is not None:  # search the annotation's transcript, not the whole table
            transcript = obj.passage.transcript_id
            for name, exclude in (("target", obj.pk), ("target_passage", obj.passage_id)):
                field = Annotation._meta.get_field(name)
                form.base_fields[name].widget = WithinTranscript(
                    field, self.admin_site, transcript, exclude
                )
        return form

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            context |= self.curation_context(obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def curation_context(self, annotation) -> dict:
        passage = annotation.passage
        neighbours = {
            p.position: p
            for p in Passage.objects.filter(
                transcript_id=passage.transcript_id,
                position__in=[passage.position - 1, passage.position + 1],
            ).select_related("turn__speaker")
        }
        history, total = history_of(annotation.pk)
        project = annotation.tag.project
        workspace = reverse("annotations:workspace", args=[project.slug, passage.transcript_id])
        return {
            "passage": passage,
            "before": neighbours.get(passage.position - 1),
            "after": neighbours.get(passage.position + 1),
            "marked": self.marked(annotation),
            "workspace_url": f"{workspace}?from={passage.turn.position}#passage-{passage.pk}",
            "history": history,
            "history_total": total,
            "history_url": reverse("admin:annotations_annotationevent_changelist")
            + f"?subject={annotation.pk}",
        }

    @staticmethod
    def marked(annotation):
        text, start, end = annotation.passage.text, annotation.start, annotation.end
        if start is None:
            return format_html("<mark>{}</mark>", text)
        return format_html("{}<mark>{}</mark>{}", text[:start], text[start:end], text[end:])

    def save_model(self, request, obj, form, change):
        membership = obj.tag.project.membership_of(request.user)
        if not change:
            fields = {name: form.cleaned_data[name] for name in [*ADD_FIELDS, "note", "status"]}
            fields["attributes"] = form.cleaned_data.get("attributes", {})
            created = Annotation.objects.create_by(membership, **fields)
            obj.pk, obj.version = created.pk, created.version
            return None
        changes = form.changes()
        if not changes:
            return None
        if "status" in changes:
            reviewed = changes["status"] in (Annotation.Status.ACCEPTED, Annotation.Status.REJECTED)
            changes["reviewed_by"] = request.user if reviewed else None
            changes["reviewed_at"] = timezone.now() if reviewed else None
        try:  # the form checked the version; the verb closes the gap between check and write
            obj.apply_change(membership, form.cleaned_data["seen_version"], **changes)
        except StaleAnnotation as stale:
            messages.error(request, f"Not saved: {stale}")
        return None

    def delete_model(self, request, obj):
        # Recorded, so undo and the history see it.
        obj.remove(obj.tag.project.membership_of(request.user))

    def delete_queryset(self, request, queryset):
        for annotation in queryset.select_related("tag__project"):
            self.delete_model(request, annotation)

    # --- Actions: the model's verbs, each change recorded ---------------------------------

    @admin.action(description="Accept selected annotations", permissions=["change"])
    def accept_selected(self, request, queryset):
        count = queryset.accept(by=request.user)
        self.message_user(request, f"Accepted {count} annotation{'s' * (count != 1)}.")

    @admin.action(description="Reject selected annotations", permissions=["change"])
    def reject_selected(self, request, queryset):
        count = queryset.reject(by=request.user)
        self.message_user(request, f"Rejected {count} annotation{'s' * (count != 1)}.")

    @admin.action(description="Export selected to CSV", permissions=["view"])
    def export_selected_csv(self, request, queryset):
        # The long CSV of the export page and command: same columns, streamed.
        response = StreamingHttpResponse(Dataset.of(queryset).chunks("csv"), FORMATS["csv"][1])
        response["Content-Disposition"] = 'attachment; filename="annotations.csv"'
        return response
