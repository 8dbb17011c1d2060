"""Curation in the admin: the annotation list (columns, scoped filters, search, actions), the
change form (context, quote from the offsets, attributes from the schema, targets within the
transcript, history) and the transcript page (paged turns, counts, links).

Personas: a staff curator of our project (every model permission; only scoping stops them), a
superuser, and another team's project whose objects must never show.
"""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from annotations.admin.filters import LIMIT
from annotations.models import Annotation, AnnotationEvent, Membership

from ..factories import (
    AnnotationFactory,
    ProjectFactory,
    TranscriptWithTurnsFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:annotations_annotation_changelist")


@pytest.fixture
def desk(project, transcript, annotator):
    """Our project: a Claim by the annotator on Lavrov's sentence, a Disagreement answering it,
    and another team's project with a transcript of its own."""
    passages = list(transcript.passages.order_by("position"))
    claim_tag, disagreement_tag = (
        project.tags.get(name="Claim"),
        project.tags.get(name="Disagreement"),
    )
    claim = AnnotationFactory(
        passage=passages[4],
        tag=claim_tag,
        annotator=annotator,
        start=3,
        end=11,
        attributes={"type": "factual"},
        status="submitted",
    )  # "disagree" of "We disagree on Georgia."
    disagreement = AnnotationFactory(
        passage=passages[5],
        tag=disagreement_tag,
        annotator=annotator,
        target=claim,
        target_passage=passages[4],
        note="asks about Iran",
    )
    other = ProjectFactory(name="Other team")
    their_transcript = TranscriptWithTurnsFactory(title="Their hearing")
    other.transcripts.add(their_transcript)
    theirs = AnnotationFactory(
        passage=their_transcript.passages.first(),
        tag=other.tags.get(name="Claim"),
        annotator=UserFactory(username="their-annotator"),
    )
    return {"claim": claim, "disagreement": disagreement, "theirs": theirs, "passages": passages}


@pytest.fixture
def staff_curator(project, curator):
    curator.is_staff = True
    curator.save()
    curator.user_permissions.set(Permission.objects.all())  # only scoping stops them
    return curator


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("chief", "chief@example.org", "x-pass-123")


def change_url(annotation):
    return reverse("admin:annotations_annotation_change", args=[annotation.pk])


def form_data(annotation, **overrides):
    data = {
        "tag": annotation.tag_id,
        "start": "" if annotation.start is None else annotation.start,
        "end": "" if annotation.end is None else annotation.end,
        "target": annotation.target_id or "",
        "target_passage": annotation.target_passage_id or "",
        "note": annotation.note,
        "status": annotation.status,
        "seen_version": annotation.version,
    }
    data |= {f"attr_{name}": value for name, value in annotation.attributes.items()}
    return data | overrides


# ---- the list


def test_the_list_shows_where_each_annotation_is(client, staff_curator, desk, transcript):
    client.force_login(staff_curator)
    response = client.get(CHANGELIST)
    assert response.status_code == 200
    text = response.text
    for shown in (transcript.title, "FOREIGN MINISTER LAVROV", "disagree", "Claim", "submitted"):
        assert shown in text
    assert "Their hearing" not in text and "their-annotator" not in text


def test_filters_offer_only_what_the_curator_may_see(client, staff_curator, desk, project):
    client.force_login(staff_curator)
    filters = client.get(CHANGELIST).context["cl"].filter_specs
    by_title = {
        spec.title: list(spec.lookup_choices) for spec in filters if hasattr(spec, "lookup_choices")
    }
    assert [name for _, name in by_title["project"]] == [project.name]
    assert "Their hearing" not in str(by_title["transcript"])
    assert "Other team" not in str(by_title["tag"])
    assert "their-annotator" not in str(by_title["annotator"])


def test_filters_narrow_the_list(client, staff_curator, desk, project, transcript):
    client.force_login(staff_curator)
    claim, disagreement = desk["claim"], desk["disagreement"]
    cases = {
        f"?project={project.pk}": {claim, disagreement},
        f"?transcript={transcript.pk}": {claim, disagreement},
        f"?tag={claim.tag_id}": {claim},
        "?status__exact=draft": {disagreement},
        f"?transcript={transcript.pk}&speaker=QUESTION": {disagreement},
        "?speaker=FOREIGN+MINISTER+LAVROV": {claim},
        "?transcript=99999999999999999999999": set(),
    }
    for query, expected in cases.items():
        response = client.get(CHANGELIST + query)
        assert response.status_code == 200, query
        assert set(response.context["cl"].result_list) == expected, query


def test_speakers_are_listed_once_a_transcript_or_project_is_chosen(
    client, staff_curator, desk, transcript
):
    client.force_login(staff_curator)
    assert "Choose a project or a transcript" in client.get(CHANGELIST).text
    response = client.get(f"{CHANGELIST}?transcript={transcript.pk}")
    speaker = next(s for s in response.context["cl"].filter_specs if s.title == "speaker")
    assert [label for label, _ in speaker.lookup_choices] == [
        "FOREIGN MINISTER LAVROV",
        "QUESTION",
        "SECRETARY CLINTON",
    ]


def test_a_long_transcript_list_is_cut_and_says_how_to_narrow(client, staff_curator, project, desk):
    for n in range(LIMIT + 5):
        project.transcripts.add(TranscriptWithTurnsFactory(title=f"Briefing {n:03}"))
    client.force_login(staff_curator)
    response = client.get(CHANGELIST)
    spec = next(s for s in response.context["cl"].filter_specs if s.title == "transcript")
    assert len(spec.lookup_choices) == LIMIT
    assert "choose a project to list its transcripts" in response.text


def test_search_covers_quote_note_and_passage_text(client, staff_curator, desk):
    """Each trigram-indexed on PostgreSQL (migration 0010), asked apart and united."""
    client.force_login(staff_curator)
    claim, disagreement = desk["claim"], desk["disagreement"]
    for term, expected in (
        ("disagree", {claim}),
        ("Iran", {disagreement}),
        ("Georgia", {claim}),  # in the claim's passage, not in its quote "disagree"
        ("Georgia disagree", {claim}),  # every word must match
        ("Georgia Iran", set()),
        ('"Georgia"', {claim}),
    ):
        response = client.get(CHANGELIST, {"q": term})
        assert set(response.context["cl"].result_list) == expected, term


@pytest.mark.parametrize(
    ("action", "status"), [("accept_selected", "accepted"), ("reject_selected", "rejected")]
)
def test_actions_review_and_record(client, staff_curator, desk, action, status):
    client.force_login(staff_curator)
    claim, theirs = desk["claim"], desk["theirs"]
    response = client.post(
        CHANGELIST, {"action": action, "_selected_action": [claim.pk, theirs.pk]}, follow=True
    )
    assert response.status_code == 200
    claim.refresh_from_db(), theirs.refresh_from_db()
    assert (claim.status, claim.reviewed_by, claim.version) == (status, staff_curator, 2)
    assert theirs.status == "draft"  # another team's: out of the curator's reach
    event = AnnotationEvent.objects.about(claim.pk).latest("pk")
    assert (event.action, event.user, event.after["status"]) == ("review", staff_curator, status)
    page = client.get(change_url(claim))
    assert status in [row.what for row in page.context["history"]]


# ---- the change form


def test_the_form_shows_the_passage_between_its_neighbours(client, staff_curator, desk, transcript):
    client.force_login(staff_curator)
    response = client.get(change_url(desk["claim"]))
    assert response.status_code == 200
    text = response.text
    assert "Thank you very much." in text or "(Laughter.)" in text  # the passage before
    assert "We <mark>disagree</mark> on Georgia." in text
    assert "Madam Secretary, what about" in text  # the passage after, by the next speaker
    assert "FOREIGN MINISTER LAVROV" in text and transcript.title in text
    assert 'name="quote"' not in text and 'name="attributes"' not in text  # never typed
    assert 'name="attr_type"' in text and '<option value="policy">' in text


def test_an_attribute_edit_goes_through_the_versioned_write_and_shows_in_the_history(
    client, staff_curator, desk
):
    claim = desk["claim"]
    client.force_login(staff_curator)
    response = client.post(change_url(claim), form_data(claim, attr_type="policy"))
    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.attributes, claim.version, claim.status) == ({"type": "policy"}, 2, "submitted")
    event = AnnotationEvent.objects.about(claim.pk).latest("pk")
    assert (event.action, event.user) == ("update", staff_curator)
    history = client.get(change_url(claim)).context["history"]
    assert history[0].who == str(staff_curator) and history[0].what == "changed"
    assert "Claim type factual → policy" in history[0].details


