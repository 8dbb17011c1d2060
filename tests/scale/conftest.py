"""The large project (tests/large.py), built once for this package and removed afterwards.

Built outside the per-test transactions (committed), so every test here reads the same 20,000
annotations; each test's own writes still roll back. Nothing in this package may use
`transactional_db`: its flush would remove the fixture under the next test.
"""

import pytest

from annotations.models import Annotation, AnnotationEvent, Progress
from tests.large import build_large_project


@pytest.fixture(scope="package")
def large(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        built = build_large_project(slug="scale")
        yield built
        remove(built)


def remove(built) -> None:
    project = built.project
    AnnotationEvent.objects.filter(project=project).delete()
    Progress.objects.filter(project=project).delete()
    annotations = Annotation.objects.in_project(project)
    annotations.update(target=None)
    annotations.delete()
    for transcript in built.transcripts:
        transcript.delete()
    project.delete()
    for user in [built.owner, built.curator, *built.annotators]:
        user.delete()
