"""Workspace actions: create, edit (optimistic locking), delete, undo — personas and bad input."""

import pytest
from django.urls import reverse

from annotations.models import Annotation, AnnotationEvent

from ..conftest import HTMX
from ..factories import AnnotationFactory, ProjectFactory, TranscriptWithTurnsFactory

pytestmark = pytest.mark.django_db


def tag(project, shortcut):
    return project.tags.get(shortcut=shortcut)


def passage(transcript, position):
    return transcript.passages.get(position=position)


@pytest.fixture
def create_url(project, transcript):
    return reverse("annotations:annotation_create", args=[project.slug, transcript.pk])


@pytest.fixture
def undo_url(project, transcript):
    return reverse("annotations:undo", args=[project.slug, transcript.pk])


def detail_url(annotation):
    return reverse(
        "annotations:annotation_detail", args=[annotation.tag.project.slug, annotation.pk]
    )


def delete_url(annotation):
    return reverse(
        "annotations:annotation_delete", args=[annotation.tag.project.slug, annotation.pk]
    )


def messages_of(response) -> str:
    return response.text.split('id="messages"', 1)[1].split("</div>", 1)[0]


def nothing_saved():
    return not Annotation.objects.exists() and not AnnotationEvent.objects.exists()


# ---- create


def test_annotator_tags_a_whole_passage(client, project, transcript, annotator, create_url):
    p = passage(transcript, 0)
    client.force_login(annotator)
    response = client.post(create_url, {"tag": tag(project, "c").pk, "passage": p.pk}, headers=HTMX)
    assert response.status_code == 200
    annotation = Annotation.objects.get()
    assert (annotation.annotator, annotation.start, annotation.end) == (annotator, None, None)
    assert annotation.quote == p.text
    assert AnnotationEvent.objects.get().action == "create"
    assert "<html" not in response.text
    assert f'id="passage-{p.pk}"' in response.text and 'hx-swap-oob="true"' in response.text
    assert 'id="panel-count"' in response.text and '<div id="progress"' in response.text
    assert '<section id="side-panel"' not in response.text  # the list changes item by item
    assert "<strong>1</strong> tagged" in response.text
    assert "annotations-changed" in response["HX-Trigger"]


def test_annotator_tags_a_span(client, project, transcript, annotator, create_url):
    p = passage(transcript, 1)  # "We're making progress on our agendas."
    client.force_login(annotator)
    data = {"tag": tag(project, "m").pk, "passage": p.pk, "start": "6", "end": "21"}
    assert client.post(create_url, data, headers=HTMX).status_code == 200
    annotation = Annotation.objects.get()
    assert (annotation.start, annotation.end, annotation.quote) == (6, 21, "making progress")


def test_clipped_selection_is_noted_in_the_swapped_messages(
    client, project, transcript, annotator, create_url
):
    p = passage(transcript, 0)
    client.force_login(annotator)
    data = {"tag": tag(project, "c").pk, "passage": p.pk, "start": "6", "end": "21", "clipped": "1"}
    response = client.post(create_url, data, headers=HTMX)
    assert response.status_code == 200
    assert "clipped to the passage where it starts" in messages_of(response)


def test_without_htmx_create_redirects_back(client, project, transcript, annotator, create_url):
    client.force_login(annotator)
    response = client.post(
        create_url, {"tag": tag(project, "c").pk, "passage": passage(transcript, 0).pk}
    )
    assert response.status_code == 302
    assert response.url == reverse("annotations:workspace", args=[project.slug, transcript.pk])
    assert Annotation.objects.count() == 1


@pytest.mark.parametrize(
    ("start", "end", "reason"),
    [
        ("0", "999", "outside the passage"),
        ("10", "5", "outside the passage"),
        ("3", "", "needs both a start and an end"),
        ("-1", "4", "greater than or equal to 0"),
        ("x", "4", "whole number"),
        ("5", "6", "only white space"),  # "Well, good afternoon."[5] is a space
    ],
)
def test_bad_offsets_are_refused(
    client, project, transcript, annotator, create_url, start, end, reason
):
    client.force_login(annotator)
    data = {
        "tag": tag(project, "c").pk,
        "passage": passage(transcript, 0).pk,
        "start": start,
        "end": end,
    }
    response = client.post(create_url, data, headers=HTMX)
    assert response.status_code == 400
    assert reason in messages_of(response)
    assert nothing_saved()


