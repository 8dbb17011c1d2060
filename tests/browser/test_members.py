"""The Members page in Chromium: an owner adds a colleague, makes them curator, and a curator
reveals the layers."""

import pytest
from playwright.sync_api import expect

from ..factories import UserFactory
from .conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_owner_adds_a_member_and_changes_their_role(page, log_in, owner, project):
    project.set_blind(True)
    colleague = UserFactory(username="amara", email="amara@example.org")
    log_in(owner)
    page.goto(project.get_absolute_url())
    page.get_by_role("link", name="Members").click()
    page.get_by_role("heading", name="Members").wait_for()
    page.get_by_label("Username or e-mail").fill("amara@example.org")
    page.get_by_label("Role", exact=True).select_option("annotator")
    page.get_by_role("button", name="Add").click()
    expect(page.locator(".messages")).to_contain_text("amara is now annotator")
    row = page.locator("tr", has_text="amara@example.org")
    row.get_by_label("Role of amara").select_option("curator")
    row.get_by_role("button", name="Change").click()
    expect(page.locator(".messages")).to_contain_text("amara is now curator")
    assert project.memberships.get(user=colleague).role == "curator"
    # The last owner cannot leave.
    page.locator("tr", has_text=owner.username).get_by_role("button", name="Remove").click()
    expect(page.locator(".messages")).to_contain_text("last owner")
    page.get_by_role("button", name="Reveal the layers to annotators").click()
    expect(page.locator(".messages")).to_contain_text("Layers revealed")
    project.refresh_from_db()
    assert not project.blind
    screenshot(page, "members")


def test_curator_reads_the_agreement_figures(page, log_in, project, transcript, annotator, curator):
    from django.utils import timezone

    from ..factories import AnnotationFactory, ProgressFactory

    claim = project.tags.get(name="Claim")
    speech = list(transcript.passages.speech())
    for user in (annotator, curator):
        AnnotationFactory(passage=speech[0], tag=claim, annotator=user)
        ProgressFactory(project=project, transcript=transcript, user=user, done_at=timezone.now())
    log_in(curator)
    page.goto(project.get_absolute_url())
    page.get_by_role("link", name="Agreement").click()
    page.get_by_role("heading", name="Claim").wait_for()
    page.get_by_label("Anonymise").check()
    page.get_by_role("button", name="Show").click()
    expect(page.locator("table.list").first).to_contain_text("Annotator 1 · Annotator 2")
    screenshot(page, "agreement")