def test_an_attribute_outside_the_schema_is_a_form_error(client, staff_curator, desk):
    claim = desk["claim"]
    client.force_login(staff_curator)
    response = client.post(change_url(claim), form_data(claim, attr_type="made up"))
    assert response.status_code == 200 and "Select a valid choice" in response.text
    claim.refresh_from_db()
    assert (claim.attributes, claim.version) == ({"type": "factual"}, 1)


def test_attributes_the_schema_no_longer_names_are_kept(client, staff_curator, desk):
    claim = desk["claim"]
    Annotation.objects.filter(pk=claim.pk).update(attributes={"type": "factual", "old": "x"})
    claim.refresh_from_db()
    client.force_login(staff_curator)
    assert client.post(change_url(claim), form_data(claim, note="seen")).status_code == 302
    claim.refresh_from_db()
    assert claim.attributes == {"type": "factual", "old": "x"} and claim.note == "seen"


def test_new_offsets_give_a_new_quote_and_bad_ones_an_error(client, staff_curator, desk):
    claim = desk["claim"]
    client.force_login(staff_curator)
    response = client.post(change_url(claim), form_data(claim, start=15, end=22, quote="lies"))
    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.quote, claim.version) == ("Georgia", 2)
    response = client.post(change_url(claim), form_data(claim, start=0, end=500))
    assert response.status_code == 200 and "outside the passage" in response.text
    claim.refresh_from_db()
    assert claim.version == 2


