"""The annotation workspace in Chromium: keyboard and mouse tagging, targets, undo, details."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from annotations.management.commands.load_demo import SEED_PATH as SEED
from annotations.management.commands.load_demo import SEED_SPEAKERS
from annotations.models import Annotation, Progress

from ..long_transcript import long_transcript
from .conftest import ARTIFACTS, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def workspace(page, log_in, annotator, project, transcript):
    """The annotator's workspace on the small transcript, open and ready for keys."""
    log_in(annotator)
    page.goto(reverse("annotations:workspace", args=[project.slug, transcript.pk]))
    page.wait_for_selector("#turn-list [data-passage-id]")
    # progress.js reports the passages on screen a moment after load: let that write land
    # first, so a test's own writes never meet it on SQLite's single lock.
    expect(page.locator("#progress .figures")).to_contain_text("5/5 seen")
    return page


def passage(transcript, position):
    return transcript.passages.get(position=position)


def chips(page, p):
    return page.locator(f"#passage-{p.pk} .chip")


def drag_select(page, p, text_start: int, text_end: int, end_passage=None):
    """Select characters of a passage with the mouse, as a user would drag across them."""
    box = page.evaluate(
        """([startId, start, endId, end]) => {
            const point = (id, offset, side) => {
                const el = document.querySelector(`#passage-${id} .passage-text`);
                const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
                let node, seen = 0;
                while ((node = walker.nextNode())) {
                    if (seen + node.length >= offset + (side === "left" ? 1 : 0)) break;
                    seen += node.length;
                }
                const range = document.createRange();
                const at = offset - seen;
                range.setStart(node, side === "left" ? at : at - 1);
                range.setEnd(node, side === "left" ? at + 1 : at);
                const rect = range.getBoundingClientRect();
                return side === "left"
                    ? {x: rect.left + 1, y: rect.top + rect.height / 2}
                    : {x: rect.right - 1, y: rect.top + rect.height / 2};
            };
            return [point(startId, start, "left"), point(endId, end, "right")];
        }""",
        [p.pk, text_start, (end_passage or p).pk, text_end],
    )
    page.mouse.move(box[0]["x"], box[0]["y"])
    page.mouse.down()
    page.mouse.move(box[1]["x"], box[1]["y"], steps=8)
    page.mouse.up()


def test_tag_a_passage_with_the_keyboard(workspace, project, transcript, annotator):
    page = workspace
    target = passage(transcript, 1)
    page.keyboard.press("j")
    page.keyboard.press("j")
    expect(page.locator(f"#passage-{target.pk}")).to_have_class(re.compile("is-selected"))
    page.keyboard.press("c")
    expect(chips(page, target)).to_have_count(1)
    expect(chips(page, target)).to_contain_text("Claim")
    expect(page.locator("#side-panel .annotation-item")).to_have_count(1)
    expect(page.locator("#progress")).to_contain_text("1 tagged")
    expect(page.locator("#progress")).to_contain_text("5/5 seen")  # all five are on screen
    annotation = Annotation.objects.get()
    assert (annotation.passage, annotation.start, annotation.tag.shortcut) == (target, None, "c")
    assert annotation.annotator == annotator
    # The selection survives the swap, so the next key keeps working from here.
    expect(page.locator(f"#passage-{target.pk}")).to_have_class(re.compile("is-selected"))
    page.keyboard.press("?")
    expect(page.locator("#help")).to_be_visible()
    screenshot(page, "workspace-help")
    page.keyboard.press("Escape")
    expect(page.locator("#help")).to_be_hidden()


def test_tag_a_span_selected_with_the_mouse(workspace, transcript):
    page = workspace
    target = passage(transcript, 1)  # "We're making progress on our agendas."
    drag_select(page, target, 6, 21)
    page.get_by_role("button", name="Commitment").click()
    expect(chips(page, target)).to_contain_text("making progress")
    annotation = Annotation.objects.get()
    assert (annotation.start, annotation.end, annotation.quote) == (6, 21, "making progress")
    expect(page.locator(f"#passage-{target.pk} mark.hl")).to_have_text("making progress")
    screenshot(page, "workspace-span")