def test_tag_of_another_project_is_refused(client, transcript, annotator, create_url):
    foreign = ProjectFactory().tags.get(shortcut="c")
    client.force_login(annotator)
    response = client.post(
        create_url, {"tag": foreign.pk, "passage": passage(transcript, 0).pk}, headers=HTMX
    )
    assert response.status_code == 400
    assert "not one of this project" in messages_of(response)
    assert nothing_saved()


def test_passage_of_another_project_is_refused(client, project, annotator, create_url):
    elsewhere = TranscriptWithTurnsFactory()
    ProjectFactory().transcripts.add(elsewhere)
    client.force_login(annotator)
    data = {"tag": tag(project, "c").pk, "passage": elsewhere.passages.first().pk}
    response = client.post(create_url, data, headers=HTMX)
    assert response.status_code == 400
    assert "not in this transcript" in messages_of(response)
    assert nothing_saved()


def test_disagreement_needs_a_target(client, project, transcript, annotator, create_url):
    client.force_login(annotator)
    data = {"tag": tag(project, "d").pk, "passage": passage(transcript, 4).pk}
    response = client.post(create_url, data, headers=HTMX)
    assert response.status_code == 400
    assert "Disagreement needs a target" in messages_of(response)
    assert nothing_saved()


def test_disagreement_with_a_passage_target(client, project, transcript, annotator, create_url):
    client.force_login(annotator)
    target = passage(transcript, 1)
    data = {
        "tag": tag(project, "d").pk,
        "passage": passage(transcript, 4).pk,
        "target_passage": target.pk,
    }
    response = client.post(create_url, data, headers=HTMX)
    assert response.status_code == 200
    annotation = Annotation.objects.get()
    assert (annotation.target, annotation.target_passage) == (None, target)
    # Both ends come back: the disagreement's passage and the passage it answers.
    assert f'id="passage-{target.pk}"' in response.text
    assert "disputed by FOREIGN MINISTER LAVROV" in response.text
    assert "disagrees with SECRETARY CLINTON" in response.text


def test_disagreement_with_an_annotation_target(
    client, project, transcript, annotator, curator, create_url
):
    claim = AnnotationFactory(
        passage=passage(transcript, 1), tag=tag(project, "c"), annotator=curator
    )
    client.force_login(annotator)
    data = {"tag": tag(project, "d").pk, "passage": passage(transcript, 4).pk, "target": claim.pk}
    assert client.post(create_url, data, headers=HTMX).status_code == 200
    dispute = Annotation.objects.exclude(pk=claim.pk).get()
    assert (dispute.target, dispute.target_passage) == (claim, claim.passage)


def test_target_in_another_transcript_is_refused(
    client, project, transcript, annotator, create_url
):
    other = TranscriptWithTurnsFactory()
    project.transcripts.add(other)
    foreign_claim = AnnotationFactory(
        passage=other.passages.first(), tag=tag(project, "c"), annotator=annotator
    )
    client.force_login(annotator)
    base = {"tag": tag(project, "d").pk, "passage": passage(transcript, 4).pk}
    for extra in ({"target": foreign_claim.pk}, {"target_passage": other.passages.first().pk}):
        response = client.post(create_url, base | extra, headers=HTMX)
        assert response.status_code == 400
        assert "not" in messages_of(response) and "in this transcript" in messages_of(response)
    assert Annotation.objects.count() == 1


def test_blind_annotator_cannot_target_what_they_cannot_see(
    client, project, transcript, annotator, curator, create_url
):
    project.blind = True
    project.save()
    hidden = AnnotationFactory(
        passage=passage(transcript, 1), tag=tag(project, "c"), annotator=curator
    )
    client.force_login(annotator)
    data = {"tag": tag(project, "d").pk, "passage": passage(transcript, 4).pk, "target": hidden.pk}
    assert client.post(create_url, data, headers=HTMX).status_code == 400
    assert Annotation.objects.count() == 1


def test_a_passage_cannot_answer_itself(client, project, transcript, annotator, create_url):
    client.force_login(annotator)
    p = passage(transcript, 4)
    data = {"tag": tag(project, "d").pk, "passage": p.pk, "target_passage": p.pk}
    assert client.post(create_url, data, headers=HTMX).status_code == 400
    assert nothing_saved()


def test_create_permissions(client, project, transcript, outsider, create_url):
    data = {"tag": tag(project, "c").pk, "passage": passage(transcript, 0).pk}
    assert client.post(create_url, data).url.startswith(reverse("login"))
    client.force_login(outsider)
    assert client.post(create_url, data, headers=HTMX).status_code == 404
    assert client.get(create_url).status_code == 405
    assert nothing_saved()


