"""Two annotators' submitted layers on the small transcript, and a staff curator to decide them."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from annotations.models import Annotation, Membership
from tests.factories import AnnotationFactory, UserFactory


@pytest.fixture
def staff_curator(curator):
    """The project's curator with staff status and the annotations app's model permissions."""
    curator.is_staff = True
    curator.save(update_fields=["is_staff"])
    curator.user_permissions.set(Permission.objects.filter(content_type__app_label="annotations"))
    return curator


@pytest.fixture
def coders(project):
    """Two annotators (not the `annotator` persona, who stays free for access tests)."""
    users = [UserFactory(username=f"{name}-{project.slug}") for name in ("ada", "ben")]
    for user in users:
        Membership.objects.create(project=project, user=user, role=Membership.Role.ANNOTATOR)
    return users


@pytest.fixture
def passages(transcript):
    return list(transcript.passages.order_by("position"))


@pytest.fixture
def tags(project):
    return {tag.name: tag for tag in project.tags.all()}


def tag(annotator, passage, tag, *, start=None, end=None, **fields):
    fields.setdefault("status", Annotation.Status.SUBMITTED)
    return AnnotationFactory(
        annotator=annotator, passage=passage, tag=tag, start=start, end=end, **fields
    )


@pytest.fixture
def layers(coders, passages, tags):
    """Both agree on passage 0 (Claim, whole); differ on passage 2 (span vs whole)."""
    first, second = coders
    return {
        "agreed": [tag(first, passages[0], tags["Claim"]), tag(second, passages[0], tags["Claim"])],
        "span": tag(first, passages[2], tags["Claim"], start=0, end=5),
        "whole": tag(second, passages[2], tags["Claim"]),
    }


@pytest.fixture
def board_url(project, transcript):
    return reverse("admin:annotations_adjudicate", args=[project.slug, transcript.pk])
