"""The curation desk on the large project (2,000 turns, 20,000 annotations, three annotators):
the annotation list does the same number of queries for 10 rows as for 100, with filters and
search; the change form and the transcript page stay small; none reads original_text.
"""

import pytest
from django.contrib.admin import site
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from annotations.models import Annotation

from .budget import guarded

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:annotations_annotation_changelist")
MAX_QUERIES = 20
MAX_BYTES = 200 * 1024


@pytest.fixture
def staff_curator(large):
    curator = large.curator
    curator.is_staff = True
    curator.save()
    curator.user_permissions.set(Permission.objects.all())  # rolled back after each test
    return curator


@pytest.fixture(params=["staff curator", "superuser"])
def desk_user(request, staff_curator, admin_user):
    return staff_curator if request.param == "staff curator" else admin_user


def queries_for(client, url, monkeypatch, per_page: int):
    monkeypatch.setattr(site.get_model_admin(Annotation), "list_per_page", per_page)
    with guarded(), CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == per_page
    return queries


def queries(captured) -> int:
    return len(captured.captured_queries)


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?project={project}",
        "?project={project}&transcript={transcript}&speaker=SECRETARY+CLINTON",
        "?transcript={transcript}&status__exact=submitted&o=2",
        "?q=Georgia",
    ],
)
def test_the_list_does_not_query_more_for_more_rows(
    client, large, desk_user, monkeypatch, django_assert_max_num_queries, query
):
    client.force_login(desk_user)
    url = CHANGELIST + query.format(project=large.project.pk, transcript=large.transcript.pk)
    few = queries_for(client, url, monkeypatch, 10)
    with django_assert_max_num_queries(MAX_QUERIES):
        many = queries_for(client, url, monkeypatch, 100)
    assert queries(few) == queries(many), [q["sql"][:120] for q in many.captured_queries]
    assert not [q for q in many.captured_queries if "original_text" in q["sql"]]


def test_the_change_form_is_small(client, large, staff_curator, django_assert_max_num_queries):
    disagreement = Annotation.objects.filter(
        tag__project=large.project, target__isnull=False, passage__transcript=large.transcript
    ).first()
    client.force_login(staff_curator)
    url = reverse("admin:annotations_annotation_change", args=[disagreement.pk])
    with guarded(), django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.content) < MAX_BYTES
    # The target is picked by search: only the chosen one is rendered, not 20,000 options.
    assert response.content.count(b"<option") < 50


def test_the_transcript_page_shows_a_page_of_turns(
    client, large, staff_curator, django_assert_max_num_queries
):
    client.force_login(staff_curator)
    url = reverse("admin:transcripts_transcript_change", args=[large.transcript.pk])
    for page in ("1", "57", "100"):
        with guarded(), CaptureQueriesContext(connection) as captured:
            response = client.get(url, {"turns": page})
        assert response.status_code == 200
        assert len(captured.captured_queries) <= MAX_QUERIES
        assert len(response.content) < MAX_BYTES
        assert len(response.context["turn_page"]) == 20
        assert not [q for q in captured.captured_queries if "original_text" in q["sql"]]
    assert b"2000 turns" in response.content
