"""In a real browser: a curator filters the annotation list, opens an annotation, changes an
attribute and sees the change in its history; the target is searched within the transcript."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from playwright.sync_api import expect

from annotations.models import Annotation

from ..factories import PASSWORD, AnnotationFactory, TranscriptWithTurnsFactory, UserFactory
from .conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def staff_curator(curator):
    curator.is_staff = True
    curator.save()
    curator.user_permissions.set(Permission.objects.all())
    return curator


@pytest.fixture
def layers(project, transcript, annotator):
    passages = list(transcript.passages.order_by("position"))
    claim = project.tags.get(name="Claim")
    other = UserFactory(username="second-coder")
    project.memberships.create(user=other)
    made = {
        "claim": AnnotationFactory(
            passage=passages[4],
            tag=claim,
            annotator=annotator,
            start=3,
            end=11,
            attributes={"type": "factual"},
            status="submitted",
        ),
        "theirs": AnnotationFactory(passage=passages[0], tag=claim, annotator=other),
        "disagreement": AnnotationFactory(
            passage=passages[5],
            tag=project.tags.get(name="Disagreement"),
            annotator=other,
            target_passage=passages[4],
        ),
    }
    elsewhere = TranscriptWithTurnsFactory(title="Another briefing")
    project.transcripts.add(elsewhere)
    AnnotationFactory(passage=elsewhere.passages.first(), tag=claim, annotator=other)
    return made


@pytest.fixture
def problems(page):
    seen = []
    page.on("console", lambda m: seen.append(m.text) if "Content Security Policy" in m.text else 0)
    page.on("response", lambda r: seen.append(f"{r.status} {r.url}") if r.status >= 400 else 0)
    page.on("pageerror", lambda error: seen.append(str(error)))
    return seen


def admin_log_in(page, user):
    page.goto("/admin/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Site administration").wait_for()


def test_curator_filters_opens_edits_an_attribute_and_sees_the_history(
    page, staff_curator, project, transcript, layers, problems
):
    admin_log_in(page, staff_curator)
    page.goto(reverse("admin:annotations_annotation_changelist"))
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 4
    filters = page.locator("#changelist-filter")
    filters.get_by_role("link", name=project.name, exact=True).click()
    page.wait_for_url(f"**project={project.pk}**")
    filters.get_by_role("link", name=transcript.title, exact=True).click()
    page.wait_for_url(f"**transcript={transcript.pk}**")
    filters.get_by_role("link", name="Claim", exact=True).click()
    page.wait_for_url("**tag=**")
    assert rows.count() == 2  # the two Claims on this transcript, not the other briefing's
    screenshot(page, "admin-annotation-changelist")

    page.get_by_role("link", name="disagree", exact=True).click()
    page.get_by_role("heading", name="Where it is").wait_for()
    assert "We disagree on Georgia." in page.locator("#passage-this").inner_text()
    assert page.locator("#passage-this mark").inner_text() == "disagree"
    screenshot(page, "admin-annotation-change")
    page.get_by_label("Claim type").select_option("policy")
    page.get_by_role("button", name="Save and continue editing").click()
    page.locator(".messagelist .success").wait_for()
    latest = page.locator("#history tbody tr").first
    assert staff_curator.username in latest.inner_text()
    assert "Claim type factual → policy" in latest.inner_text()
    screenshot(page, "admin-annotation-history")
    claim = Annotation.objects.get(pk=layers["claim"].pk)
    assert (claim.attributes, claim.version) == ({"type": "policy"}, 2)
    assert problems == []


def test_the_target_is_searched_within_the_transcript(page, staff_curator, layers, problems):
    admin_log_in(page, staff_curator)
    disagreement = layers["disagreement"]
    page.goto(reverse("admin:annotations_annotation_change", args=[disagreement.pk]))
    page.locator(".field-target .select2-selection").click()
    results = page.locator(".select2-results__option")
    results.first.wait_for()
    page.locator(".select2-search__field").fill("Well")
    # This transcript's annotations only: not the other briefing's, not the disagreement itself.
    expect(results).to_have_text(["Well, good afternoon."])
    results.first.click()
    page.get_by_role("button", name="Save and continue editing").click()
    page.locator(".messagelist .success").wait_for()
    disagreement.refresh_from_db()
    assert disagreement.target == layers["theirs"]
    assert disagreement.target_passage == layers["theirs"].passage
    assert problems == []


def test_the_transcript_page_shows_its_turns_and_the_curation_links(
    page, staff_curator, project, transcript, layers, problems
):
    admin_log_in(page, staff_curator)
    page.goto(reverse("admin:transcripts_transcript_change", args=[transcript.pk]))
    turns = page.locator("#turns tbody tr")
    assert turns.count() == 3
    assert "We disagree on Georgia." in turns.nth(1).inner_text()
    page.get_by_role("link", name="3 annotations").click()
    page.wait_for_url(f"**transcript={transcript.pk}**")
    assert page.locator("#result_list tbody tr").count() == 3
    page.go_back()
    screenshot(page, "admin-transcript-change")
    assert problems == []