def test_selection_across_passages_is_clipped_with_a_note(workspace, transcript):
    page = workspace
    first, second = passage(transcript, 0), passage(transcript, 1)  # "Well, good afternoon."
    drag_select(page, first, 6, 10, end_passage=second)
    page.keyboard.press("c")
    expect(page.locator("#messages")).to_contain_text("clipped to the passage where it starts")
    expect(chips(page, first)).to_have_count(1)
    annotation = Annotation.objects.get()
    assert (annotation.passage, annotation.quote) == (first, "good afternoon.")


def test_disagreement_with_its_target_both_ends_linked(workspace, project, transcript):
    page = workspace
    claim_passage, dispute_passage = passage(transcript, 1), passage(transcript, 4)
    page.locator(f"#passage-{claim_passage.pk}").click()
    page.keyboard.press("c")
    expect(chips(page, claim_passage)).to_have_count(1)
    claim = Annotation.objects.get()

    page.locator(f"#passage-{dispute_passage.pk}").click()
    page.keyboard.press("d")
    expect(page.locator("#target-prompt")).to_be_visible()
    expect(page.locator("#target-prompt")).to_contain_text("What does this disagree with?")
    page.keyboard.press("Escape")  # changed my mind: nothing saved
    expect(page.locator("#target-prompt")).to_be_hidden()
    assert Annotation.objects.count() == 1

    page.keyboard.press("d")
    page.locator(f"#annotation-{claim.pk}").click()  # the claim chip is the target
    dispute_note = page.locator(f"#passage-{dispute_passage.pk} .link-note")
    expect(dispute_note).to_contain_text(
        "disagrees with SECRETARY CLINTON: “We're making progress on our agendas.”"
    )
    claim_note = page.locator(f"#passage-{claim_passage.pk} .link-note.disputed")
    expect(claim_note).to_contain_text("disputed by FOREIGN MINISTER LAVROV")
    dispute = Annotation.objects.get(tag__shortcut="d")
    assert (dispute.target, dispute.target_passage) == (claim, claim_passage)
    # The details panel did not open: the click picked the target, it did not follow the link.
    expect(page.locator("#details-form")).to_have_count(0)

    dispute_note.hover()
    expect(page.locator(f"#annotation-{claim.pk}")).to_have_class(re.compile("is-linked"))
    screenshot(page, "workspace-disagreement-linked")
    claim_note.hover()
    expect(page.locator(f"#annotation-{dispute.pk}")).to_have_class(re.compile("is-linked"))


def test_disagreement_target_picked_by_clicking_the_claims_highlight(workspace, transcript):
    page = workspace
    claim_passage, dispute_passage = passage(transcript, 1), passage(transcript, 4)
    page.locator(f"#passage-{claim_passage.pk}").click()
    page.keyboard.press("c")
    highlight = page.locator(f"#passage-{claim_passage.pk} mark.hl")
    expect(highlight).to_have_count(1)
    claim = Annotation.objects.get()
    page.locator(f"#passage-{dispute_passage.pk}").click()
    page.keyboard.press("d")
    highlight.click()  # the claim's highlighted words, not its small chip
    expect(page.locator(f"#passage-{dispute_passage.pk} .link-note")).to_be_visible()
    dispute = Annotation.objects.get(tag__shortcut="d")
    # The annotation itself is linked, so the export's target_annotation_id is filled.
    assert (dispute.target, dispute.target_passage) == (claim, claim_passage)
    screenshot(page, "workspace-target-by-highlight")


def test_disagreement_target_picked_with_the_keyboard(workspace, transcript):
    page = workspace
    for _ in range(4):  # speech passages 0, 1, 2, then 4 (the stage direction is skipped)
        page.keyboard.press("j")
    page.keyboard.press("d")
    page.keyboard.press("k")
    page.keyboard.press("k")  # back to "We're making progress on our agendas."
    page.keyboard.press("Enter")
    target = passage(transcript, 1)
    expect(page.locator(f"#passage-{target.pk} .link-note.disputed")).to_be_visible()
    dispute = Annotation.objects.get()
    assert (dispute.passage, dispute.target, dispute.target_passage) == (
        passage(transcript, 4),
        None,
        target,
    )


