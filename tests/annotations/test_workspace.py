"""The workspace page and its fragments: turn list, chunks, side panel, progress, tag colours."""

import re

import pytest
from django.urls import reverse

from annotations.management.commands.load_demo import SEED_PATH as SEED
from annotations.models import Membership, Progress
from annotations.views.workspace import CHUNK_PASSAGES
from transcripts.models import Passage

from ..conftest import HTMX
from ..factories import (
    AnnotationFactory,
    ProjectFactory,
    TranscriptFactory,
    TranscriptWithTurnsFactory,
)
from ..long_transcript import long_transcript

pytestmark = pytest.mark.django_db


@pytest.fixture
def url(project, transcript):
    return reverse("annotations:workspace", args=[project.slug, transcript.pk])


def tag(project, shortcut):
    return project.tags.get(shortcut=shortcut)


def passage(transcript, position):
    return transcript.passages.get(position=position)


def test_anonymous_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_outsider_gets_404(client, outsider, url):
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    assert client.get(url, headers=HTMX).status_code == 404


@pytest.mark.parametrize("persona", ["owner", "curator", "annotator"])
def test_members_get_the_full_page(client, request, persona, url, project, transcript):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(url)
    assert response.status_code == 200
    assert response["Vary"] and "HX-Request" in response["Vary"]
    page = response.text
    for part in [
        'id="tag-form"',
        'id="progress"',
        'id="filters"',
        'id="turn-list"',
        'id="side-panel"',
        'id="details"',
        'id="help"',
        "workspace.js",
    ]:
        assert part in page, part
    for t in project.tags.all():
        assert f'data-shortcut="{t.shortcut}"' in page
    for p in transcript.passages.all():
        assert f'data-passage-id="{p.pk}"' in page
    assert "badge interpreted" in page  # Lavrov speaks through an interpreter
    assert 'class="passage stage"' in page  # (Laughter.) is dimmed, not speech
    assert "speaker-0" in page and "speaker-1" in page


def test_page_has_no_inline_scripts_styles_or_handlers(client, annotator, url):
    AnnotationFactory(
        passage=passage(annotator.memberships.get().project.transcripts.get(), 0),
        tag=tag(annotator.memberships.get().project, "c"),
        annotator=annotator,
    )
    client.force_login(annotator)
    page = client.get(url).text
    assert "<script>" not in page and "<script " not in page.replace('<script src="', "")
    assert " style=" not in page and "<style" not in page
    assert " onclick=" not in page and " onkeydown=" not in page


def test_htmx_request_gets_the_turn_list_only(client, annotator, url):
    client.force_login(annotator)
    response = client.get(url, headers=HTMX)
    assert "<html" not in response.text
    assert response.text.lstrip().startswith('<ol id="turn-list"')


def test_htmx_side_panel_and_details_fragments(client, annotator, url):
    client.force_login(annotator)
    panel = client.get(url, headers=HTMX | {"HX-Target": "side-panel"}).text
    assert panel.lstrip().startswith('<section id="side-panel"')
    details = client.get(url, headers=HTMX | {"HX-Target": "details"}).text
    assert details.lstrip().startswith('<section id="details"') and "Select a passage" in details


def test_history_restore_gets_the_full_page(client, annotator, url):
    client.force_login(annotator)
    response = client.get(url, headers=HTMX | {"HX-History-Restore-Request": "true"})
    assert "<html" in response.text


def test_blind_project_hides_other_annotators_work(
    client, project, transcript, annotator, curator, url
):
    project.blind = True
    project.save()
    mine = AnnotationFactory(
        passage=passage(transcript, 0), tag=tag(project, "c"), annotator=annotator
    )
    theirs = AnnotationFactory(
        passage=passage(transcript, 1), tag=tag(project, "m"), annotator=curator
    )
    client.force_login(annotator)
    page = client.get(url).text
    assert f'id="annotation-{mine.pk}"' in page
    assert f'id="annotation-{theirs.pk}"' not in page
    assert "you see your own annotations only" in page
    client.force_login(curator)
    page = client.get(url).text
    assert f'id="annotation-{mine.pk}"' in page and f'id="annotation-{theirs.pk}"' in page


def test_open_project_shows_everyones_annotations(
    client, project, transcript, annotator, curator, url
):
    theirs = AnnotationFactory(
        passage=passage(transcript, 1), tag=tag(project, "m"), annotator=curator
    )
    client.force_login(annotator)
    page = client.get(url).text
    assert f'id="annotation-{theirs.pk}"' in page
    assert "chip tag-" in page and " theirs" in page  # others' work is marked, not only coloured


def test_both_ends_of_a_disagreement_show_the_link(client, project, transcript, annotator, url):
    claim = AnnotationFactory(
        passage=passage(transcript, 1), tag=tag(project, "c"), annotator=annotator
    )
    dispute = AnnotationFactory(
        passage=passage(transcript, 4),
        tag=tag(project, "d"),
        annotator=annotator,
        target=claim,
        target_passage=claim.passage,
    )
    client.force_login(annotator)
    page = client.get(url).text
    assert "disagrees with SECRETARY CLINTON: “We&#x27;re making progress on our agendas.”" in page
    assert "disputed by FOREIGN MINISTER LAVROV: “We disagree on Georgia.”" in page
    assert f'data-link="annotation-{claim.pk}"' in page  # the dispute's chip points at the claim
    assert f'data-link="annotation-{dispute.pk} annotation-{claim.pk}"' in page


