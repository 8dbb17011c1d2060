"""Projects, members and tags (projects.py); annotations and their one write path
(annotation.py); the history that undo and redo read (events.py)."""

from .annotation import (
    Annotation,
    AnnotationQuerySet,
    DuplicateAnnotation,
    StaleAnnotation,
    WrongProject,
    check_one_project,
    new_request_id,
)
from .events import AnnotationEvent, snapshot
from .projects import DEFAULT_TAGS, Membership, Progress, Project, ProjectQuerySet, Tag

__all__ = [
    "DEFAULT_TAGS",
    "Annotation",
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
    "new_request_id",
    "snapshot",
]