def test_undo_with_u_and_redo_with_shift_u(workspace, transcript):
    page = workspace
    target = passage(transcript, 0)
    page.keyboard.press("j")
    page.keyboard.press("m")
    expect(chips(page, target)).to_have_count(1)
    page.keyboard.press("u")
    expect(chips(page, target)).to_have_count(0)
    # It says exactly what it undid: the tag, the words, the speaker and the turn.
    expect(page.locator("#messages")).to_contain_text(
        f"Removed your Commitment on ‘{target.text}’ (SECRETARY CLINTON, turn 1)"
    )
    assert not Annotation.objects.exists()
    page.keyboard.press("Shift+U")
    expect(chips(page, target)).to_have_count(1)
    expect(page.locator("#messages")).to_contain_text("Tagged again: Commitment on")
    assert Annotation.objects.get().passage_id == target.pk
    page.keyboard.press("u")
    expect(chips(page, target)).to_have_count(0)
    page.keyboard.press("u")
    expect(page.locator("#messages")).to_contain_text("Nothing to undo")
    screenshot(page, "workspace-undo")


def test_edit_attributes_in_the_details_panel(workspace, transcript):
    page = workspace
    target = passage(transcript, 0)
    page.keyboard.press("j")
    page.keyboard.press("c")
    expect(chips(page, target)).to_have_count(1)
    page.keyboard.press("Enter")
    expect(page.locator("#details-tag")).to_be_focused()
    page.get_by_label("Claim type").select_option("evaluative")
    page.get_by_label("Note").fill("A courtesy, but framed as an assessment.")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#details")).to_contain_text("version 2")
    annotation = Annotation.objects.get()
    assert annotation.attributes == {"type": "evaluative"}
    assert annotation.note == "A courtesy, but framed as an assessment."
    screenshot(page, "workspace-details")

    # Someone else saves meanwhile: my next save is refused and the current version shown.
    Annotation.objects.filter(pk=annotation.pk).update(note="Curator's note", version=3)
    page.get_by_label("Note").fill("My late change")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#messages")).to_contain_text("someone else saved this annotation")
    expect(page.locator("#details")).to_contain_text("version 3")
    expect(page.get_by_label("Note")).to_have_value("Curator's note")
    annotation.refresh_from_db()
    assert annotation.note == "Curator's note"
    page.get_by_label("Note").focus()
    page.keyboard.press("Escape")  # out of the form, back to the passage
    page.keyboard.press("Escape")  # and the panel closes
    expect(page.locator("#details-form")).to_have_count(0)


def test_everything_survives_a_reload(workspace, transcript):
    page = workspace
    first, claim_passage, dispute_passage = (passage(transcript, i) for i in (0, 1, 4))
    page.keyboard.press("j")
    page.keyboard.press("m")  # commitment on the first passage
    expect(chips(page, first)).to_have_count(1)
    page.keyboard.press("j")
    page.keyboard.press("c")  # claim on the second
    expect(chips(page, claim_passage)).to_have_count(1)
    page.keyboard.press("Enter")
    page.get_by_label("Claim type").select_option("policy")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#details")).to_contain_text("version 2")
    page.keyboard.press("Escape")  # leave the form
    page.locator(f"#passage-{dispute_passage.pk}").click()
    page.keyboard.press("d")
    page.keyboard.press("k")
    page.keyboard.press("k")
    page.keyboard.press("Enter")
    expect(chips(page, dispute_passage)).to_have_count(1)

    page.reload()
    page.wait_for_selector("#turn-list [data-passage-id]")
    expect(chips(page, first)).to_contain_text("Commitment")
    expect(chips(page, claim_passage)).to_contain_text("Claim")
    expect(page.locator(f"#passage-{dispute_passage.pk} .link-note")).to_contain_text(
        "disagrees with SECRETARY CLINTON"
    )
    expect(page.locator("#side-panel .annotation-item")).to_have_count(3)
    page.locator(f"#passage-{claim_passage.pk} .chip").click()
    expect(page.get_by_label("Claim type")).to_have_value("policy")


