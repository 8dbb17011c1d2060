"""Projects, members and tags (projects.py); annotations and their one write path
(annotation.py); the history that undo and redo read (events.py); the gold layer (gold.py)."""

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
from .gold import Adjudication, GoldAnnotation, GoldConflict, GoldEvent, GoldSource, StaleGold
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
    "Adjudication",
    "GoldAnnotation",
    "GoldConflict",
    "GoldEvent",
    "GoldSource",
    "StaleGold",
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
    "distribute",
    "new_request_id",
    "snapshot",
]
