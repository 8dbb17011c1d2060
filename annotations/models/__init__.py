"""Projects, members and tags (projects.py); annotations and their one write path
(annotation.py); the history that undo and redo read (events.py)."""

from .annotation import (
    Annotation,
    AnnotationQuerySet,
    DuplicateAnnotation,
    StaleAnnotation,
    WrongProject,
    check_one_project,
    found_in,
    new_request_id,
)
from .events import AnnotationEvent, snapshot
from .projects import (
    DEFAULT_TAGS,
    Assignment,
    Membership,
    Progress,
    Project,
    ProjectQuerySet,
    Tag,
    distribute,
)

__all__ = [
    "DEFAULT_TAGS",
    "Annotation",
    "Assignment",
    "AnnotationEvent",
    "AnnotationQuerySet",
    "DuplicateAnnotation",
    "Membership",
    "Progress",
    "Project",
    "ProjectQuerySet",
    "StaleAnnotation",
    "Tag",
    "WrongProject",
    "check_one_project",
    "found_in",
    "distribute",
    "new_request_id",
    "snapshot",
]
