"""The gold layer out: one row per gold item however many annotators had it, with its sources,
the same from the command, the export page and the admin action."""

import csv
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from annotations import adjudication
from annotations.export import Selection, select
from annotations.models import GoldAnnotation

from .conftest import tag

pytestmark = pytest.mark.django_db


def read(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline="")))


@pytest.fixture
def gold(project, curator, layers, transcript, tags):
    adjudication.opened(project, transcript.pk, by=curator)  # passage 0: both had it
    span = layers["span"]
    span.refresh_from_db()
    GoldAnnotation.objects.accept(span, by=curator, expected_version=span.version, project=project)
    return GoldAnnotation.objects.order_by("passage__position")


def test_the_command_exports_one_row_per_gold_item_with_sources(project, gold, coders):
    out = io.StringIO()
    call_command("export_annotations", "--project", project.slug, "--gold-only", stdout=out)
    rows = read(out.getvalue())
    assert len(rows) == 2  # three annotator annotations, two gold items
    assert rows[0]["sources"] == ";".join(sorted(u.username for u in coders))
    assert rows[0]["origin"] == "merged"
    assert rows[1]["sources"] == coders[0].username and rows[1]["origin"] == "accepted"
    for row in rows:  # the README's rule
        if row["span_start"]:
            start, end = int(row["span_start"]), int(row["span_end"])
            assert row["passage_text"][start:end] == row["quote"]
        else:
            assert row["quote"] == row["passage_text"]
    assert {"gold_id", "curator", "origin", "sources"} <= set(rows[0])


def test_the_annotators_layers_still_export_every_annotation(project, gold):
    text = "".join(select(project, Selection()).chunks("csv"))
    assert len(read(text)) == 4


def test_the_wide_csv_marks_gold_from_the_gold_layer(project, gold, layers):
    text = "".join(select(project, Selection()).chunks("wide-csv"))
    rows = read(text)
    assert rows[0]["Claim_gold"] == "1" and rows[0]["Claim_count"] == "2"
    assert rows[1]["Claim_gold"] == "0"


def test_gold_jsonl_lists_sources(project, gold, coders):
    import json

    text = "".join(select(project, Selection(gold_only=True)).chunks("jsonl"))
    objects = [json.loads(line) for line in text.splitlines()]
    assert objects[0]["sources"] == sorted(u.username for u in coders)


def test_export_page_gold_choice(client, owner, project, gold):
    client.force_login(owner)
    url = reverse("annotations:project_export", args=[project.slug])
    response = client.get(url, {"format": "csv", "gold_only": "on"})
    rows = read(b"".join(response.streaming_content).decode())
    assert [row["origin"] for row in rows] == ["merged", "accepted"]


def test_blind_annotator_cannot_export_gold(client, annotator, project, gold):
    project.set_blind(True)
    client.force_login(annotator)
    url = reverse("annotations:project_export", args=[project.slug])
    response = client.get(url, {"format": "csv", "gold_only": "on"})
    assert response.status_code == 400
    assert "only its curators can export it" in response.content.decode()


def test_admin_action_exports_the_selected_gold(client, staff_curator, project, gold):
    client.force_login(staff_curator)
    url = reverse("admin:annotations_goldannotation_changelist")
    first = gold.first()
    response = client.post(url, {"action": "export_selected_csv", "_selected_action": [first.pk]})
    rows = read(b"".join(response.streaming_content).decode())
    assert [int(row["gold_id"]) for row in rows] == [first.pk]
    assert rows[0]["sources"].count(";") == 1


def test_staff_of_another_project_do_not_see_this_gold(client, outsider, gold):
    from django.contrib.auth.models import Permission

    outsider.is_staff = True
    outsider.save()
    outsider.user_permissions.set(Permission.objects.filter(codename="view_goldannotation"))
    client.force_login(outsider)
    response = client.get(reverse("admin:annotations_goldannotation_changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count == 0


def test_gold_export_streams_in_constant_queries(
    project, curator, coders, passages, tags, transcript, django_assert_max_num_queries
):
    for passage in passages[1:]:
        for user in coders:
            tag(user, passage, tags["Commitment"])
    adjudication.opened(project, transcript.pk, by=curator)
    with django_assert_max_num_queries(6):
        text = "".join(select(project, Selection(gold_only=True)).chunks("csv"))
    assert len(read(text)) == len(passages) - 1


def test_admin_add_to_gold_action_and_gold_column(
    client, staff_curator, layers, django_assert_max_num_queries
):
    from annotations.models import Annotation

    client.force_login(staff_curator)
    url = reverse("admin:annotations_annotation_changelist")
    first, second = layers["agreed"]
    response = client.post(
        url, {"action": "add_to_gold", "_selected_action": [first.pk, second.pk]}
    )
    assert response.status_code == 302
    assert GoldAnnotation.objects.count() == 1  # two copies, one gold item
    assert set(Annotation.objects.get(pk=first.pk).gold.all()) == set(GoldAnnotation.objects.all())
    with django_assert_max_num_queries(25):
        page = client.get(url)
    body = page.content.decode()
    assert body.count("icon-yes.svg") == 2


def test_deleting_a_source_annotation_keeps_the_gold_items_provenance(project, gold, coders):
    """Loss-free: the gold item still names who it came from, at which version."""
    merged = gold.first()
    source = merged.source_rows.order_by("annotator__username").first()
    annotation_id, version = source.annotation_id, source.version
    annotation = source.annotation
    annotation.remove(annotation.annotator, annotation.version)
    source.refresh_from_db()
    assert source.annotation_id is None
    assert (source.subject, source.version, source.annotator) == (annotation_id, version, coders[0])
    out = io.StringIO()
    call_command("export_annotations", "--project", project.slug, "--gold-only", stdout=out)
    rows = read(out.getvalue())
    assert rows[0]["sources"] == ";".join(sorted(u.username for u in coders))
