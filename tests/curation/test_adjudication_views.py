"""The adjudication view: who may open it, the board, each click through HTMX, and 409s."""

import pytest
from django.urls import reverse

from annotations.models import Annotation, GoldAnnotation, Membership
from tests.conftest import HTMX, member
from tests.factories import AnnotationFactory

pytestmark = pytest.mark.django_db


def staff(user):
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


def url(name, project, transcript, *args):
    return reverse(
        f"admin:annotations_adjudicate_{name}", args=[project.slug, transcript.pk, *args]
    )


def test_curator_sees_columns_gold_and_the_open_disagreement(
    client, staff_curator, layers, board_url, coders
):
    client.force_login(staff_curator)
    response = client.get(board_url)
    body = response.content.decode()
    assert response.status_code == 200
    assert 'class="breadcrumbs"' in body and "Gold annotations" in body  # the admin's look
    for user in coders:
        assert f'<th scope="col">{user.username} <kbd>' in body
    assert body.count('class="adj-row differs open"') == 1  # passage 2: span against whole
    assert "Merged automatically" in body  # passage 0, both agreed
    assert '<strong class="open-count">1</strong>' in body


def test_anonymised_columns_hide_usernames(client, staff_curator, layers, board_url, coders):
    client.force_login(staff_curator)
    body = client.get(board_url, {"anonymise": "1"}).content.decode()
    assert "Annotator 1" in body and "Annotator 2" in body
    assert coders[0].username not in body and coders[1].username not in body


def test_staff_outsider_gets_404(client, outsider, layers, board_url):
    client.force_login(staff(outsider))
    assert client.get(board_url).status_code == 404


def test_staff_annotator_of_the_project_gets_403(client, annotator, layers, board_url):
    client.force_login(staff(annotator))
    assert client.get(board_url).status_code == 403


def test_non_staff_curator_is_sent_to_the_admin_login(client, curator, layers, board_url):
    client.force_login(curator)
    response = client.get(board_url)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_superuser_who_is_not_a_member_may_adjudicate(client, admin_user, layers, board_url):
    client.force_login(admin_user)
    assert client.get(board_url).status_code == 200


def test_outsider_cannot_post_a_decision(client, outsider, layers, project, transcript):
    client.force_login(staff(outsider))
    annotation = layers["span"]
    response = client.post(
        url("accept", project, transcript, annotation.pk), {"version": annotation.version}
    )
    assert response.status_code == 404
    assert not GoldAnnotation.objects.exists()


def test_accept_answers_with_the_row_and_the_counter(
    client, staff_curator, layers, board_url, project, transcript
):
    client.force_login(staff_curator)
    client.get(board_url)  # opening merges passage 0
    annotation = layers["span"]
    annotation.refresh_from_db()
    response = client.post(
        url("accept", project, transcript, annotation.pk),
        {"version": annotation.version},
        headers=HTMX,
    )
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert f'id="row-{annotation.passage_id}"' in body
    assert 'id="adj-progress" class="adj-progress" hx-swap-oob="true"' in body
    assert "Accepted from an annotator" in body
    assert GoldAnnotation.objects.filter(passage=annotation.passage, start=0, end=5).exists()


def test_a_second_curator_on_a_stale_page_gets_a_409(
    client, staff_curator, owner, layers, project, transcript
):
    annotation = layers["span"]
    seen = annotation.version
    client.force_login(staff(owner))
    client.post(url("accept", project, transcript, annotation.pk), {"version": seen}, headers=HTMX)
    client.force_login(staff_curator)
    response = client.post(
        url("reject", project, transcript, annotation.passage_id),
        {"seen": f"{annotation.pk}:{seen}"},
        headers=HTMX,
    )
    assert response.status_code == 409
    assert f"changed by {owner.username}" in response.content.decode()
    annotation.refresh_from_db()
    assert annotation.status == "accepted"