def test_long_transcript_loads_as_it_scrolls(page, log_in, annotator, project):
    transcript = long_transcript(copies=3)
    project.transcripts.add(transcript)
    far = transcript.passages.speech().order_by("position").last()
    far_claim = Annotation.objects.create(
        passage=far, tag=project.tags.get(shortcut="c"), annotator=annotator, quote=far.text
    )
    log_in(annotator)
    page.goto(reverse("annotations:workspace", args=[project.slug, transcript.pk]))
    turns = page.locator("#turn-list .turn")
    first_screen = turns.count()
    assert 0 < first_screen < transcript.turns.count()
    expect(page.locator(f"#passage-{far.pk}")).to_have_count(0)
    page.locator("#turn-list [data-more]").scroll_into_view_if_needed()
    expect(turns).not_to_have_count(first_screen)  # the next chunk came in as it was revealed

    # The side panel lists it anyway; a click loads the chunks up to it and scrolls there.
    page.locator(f"#side-panel [data-annotation-id='{far_claim.pk}']").click()
    expect(page.locator(f"#passage-{far.pk}")).to_be_in_viewport()
    expect(page.locator(f"#passage-{far.pk}")).to_have_class(re.compile("is-selected"))
    last_turn = transcript.turns.order_by("position").last()
    expect(page.locator(f"#turn-{last_turn.pk}")).to_be_attached()
    expect(page.locator("#turn-list [data-more]")).to_have_count(0)


def test_seed_transcript_tagged_end_to_end_with_the_keyboard(page, log_in, annotator, project):
    """The issue's "done when": claims, a commitment and a linked disagreement on the seed
    transcript, keyboard only, and all of it still there after a reload. Screenshots on the way."""
    transcript = project.import_transcript(
        SEED.read_bytes(), filename=SEED.name, speaker_names=SEED_SPEAKERS
    ).transcript
    speech = list(transcript.passages.speech().order_by("position"))

    def index(words):
        return next(i for i, p in enumerate(speech) if words in p.text)

    georgia, sanctions = index("stability and security in Georgia"), index("crippling")
    denial, adhere = index("We have not laid the groundwork"), index("adhere to the agreements")
    log_in(annotator)
    page.set_viewport_size({"width": 1440, "height": 1000})
    page.goto(reverse("annotations:workspace", args=[project.slug, transcript.pk]))
    page.wait_for_selector("#turn-list [data-passage-id]")
    screenshot_viewport(page, "seed-workspace")
    keys = page.keyboard

    def walk(frm, to):
        for _ in range(abs(to - frm)):
            keys.press("j" if to > frm else "k")

    walk(-1, georgia)
    keys.press("c")  # a claim
    expect(chips(page, speech[georgia])).to_have_count(1)
    walk(georgia, sanctions)
    keys.press("c")  # the questioner's claim about "crippling" sanctions
    expect(chips(page, speech[sanctions])).to_have_count(1)
    walk(sanctions, adhere)
    keys.press("m")  # Lavrov commits to the P-5+1 agreements
    expect(chips(page, speech[adhere])).to_have_count(1)
    keys.press("Enter")
    expect(page.locator("#details-tag")).to_be_focused()
    keys.press("Tab")
    keys.type("Russia")
    keys.press("Tab")
    keys.type("adhere to the P-5+1 agreements")
    keys.press("Enter")
    expect(page.locator("#details")).to_contain_text("version 2")
    keys.press("Escape")  # leave the form
    keys.press("Escape")  # close the panel
    walk(adhere, denial)
    keys.press("d")  # Clinton: "We have not laid the groundwork."
    expect(page.locator("#target-prompt")).to_be_visible()
    walk(denial, sanctions)
    keys.press("Tab")  # from the passage to its claim chip: the target is the annotation
    keys.press("Enter")
    expect(page.locator(f"#passage-{speech[denial].pk} .link-note")).to_contain_text(
        "disagrees with Questioners: “Minister Lavrov, Secretary Clinton assured"
    )
    claim = Annotation.objects.get(passage=speech[sanctions])
    dispute = Annotation.objects.get(passage=speech[denial])
    assert (dispute.tag.shortcut, dispute.target, dispute.target_passage) == (
        "d",
        claim,
        speech[sanctions],
    )

    page.reload()
    page.wait_for_selector("#turn-list [data-passage-id]")
    expect(page.locator("#side-panel .annotation-item")).to_have_count(4)
    # Seen: the passages that were on screen, each once; never the far end nobody scrolled to.
    progress = Progress.objects.get(user=annotator, transcript=transcript)
    shown = {p for first, last in progress.seen_ranges for p in range(first, last + 1)}
    assert speech[adhere].position in shown and speech[-1].position not in shown
    assert progress.seen_passages == sum(p.position in shown for p in speech)
    figures = f"{progress.seen_passages}/{len(speech)} seen"
    expect(page.locator("#progress .figures")).to_contain_text(figures)
    claim_note = page.locator(f"#passage-{speech[sanctions].pk} .link-note.disputed")
    expect(claim_note).to_contain_text("disputed by Hillary Rodham Clinton")
    commitment = Annotation.objects.get(passage=speech[adhere])
    assert commitment.attributes == {"actor": "Russia", "action": "adhere to the P-5+1 agreements"}
    page.locator(f"#annotation-{commitment.pk}").click()
    expect(page.get_by_label("Actor")).to_have_value("Russia")
    page.locator(f"#passage-{speech[denial].pk}").scroll_into_view_if_needed()
    page.locator(f"#passage-{speech[denial].pk} .link-note").hover()
    expect(page.locator(f"#annotation-{claim.pk}")).to_have_class(re.compile("is-linked"))
    screenshot_viewport(page, "seed-disagreement-linked")


