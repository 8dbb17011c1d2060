"""Anonymised layers: with the project's setting on, the workspace names other annotators
“Annotator n” in chips, the details panel and the side panel, numbered as on the agreement page."""

import pytest
from django.urls import reverse
from django.utils import timezone

from annotations.models import Membership

from ..conftest import HTMX
from ..factories import AnnotationFactory, ProgressFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def layers(project, transcript, owner, curator, annotator):
    """owner, curator, annotator joined first; then zoe, who tags passage 0."""
    zoe = UserFactory(username="zoe-the-coder")
    Membership.objects.create(project=project, user=zoe)
    passage = transcript.passages.speech().first()
    claim = project.tags.get(name="Claim")
    theirs = AnnotationFactory(passage=passage, tag=claim, annotator=zoe)
    mine = AnnotationFactory(passage=passage, tag=claim, annotator=curator)
    for user in (zoe, curator):
        ProgressFactory(project=project, transcript=transcript, user=user, done_at=timezone.now())
    project.set_anonymise(True)
    return {"zoe": zoe, "theirs": theirs, "mine": mine}


def test_numbers_follow_the_order_of_joining_and_stay(project, layers, owner, curator, annotator):
    names = project.pseudonyms()
    assert [names[u.pk] for u in (owner, curator, annotator, layers["zoe"])] == [
        "Annotator 1",
        "Annotator 2",
        "Annotator 3",
        "Annotator 4",
    ]
    Membership.objects.create(project=project, user=UserFactory(username="aaron"))
    assert project.pseudonyms()[layers["zoe"].pk] == "Annotator 4"  # a newcomer renumbers no one


def test_workspace_chips_details_and_side_panel_hide_the_names(
    client, project, transcript, curator, layers
):
    client.force_login(curator)
    url = reverse("annotations:workspace", args=[project.slug, transcript.pk])
    detail = reverse("annotations:annotation_detail", args=[project.slug, layers["theirs"].pk])
    pages = {
        "page": client.get(url).text,
        "turn list": client.get(url, headers=HTMX).text,
        "side panel": client.get(url, headers={**HTMX, "HX-Target": "side-panel"}).text,
        "details": client.get(detail, headers={**HTMX, "HX-Target": "details"}).text,
    }
    for where, text in pages.items():
        assert "zoe-the-coder" not in text, where
        assert "Annotator 4" in text, where


def test_the_agreement_page_uses_the_same_numbers(client, project, curator, layers):
    client.force_login(curator)
    page = client.get(reverse("annotations:project_agreement", args=[project.slug]))
    assert page.context["anonymised"]  # the project's setting is the page's default
    numbers = project.pseudonyms()  # the workspace's numbering
    pair = f"{numbers[curator.pk]} · {numbers[layers['zoe'].pk]}"
    assert pair in page.text and "zoe-the-coder" not in page.text
    url = reverse("annotations:project_agreement", args=[project.slug])
    named = client.get(url, {"anonymise": "0"})
    assert "zoe-the-coder" in named.text


def test_names_show_when_the_setting_is_off(client, project, transcript, curator, layers):
    project.set_anonymise(False)
    client.force_login(curator)
    url = reverse("annotations:workspace", args=[project.slug, transcript.pk])
    text = client.get(url).text
    assert "zoe-the-coder" in text and "Annotator 4" not in text


def test_curators_switch_it_on_the_members_page(client, project, curator, annotator):
    url = reverse("annotations:layers_toggle", args=[project.slug])
    client.force_login(annotator)
    assert client.post(url, {"anonymise": "1"}).status_code == 403
    client.force_login(curator)
    page = client.post(url, {"anonymise": "1"}, follow=True)
    assert "Annotator 1, 2, …" in page.text
    project.refresh_from_db()
    assert project.anonymise


def test_anonymising_costs_one_query(
    client, project, transcript, curator, layers, django_assert_max_num_queries
):
    url = reverse("annotations:workspace", args=[project.slug, transcript.pk])
    client.force_login(curator)
    project.set_anonymise(False)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as named:
        client.get(url, headers=HTMX)
    project.set_anonymise(True)
    with django_assert_max_num_queries(len(named.captured_queries) + 1):
        client.get(url, headers=HTMX)
