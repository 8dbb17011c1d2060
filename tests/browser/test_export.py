"""The export form in Chromium: from the project page to a downloaded CSV."""

import csv
import io

import pytest

from annotations.models import Annotation

from ..export.data import AWKWARD_NOTE, tag_transcript
from .conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def tagged(transcript, annotator, curator):
    return tag_transcript(transcript, annotator=annotator, curator=curator)


def test_owner_downloads_a_filtered_csv_from_the_export_form(page, log_in, owner, project, tagged):
    log_in(owner)
    page.goto(project.get_absolute_url())
    screenshot(page, "project-detail-owner")
    page.get_by_role("link", name="Export").click()
    page.get_by_role("heading", name="Export annotations").wait_for()
    page.get_by_label("Long CSV: one row per annotation").check()
    page.get_by_label("Claim", exact=True).check()
    screenshot(page, "export-form")
    with page.expect_download() as info:
        page.get_by_role("button", name="Download").click()
    download = info.value
    assert download.suggested_filename == f"{project.slug}-annotations.csv"
    text = download.path().read_bytes().decode()
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert [(r["tag"], r["note"]) for r in rows] == [("Claim", AWKWARD_NOTE)]


def test_excel_with_jsonl_shows_the_error_on_the_form(page, log_in, owner, project, tagged):
    log_in(owner)
    page.goto(f"/p/{project.slug}/export/")
    page.get_by_label("JSONL: one object per annotation").check()
    page.get_by_label("For Excel").check()
    page.get_by_role("button", name="Download").click()
    page.get_by_text("The byte-order mark is for CSV").wait_for()
    screenshot(page, "export-form-error")
    assert Annotation.objects.count() == 2