def screenshot_viewport(page, name):
    """What the analyst sees (a full-page shot of a long transcript is too tall to judge)."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def test_change_target_and_delete_from_the_details_panel(workspace, transcript):
    page = workspace
    first, second, dispute_passage = (passage(transcript, i) for i in (0, 1, 4))
    page.locator(f"#passage-{dispute_passage.pk}").click()
    page.keyboard.press("d")
    page.locator(f"#passage-{first.pk}").click()
    expect(page.locator(f"#passage-{first.pk} .link-note.disputed")).to_be_visible()
    page.keyboard.press("Enter")  # details of the disagreement
    expect(page.locator("#details-form")).to_be_visible()
    page.get_by_role("button", name="Pick target…").click()
    expect(page.locator("#target-prompt")).to_be_visible()
    page.locator(f"#passage-{second.pk}").click()
    expect(page.locator(f"#passage-{second.pk} .link-note.disputed")).to_be_visible()
    expect(page.locator(f"#passage-{first.pk} .link-note")).to_have_count(0)  # old end unlinked
    assert Annotation.objects.get().target_passage == second
    page.get_by_role("button", name="Delete").click()
    expect(chips(page, dispute_passage)).to_have_count(0)
    expect(page.locator(f"#passage-{second.pk} .link-note")).to_have_count(0)
    expect(page.locator("#messages")).to_contain_text("Press u to undo")
    assert not Annotation.objects.exists()


def test_expired_session_goes_to_the_login_page(workspace):
    page = workspace
    kept = [c for c in page.context.cookies() if c["name"] != "sessionid"]  # CSRF cookie stays
    page.context.clear_cookies()
    page.context.add_cookies(kept)
    page.keyboard.press("j")
    page.keyboard.press("c")
    page.wait_for_url("**/login/**")
    expect(page.get_by_role("button", name="Log in")).to_be_visible()
    assert not Annotation.objects.exists()


def test_fast_typing_loses_no_tag(workspace, transcript):
    page = workspace
    for _ in range(3):  # faster than the server answers: the requests queue, none is dropped
        page.keyboard.press("j")
        page.keyboard.press("c")
    expect(page.locator("#side-panel .annotation-item")).to_have_count(3)
    expect(page.locator("#turn-list .chip")).to_have_count(3)
    tagged = set(Annotation.objects.values_list("passage__position", flat=True))
    assert tagged == {0, 1, 2}


@pytest.fixture
def debug_workspace(settings, page, log_in, annotator, project, transcript):
    """The workspace as `make run` serves it: DEBUG on, so django-htmx's debug helper is loaded."""
    settings.DEBUG = True
    log_in(annotator)
    page.goto(reverse("annotations:workspace", args=[project.slug, transcript.pk]))
    page.wait_for_selector("#turn-list [data-passage-id]")
    expect(page.locator("script[src*='django-htmx.js']")).to_have_count(1)
    return page


def claim_the_first_passage(page, transcript):
    """Select the first passage with j and tag it as a Claim; return the passage."""
    first = passage(transcript, 0)
    page.keyboard.press("j")
    page.keyboard.press("c")
    expect(chips(page, first)).to_have_count(1)
    return first


