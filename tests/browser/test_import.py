import re
from pathlib import Path

import pytest

from .conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEED = Path(__file__).resolve().parents[2] / "demo" / "clinton-lavrov-2009-05-07.txt"


def test_upload_preview_confirm_without_a_page_reload(page, log_in, owner, project):
    log_in(owner)
    page.goto(project.get_absolute_url())
    page.get_by_role("link", name="Import transcript").click()
    page.wait_for_url("**/import/")
    # A marker on window survives only if no step below reloads the page.
    page.evaluate("window.sameDocument = true")
    screenshot(page, "import-form")

    page.get_by_label("Transcript file").set_input_files(str(SEED))
    page.get_by_role("button", name="Preview", exact=True).click()
    page.get_by_role("heading", name="Preview").wait_for()
    title = page.get_by_label("Title")
    assert title.input_value() == "Clinton / Lavrov press conference, 7 May 2009"
    assert page.get_by_label("Date").input_value() == "2009-05-07"
    assert page.get_by_role("cell", name="FOREIGN MINISTER LAVROV").is_visible()
    screenshot(page, "import-preview")

    title.fill("Clinton and Lavrov, Washington")
    page.get_by_label("Display name for SECRETARY CLINTON").fill("Hillary Rodham Clinton")
    page.get_by_role("button", name="Import 15 turns").click()
    page.get_by_role("heading", name="Imported").wait_for()
    assert page.evaluate("window.sameDocument") is True
    screenshot(page, "import-done")

    transcript = project.transcripts.get()
    assert transcript.title == "Clinton and Lavrov, Washington"
    assert transcript.passages.count() == 173
    page.get_by_role("link", name="Open the transcript").click()
    page.wait_for_selector("[data-passage-id]")
    assert page.locator("#turn-list").get_by_text("Hillary Rodham Clinton").first.is_visible()
    screenshot(page, "import-opened")


def test_pasted_text_without_labels_becomes_a_monologue(page, log_in, owner, project):
    log_in(owner)
    page.goto(f"/p/{project.slug}/import/")
    page.get_by_label("Or paste text").fill(
        "Four score and seven years ago. Our fathers brought forth."
    )
    page.get_by_role("button", name="Preview", exact=True).click()
    page.get_by_text("no speaker labels found").wait_for()
    screenshot(page, "import-no-speakers")
    page.get_by_label("Speaker of the monologue").fill("LINCOLN")
    page.get_by_role("button", name="Preview as a monologue").click()
    page.get_by_role("heading", name="Preview").wait_for()
    page.get_by_label("Title").fill("Gettysburg")
    page.get_by_role("button", name="Import 1 turn").click()
    page.get_by_role("heading", name="Imported").wait_for()
    assert list(project.transcripts.values_list("title", flat=True)) == ["Gettysburg"]


def large_seed_file(path: Path, megabytes: float) -> Path:
    """The seed's turns repeated until the file is `megabytes` long (made at test time)."""
    lines = SEED.read_text().splitlines()
    header, body = "\n".join(lines[:17]) + "\n", "\n".join(lines[17:353]) + "\n"
    copies = int(megabytes * 2**20 / len(body.encode())) + 1
    path.write_text(header + body * copies)
    return path


def test_a_large_file_shows_its_progress_then_imports_without_sending_it_twice(
    page, log_in, owner, project, tmp_path, settings
):
    settings.IMPORT_STAGING_DIR = tmp_path / "staged"
    big = large_seed_file(tmp_path / "long-press-conference.txt", 3)
    posts = []
    page.on("request", lambda request: request.method == "POST" and posts.append(request))
    log_in(owner)
    page.goto(f"/p/{project.slug}/import/")
    page.get_by_label("Transcript file").set_input_files(str(big))
    page.get_by_role("button", name="Preview", exact=True).click()
    progress = page.locator("#import-busy")
    progress.get_by_text("Reading the speakers, turns and sentences").wait_for()
    assert page.locator("progress#import-progress").is_visible()
    screenshot(page, "import-large-reading")
    page.get_by_role("heading", name="Preview").wait_for(timeout=90_000)
    assert not progress.is_visible()
    confirm = page.get_by_role("button", name=re.compile(r"^Import [\d,]+ turns$"))
    turns = int(re.sub(r"\D", "", confirm.inner_text()))
    assert turns > 2000
    confirm.click()
    progress.get_by_text(re.compile(r"Saving [\d,]+ turns and [\d,]+ sentences")).wait_for()
    screenshot(page, "import-large-saving")
    page.get_by_role("heading", name="Imported").wait_for(timeout=90_000)
    screenshot(page, "import-large-done")

    transcript = project.transcripts.get()
    assert transcript.turns.count() == turns
    preview_post, confirm_post = posts[-2:]
    assert int(preview_post.all_headers()["content-length"]) > 3 * 2**20  # the file, once
    assert int(confirm_post.all_headers()["content-length"]) < 20_000  # the token, the edits


@pytest.mark.parametrize("failure", ["dropped", "proxy 502"])
def test_a_step_the_server_never_answers_says_so(page, log_in, owner, project, failure):
    """gunicorn stops a worker on its timeout: the connection drops (or a proxy answers 502),
    and the progress indicator vanishing must not be all the user sees."""
    log_in(owner)
    page.goto(f"/p/{project.slug}/import/")
    lost = page.get_by_role("alert").filter(has_text="The server stopped before it answered")
    assert not lost.is_visible()

    def fail(route):
        if route.request.method != "POST":
            return route.continue_()
        if failure == "dropped":
            return route.abort("connectionreset")
        return route.fulfill(status=502, body="<html>Bad Gateway</html>")

    page.route("**/import/", fail)
    page.get_by_label("Transcript file").set_input_files(str(SEED))
    page.get_by_role("button", name="Preview", exact=True).click()
    lost.wait_for()
    screenshot(page, f"import-lost-{failure.replace(' ', '-')}")
    assert not project.transcripts.exists()

    page.unroute("**/import/")  # the next try works, and the message goes
    page.get_by_role("button", name="Preview", exact=True).click()
    page.get_by_role("heading", name="Preview").wait_for()
    assert not lost.is_visible()