def test_the_target_is_an_annotation_of_the_same_transcript(client, staff_curator, desk, project):
    disagreement = desk["disagreement"]
    elsewhere = TranscriptWithTurnsFactory(title="Another briefing")
    far = AnnotationFactory(passage=elsewhere.passages.first(), tag=project.tags.get(name="Claim"))
    client.force_login(staff_curator)
    response = client.post(change_url(disagreement), form_data(disagreement, target=far.pk))
    assert response.status_code == 200 and "not an annotation in this transcript" in response.text
    first = AnnotationFactory(passage=desk["passages"][0], tag=project.tags.get(name="Claim"))
    response = client.post(change_url(disagreement), form_data(disagreement, target=first.pk))
    assert response.status_code == 302
    disagreement.refresh_from_db()
    assert (disagreement.target, disagreement.target_passage) == (first, first.passage)


def test_the_target_search_looks_in_the_transcript_only(client, staff_curator, desk, project):
    disagreement = desk["disagreement"]
    elsewhere = TranscriptWithTurnsFactory()
    AnnotationFactory(passage=elsewhere.passages.first(), tag=project.tags.get(name="Claim"))
    client.force_login(staff_curator)
    page = client.get(change_url(disagreement)).text
    assert f"within_transcript={disagreement.passage.transcript_id}" in page
    query = {
        "within_transcript": disagreement.passage.transcript_id,
        "exclude": disagreement.pk,
        "term": "",
        "app_label": "annotations",
        "model_name": "annotation",
        "field_name": "target",
    }
    found = client.get(reverse("admin:autocomplete"), query).json()["results"]
    assert [int(r["id"]) for r in found] == [desk["claim"].pk]