def test_refused_save_after_a_tag_change_keeps_the_workspace(debug_workspace, transcript):
    """Claim → Disagreement without a target: a 400 that says why, the page left whole.

    Under DEBUG, django-htmx's helper used to replace the document with the 400's fragments.
    """
    page = debug_workspace
    first = claim_the_first_passage(page, transcript)
    chips(page, first).first.click()
    expect(page.locator("#details-form")).to_be_visible()
    page.locator("#details-tag").select_option(label="D · Disagreement")
    page.get_by_role("button", name="Save").click()
    # The save waits for the tag preview (hx-sync): on a loaded CI machine that took over 5 s.
    expect(page.locator("#messages")).to_contain_text("needs a target", timeout=20_000)
    expect(page.locator("#turn-list")).to_be_visible()
    expect(page.locator(".toolbar")).to_be_visible()
    expect(page.locator("#details-form")).to_have_count(1)
    assert Annotation.objects.get().tag.name == "Claim"
    screenshot(page, "workspace-refused-tag-change")


def test_phone_layout_fits_and_keeps_the_text_in_view(workspace, transcript):
    page = workspace
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(200)  # the toolbar's height is measured after a resize
    sizes = page.evaluate(
        """() => ({
            page: document.documentElement.scrollWidth,
            column: document.querySelector('.transcript-column').getBoundingClientRect().right,
            toolbar: document.querySelector('.toolbar').offsetHeight,
        })"""
    )
    assert sizes["page"] <= 390 and sizes["column"] <= 390, sizes  # no sideways scrolling
    assert sizes["toolbar"] <= 844 * 0.25, sizes
    # Tagging still works by touch: tap a passage, tap a tag.
    first = passage(transcript, 0)
    page.locator(f"#passage-{first.pk}").click()
    page.locator(".tag-button", has_text="Claim").click()
    expect(chips(page, first)).to_have_count(1)
    screenshot_viewport(page, "workspace-phone")


def test_annotations_panel_is_reachable_on_a_narrow_screen(workspace, transcript):
    page = workspace
    claim_the_first_passage(page, transcript)
    page.set_viewport_size({"width": 800, "height": 1000})
    toggle = page.get_by_role("button", name=re.compile("Annotations"))
    expect(toggle).to_be_visible()
    expect(page.locator("#side-panel .annotation-item")).to_be_hidden()
    toggle.click()
    item = page.locator("#side-panel .annotation-item")
    expect(item).to_be_visible()
    assert item.bounding_box()["y"] < 1000  # on screen, not below the whole transcript
    screenshot_viewport(page, "workspace-800-panel-open")
    page.keyboard.press("j")
    page.keyboard.press("m")  # the panel is swapped: it stays open
    expect(page.locator("#side-panel .annotation-item")).to_have_count(2)
    expect(page.locator("#side-panel .annotation-item").first).to_be_visible()
    page.set_viewport_size({"width": 1280, "height": 900})  # desktop: always beside the text
    expect(toggle).to_be_hidden()


def test_passing_notes_clear_but_errors_stay(workspace, transcript):
    page = workspace
    page.keyboard.press("c")  # nothing selected yet
    expect(page.locator("#messages")).to_contain_text("Select a passage first")
    page.keyboard.press("j")  # the user moved on: the hint goes
    expect(page.locator("#messages .message")).to_have_count(0)
    page.keyboard.press("d")
    page.keyboard.press("Escape")
    expect(page.locator("#messages")).to_contain_text("Cancelled: nothing was saved.")
    expect(page.locator("#messages .message")).to_have_count(0, timeout=8000)  # fades by itself
    # A refusal from the server stays when the user moves on: they still need it.
    page.keyboard.press("u")
    expect(page.locator("#messages .message.error")).to_contain_text("Nothing to undo")
    page.keyboard.press("j")
    page.keyboard.press("k")
    page.wait_for_timeout(6000)
    expect(page.locator("#messages .message.error")).to_contain_text("Nothing to undo")


