from django.contrib import admin

from .models import Passage, Speaker, Transcript, Turn


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


class SpeakerInline(admin.TabularInline):
    model = Speaker
    fields = ["label", "display_name", "role", "position"]
    readonly_fields = ["label"]
    extra = 0


@admin.register(Transcript)
class TranscriptAdmin(admin.ModelAdmin):
    list_display = ["title", "date", "format", "source_name", "imported_by", "imported_at"]
    list_filter = ["format", "date"]
    search_fields = ["title", "source_name"]
    readonly_fields = ["content_hash", "imported_at", "imported_by", "format"]
    exclude = ["original_text"]
    inlines = [SpeakerInline]

    def get_queryset(self, request):
        # The source text can be megabytes a row: lists and forms never need it.
        return super().get_queryset(request).defer("original_text")


@admin.register(Speaker)
class SpeakerAdmin(WithoutSourceText, admin.ModelAdmin):
    list_display = ["label", "display_name", "role", "transcript"]
    list_select_related = ["transcript"]
    search_fields = ["label", "display_name", "role"]
    list_editable = ["display_name", "role"]


@admin.register(Turn)
class TurnAdmin(WithoutSourceText, admin.ModelAdmin):
    list_display = ["transcript", "position", "speaker", "interpreted", "start_time"]
    list_select_related = ["transcript", "speaker"]
    list_filter = ["interpreted"]
    raw_id_fields = ["transcript", "speaker"]


@admin.register(Passage)
class PassageAdmin(WithoutSourceText, admin.ModelAdmin):
    list_display = ["__str__", "transcript", "position", "kind", "paragraph"]
    list_select_related = ["transcript"]
    list_filter = ["kind"]
    search_fields = ["text"]
    raw_id_fields = ["transcript", "turn"]
