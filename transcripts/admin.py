from django.contrib import admin

from .models import Passage, Speaker, Transcript, Turn


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


@admin.register(Speaker)
class SpeakerAdmin(admin.ModelAdmin):
    list_display = ["label", "display_name", "role", "transcript"]
    list_select_related = ["transcript"]
    search_fields = ["label", "display_name", "role"]
    list_editable = ["display_name", "role"]


@admin.register(Turn)
class TurnAdmin(admin.ModelAdmin):
    list_display = ["transcript", "position", "speaker", "interpreted", "start_time"]
    list_select_related = ["transcript", "speaker"]
    list_filter = ["interpreted"]
    raw_id_fields = ["transcript", "speaker"]


@admin.register(Passage)
class PassageAdmin(admin.ModelAdmin):
    list_display = ["__str__", "transcript", "position", "kind", "paragraph"]
    list_select_related = ["transcript"]
    list_filter = ["kind"]
    search_fields = ["text"]
    raw_id_fields = ["transcript", "turn"]
