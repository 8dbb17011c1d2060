"""The structure editor in Chromium: a curator cleans an imported debate, then exports it.

The fixture has the layout of the corpus's second 2016 debate: a questioner labelled both
"QUESTION" and "Q", and a web widget's headline and blurb stored inside Clinton's turn.
"""

import csv
import io
from pathlib import Path

import pytest

from annotations.models import Annotation

from .conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "debate_widget.txt"
HEADLINE = "Trump and Clinton’s Second Debate: Analysis"


def test_curator_merges_speakers_splits_a_turn_hides_the_widget_and_exports(
    page, log_in, project, curator, annotator
):
    transcript = project.import_transcript(
        FIXTURE.read_text(), filename=FIXTURE.name, imported_by=curator
    ).transcript
    claim = project.tags.get(shortcut="c")
    passages = {p.text: p for p in transcript.passages.all()}
    widget = next(p for text, p in passages.items() if text.startswith(HEADLINE))
    for text in ("Yes, that’s true, I didn’t.", "And what about the economy?", widget.text):
        Annotation.objects.create(passage=passages[text], tag=claim, annotator=annotator,
                                  quote=text)  # fmt: skip

    log_in(curator)
    page.goto(f"/p/{project.slug}/t/{transcript.pk}/")
    page.get_by_role("link", name="Fix structure").wait_for()
    screenshot(page, "workspace-curator-fix-structure-link")
    page.get_by_role("link", name="Fix structure").click()
    page.get_by_role("heading", name="Fix the structure").wait_for()
    screenshot(page, "structure-editor")

    # Merge "Q" into "QUESTION".
    row = page.locator("tr", has=page.get_by_role("cell", name="Q", exact=True))
    row.get_by_label("Merge Q into").select_option(label="QUESTION")
    row.get_by_role("button", name="Merge").click()
    page.locator("#messages").get_by_text("Merged Q into QUESTION: 1 turn moved.").wait_for()

    # Split Cooper's second turn: "Secretary Clinton, your response." starts a turn of its own.
    sentence = page.locator(".structure-passage", has_text="Secretary Clinton, your response.")
    sentence.get_by_role("link", name="Edit").click()
    sentence.get_by_role("button", name="New turn from here").click()
    page.locator("#messages").get_by_text("Split turn 6 at").wait_for()

    # The widget's headline and blurb: not spoken.
    junk = page.locator(".structure-passage", has_text=HEADLINE)
    junk.get_by_role("link", name="Edit").click()
    junk.get_by_role("button", name="Split passage").wait_for()
    junk.locator("[data-passage-text]").click(position={"x": 40, "y": 8})  # picks a split point
    assert junk.locator("[data-split-at]").input_value() != ""
    junk.screenshot(path=str(screenshot(page, "structure-editor-passage-tools")))
    junk.get_by_role("button", name="Not spoken").click()
    page.locator("#messages").get_by_text("as not spoken").wait_for()
    page.get_by_text("1 annotation on it stays").wait_for()
    screenshot(page, "structure-editor-after-edits")
    assert page.locator(".structure-passage.stage", has_text=HEADLINE).count() == 1

    page.goto(f"/p/{project.slug}/export/")
    page.get_by_label("Wide CSV: one row per passage").check()
    with page.expect_download() as info:
        page.get_by_role("button", name="Download").click()
    rows = list(csv.DictReader(io.StringIO(info.value.path().read_bytes().decode())))
    by_text = {row["passage_text"]: row for row in rows}
    assert by_text[widget.text]["kind"] == "stage"
    assert by_text[widget.text]["speaker"] == "CLINTON"  # kept in the source, in its turn
    assert by_text["And what about the economy?"]["speaker"] == "QUESTION"
    assert by_text["Yes, that’s true, I didn’t."]["Claim_annotators"] == annotator.username
    assert by_text[widget.text]["Claim_count"] == "1"  # kept, though not spoken
    split = by_text["Secretary Clinton, your response."]
    before = by_text["Please allow her to respond."]
    assert int(split["turn_index"]) == int(before["turn_index"]) + 1
    assert by_text["Because you have nothing to say."]["turn_index"] == str(
        int(split["turn_index"]) + 2
    )
    assert Annotation.objects.count() == 3  # nothing lost
    assert {r["speaker"] for r in rows} == {"COOPER", "QUESTION", "CLINTON", "TRUMP"}
