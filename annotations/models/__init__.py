"""Projects, members and tags (projects.py); annotations and their one write path
(annotation.py); the history that undo and redo read (events.py); structure edits (structure.py);
the gold layer (gold.py)."""

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
    get_work,
    release_stale,
)
from .quotes import SpanOutsidePassage, quote_of, span_problem
from .structure import StructureChange

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
    "SpanOutsidePassage",
    "StaleAnnotation",
    "StructureChange",
    "Tag",
    "WrongProject",
    "check_one_project",
    "found_in",
    "distribute",
    "get_work",
    "release_stale",
    "new_request_id",
    "quote_of",
    "snapshot",
    "span_problem",
]
