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
from .quotes import SpanOutsidePassage, quote_of, span_problem

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
    "SpanOutsidePassage",
    "StaleAnnotation",
    "Tag",
    "WrongProject",
    "check_one_project",
    "distribute",
    "new_request_id",
    "quote_of",
    "snapshot",
    "span_problem",
]