def test_reject_the_rest_rejects_what_was_seen(client, staff_curator, layers, project, transcript):
    client.force_login(staff_curator)
    span, whole = layers["span"], layers["whole"]
    response = client.post(
        url("reject", project, transcript, span.passage_id),
        {"seen": [f"{span.pk}:{span.version}", f"{whole.pk}:{whole.version}"]},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert set(
        Annotation.objects.filter(pk__in=[span.pk, whole.pk]).values_list("status", flat=True)
    ) == {"rejected"}


def test_write_own_gold_with_attributes(client, staff_curator, layers, project, transcript, tags):
    client.force_login(staff_curator)
    passage = layers["span"].passage
    form_url = url("gold_new", project, transcript, passage.pk)
    response = client.get(form_url, {"from": layers["span"].pk}, headers=HTMX)
    assert response.status_code == 200 and 'class="gold-form"' in response.content.decode()
    data = {
        "tag": tags["Claim"].pk,
        "start": "0",
        "end": "3",
        "attr_type": "policy",
        "quote": "ignored",
    }
    response = client.post(form_url, data, headers=HTMX)
    assert response.status_code == 200, response.content.decode()
    gold = GoldAnnotation.objects.get(origin="written")
    assert (gold.quote, gold.attributes) == (passage.text[:3], {"type": "policy"})


def test_write_own_refuses_a_span_outside_the_passage_with_the_form(
    client, staff_curator, layers, project, transcript, tags
):
    client.force_login(staff_curator)
    passage = layers["span"].passage
    data = {"tag": tags["Claim"].pk, "start": "4", "end": "900"}
    response = client.post(url("gold_new", project, transcript, passage.pk), data, headers=HTMX)
    assert response.status_code == 422
    assert "The span must lie within the passage" in response.content.decode()
    assert not GoldAnnotation.objects.filter(origin="written").exists()


def test_changing_gold_on_a_stale_version_is_a_409(
    client, staff_curator, owner, layers, project, transcript, tags
):
    passage = layers["span"].passage
    gold = GoldAnnotation.objects.write(
        by=owner, project=project, passage=passage, tag=tags["Claim"]
    )
    gold.apply_change(owner, 1, note="owner first")
    client.force_login(staff_curator)
    change = url("gold_change", project, transcript, passage.pk, gold.pk)
    response = client.post(
        change, {"tag": tags["Claim"].pk, "version": "1", "note": "mine"}, headers=HTMX
    )
    assert response.status_code == 409
    gold.refresh_from_db()
    assert gold.note == "owner first"


def test_undo_merge_of_one_item_and_of_all(
    client, staff_curator, layers, board_url, project, transcript
):
    client.force_login(staff_curator)
    client.get(board_url)
    gold = GoldAnnotation.objects.get()
    response = client.post(
        url("gold_remove", project, transcript, gold.pk), {"version": gold.version}, headers=HTMX
    )
    assert response.status_code == 200 and not GoldAnnotation.objects.exists()
    client.get(board_url)
    assert not GoldAnnotation.objects.exists()  # an undone merge stays undone
    response = client.post(url("auto_merge", project, transcript), {"merge": "on"})
    assert response.status_code == 302 and GoldAnnotation.objects.count() == 1
    client.post(url("auto_merge", project, transcript))
    assert not GoldAnnotation.objects.exists()


def test_without_htmx_a_decision_redirects_to_the_row(
    client, staff_curator, layers, project, transcript
):
    client.force_login(staff_curator)
    annotation = layers["span"]
    response = client.post(
        url("accept", project, transcript, annotation.pk), {"version": annotation.version}
    )
    assert response.status_code == 302 and response["Location"].endswith(
        f"#row-{annotation.passage_id}"
    )


def test_the_board_answers_in_few_queries(
    client, staff_curator, layers, board_url, django_assert_max_num_queries
):
    client.force_login(staff_curator)
    client.get(board_url)
    with django_assert_max_num_queries(20):
        assert client.get(board_url).status_code == 200


def test_a_staff_member_of_another_role_elsewhere_sees_nothing_here(
    client, project, layers, board_url
):
    from tests.factories import ProjectFactory

    other = ProjectFactory()
    elsewhere = staff(member(other, Membership.Role.CURATOR))
    client.force_login(elsewhere)
    assert client.get(board_url).status_code == 404


def test_project_page_shows_curation_progress_to_curators(
    client, staff_curator, layers, board_url, project
):
    client.force_login(staff_curator)
    client.get(board_url)  # merges passage 0; passage 2 stays open
    body = client.get(project.get_absolute_url()).content.decode()
    assert "1 of 2 decided · 1 open" in body
    assert board_url in body


def test_project_page_hides_curation_from_annotators(client, coders, layers, project):
    client.force_login(coders[0])
    body = client.get(project.get_absolute_url()).content.decode()
    assert "decided ·" not in body and "Curation" not in body


def test_project_page_progress_is_subqueries_not_joins(
    client, owner, layers, project, django_assert_max_num_queries
):
    client.force_login(owner)
    with django_assert_max_num_queries(12) as captured:
        assert client.get(project.get_absolute_url()).status_code == 200
    assert not any("COUNT(DISTINCT" in q["sql"].upper() for q in captured.captured_queries)


@pytest.mark.parametrize("decision", ["accept", "reject"])
@pytest.mark.parametrize("version", ["1", "-1", "x", str(2**63)])
def test_a_decision_on_another_projects_annotation_through_my_board_is_refused(
    client, staff_curator, layers, project, transcript, decision, version
):
    elsewhere = AnnotationFactory(status=Annotation.Status.SUBMITTED)  # another project
    client.force_login(staff_curator)
    response = client.post(
        url(decision, project, transcript, elsewhere.pk), {"version": version}, headers=HTMX
    )
    assert response.status_code in (400, 404, 409, 422)
    elsewhere.refresh_from_db()
    assert elsewhere.status == Annotation.Status.SUBMITTED
    assert not GoldAnnotation.objects.exists()
