"""A curator adjudicates two annotators' blind layers of the seed into gold, in Chromium, from the
project page to the gold CSV: agreed items merged on opening, every disagreement decided by key
or click, one item written by the curator, a stale click answered with a 409, then the export."""

import csv
import io

import pytest
from django.conf import settings

from annotations.models import Annotation, GoldAnnotation, Membership

from ..conftest import member
from .conftest import ARTIFACTS, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SEED = settings.BASE_DIR / "demo" / "clinton-lavrov-2009-05-07.txt"


@pytest.fixture
def seed(project, curator):
    project.set_blind(True)
    transcript = project.import_transcript(SEED.read_bytes(), filename=SEED.name).transcript
    curator.is_staff = True
    curator.save()
    ada, ben = (member(project, Membership.Role.ANNOTATOR) for _ in range(1)), None
    ada = next(ada)
    from ..factories import UserFactory

    ben = UserFactory(username=f"ben-{project.slug}")
    Membership.objects.create(project=project, user=ben, role=Membership.Role.ANNOTATOR)
    tags = {tag.name: tag for tag in project.tags.all()}
    p = list(transcript.passages.speech().order_by("position")[:5])

    def put(who, passage, name, start=None, end=None, target=None):
        text = passage.text if start is None else passage.text[start:end]
        return Annotation.objects.create(
            passage=passage,
            tag=tags[name],
            annotator=who,
            start=start,
            end=end,
            quote=text,
            target=target,
            target_passage=target.passage if target else None,
            status="submitted",
        )

    claims = {who: put(who, p[0], "Claim") for who in (ada, ben)}  # agreed
    put(ada, p[1], "Claim", 0, 10)  # span against whole: accept ada's
    put(ben, p[1], "Claim")
    put(ada, p[2], "Commitment")  # only ada: reject it
    for who in (ada, ben):  # agreed link: merged after its target
        put(who, p[3], "Disagreement", target=claims[who])
    put(ada, p[4], "Claim")  # they differ: the curator writes their own
    put(ben, p[4], "Commitment")
    return transcript, p, ada, ben, tags


def row(page, passage):
    return page.locator(f"#row-{passage.pk}")


def test_curator_adjudicates_the_seed_into_gold_and_exports_it(
    page, log_in, project, curator, seed
):
    transcript, p, ada, ben, tags = seed
    log_in(curator)
    page.goto(project.get_absolute_url())
    page.get_by_role("link", name="Adjudicate").click()
    page.locator("#board").wait_for()
    assert page.locator(".open-count").inner_text() == "3"
    assert "Merged automatically" in row(page, p[0]).inner_text()
    assert "Merged automatically" in row(page, p[3]).inner_text()
    screenshot(page, "adjudicate-opened")
    page.screenshot(path=str(ARTIFACTS / "adjudicate-opened-viewport.png"))

    page.keyboard.press("n")  # the first open passage: ada's span or ben's whole passage
    page.keyboard.press("1")  # accept Annotator 1's (ada's) version
    row(page, p[1]).locator("text=Accepted from an annotator").wait_for()
    assert page.locator(".open-count").inner_text() == "3"  # ben's version still open
    page.keyboard.press("x")  # reject the rest of this passage
    page.locator(".open-count", has_text="2").wait_for()

    row(page, p[2]).get_by_role("button", name="Reject", exact=True).click()
    page.locator(".open-count", has_text="1").wait_for()

    # A stale click: ben's annotation changed behind the curator's page.
    stale = Annotation.objects.get(passage=p[4], annotator=ben)
    stale.apply_change(ben, stale.version, note="changed meanwhile")
    bens = row(page, p[4]).locator("td.coder-cell").nth(1)
    bens.get_by_role("button", name="Reject", exact=True).click()
    row(page, p[4]).locator(".adj-message.error").wait_for()
    assert f"changed by {ben.username}" in row(page, p[4]).locator(".adj-message").inner_text()
    row(page, p[4]).scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "adjudicate-409.png"))

    row(page, p[4]).get_by_role("link", name="Write gold").click()
    form = row(page, p[4]).locator(".gold-form")
    form.get_by_label("Tag").select_option(label="Claim")
    form.get_by_label("Start").fill("0")
    form.get_by_label("End").fill("6")
    form.get_by_label("Claim type (Claim)").select_option("policy")
    page.screenshot(path=str(ARTIFACTS / "adjudicate-write-own.png"))
    form.get_by_role("button", name="Save in gold").click()
    row(page, p[4]).locator("text=Written by a curator").wait_for()
    row(page, p[4]).get_by_role("button", name="Reject the rest").click()
    page.locator(".open-count", has_text="0").wait_for()
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(ARTIFACTS / "adjudicate-done.png"))

    page.goto(f"/p/{project.slug}/")
    assert "5 of 5 decided · 0 open" in page.locator("td.curation").inner_text()
    page.goto(f"/p/{project.slug}/export/")
    page.get_by_label("Long CSV: one row per annotation").check()
    page.get_by_label("Gold layer").check()
    with page.expect_download() as info:
        page.get_by_role("button", name="Download").click()
    text = info.value.path().read_bytes().decode()
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    got = [(int(r["passage_id"]), r["tag"], r["origin"], r["sources"]) for r in rows]
    both = ";".join(sorted([ada.username, ben.username]))
    assert got == [
        (p[0].pk, "Claim", "merged", both),
        (p[1].pk, "Claim", "accepted", ada.username),
        (p[3].pk, "Disagreement", "merged", both),
        (p[4].pk, "Claim", "written", ""),
    ]
    assert rows[1]["quote"] == p[1].text[:10] and rows[3]["quote"] == p[4].text[:6]
    assert rows[3]["attr_type"] == "policy"
    assert rows[2]["target_annotation_id"] == rows[0]["gold_id"]
    assert GoldAnnotation.objects.count() == 4
