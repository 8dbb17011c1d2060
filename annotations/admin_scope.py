"""The access rule in the admin: staff who are not superusers reach only their projects' objects.

A curator given staff status to review in the admin must not browse, pick or post other teams'
objects. `ProjectScopedAdmin` wraps every registered admin of a model in PROJECT_PATHS: lists,
change pages, search and autocomplete start from the projects the user curates
(`Project.objects.curated_by`), every foreign-key and many-to-many choice list offers only
objects of those projects (so a posted foreign id is "not one of the available choices"), and
what decides who works on a project — the project itself and its memberships — is for owners
(`owned_by`). Superusers see everything.
"""

from django.contrib.auth import get_user_model

from transcripts.models import Passage, Speaker, Transcript, Turn

from .forms import IdChoiceField
from .models import (
    Annotation,
    AnnotationEvent,
    GoldAnnotation,
    GoldEvent,
    Membership,
    Progress,
    Project,
    Tag,
)

PROJECT_PATHS = {
    Project: "",
    Membership: "project",
    Tag: "project",
    Annotation: "tag__project",
    Progress: "project",
    AnnotationEvent: "project",
    GoldAnnotation: "project",
    GoldEvent: "project",
    Transcript: "projects",
    Speaker: "transcript__projects",
    Turn: "transcript__projects",
    Passage: "transcript__projects",
}
OWNERS_ONLY = {Project, Membership}  # who works on a project, and in which role


def projects_for(user, model):
    if model in OWNERS_ONLY:
        return Project.objects.owned_by(user)
    return Project.objects.curated_by(user)


def single_valued(model, path: str) -> bool:
    """Whether each object has one project along `path` (foreign keys only, no many-to-many)."""
    for name in path.split("__"):
        field = model._meta.get_field(name)
        if field.many_to_many or field.one_to_many:
            return False
        model = field.related_model
    return True


def scoped(model, queryset, user, projects=None):
    """`queryset` of `model` cut to the objects of `projects` (by default, the user's)."""
    projects = projects_for(user, model) if projects is None else projects
    path = PROJECT_PATHS[model]
    if not path:
        return queryset.filter(pk__in=projects.values("pk"))
    if single_valued(model, path):
        # A join along foreign keys cannot repeat a row; and `pk IN (20,000 ids)` beside the
        # list's filters made SQLite probe every id for every passage of a transcript.
        return queryset.filter(**{f"{path}__in": projects})
    inside = model._default_manager.filter(**{f"{path}__in": projects})
    return queryset.filter(pk__in=inside.values("pk"))  # no duplicate rows, unlike a join


def choices_for(related, user, *, editing):
    """The objects a form of `editing` may point at: of the user's projects only."""
    if related is get_user_model():
        # People in the user's projects; owners adding a member pick from everyone.
        if editing is Membership:
            return None
        members = Membership.objects.filter(project__in=Project.objects.curated_by(user))
        return related._default_manager.filter(pk__in=members.values("user"))
    if related not in PROJECT_PATHS:
        return None
    projects = projects_for(user, editing)
    return scoped(related, related._default_manager.all(), user, projects)


class ProjectScopedAdmin:
    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        # Lists and change pages show what the user curates, even of owners-only models.
        return scoped(self.model, queryset, request.user, Project.objects.curated_by(request.user))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs.setdefault("form_class", IdChoiceField)  # a 30-digit id is a form error, not a 500
        self.scope_choices(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        self.scope_choices(db_field, request, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def scope_choices(self, db_field, request, kwargs) -> None:
        related = db_field.related_model
        if not request.user.is_superuser:
            choices = choices_for(related, request.user, editing=self.model)
            if choices is not None:
                kwargs["queryset"] = choices
        if related is Transcript:  # choices show titles, never the source text
            kwargs["queryset"] = kwargs.get("queryset", Transcript.objects.all()).defer(
                "original_text"
            )

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self.may_write(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self.may_write(request, obj)

    def may_write(self, request, obj) -> bool:
        if obj is None or request.user.is_superuser or self.model not in OWNERS_ONLY:
            return True
        this = self.model._default_manager.filter(pk=obj.pk)
        return scoped(
            self.model, this, request.user, projects_for(request.user, self.model)
        ).exists()
