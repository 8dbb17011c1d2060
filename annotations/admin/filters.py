"""The annotation list's filters: scoped to what the curator may see, and short on any data.

Each filter lists at most LIMIT choices, read with one bounded query, and narrows by the filters
above it: transcripts, tags and annotators of the chosen project, speakers of the chosen
transcript (or project). When there are more, the filter says so and how to narrow, instead of
sending a 10,000-link list; a value typed into the address still filters.
"""

from django.contrib import admin
from django.contrib.auth import get_user_model

from transcripts.models import Speaker, Transcript

from ..forms import whole_number
from ..models import Membership, Project, Tag

LIMIT = 30


def chosen(request, name: str) -> int | None:
    return whole_number(request.GET.get(name))


def projects_of(request, *, narrowed: bool = True):
    """The projects the user curates (superusers: all), or only the chosen one among them."""
    projects = Project.objects.curated_by(request.user)
    project = chosen(request, "project") if narrowed else None
    return projects if project is None else projects.filter(pk=project)


class ScopedFilter(admin.SimpleListFilter):
    """A filter whose choices come from `options()`, at most LIMIT of them."""

    template = "admin/annotations/scoped_filter.html"
    path = ""  # the lookup the chosen id filters on
    narrow_hint = ""
    hint = ""
    unlisted = "#{}"  # how a value typed into the address, not among the choices, is shown

    def options(self, request):
        raise NotImplementedError

    def lookups(self, request, model_admin):
        rows = self.options(request)
        rows = [] if rows is None else list(rows[: LIMIT + 1])
        if len(rows) > LIMIT:
            rows, self.hint = rows[:LIMIT], f"The first {LIMIT}: {self.narrow_hint}"
        value = self.value()
        if value is not None and value not in {str(pk) for pk, _ in rows}:
            rows.append((value, self.unlisted.format(value)))  # typed into the address
        return rows

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        if whole_number(value) is None:
            return queryset.none()
        return queryset.filter(**{self.path: value})


class ProjectFilter(ScopedFilter):
    title = "project"
    parameter_name = "project"
    path = "tag__project"
    narrow_hint = "search for the rest."

    def options(self, request):
        return projects_of(request, narrowed=False).order_by("name").values_list("pk", "name")


class TranscriptFilter(ScopedFilter):
    title = "transcript"
    parameter_name = "transcript"
    path = "passage__transcript"
    narrow_hint = "choose a project to list its transcripts."

    def options(self, request):
        rows = Transcript.objects.filter(projects__in=projects_of(request)).distinct()
        return rows.order_by("title", "pk").values_list("pk", "title")


class TagFilter(ScopedFilter):
    title = "tag"
    parameter_name = "tag"
    path = "tag"
    narrow_hint = "choose a project to list its tags."

    def options(self, request):
        tags = Tag.objects.filter(project__in=projects_of(request))
        if chosen(request, "project") is not None:
            return tags.order_by("position").values_list("pk", "name")
        return [
            (pk, f"{name} ({project_name})")
            for pk, name, project_name in tags.order_by("project__name", "position")[
                : LIMIT + 1
            ].values_list("pk", "name", "project__name")
        ]


class AnnotatorFilter(ScopedFilter):
    title = "annotator"
    parameter_name = "annotator"
    path = "annotator"
    narrow_hint = "choose a project to list its members."

    def options(self, request):
        members = Membership.objects.filter(project__in=projects_of(request))
        users = get_user_model().objects.filter(pk__in=members.values("user"))
        return users.order_by("username").values_list("pk", "username")


class SpeakerFilter(ScopedFilter):
    """By speaker label, so "SECRETARY CLINTON" picks her turns in every transcript at once."""

    title = "speaker"
    parameter_name = "speaker"
    path = "passage__turn__speaker__label"
    unlisted = "{}"
    narrow_hint = "choose a transcript to list its speakers."

    def options(self, request):
        transcript = chosen(request, "transcript")
        if transcript is None and chosen(request, "project") is None:
            self.hint = "Choose a project or a transcript to list its speakers."
            return None
        speakers = Speaker.objects.filter(transcript__projects__in=projects_of(request))
        if transcript is not None:
            speakers = speakers.filter(transcript=transcript)
        labels = speakers.order_by("label").values_list("label", flat=True).distinct()
        return [(label, label) for label in labels[: LIMIT + 1]]

    def has_output(self):
        return True  # with no choices yet, it says how to get them

    def queryset(self, request, queryset):
        value = self.value()
        return queryset if value is None else queryset.filter(**{self.path: value})
