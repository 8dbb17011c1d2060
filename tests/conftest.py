"""Personas (owner, curator, annotator, outsider) and the project they share."""

import pytest
from hypothesis import settings

from annotations.models import Membership

from .factories import ProjectFactory, TranscriptWithTurnsFactory, UserFactory

# Speed is for bench/, never for tests: no Hypothesis deadline (a loaded CI machine once took
# 500 ms for an example that takes 0.2 ms, and the run failed as "flaky").
settings.register_profile("parley", deadline=None)
settings.load_profile("parley")

HTMX = {"HX-Request": "true"}


@pytest.fixture
def project(db):
    return ProjectFactory()


@pytest.fixture
def transcript(project):
    transcript = TranscriptWithTurnsFactory()
    project.transcripts.add(transcript)
    return transcript


def member(project, role):
    user = UserFactory(username=f"{role}-{project.slug}")
    Membership.objects.create(project=project, user=user, role=role)
    return user


@pytest.fixture
def owner(project):
    return member(project, Membership.Role.OWNER)


@pytest.fixture
def curator(project):
    return member(project, Membership.Role.CURATOR)


@pytest.fixture
def annotator(project):
    return member(project, Membership.Role.ANNOTATOR)


@pytest.fixture
def outsider(db):
    """A member of another project, not of ours."""
    other = ProjectFactory()
    return member(other, Membership.Role.OWNER)
