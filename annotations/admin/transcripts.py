"""The transcript admin, aware of annotations: their count, and per project the links to the
workspace, the annotation list and the adjudication view. (transcripts/ never imports
annotations, so this is added here.)"""

from django.contrib import admin
from django.db.models import Count
from django.urls import reverse

from transcripts.admin import TranscriptAdmin as BaseTranscriptAdmin
from transcripts.models import Transcript, count_of

from ..models import Annotation, Project
from .projects import DeletesAnnotationsDeliberately

admin.site.unregister(Transcript)


def adjudication_url(project, transcript) -> str:
    return reverse("admin:annotations_adjudicate", args=[project.slug, transcript.pk])


@admin.register(Transcript)
class TranscriptAdmin(DeletesAnnotationsDeliberately, BaseTranscriptAdmin):
    list_display = [*BaseTranscriptAdmin.list_display[:6], "annotations", "imported_at"]

    def get_queryset(self, request):
        # Only annotations of projects the user curates count: a transcript shared with
        # another team does not reveal how much that team tagged.
        counted = Annotation.objects.filter(
            tag__project__in=Project.objects.curated_by(request.user)
        )
        return (
            super()
            .get_queryset(request)
            .annotate(annotation_count=count_of(counted, outer="passage__transcript"))
        )

    @admin.display(ordering="annotation_count")
    def annotations(self, transcript):
        return transcript.annotation_count

    def turns_context(self, request, transcript) -> dict:
        projects = Project.objects.curated_by(request.user).filter(transcripts=transcript)
        counts = dict(
            Annotation.objects.filter(passage__transcript=transcript, tag__project__in=projects)
            .values("tag__project")
            .annotate(n=Count("pk"))
            .values_list("tag__project", "n")
        )
        changelist = reverse("admin:annotations_annotation_changelist")
        links = [
            {
                "project": project,
                "annotations": counts.get(project.pk, 0),
                "workspace": reverse("annotations:workspace", args=[project.slug, transcript.pk]),
                "annotation_list": f"{changelist}?project={project.pk}&transcript={transcript.pk}",
                "adjudicate": adjudication_url(project, transcript),
            }
            for project in projects.order_by("name")
        ]
        return super().turns_context(request, transcript) | {"project_links": links}
