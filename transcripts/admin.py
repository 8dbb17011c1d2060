"""Transcripts in the admin: counts in the list, turns and passages read-only on the change
page a page at a time, and the text never editable (annotations' offsets index into it)."""

from django.contrib import admin
from django.core.paginator import Paginator
from django.db.models import Prefetch

from .models import Passage, Speaker, Transcript, Turn, count_of
from .paging import CountsCheaply

TURNS_PER_PAGE = 20


class WithoutSourceText:
    """Lists of speakers, turns and passages show their transcript's title: join it, but never
    carry its source text (megabytes a row) into every row of the list."""

    def get_queryset(self, request):
        # The list's own select_related too: the changelist skips list_select_related once
        # the queryset has any (that cost one query a row).
        related = {"transcript", *(self.list_select_related or [])}
        return (
            super()
            .get_queryset(request)
            .select_related(*related)
            .defer("transcript__original_text")
        )


class SearchesWithinTranscript:
    """Autocomplete lookups may ask for one transcript's rows (`?within_transcript=ID`), and to
    leave one row out (`&exclude=ID`): a target is picked among its own transcript's."""

    transcript_path = "transcript"

    def get_search_results(self, request, queryset, search_term):
        if "field_name" in request.GET:  # the admin's autocomplete view, not the changelist
            for param, lookup in (("within_transcript", self.transcript_path), ("exclude", "")):
                value = request.GET.get(param, "")
                if not value:
                    continue
                if not (value.isascii() and value.isdigit() and len(value) < 19):
                    return queryset.none(), False
                queryset = (
                    queryset.filter(**{lookup: value}) if lookup else queryset.exclude(pk=value)
                )
        return super().get_search_results(request, queryset, search_term)


class SpeakerInline(admin.TabularInline):
    model = Speaker
    fields = ["label", "display_name", "role", "position"]
    readonly_fields = ["label"]
    extra = 0


@admin.register(Transcript)
class TranscriptAdmin(admin.ModelAdmin):
    change_form_template = "admin/transcripts/transcript/change_form.html"
    list_display = [
        "title",
        "date",
        "format",
        "turns",
        "passages",
        "speakers",
        "source_name",
        "imported_at",
    ]
    list_filter = ["format", "date"]
    search_fields = ["title", "source_name"]
    readonly_fields = ["content_hash", "imported_at", "imported_by", "format"]
    exclude = ["original_text"]
    inlines = [SpeakerInline]

    def get_queryset(self, request):
        # The source text can be megabytes a row: lists and forms never need it. Counts are
        # one subquery each (never a multi-join count).
        return (
            super()
            .get_queryset(request)
            .defer("original_text")
            .annotate(
                turn_count=count_of(Turn.objects.all()),
                passage_count=count_of(Passage.objects.all()),
                speaker_count=count_of(Speaker.objects.all()),
            )
        )

    @admin.display(ordering="turn_count")
    def turns(self, transcript):
        return transcript.turn_count

    @admin.display(ordering="passage_count")
    def passages(self, transcript):
        return transcript.passage_count

    @admin.display(ordering="speaker_count")
    def speakers(self, transcript):
        return transcript.speaker_count

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            context |= self.turns_context(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def turns_context(self, request, transcript) -> dict:
        """One page of turns with their passages, read-only: a transcript can have thousands."""
        turns = (
            transcript.turns.select_related("speaker")
            .defer("text")
            .prefetch_related(Prefetch("passages", Passage.objects.order_by("position")))
            .order_by("position")
        )
        paginator = Paginator(turns, TURNS_PER_PAGE)
        paginator.count = transcript.turn_count  # already counted by get_queryset
        page = paginator.get_page(request.GET.get("turns"))
        return {"turn_page": page, "turn_page_range": paginator.get_elided_page_range(page.number)}


# The models order by transcript, i.e. by the transcript's date and title: every row joined and
# sorted before the first page. The (transcript, position) unique index gives the same order.
IN_TRANSCRIPT_ORDER = ["transcript_id", "position"]


@admin.register(Speaker)
class SpeakerAdmin(CountsCheaply, WithoutSourceText, admin.ModelAdmin):
    ordering = IN_TRANSCRIPT_ORDER
    list_display = ["label", "display_name", "role", "transcript"]
    list_select_related = ["transcript"]
    search_fields = ["label", "display_name", "role"]
    list_editable = ["display_name", "role"]


@admin.register(Turn)
class TurnAdmin(CountsCheaply, WithoutSourceText, admin.ModelAdmin):
    ordering = IN_TRANSCRIPT_ORDER
    list_display = ["transcript", "position", "speaker", "interpreted", "start_time"]
    list_select_related = ["transcript", "speaker"]
    list_filter = ["interpreted"]
    raw_id_fields = ["speaker"]
    readonly_fields = ["transcript", "position", "text"]  # passages' offsets index into it


@admin.register(Passage)
class PassageAdmin(CountsCheaply, SearchesWithinTranscript, WithoutSourceText, admin.ModelAdmin):
    ordering = IN_TRANSCRIPT_ORDER
    list_display = ["__str__", "transcript", "position", "kind", "paragraph"]
    list_select_related = ["transcript"]
    list_filter = ["kind"]
    search_fields = ["text"]
    # Annotations' offsets and quotes index into the text: editing it would falsify them.
    readonly_fields = ["transcript", "turn", "position", "text", "paragraph", "start", "end"]