def test_span_is_highlighted_with_exact_text(client, project, transcript, annotator, url):
    p = passage(transcript, 1)  # "We're making progress on our agendas."
    a = AnnotationFactory(passage=p, tag=tag(project, "c"), annotator=annotator, start=6, end=21)
    client.force_login(annotator)
    page = client.get(url).text
    assert f'data-annotations="{a.pk}">making progress</mark>' in page
    assert "We&#x27;re <mark" in page


def test_filters_narrow_the_turn_list(client, project, transcript, annotator, curator, url):
    lavrov = transcript.speakers.get(label="FOREIGN MINISTER LAVROV")
    tagged = AnnotationFactory(
        passage=passage(transcript, 5), tag=tag(project, "c"), annotator=annotator
    )
    client.force_login(annotator)
    by_speaker = client.get(url, {"speaker": lavrov.pk}, headers=HTMX).text
    assert "We disagree on Georgia." in by_speaker and "Madam Secretary" not in by_speaker
    by_tag = client.get(url, {"tag": tagged.tag_id}, headers=HTMX).text
    assert "Madam Secretary" in by_tag and "Well, good afternoon." not in by_tag
    untagged = client.get(url, {"untagged": "1"}, headers=HTMX).text
    assert "Well, good afternoon." in untagged and "Madam Secretary" not in untagged
    assert "(Laughter.)" not in untagged  # stage directions are not work to do
    client.force_login(curator)  # my colleague's tag is no reason for me to skip it
    assert "Madam Secretary" in client.get(url, {"untagged": "1"}, headers=HTMX).text
    client.force_login(annotator)
    nothing = client.get(url, {"speaker": lavrov.pk, "tag": tagged.tag_id}, headers=HTMX).text
    assert "No passages match these filters." in nothing
    junk = client.get(url, {"speaker": "x'; drop", "tag": "-1"})
    assert junk.status_code == 200


def test_side_panel_filters(client, project, transcript, annotator, url):
    claim = AnnotationFactory(
        passage=passage(transcript, 0), tag=tag(project, "c"), annotator=annotator
    )
    commitment = AnnotationFactory(
        passage=passage(transcript, 4), tag=tag(project, "m"), annotator=annotator
    )
    lavrov = transcript.speakers.get(label="FOREIGN MINISTER LAVROV")
    client.force_login(annotator)
    headers = HTMX | {"HX-Target": "side-panel"}
    by_tag = client.get(url, {"panel_tag": claim.tag_id}, headers=headers).text
    assert f'data-annotation-id="{claim.pk}"' in by_tag
    assert f'data-annotation-id="{commitment.pk}"' not in by_tag
    by_speaker = client.get(url, {"panel_speaker": lavrov.pk}, headers=headers).text
    assert f'data-annotation-id="{commitment.pk}"' in by_speaker
    assert f'data-annotation-id="{claim.pk}"' not in by_speaker


def test_long_transcript_renders_in_chunks_of_passages(client, project, annotator):
    transcript = long_transcript(copies=3)
    project.transcripts.add(transcript)
    url = reverse("annotations:workspace", args=[project.slug, transcript.pk])
    client.force_login(annotator)
    page = client.get(url).text
    passages = list(transcript.passages.order_by("position"))
    assert page.count('class="passage ') == CHUNK_PASSAGES
    nxt = passages[CHUNK_PASSAGES]
    next_url = f"{url}?from={nxt.position}"
    assert f'hx-get="{next_url}" hx-trigger="revealed' in page
    chunk = client.get(next_url, headers=HTMX).text
    assert "<html" not in chunk and 'id="turn-list"' not in chunk
    assert f'id="passage-{nxt.pk}"' in chunk and f'id="passage-{passages[0].pk}"' not in chunk
    assert chunk.count('class="passage ') == CHUNK_PASSAGES
    last = client.get(f"{url}?from={passages[-1].position}", headers=HTMX).text
    assert last.count('class="passage ') == 1 and "data-more" not in last
    # Without JS the same link is a page of its own, with a way back.
    page = client.get(next_url).text
    assert f'id="passage-{nxt.pk}"' in page and f'id="passage-{passages[0].pk}"' not in page
    assert re.search(rf'<a href="{url}\??">Back to the first turns</a>', page)