def test_an_admin_deletion_is_recorded(client, staff_curator, desk):
    claim = desk["claim"]
    client.force_login(staff_curator)
    url = reverse("admin:annotations_annotation_delete", args=[claim.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not Annotation.objects.filter(pk=claim.pk).exists()
    event = AnnotationEvent.objects.about(claim.pk).latest("pk")
    assert (event.action, event.user) == ("delete", staff_curator)


def test_superuser_sees_every_project_and_its_history(client, superuser, desk):
    client.force_login(superuser)
    listed = client.get(CHANGELIST).text
    assert "Their hearing" in listed and "their-annotator" in listed
    response = client.get(change_url(desk["theirs"]))
    assert response.status_code == 200
    assert [row.what for row in response.context["history"]] == []  # made by the factory


# ---- the transcript page


def test_the_transcript_page_pages_its_turns_and_links_the_curation(
    client, staff_curator, desk, project, transcript
):
    long = TranscriptWithTurnsFactory(title="Long")
    project.transcripts.add(long)
    for position in range(3, 45):  # 45 turns in all
        turn = long.turns.create(position=position, speaker=long.speakers.first(), text="Yes.")
        long.passages.create(turn=turn, position=100 + position, text="Yes.", start=0, end=4)
    client.force_login(staff_curator)
    url = reverse("admin:transcripts_transcript_change", args=[long.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["turn_page"]) == 20
    assert "45 turns" in response.text and 'href="?turns=3#turns"' in response.text
    assert len(client.get(url, {"turns": 3}).context["turn_page"]) == 5
    links = response.context["project_links"]
    assert [link["project"] for link in links] == [project]
    assert links[0]["workspace"] == reverse("annotations:workspace", args=[project.slug, long.pk])
    ours = client.get(reverse("admin:transcripts_transcript_change", args=[transcript.pk]))
    assert ours.context["project_links"][0]["annotations"] == 2


def test_the_transcript_list_never_counts_annotations_and_the_page_counts_only_the_curators(
    client, staff_curator, desk, project, transcript, django_assert_max_num_queries
):
    """Counting a transcript's annotations reads every one of them: the list leaves it to the
    change page, which counts one transcript's, for the projects the user curates only."""
    other = desk["theirs"].tag.project
    other.transcripts.add(transcript)  # shared with the other team, who tag it too
    AnnotationFactory(passage=desk["passages"][0], tag=other.tags.get(name="Claim"))
    client.force_login(staff_curator)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("admin:transcripts_transcript_changelist"))
    row = next(t for t in response.context["cl"].result_list if t.pk == transcript.pk)
    assert (row.turn_count, row.passage_count) == (3, 6)
    assert not any("annotations_annotation" in q["sql"] for q in queries.captured_queries)
    page = client.get(reverse("admin:transcripts_transcript_change", args=[transcript.pk]))
    assert [(link["project"], link["annotations"]) for link in page.context["project_links"]] == [
        (project, 2)
    ]


def test_passage_text_is_read_only(client, superuser, transcript):
    passage = transcript.passages.first()
    client.force_login(superuser)
    url = reverse("admin:transcripts_passage_change", args=[passage.pk])
    client.post(url, {"text": "Rewritten.", "kind": "speech"})
    passage.refresh_from_db()
    assert passage.text == "Well, good afternoon."


def test_outsiders_and_annotators_get_no_admin(client, annotator, desk):
    client.force_login(annotator)
    assert client.get(change_url(desk["claim"])).status_code == 302
    staff = UserFactory(is_staff=True)
    staff.user_permissions.set(Permission.objects.filter(content_type__app_label="annotations"))
    Membership.objects.create(project=desk["theirs"].tag.project, user=staff, role="curator")
    client.force_login(staff)
    assert client.get(change_url(desk["claim"])).status_code == 302  # not theirs: to the index