# ---- details: view and edit


@pytest.fixture
def claim(project, transcript, annotator):
    return AnnotationFactory(
        passage=passage(transcript, 1), tag=tag(project, "c"), annotator=annotator
    )


def test_details_fragment_and_full_page(client, annotator, claim):
    client.force_login(annotator)
    fragment = client.get(detail_url(claim), headers=HTMX).text
    assert fragment.lstrip().startswith('<section id="details"')
    assert 'name="attr-type"' in fragment and "evaluative" in fragment
    assert f'name="version" value="{claim.version}"' in fragment
    page = client.get(detail_url(claim)).text
    assert "<html" in page and 'id="details-form"' in page and 'id="turn-list"' in page


def test_details_preview_another_tags_attributes(client, project, annotator, claim):
    client.force_login(annotator)
    url = detail_url(claim)
    fragment = client.get(url, {"tag": tag(project, "m").pk, "note": "kept"}, headers=HTMX).text
    assert 'name="attr-actor"' in fragment and 'name="attr-type"' not in fragment
    assert ">kept</textarea>" in fragment


def test_annotator_edits_attributes_and_note(client, project, annotator, claim):
    client.force_login(annotator)
    data = {"version": 1, "tag": claim.tag_id, "attr-type": "policy", "note": "Framed as a plan."}
    response = client.post(detail_url(claim), data, headers=HTMX)
    assert response.status_code == 200
    claim.refresh_from_db()
    assert (claim.attributes, claim.note, claim.version) == (
        {"type": "policy"},
        "Framed as a plan.",
        2,
    )
    event = AnnotationEvent.objects.get(action="update")
    assert event.before["attributes"] == {} and event.before["version"] == 1
    assert 'name="version" value="2"' in response.text  # the panel now edits version 2


def test_invalid_attribute_is_refused_on_the_server(client, annotator, claim):
    client.force_login(annotator)
    data = {"version": 1, "tag": claim.tag_id, "attr-type": "rumour", "note": "typed"}
    response = client.post(detail_url(claim), data, headers=HTMX)
    assert response.status_code == 400
    assert "choose one of: factual, evaluative, policy" in response.text
    assert 'aria-invalid="true"' in response.text and ">typed</textarea>" in response.text
    claim.refresh_from_db()
    assert (claim.attributes, claim.note, claim.version) == ({}, "", 1)
    assert not AnnotationEvent.objects.filter(action="update").exists()


def test_stale_save_is_refused_and_current_version_shown(client, curator, annotator, claim):
    client.force_login(curator)
    client.post(
        detail_url(claim), {"version": 1, "tag": claim.tag_id, "note": "curator"}, headers=HTMX
    )
    client.force_login(annotator)
    data = {"version": 1, "tag": claim.tag_id, "note": "mine"}
    response = client.post(detail_url(claim), data, headers=HTMX)
    assert response.status_code == 409
    assert "now version 2, you edited version 1" in messages_of(response)
    assert 'name="version" value="2"' in response.text and ">curator</textarea>" in response.text
    claim.refresh_from_db()
    assert (claim.note, claim.version) == ("curator", 2)


@pytest.mark.parametrize(("persona", "status"), [("curator", 200), ("owner", 200)])
def test_curators_and_owners_edit_others_annotations(client, request, claim, persona, status):
    client.force_login(request.getfixturevalue(persona))
    data = {"version": 1, "tag": claim.tag_id, "note": "reviewed"}
    assert client.post(detail_url(claim), data, headers=HTMX).status_code == status
    claim.refresh_from_db()
    assert claim.note == "reviewed"


def test_annotator_cannot_edit_anothers_annotation(client, project, transcript, curator, annotator):
    theirs = AnnotationFactory(
        passage=passage(transcript, 0), tag=tag(project, "c"), annotator=curator
    )
    client.force_login(annotator)
    page = client.get(detail_url(theirs), headers=HTMX).text
    assert 'id="details-form"' not in page and "Only" in page
    response = client.post(
        detail_url(theirs), {"version": 1, "tag": theirs.tag_id, "note": "x"}, headers=HTMX
    )
    assert response.status_code == 403
    assert "only your own" in messages_of(response)
    assert client.post(delete_url(theirs), headers=HTMX).status_code == 403
    theirs.refresh_from_db()
    assert theirs.note == "" and theirs.version == 1


