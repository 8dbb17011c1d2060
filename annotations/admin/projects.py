"""Projects, their members and tags, and progress."""

import copy

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import NestedObjects
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.db import router

from transcripts.admin import WithoutSourceText
from transcripts.models import Transcript

from ..deletion import annotations_held_by, delete_with_annotations
from ..models import (
    Annotation,
    AnnotationEvent,
    Membership,
    Progress,
    Project,
    Tag,
)


class DeletesAnnotationsDeliberately:
    """Admin deletion of what holds annotations, instead of refusing it as "protected".

    The confirmation page lists the annotations that will go with the object; confirming deletes
    them first, then the object, in one transaction, and records counts in the history.
    """

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        held = [a for obj in objs for a in annotations_held_by(obj)]
        collector = NestedObjects(using=router.db_for_write(self.model))
        collector.collect(objs)
        held_pks = {a.pk for a in held}
        if all(isinstance(p, Annotation) and p.pk in held_pks for p in collector.protected):
            protected = []  # only our own annotations stood in the way: delete them too
        # The history of what goes goes with it (LogEntry keeps the deletion's record); the
        # history admin is read-only, which must not make the deletion "need" its permission.
        perms_needed.discard(AnnotationEvent._meta.verbose_name)
        if held:
            deleted = [*deleted, [f"Annotation: {a} (by {a.annotator}, {a.status})" for a in held]]
            counts[Annotation._meta.verbose_name_plural] = len(held)
            if not request.user.has_perm("annotations.delete_annotation"):
                perms_needed.add(Annotation._meta.verbose_name)
        return deleted, counts, perms_needed, protected

    def log_deletions(self, request, queryset):
        pass  # delete_with_annotations() records each deletion, with what went with it

    def delete_model(self, request, obj):
        delete_with_annotations(obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            delete_with_annotations(obj, by=request.user)


class MembershipInline(admin.TabularInline):
    model = Membership
    autocomplete_fields = ["user"]
    extra = 0


class TagInline(admin.TabularInline):
    model = Tag
    fields = ["name", "shortcut", "colour", "needs_target", "position"]
    extra = 0


class ProjectAdminForm(forms.ModelForm):
    """The project's transcripts picked by title; the form's initial value is their ids.

    A ModelForm fills a many-to-many field's initial value with whole objects, so opening a
    project with a hundred long transcripts loaded a hundred source texts. Declared here, out of
    the model fields, the choices and the initial value are ids and titles only.
    """

    transcript_choices = forms.ModelMultipleChoiceField(
        queryset=Transcript.objects.defer("original_text"),
        required=False,
        label="Transcripts",
        widget=FilteredSelectMultiple("transcripts", is_stacked=False),
    )

    class Meta:
        model = Project
        fields = ["slug", "name", "description", "blind"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and "transcript_choices" not in self.initial:
            self.initial["transcript_choices"] = list(
                self.instance.transcripts.values_list("pk", flat=True)
            )

    def _save_m2m(self):
        super()._save_m2m()
        self.instance.transcripts.set(self.cleaned_data["transcript_choices"])


@admin.register(Project)
class ProjectAdmin(DeletesAnnotationsDeliberately, admin.ModelAdmin):
    form = ProjectAdminForm
    list_display = ["name", "slug", "blind", "created_at"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    exclude = ["transcripts"]  # picked through the form's transcript_choices instead
    inlines = [MembershipInline, TagInline]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if not request.user.is_superuser:  # the access rule, as for the model's own fields
            mine = Transcript.objects.filter(projects__in=Project.objects.owned_by(request.user))
            # A copy: the declared field is shared by every form class the admin makes, so
            # narrowing it in place narrowed the next user's choices too (a superuser's as well).
            choices = copy.deepcopy(form.base_fields["transcript_choices"])
            choices.queryset = choices.queryset.filter(pk__in=mine.values("pk"))
            form.base_fields["transcript_choices"] = choices
        return form


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "project", "role"]
    list_filter = ["role", "project"]
    list_select_related = ["user", "project"]
    autocomplete_fields = ["user"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "project", "shortcut", "colour", "needs_target"]
    list_filter = ["project"]
    list_select_related = ["project"]


@admin.register(Progress)
class ProgressAdmin(WithoutSourceText, admin.ModelAdmin):
    list_display = [
        "user",
        "project",
        "transcript",
        "seen_passages",
        "tagged_passages",
        "annotation_count",
        "done_at",
    ]
    list_select_related = ["user", "project", "transcript"]
