import pytest

from .conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_annotator_logs_in_and_reaches_a_transcript(page, log_in, annotator, project, transcript):
    log_in(annotator)
    assert page.get_by_role("heading", name="Your projects").is_visible()
    screenshot(page, "project-list")

    page.get_by_role("link", name=project.name).click()
    screenshot(page, "project-detail")
    page.get_by_role("link", name=transcript.title).click()

    page.wait_for_selector("[data-passage-id]")
    assert page.locator("#turn-list").get_by_text("FOREIGN MINISTER LAVROV").is_visible()
    assert page.locator("[data-passage-id]").count() == transcript.passages.count()
    screenshot(page, "transcript")


def test_wrong_password_shows_an_error(page, annotator):
    page.goto("/login/")
    page.get_by_label("Username").fill(annotator.username)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Log in").click()
    assert page.get_by_text("didn't match").is_visible()
