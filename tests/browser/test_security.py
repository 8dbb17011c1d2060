"""In a real browser: the CSP lets our scripts run and blocks nothing of ours; deletion flow."""

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from annotations.models import Annotation
from transcripts.models import Transcript

from ..factories import PASSWORD, AnnotationFactory, UserFactory
from .conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def csp_violations(page):
    seen = []
    page.on("console", lambda m: seen.append(m.text) if "Content Security Policy" in m.text else 0)
    page.on("pageerror", lambda error: seen.append(str(error)))
    return seen


def test_pages_run_under_the_csp(page, log_in, owner, project, transcript, csp_violations):
    log_in(owner)
    for url in [
        project.get_absolute_url(),
        reverse("annotations:workspace", args=[project.slug, transcript.pk]),
        reverse("transcripts:detail", args=[transcript.pk]),
    ]:
        page.goto(url)
        assert page.evaluate("typeof htmx") == "object", url  # the nonce let htmx load
    page.goto("/p/no-such-project/")
    assert page.get_by_role("heading", name="Not found").is_visible()
    screenshot(page, "not-found")
    assert csp_violations == []


def test_admin_runs_under_the_csp(page, csp_violations, transcript):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    page.goto("/admin/login/")
    page.get_by_label("Username").fill(admin.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(reverse("admin:transcripts_transcript_change", args=[transcript.pk]))
    page.get_by_role("heading", name="Change transcript").wait_for()
    assert csp_violations == []


def test_owner_deletes_a_transcript_after_seeing_what_goes(
    page, log_in, owner, annotator, project, transcript, csp_violations
):
    tag = project.tags.first()
    for passage in transcript.passages.speech()[:3]:
        AnnotationFactory(passage=passage, tag=tag, annotator=annotator)
    log_in(owner)
    page.goto(project.get_absolute_url())
    screenshot(page, "project-detail-owner")
    page.get_by_role("link", name=f"Delete “{transcript.title}”…").click()
    page.get_by_role("heading", name="Delete the transcript").wait_for()
    assert page.get_by_text("by 1 annotator").is_visible()
    screenshot(page, "transcript-delete-confirm")

    page.get_by_role("button", name="Delete transcript").click()  # unticked: the browser refuses
    assert Transcript.objects.filter(pk=transcript.pk).exists()
    page.get_by_label("Delete this transcript and its 3 annotations").check()
    page.get_by_role("button", name="Delete transcript").click()
    page.get_by_text("Deleted transcript").wait_for()
    assert page.get_by_text("3 annotations (3 draft) by 1 annotator;").is_visible()
    screenshot(page, "transcript-deleted")
    assert not Transcript.objects.filter(pk=transcript.pk).exists()
    assert not Annotation.objects.exists()
    assert "3 annotations" in LogEntry.objects.get().change_message
    assert csp_violations == []
