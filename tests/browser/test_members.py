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
    page.get_by_label("Tag").select_option("Claim")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", name="Claim")).to_be_visible()
    expect(page.get_by_role("heading", name="Disagreement")).to_have_count(0)
    screenshot(page, "agreement-one-tag")


def test_two_annotators_tag_the_seed_blind_and_the_owner_reads_the_agreement(
    page, log_in, owner, project
):
    """The issue's "done when": two analysts tag the seed independently in blind mode, each
    sees only their own layer, both mark it done, and the owner's Agreement page shows the
    figures a hand computation gives."""
    from django.urls import reverse

    from annotations.management.commands.load_demo import SEED_PATH, SEED_SPEAKERS
    from annotations.models import Annotation, Membership

    project.set_blind(True)
    transcript = project.import_transcript(
        SEED_PATH.read_bytes(), filename=SEED_PATH.name, speaker_names=SEED_SPEAKERS
    ).transcript
    speech = list(transcript.passages.speech().order_by("position"))
    ann, bob = UserFactory(username="ann"), UserFactory(username="bob")
    for user in (ann, bob):
        Membership.objects.create(project=project, user=user)
    workspace = reverse("annotations:workspace", args=[project.slug, transcript.pk])

    def tag_claims(user, indexes, hidden):
        # The previous person logs out; their page is left first, so none of its late
        # requests (a progress report) lands without a session and resets the CSRF cookie.
        page.goto("about:blank")
        page.context.clear_cookies()
        log_in(user)
        page.goto(workspace)
        page.wait_for_selector("#turn-list [data-passage-id]")
        at = -1
        for index in indexes:
            for _ in range(index - at):
                page.keyboard.press("j")
            at = index
            page.keyboard.press("c")
            expect(page.locator(f"#passage-{speech[index].pk} .chip")).to_have_count(1)
        for index in hidden:  # the colleague's claims are not on screen: blind
            expect(page.locator(f"#passage-{speech[index].pk} .chip")).to_have_count(0)
        expect(page.locator("#side-panel .annotation-item")).to_have_count(len(indexes))
        page.get_by_role("button", name="Mark as done").click()
        expect(page.locator("#progress")).to_contain_text("Done ✓")
        return page

    tag_claims(ann, [1, 3], hidden=[])  # ann first: nothing of bob's yet
    tag_claims(bob, [1, 5], hidden=[3])  # bob must not see ann's claim on passage 3
    screenshot(page, "blind-second-annotator")
    assert set(Annotation.objects.values_list("status", flat=True)) == {"submitted"}

    page.goto("about:blank")
    page.context.clear_cookies()
    log_in(owner)
    page.goto(project.get_absolute_url())
    page.get_by_role("link", name="Agreement").click()
    page.get_by_role("heading", name="Claim").wait_for()
    # By hand over the N spoken passages: both tag 1, only ann 3, only bob 5, nobody the rest.
    n = len(speech)
    p_o = (n - 2) / n
    p_e = (2 / n) ** 2 + ((n - 2) / n) ** 2
    kappa = (p_o - p_e) / (1 - p_e)
    # Krippendorff's nominal alpha, 2 coders: 2n values, 4 ones, 2 disagreeing units.
    alpha = 1 - (2 * n - 1) * 2 / ((2 * n - 4) * 4)
    claim = page.locator("section.agreement-tag", has=page.get_by_role("heading", name="Claim"))
    expect(claim.locator("p.meta")).to_contain_text(f"2 coders · {n} passages · α = {alpha:.3f}")
    row = claim.locator("tbody tr")
    expect(row).to_contain_text("ann · bob")
    expect(row.locator("td").nth(1)).to_have_text(f"{kappa:.3f}")
    expect(row.locator("td").nth(2)).to_have_text("0.500")  # 1 exact match of 2 + 2
    expect(row.locator("td").nth(3)).to_have_text("0.500")
    expect(row.locator("td").nth(4)).to_have_text("2 · 2")
    screenshot(page, "agreement-two-annotators")

    # Curating without knowing who is who: the owner's workspace names no one.
    project.set_anonymise(True)
    numbers = project.pseudonyms()
    page.goto(workspace)
    both = page.locator(f"#passage-{speech[1].pk} .chip .by")
    expect(both).to_have_text([numbers[ann.pk], numbers[bob.pk]])
    import re

    expect(page.locator("#side-panel")).not_to_contain_text(re.compile(r"\b(ann|bob)\b"))
    page.locator(f"#passage-{speech[1].pk} .chip").first.click()
    expect(page.locator("#details")).to_contain_text(f"by {numbers[ann.pk]}")
    page.screenshot(path=str(screenshot(page, "x").parent / "workspace-anonymised.png"))


def test_owner_turns_on_dynamic_assignment_and_an_annotator_gets_work(
    page, log_in, owner, annotator, project
):
    from transcripts.models import Transcript

    from ..factories import TranscriptWithTurnsFactory

    first, second = TranscriptWithTurnsFactory(title="First"), TranscriptWithTurnsFactory()
    project.transcripts.add(first, second)
    log_in(owner)
    page.goto(project.get_absolute_url())
    page.get_by_role("link", name="Members").click()
    page.get_by_label("Assignment").select_option("dynamic")
    page.get_by_label("Annotators each transcript needs").fill("1")
    page.get_by_label("Release untouched work after (hours)").fill("12")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("Assignment: Dynamic")
    expect(page.locator("main")).to_contain_text("fewer than 1 annotators")
    page.get_by_role("button", name="Anonymise the layers").click()
    expect(page.locator(".messages")).to_contain_text("Annotator 1, 2")
    screenshot(page, "members-dynamic")

    page.goto("about:blank")
    page.context.clear_cookies()
    log_in(annotator)
    page.goto(project.get_absolute_url())
    expect(page.locator(".my-work")).to_contain_text("Nothing assigned to you yet")
    page.get_by_role("button", name="Get work").click()
    page.wait_for_selector("#turn-list [data-passage-id]")
    expect(page.locator("h1")).to_contain_text("First")  # the first transcript, by import order
    expect(page.locator("#progress .figures")).to_contain_text("5/5 seen")
    page.goto(project.get_absolute_url())
    work = page.locator(".my-work tbody tr")
    expect(work).to_have_count(1)
    expect(work).to_contain_text("in progress")
    expect(work).to_contain_text("5/5")
    expect(work).to_contain_text("if untouched by")
    screenshot(page, "annotator-home")
    page.goto("/")
    expect(page.locator(".card")).to_contain_text("1 assigned to you · 0 done")
    assert Transcript.objects.count() == 2
