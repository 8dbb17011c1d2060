"""What the second outside attack found: NUL, deep nesting and huge numbers, 405s, the log line.

Each case is a 4xx with a message and no change to the database, on SQLite and on PostgreSQL
(where NUL in text or JSON used to be a 500 from psycopg).
"""

import json
import logging

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotations.models import Annotation

from ..conftest import HTMX
from ..factories import AnnotationFactory
from .test_url_sweep import snapshot

pytestmark = pytest.mark.django_db

DEEP = "[" * 3000 + "]" * 3000
HUGE_NUMBER = "9" * 5001  # past Python's 4,300-digit limit for int(str)


@pytest.fixture
def claim(project, transcript, annotator):
    return AnnotationFactory(
        passage=transcript.passages.speech().first(),
        tag=project.tags.get(name="Claim"),
        annotator=annotator,
    )


@pytest.fixture
def annotator_client(annotator):
    client = Client(raise_request_exception=False)
    client.force_login(annotator)
    return client


def detail_url(annotation):
    return reverse(
        "annotations:annotation_detail", args=[annotation.tag.project.slug, annotation.pk]
    )


def edit_data(annotation, **overrides):
    return {"version": annotation.version, "tag": annotation.tag_id, "note": "", **overrides}


@pytest.mark.parametrize("value", ["fact\x00ual", "\x00"])
def test_nul_in_an_attribute_value_is_a_400(annotator_client, claim, value):
    before = snapshot()
    response = annotator_client.post(
        detail_url(claim), edit_data(claim, **{"attr-type": value}), headers=HTMX
    )
    assert response.status_code == 400
    assert "NUL" in response.text and "attr-type" in response.text
    assert snapshot() == before


@pytest.mark.parametrize("value", [DEEP, HUGE_NUMBER, "-" + HUGE_NUMBER, "1e99999"])
@pytest.mark.parametrize("field", ["version", "tag", "target", "target_passage", "attr-type"])
def test_deep_nesting_and_huge_numbers_in_the_edit_form_are_refused(
    annotator_client, claim, field, value
):
    before = snapshot()
    response = annotator_client.post(
        detail_url(claim), edit_data(claim, **{field: value}), headers=HTMX
    )
    assert 400 <= response.status_code < 500
    assert snapshot() == before


@pytest.mark.parametrize("field", ["passage", "tag", "start", "end", "target", "request_id"])
def test_huge_numbers_in_the_create_form_are_refused(annotator_client, project, transcript, field):
    url = reverse("annotations:annotation_create", args=[project.slug, transcript.pk])
    data = {"tag": project.tags.first().pk, "passage": transcript.passages.first().pk}
    response = annotator_client.post(url, data | {field: HUGE_NUMBER}, headers=HTMX)
    assert response.status_code < 500
    if field != "request_id":  # an unreadable request id only loses the retry guarantee
        assert response.status_code >= 400 and not Annotation.objects.exists()


@pytest.mark.parametrize(
    "query",
    [
        "tag__id__exact=%00",
        "status__exact=%00",
        "q=%00",
        "tag__project__id__exact=" + "9" * 5001,
        "annotator__id__exact=" + "9" * 30,
    ],
)
def test_admin_filters_with_hostile_values_are_not_a_500(client, query, claim):
    admin = claim.annotator.__class__.objects.create_superuser("boss", "b@example.org", "pw-123456")
    client.force_login(admin)
    client.raise_request_exception = False
    response = client.get(reverse("admin:annotations_annotation_changelist") + "?" + query)
    assert response.status_code < 500, query


GET_ONLY = [
    ("annotations:project_list", lambda w: []),
    ("annotations:project_detail", lambda w: [w["project"].slug]),
    ("annotations:project_export", lambda w: [w["project"].slug]),
    ("annotations:tag_styles", lambda w: [w["project"].slug]),
    ("annotations:workspace", lambda w: [w["project"].slug, w["transcript"].pk]),
    ("transcripts:detail", lambda w: [w["transcript"].pk]),
]


@pytest.mark.parametrize(("name", "args"), GET_ONLY, ids=[n for n, _ in GET_ONLY])
def test_get_only_views_answer_post_with_405(annotator_client, project, transcript, name, args):
    url = reverse(name, args=args({"project": project, "transcript": transcript}))
    assert annotator_client.get(url).status_code == 200
    response = annotator_client.post(url, {})
    assert response.status_code == 405
    assert "GET" in response["Allow"]


def test_the_request_log_line_is_one_json_object_with_what_happened(
    annotator_client, annotator, project, caplog
):
    from config.observability import JsonFormatter

    with caplog.at_level(logging.INFO, logger="parley.request"):
        annotator_client.get(project.get_absolute_url() + "?token=secret-value")
    record = next(r for r in caplog.records if r.name == "parley.request")
    line = JsonFormatter().format(record)
    entry = json.loads(line)
    assert "\n" not in line
    assert entry["method"] == "GET" and entry["path"] == project.get_absolute_url()
    assert entry["status"] == 200 and entry["user_id"] == annotator.pk
    assert isinstance(entry["duration_ms"], float)
    assert entry["message"].startswith(f"GET {project.get_absolute_url()} 200 ")
    assert "secret-value" not in line


hostile_text = st.one_of(
    st.text(alphabet=st.characters(codec="utf-8"), max_size=50).map(lambda s: s + "\x00"),
    st.integers(min_value=4300, max_value=6000).map(lambda n: "9" * n),
    st.integers(min_value=50, max_value=4000).map(lambda n: "[" * n + "]" * n),
    st.integers(min_value=50, max_value=4000).map(lambda n: '{"a":' * n + "1" + "}" * n),
    st.sampled_from(["NaN", "-0", "1e309", "0x10", "１２", "\ud7ff", "\ufeff1"]),
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(field=st.sampled_from(["version", "tag", "note", "target", "attr-type"]), value=hostile_text)
def test_hypothesis_hostile_values_in_the_forms_never_give_a_500(
    annotator_client, project, transcript, claim, field, value
):
    claim.refresh_from_db()
    before = Annotation.objects.values_list("pk", "version", "note").order_by("pk")
    before = list(before)
    edit = annotator_client.post(
        detail_url(claim), edit_data(claim, **{field: value}), headers=HTMX
    )
    assert edit.status_code < 500, (field, value[:40])
    url = reverse("annotations:annotation_create", args=[project.slug, transcript.pk])
    create_field = {"version": "start", "attr-type": "end", "note": "passage"}.get(field, field)
    data = {"tag": project.tags.first().pk, "passage": transcript.passages.last().pk}
    create = annotator_client.post(url, data | {create_field: value}, headers=HTMX)
    assert create.status_code < 500, (create_field, value[:40])
    if edit.status_code >= 400 and create.status_code >= 400:
        after = list(Annotation.objects.values_list("pk", "version", "note").order_by("pk"))
        assert after == before