def test_blind_annotator_cannot_open_anothers_annotation(
    client, project, transcript, curator, annotator
):
    project.blind = True
    project.save()
    theirs = AnnotationFactory(
        passage=passage(transcript, 0), tag=tag(project, "c"), annotator=curator
    )
    client.force_login(annotator)
    assert client.get(detail_url(theirs), headers=HTMX).status_code == 404
    assert client.post(delete_url(theirs)).status_code == 404


def test_outsider_gets_404_on_annotations(client, outsider, claim):
    client.force_login(outsider)
    assert client.get(detail_url(claim)).status_code == 404
    assert client.post(detail_url(claim), {"version": 1, "tag": claim.tag_id}).status_code == 404
    assert client.post(delete_url(claim)).status_code == 404


def test_edit_to_a_tag_that_needs_a_target(client, project, transcript, annotator, claim):
    client.force_login(annotator)
    url = detail_url(claim)
    response = client.post(url, {"version": 1, "tag": tag(project, "d").pk}, headers=HTMX)
    assert response.status_code == 400 and "needs a target" in messages_of(response)
    target = passage(transcript, 0)
    data = {
        "version": 1,
        "tag": tag(project, "d").pk,
        "target_passage": target.pk,
        "attr-kind": "denial",
    }
    assert client.post(url, data, headers=HTMX).status_code == 200
    claim.refresh_from_db()
    assert (claim.tag.shortcut, claim.target_passage, claim.attributes) == (
        "d",
        target,
        {"kind": "denial"},
    )


def test_edit_target_elsewhere_or_itself_is_refused(client, project, annotator, claim):
    other = TranscriptWithTurnsFactory()
    project.transcripts.add(other)
    client.force_login(annotator)
    for extra in ({"target": claim.pk}, {"target_passage": other.passages.first().pk}):
        data = {"version": 1, "tag": claim.tag_id} | extra
        assert client.post(detail_url(claim), data, headers=HTMX).status_code == 400
    claim.refresh_from_db()
    assert claim.version == 1 and claim.target_passage is None


def test_tag_of_another_project_refused_on_edit(client, annotator, claim):
    client.force_login(annotator)
    foreign = ProjectFactory().tags.get(shortcut="m")
    response = client.post(detail_url(claim), {"version": 1, "tag": foreign.pk}, headers=HTMX)
    assert response.status_code == 400
    claim.refresh_from_db()
    assert claim.tag.project != foreign.project


def test_edit_without_htmx_redirects_to_the_annotation(client, annotator, claim):
    client.force_login(annotator)
    response = client.post(detail_url(claim), {"version": 1, "tag": claim.tag_id, "note": "n"})
    assert response.status_code == 302 and response.url == detail_url(claim)


# ---- delete and undo


def test_delete_and_undo_brings_it_back_with_its_links(
    client, project, transcript, annotator, curator, claim, undo_url
):
    dispute = AnnotationFactory(
        passage=passage(transcript, 4),
        tag=tag(project, "d"),
        annotator=curator,
        target=claim,
        target_passage=claim.passage,
    )
    client.force_login(annotator)
    response = client.post(delete_url(claim), headers=HTMX)
    assert response.status_code == 200
    assert not Annotation.objects.filter(pk=claim.pk).exists()
    dispute.refresh_from_db()
    assert dispute.target is None and dispute.target_passage == claim.passage
    assert '<section id="details"' in response.text  # the panel is cleared
    response = client.post(undo_url, headers=HTMX)
    assert response.status_code == 200
    restored = Annotation.objects.get(pk=claim.pk)
    assert (restored.quote, restored.annotator) == (claim.quote, annotator)
    dispute.refresh_from_db()
    assert dispute.target == restored


def test_undo_create_then_nothing_left(
    client, project, transcript, annotator, create_url, undo_url
):
    client.force_login(annotator)
    client.post(
        create_url,
        {"tag": tag(project, "c").pk, "passage": passage(transcript, 0).pk},
        headers=HTMX,
    )
    assert client.post(undo_url, headers=HTMX).status_code == 200
    assert not Annotation.objects.exists()
    response = client.post(undo_url, headers=HTMX)
    assert response.status_code == 409 and "Nothing to undo" in messages_of(response)


