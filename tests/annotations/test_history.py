"""The history's words: each event's before/after snapshots described for a curator (no DB)."""

from types import SimpleNamespace

from annotations.admin.history import describe
from annotations.models import AnnotationEvent, Tag

CLAIM = Tag(pk=1, name="Claim", attribute_schema=[{"name": "type", "label": "Claim type"}])
DISAGREEMENT = Tag(pk=2, name="Disagreement", attribute_schema=[])
TAGS = {1: CLAIM, 2: DISAGREEMENT}
BASE = {
    "tag_id": 1, "start": None, "end": None, "status": "submitted", "note": "",
    "target_id": None, "target_passage_id": None, "attributes": {}, "version": 1,
}  # fmt: skip


def event(action, before=None, after=None):
    return SimpleNamespace(
        action=action,
        before=before,
        after=after,
        get_action_display=lambda: AnnotationEvent.Action(action).label,
    )


def test_creation_and_deletion():
    assert describe(event("create", after=BASE), TAGS) == (
        "created",
        ["Claim on whole passage", "status submitted"],
    )
    assert describe(event("delete", before=BASE), TAGS) == (
        "deleted",
        ["was submitted, version 1"],
    )


def test_a_review_says_accepted_or_rejected():
    for status in ("accepted", "rejected"):
        verb, details = describe(event("review", BASE, BASE | {"status": status}), TAGS)
        assert (verb, details) == (status, [f"status submitted → {status}"])


def test_an_edit_lists_what_changed():
    after = BASE | {
        "tag_id": 2,
        "start": 3,
        "end": 11,
        "note": "see turn 4",
        "target_id": 7,
        "attributes": {"type": "policy"},
    }
    verb, details = describe(event("update", BASE | {"attributes": {"type": "factual"}}, after), {})
    assert verb == "changed"
    assert details[:4] == [
        "tag #1 → #2",
        "span whole passage → 3–11",
        "note — → see turn 4",
        "target → annotation 7",
    ]
    verb, details = describe(event("update", BASE, BASE | {"attributes": {"type": "x"}}), TAGS)
    assert details == ["Claim type — → x"]


def test_an_annotator_submitting_is_not_a_review():
    verb, _ = describe(event("update", BASE | {"status": "draft"}, BASE), TAGS)
    assert verb == "submitted"
