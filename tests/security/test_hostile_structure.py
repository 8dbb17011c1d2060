"""The structure editor from outside: every edit with ids of another transcript, missing,
negative, huge or non-numeric values, and over-long names answers with a refusal (never a 500)
and changes nothing of the other transcript."""

import pytest
from django.urls import reverse

from annotations.views.structure import ACTIONS
from transcripts.models import Passage, Speaker, Turn

from ..conftest import HTMX
from ..factories import TranscriptWithTurnsFactory

pytestmark = pytest.mark.django_db

FIELDS = ["speaker", "into", "turn", "passage", "at"]


def payloads(other):
    foreign = {
        "speaker": other.speakers.first().pk,
        "into": other.speakers.last().pk,
        "turn": other.turns.last().pk,
        "passage": other.passages.last().pk,
        "at": 3,
    }
    yield foreign
    yield {}
    for bad in ["-1", "0", str(2**63), "x", "1e3", " 1", "9" * 40]:
        yield dict.fromkeys(FIELDS, bad)
    yield {**foreign, "name": "N" * 10_000, "speaker_name": "S" * 10_000}


def layout(transcript):
    return (
        list(Speaker.objects.filter(transcript=transcript).values_list("pk", "label")),
        list(Turn.objects.filter(transcript=transcript).values_list("pk", "speaker_id")),
        list(Passage.objects.filter(transcript=transcript).values_list("pk", "text", "kind")),
    )


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_hostile_edits_are_refused_and_change_nothing_elsewhere(
    client, curator, project, transcript, action
):
    other = TranscriptWithTurnsFactory()  # not in the curator's project
    before = layout(other)
    client.force_login(curator)
    url = reverse("annotations:structure_editor", args=[project.slug, transcript.pk])
    for data in payloads(other):
        response = client.post(url, {"action": action, **data}, headers=HTMX)
        assert response.status_code in (200, 400, 404, 422), (action, data, response.status_code)
    assert layout(other) == before
