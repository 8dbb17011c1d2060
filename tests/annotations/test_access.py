"""The one access rule: Project.objects.for_user/curated_by/owned_by and membership_or_404()."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from annotations.models import Membership, Project

from ..factories import AnnotationFactory, ProjectFactory, TranscriptWithTurnsFactory, UserFactory


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def test_querysets_follow_the_role(project, owner, curator, annotator, outsider):
    assert list(Project.objects.for_user(annotator)) == [project]
    assert list(Project.objects.curated_by(annotator)) == []
    assert set(Project.objects.curated_by(curator)) == {project}
    assert list(Project.objects.owned_by(curator)) == []
    assert list(Project.objects.owned_by(owner)) == [project]
    assert project not in Project.objects.for_user(outsider)


def test_several_memberships_give_no_duplicate_rows(project, annotator):
    other = ProjectFactory()
    Membership.objects.create(project=other, user=annotator, role=Membership.Role.OWNER)
    assert Project.objects.for_user(annotator).count() == 2


def test_superuser_who_is_not_a_member_acts_as_owner(client, superuser, project, transcript):
    assert set(Project.objects.owned_by(superuser)) >= {project}
    client.force_login(superuser)
    page = client.get(project.get_absolute_url())
    assert page.status_code == 200
    assert reverse("annotations:project_delete", args=[project.slug]).encode() in page.content
    workspace = reverse("annotations:workspace", args=[project.slug, transcript.pk])
    assert client.get(workspace).status_code == 200
    assert project.name.encode() in client.get(reverse("annotations:project_list")).content


def test_annotator_is_refused_curator_pages_with_a_reason(client, annotator, project):
    client.force_login(annotator)
    page = client.get(reverse("annotations:transcript_import", args=[project.slug]))
    assert page.status_code == 403
    assert b"curators and owners" in page.content


def test_curator_is_refused_owner_pages(client, curator, project):
    client.force_login(curator)
    assert client.get(reverse("annotations:project_delete", args=[project.slug])).status_code == 403


def test_outsider_gets_404_everywhere(client, outsider, project, transcript):
    client.force_login(outsider)
    for name, args in [
        ("project_detail", [project.slug]),
        ("project_export", [project.slug]),
        ("transcript_import", [project.slug]),
        ("project_delete", [project.slug]),
        ("workspace", [project.slug, transcript.pk]),
    ]:
        assert client.get(reverse(f"annotations:{name}", args=args)).status_code == 404, name


@pytest.mark.django_db
def test_project_page_counts_with_subqueries_not_a_multi_join(client, annotator, project):
    # Two transcripts, annotations by two people: the page must count each apart and must not
    # make the database sort the product of turns, speakers and annotations (issue 10, part 1).
    transcripts = [TranscriptWithTurnsFactory(), TranscriptWithTurnsFactory()]
    project.transcripts.add(*transcripts)
    claim = project.tags.get(name="Claim")
    someone = UserFactory()
    for passage in transcripts[0].passages.all():
        AnnotationFactory(passage=passage, tag=claim, annotator=annotator)
        AnnotationFactory(passage=passage, tag=claim, annotator=someone)
    client.force_login(annotator)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(project.get_absolute_url())
    assert page.status_code == 200
    rows = {t.pk: t for t in page.context["transcripts"]}
    first, second = rows[transcripts[0].pk], rows[transcripts[1].pk]
    assert (first.turn_count, first.speaker_count, first.my_annotation_count) == (3, 3, 6)
    assert (second.turn_count, second.speaker_count, second.my_annotation_count) == (3, 3, 0)
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert "COUNT(DISTINCT" not in sql.upper()
    assert "original_text" not in sql