def test_undo_edit_restores_the_previous_values(client, annotator, claim, undo_url):
    client.force_login(annotator)
    data = {"version": 1, "tag": claim.tag_id, "attr-type": "factual", "note": "oops"}
    client.post(detail_url(claim), data, headers=HTMX)
    client.post(undo_url, headers=HTMX)
    claim.refresh_from_db()
    assert (claim.note, claim.attributes) == ("", {})
    assert claim.version == 3  # a restore is a save too: open editors must reload


def test_undo_is_my_own_history_only(
    client, project, transcript, annotator, curator, create_url, undo_url
):
    client.force_login(annotator)
    client.post(
        create_url,
        {"tag": tag(project, "c").pk, "passage": passage(transcript, 0).pk},
        headers=HTMX,
    )
    client.force_login(curator)
    assert client.post(undo_url, headers=HTMX).status_code == 409
    assert Annotation.objects.count() == 1


def test_undo_permissions(client, outsider, undo_url):
    assert client.post(undo_url).url.startswith(reverse("login"))
    client.force_login(outsider)
    assert client.post(undo_url).status_code == 404


# ---- feedback in the details panel


def test_htmx_save_says_saved(client, annotator, claim):
    client.force_login(annotator)
    data = {"version": 1, "tag": claim.tag_id, "note": "n"}
    response = client.post(detail_url(claim), data, headers=HTMX)
    assert response.status_code == 200 and "Saved." in messages_of(response)


def test_stale_save_keeps_what_the_user_typed(client, project, annotator, claim):
    Annotation.objects.filter(pk=claim.pk).update(note="curator's", version=2)
    client.force_login(annotator)
    data = {"version": 1, "tag": claim.tag_id, "attr-type": "policy", "note": "my careful note"}
    response = client.post(detail_url(claim), data, headers=HTMX)
    assert response.status_code == 409
    yours = response.text.split('class="yours"', 1)[1].split("</div>", 1)[0]
    assert "Your version (not saved)" in yours
    assert "my careful note" in yours and "policy" in yours
    assert ">curator&#x27;s</textarea>" in response.text  # the form edits the current version
    claim.refresh_from_db()
    assert claim.note == "curator's"


def test_tag_preview_says_which_tag_is_saved_and_which_pending(client, project, annotator, claim):
    client.force_login(annotator)
    fragment = client.get(detail_url(claim), {"tag": tag(project, "d").pk}, headers=HTMX).text
    assert 'Claim <span class="saved-label">(saved)</span>' in fragment
    assert "Changing to" in fragment and "Disagreement</strong>: not saved yet" in fragment
    unchanged = client.get(detail_url(claim), headers=HTMX).text
    assert "not saved yet" not in unchanged and "(saved)" not in unchanged


@pytest.mark.parametrize("status", ["accepted", "rejected"])
def test_annotator_edit_of_reviewed_work_goes_back_to_review(client, annotator, claim, status):
    Annotation.objects.filter(pk=claim.pk).update(status=status)
    client.force_login(annotator)
    panel = client.get(detail_url(claim), headers=HTMX).text
    assert "saving a change sends it back for review" in panel
    data = {"version": 1, "tag": claim.tag_id, "note": "changed after review"}
    response = client.post(detail_url(claim), data, headers=HTMX)
    assert response.status_code == 200
    assert "it is back for review" in messages_of(response)
    assert 'status-submitted">Submitted' in response.text
    claim.refresh_from_db()
    assert (claim.status, claim.note) == ("submitted", "changed after review")
    assert AnnotationEvent.objects.get(action="update").before["status"] == status


def test_curator_edit_keeps_the_review(client, curator, claim):
    Annotation.objects.filter(pk=claim.pk).update(status="accepted")
    client.force_login(curator)
    assert "back for review" not in client.get(detail_url(claim), headers=HTMX).text
    data = {"version": 1, "tag": claim.tag_id, "note": "curated"}
    response = client.post(detail_url(claim), data, headers=HTMX)
    assert response.status_code == 200 and "Saved." in messages_of(response)
    claim.refresh_from_db()
    assert claim.status == "accepted"


def test_refusals_are_marked_for_the_client(client, project, annotator, claim):
    client.force_login(annotator)
    response = client.post(
        detail_url(claim), {"version": 1, "tag": tag(project, "d").pk}, headers=HTMX
    )
    assert response.status_code == 400 and response["Parley-Refusal"] == "1"
    ok = client.post(detail_url(claim), {"version": 1, "tag": claim.tag_id}, headers=HTMX)
    assert ok.status_code == 200 and "Parley-Refusal" not in ok
