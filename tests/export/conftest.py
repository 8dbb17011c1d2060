import pytest

from .data import tag_transcript


@pytest.fixture
def tags(project):
    return {tag.name: tag for tag in project.tags.all()}


@pytest.fixture
def tagged(transcript, annotator, curator):
    return list(tag_transcript(transcript, annotator=annotator, curator=curator))


@pytest.fixture
def claim(tagged):
    return tagged[0]
