"""Assignments: by hand and distributed (balanced, deterministic), shown on the project page."""

import pytest
from django.urls import reverse
from django.utils import timezone

from annotations.models import Assignment, Membership, distribute

from ..factories import ProgressFactory, TranscriptWithTurnsFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(project):
    people = [UserFactory(username=f"coder-{n}") for n in range(3)]
    for person in people:
        Membership.objects.create(project=project, user=person)
    project.transcripts.add(*[TranscriptWithTurnsFactory() for _ in range(4)])
    return people


def test_distribute_gives_each_transcript_k_and_balances_the_load(project, team):
    assert distribute(project, 2) == 8
    per_transcript = {}
    per_user = {}
    for transcript_id, user_id in Assignment.objects.values_list("transcript_id", "user_id"):
        per_transcript[transcript_id] = per_transcript.get(transcript_id, 0) + 1
        per_user[user_id] = per_user.get(user_id, 0) + 1
    assert set(per_transcript.values()) == {2}
    assert max(per_user.values()) - min(per_user.values()) <= 1
    assert distribute(project, 2) == 0  # nothing new: it never duplicates or takes away
    first = list(Assignment.objects.order_by("pk").values_list("transcript_id", "user_id"))
    Assignment.objects.all().delete()
    distribute(project, 2)
    again = list(Assignment.objects.order_by("pk").values_list("transcript_id", "user_id"))
    assert again == first  # deterministic


def test_owner_assigns_by_hand_and_the_project_page_shows_progress(client, project, owner, team):
    client.force_login(owner)
    transcript = project.transcripts.order_by("pk").first()
    member = project.memberships.get(user=team[0])
    url = reverse("annotations:assignments_update", args=[project.slug])
    client.post(url, {"action": "assign", "transcript": transcript.pk, "member": member.pk})
    assert Assignment.objects.filter(transcript=transcript, user=team[0]).exists()
    ProgressFactory(project=project, transcript=transcript, user=team[0], seen_passages=3)
    page = client.get(project.get_absolute_url())
    assert "coder-0 · in progress" in page.text
    Progress = ProgressFactory._meta.model
    Progress.objects.filter(user=team[0]).update(done_at=timezone.now())
    assert "coder-0 · done" in client.get(project.get_absolute_url()).text
    client.post(url, {"action": "unassign", "transcript": transcript.pk, "member": member.pk})
    assert not Assignment.objects.exists()


def test_only_owners_assign(client, project, curator, team):
    client.force_login(curator)
    url = reverse("annotations:assignments_update", args=[project.slug])
    assert client.post(url, {"action": "distribute", "per_transcript": 2}).status_code == 403
    assert not Assignment.objects.exists()


def test_distribute_refuses_a_silly_number(client, project, owner, team):
    client.force_login(owner)
    url = reverse("annotations:assignments_update", args=[project.slug])
    page = client.post(url, {"action": "distribute", "per_transcript": "9" * 40}, follow=True)
    assert "1 to 50" in page.text and not Assignment.objects.exists()