def test_save_says_saved_and_a_conflict_keeps_my_version(workspace, transcript):
    page = workspace
    claim_the_first_passage(page, transcript)
    page.keyboard.press("Enter")
    page.get_by_label("Note").fill("First thoughts")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#messages")).to_contain_text("Saved.")
    expect(page.locator("#messages .message")).to_have_count(0, timeout=8000)  # and goes
    annotation = Annotation.objects.get()
    Annotation.objects.filter(pk=annotation.pk).update(note="Curator's note", version=3)
    page.get_by_label("Claim type").select_option("policy")
    page.get_by_label("Note").fill("My careful second thoughts")
    page.get_by_role("button", name="Save").click()
    yours = page.locator("#details .yours")
    expect(yours).to_contain_text("My careful second thoughts")
    expect(yours).to_contain_text("policy")
    expect(page.get_by_label("Note")).to_have_value("Curator's note")
    screenshot(page, "workspace-conflict-your-version")


def test_tag_change_shows_saved_and_pending(workspace, transcript):
    page = workspace
    claim_the_first_passage(page, transcript)
    page.keyboard.press("Enter")
    expect(page.locator("#details-tag")).to_be_focused()  # htmx has processed the panel
    page.locator("#details-tag").select_option(label="M · Commitment")
    expect(page.locator("#details .details-head")).to_contain_text("Claim (saved)")
    expect(page.locator("#details .pending-tag")).to_contain_text("Commitment: not saved yet")
    screenshot_viewport(page, "workspace-pending-tag")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#details .details-head")).to_contain_text("Commitment")
    expect(page.locator("#details .pending-tag")).to_have_count(0)


def test_enter_cycles_through_a_passages_annotations(workspace, transcript):
    page = workspace
    first = passage(transcript, 0)
    page.keyboard.press("j")
    page.keyboard.press("c")
    page.keyboard.press("m")
    expect(chips(page, first)).to_have_count(2)
    claim, commitment = Annotation.objects.order_by("pk")
    page.keyboard.press("Enter")
    expect(page.locator("#details")).to_have_attribute("data-annotation-id", str(claim.pk))
    expect(page.locator("#details-tag")).to_be_focused()  # the panel is settled
    page.keyboard.press("Escape")  # out of the form, back to the passage
    page.keyboard.press("Enter")
    expect(page.locator("#details")).to_have_attribute("data-annotation-id", str(commitment.pk))
    expect(page.locator("#messages")).to_contain_text("Annotation 2 of 2 here")
    expect(page.locator("#details-tag")).to_be_focused()  # the panel is settled
    page.keyboard.press("Escape")
    page.keyboard.press("Enter")  # and round again
    expect(page.locator("#details")).to_have_attribute("data-annotation-id", str(claim.pk))
    expect(page.locator("#details-tag")).to_be_focused()  # the panel is settled
    page.keyboard.press("Escape")
    page.keyboard.press("?")
    expect(page.locator("#help")).to_contain_text("press again for its next annotation")


def test_annotator_sees_that_saving_reviewed_work_sends_it_back(workspace, transcript, curator):
    page = workspace
    claim_the_first_passage(page, transcript)
    Annotation.objects.all().accept(by=curator)
    page.keyboard.press("Enter")
    expect(page.locator("#details")).to_contain_text("Accepted")
    expect(page.locator("#details .review-note")).to_contain_text("sends it back for review")
    page.get_by_label("Note").fill("A late change")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#messages")).to_contain_text("back for review")
    expect(page.locator("#details")).to_contain_text("Submitted")
    assert Annotation.objects.get().status == "submitted"


def test_save_clicked_while_a_tag_preview_loads_is_not_lost(workspace, transcript):
    page = workspace
    first = claim_the_first_passage(page, transcript)
    chips(page, first).first.click()
    expect(page.locator("#details-form")).to_be_visible()

    held = []  # a slow network: the preview stays in flight until the test lets it go

    def hold_preview(route):
        if "tag=" in route.request.url:
            held.append(route)
        else:
            route.continue_()

    page.route("**/a/**", hold_preview)
    page.locator("#details-tag").select_option(label="D · Disagreement")
    expect(page.get_by_role("button", name="Save")).to_be_disabled()
    while not held:  # the route handler runs when Playwright next dispatches events
        page.wait_for_timeout(20)
    held.pop().continue_()
    page.get_by_role("button", name="Save").click()  # waits until the new form is there
    expect(page.locator("#messages")).to_contain_text("needs a target")
