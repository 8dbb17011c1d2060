"""The admin as the curation desk.

annotation.py holds the annotation list and form (filters.py, forms.py, history.py beside it),
projects.py projects, members, tags and the admin log, transcripts.py the annotation-aware
transcript admin. Last, every admin of a model in PROJECT_PATHS is wrapped in
ProjectScopedAdmin, so staff who are not superusers reach only their projects' objects.
"""

from django.contrib import admin

from ..admin_scope import PROJECT_PATHS, ProjectScopedAdmin
from . import annotation, history, projects, transcripts  # noqa: F401 (they register admins)

# Wrap whatever admin each model has (ours, transcripts/admin.py's, or one added later).
for model, path in PROJECT_PATHS.items():
    registered = type(admin.site.get_model_admin(model))
    scoped = type(f"Scoped{registered.__name__}", (ProjectScopedAdmin, registered), {})
    scoped.project_path = path
    admin.site.unregister(model)
    admin.site.register(model, scoped)

__all__ = ["PROJECT_PATHS"]