def test_a_long_turn_is_cut_between_chunks_and_keeps_one_id(client, project, annotator):
    """Few long turns (a lecture, a deposition) page by passages: a turn longer than a chunk
    goes on in the next one, marked as continued, without a second id="turn-…"."""
    transcript = TranscriptFactory()
    speaker = transcript.speakers.create(label="LECTURER", position=0)
    turn = transcript.turns.create(position=0, speaker=speaker, text="x")
    transcript.passages.bulk_create(
        Passage(transcript=transcript, turn=turn, position=i, text=f"Point {i}.", start=0, end=8)
        for i in range(CHUNK_PASSAGES * 2 + 5)
    )
    project.transcripts.add(transcript)
    url = reverse("annotations:workspace", args=[project.slug, transcript.pk])
    client.force_login(annotator)
    first = client.get(url, headers=HTMX).text
    assert first.count(f'id="turn-{turn.pk}"') == 1 and "continued" not in first
    assert first.count('class="passage ') == CHUNK_PASSAGES
    rest = client.get(url, {"from": CHUNK_PASSAGES}, headers=HTMX).text
    assert f'id="turn-{turn.pk}"' not in rest and 'class="turn speaker-0 continued"' in rest
    assert "LECTURER" in rest and rest.count('class="passage ') == CHUNK_PASSAGES


def test_page_queries_do_not_grow_with_the_transcript(
    client, project, annotator, curator, django_assert_max_num_queries
):
    short = TranscriptWithTurnsFactory()
    long = long_transcript(copies=3)
    # Imported before `long` joins (same source text): otherwise the import finds `long`.
    seed = project.import_transcript(SEED.read_bytes(), filename=SEED.name).transcript
    project.transcripts.add(short, long)
    assert len({short.pk, long.pk, seed.pk}) == 3
    for t in (short, long, seed):
        passages = list(t.passages.speech()[:40])
        for i, p in enumerate(passages):
            claim = AnnotationFactory(passage=p, tag=tag(project, "c"), annotator=annotator)
            if i:
                AnnotationFactory(
                    passage=p,
                    tag=tag(project, "d"),
                    annotator=curator,
                    target=claim,
                    target_passage=passages[i - 1],
                )
    client.force_login(annotator)
    for t in (short, long, seed):
        url = reverse("annotations:workspace", args=[project.slug, t.pk])
        with django_assert_max_num_queries(17):
            assert client.get(url).status_code == 200
        with django_assert_max_num_queries(12):
            client.get(url, headers=HTMX)


def test_progress_records_seen_and_done(client, project, transcript, annotator):
    url = reverse("annotations:progress_update", args=[project.slug, transcript.pk])
    client.force_login(annotator)
    speech = list(transcript.passages.speech().values_list("position", flat=True))
    shown = ",".join(str(p) for p in speech[:3])  # progress.js reports positions on screen
    response = client.post(url, {"seen": shown}, headers=HTMX)
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<span id="progress-figures"')  # figures only
    assert f"<strong>3</strong>/{len(speech)} seen" in response.text
    client.post(url, {"seen": str(speech[0])}, headers=HTMX)  # seen again: counted once
    progress = Progress.objects.get(user=annotator, transcript=transcript)
    assert progress.seen_passages == 3
    response = client.post(url, {"done": "1"}, headers=HTMX)
    assert "Done ✓" in response.text and "Reopen" in response.text
    progress.refresh_from_db()
    assert progress.done_at is not None
    response = client.post(url, {"done": "0"})  # no JS: back to the page
    assert response.status_code == 302
    progress.refresh_from_db()
    assert progress.done_at is None


def test_progress_is_per_member_and_private(client, project, transcript, outsider):
    url = reverse("annotations:progress_update", args=[project.slug, transcript.pk])
    client.force_login(outsider)
    assert client.post(url, {"seen": "3"}).status_code == 404
    assert not Progress.objects.exists()
    assert client.get(url).status_code == 405


def test_tag_colours_come_as_a_stylesheet(client, project, annotator, outsider):
    url = reverse("annotations:tag_styles", args=[project.slug])
    client.force_login(annotator)
    response = client.get(url)
    assert response["Content-Type"].startswith("text/css")
    for t in project.tags.all():
        assert f".tag-{t.pk} {{ --tag-colour: {t.colour}; }}" in response.text
    client.force_login(outsider)
    assert client.get(url).status_code == 404


def test_annotator_of_one_project_cannot_open_anothers_transcript(client, annotator):
    other = ProjectFactory()
    other.transcripts.add(TranscriptWithTurnsFactory())
    Membership.objects.get(user=annotator)  # a member of ours only
    url = reverse("annotations:workspace", args=[other.slug, other.transcripts.get().pk])
    client.force_login(annotator)
    assert client.get(url).status_code == 404


def test_turn_and_passage_times_from_the_source_are_shown(
    client, annotator, project, transcript, url
):
    turn = transcript.turns.get(position=0)
    turn.start_time = 3723.0
    turn.save(update_fields=["start_time"])
    first = passage(transcript, 0)
    first.start_time = 65.5
    first.save(update_fields=["start_time"])
    client.force_login(annotator)
    response = client.get(url)
    assert '<time class="turn-time" title="Time in the source">1:02:03</time>' in response.text
    assert f'data-passage-id="{first.pk}" data-position="0" title="1:05"' in response.text
    assert response.text.count('class="turn-time"') == 1  # turns without a time show none
