"""Dynamic assignment: "Get work" hands out transcripts N at a time, and takes back work left
untouched; owners set it on the Members page; the project page says when work is released."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from annotations.models import Assignment, Membership, Progress, Project, get_work, release_stale

from ..factories import AnnotationFactory, TranscriptWithTurnsFactory, UserFactory
from ..security.test_concurrency import postgresql_only, run_threads

pytestmark = pytest.mark.django_db


@pytest.fixture
def dynamic(project):
    project.set_assignment(mode="dynamic", per_transcript=2, release_after_hours=24)
    project.transcripts.add(*[TranscriptWithTurnsFactory() for _ in range(3)])
    return project


def people(project, n):
    users = [UserFactory(username=f"coder-{i}") for i in range(n)]
    for user in users:
        Membership.objects.create(project=project, user=user)
    return users


def ids(project):
    return list(project.transcripts.order_by("pk").values_list("pk", flat=True))


def test_each_transcript_goes_to_n_annotators_in_order(dynamic):
    first, second, third, fourth, fifth = people(dynamic, 5)
    t1, t2, t3 = ids(dynamic)
    assert get_work(dynamic, first).transcript_id == t1
    assert get_work(dynamic, second).transcript_id == t1  # N = 2: t1 takes a second
    assert get_work(dynamic, third).transcript_id == t2
    assert get_work(dynamic, fourth).transcript_id == t2
    assert get_work(dynamic, fifth).transcript_id == t3
    slots = dict(Assignment.objects.filter(transcript_id=t1).values_list("user_id", "slot"))
    assert slots == {first.pk: 1, second.pk: 2}
    assert Assignment.objects.filter(dynamic=True).count() == 5


def test_the_transcript_in_progress_comes_first_then_the_next_after_done(dynamic):
    (coder,) = people(dynamic, 1)
    t1, t2, _ = ids(dynamic)
    assert get_work(dynamic, coder).transcript_id == t1
    assert get_work(dynamic, coder).transcript_id == t1  # still in progress: the same
    Progress.objects.create(project=dynamic, transcript_id=t1, user=coder).mark_done()
    assert get_work(dynamic, coder).transcript_id == t2  # never the one they have done


def test_nothing_when_every_transcript_is_full(dynamic):
    coders = people(dynamic, 7)
    given = [get_work(dynamic, coder) for coder in coders]
    assert [a is None for a in given] == [False] * 6 + [True]
    per_transcript = dict.fromkeys(ids(dynamic), 0)
    for a in given[:6]:
        per_transcript[a.transcript_id] += 1
    assert set(per_transcript.values()) == {2}


def test_done_without_an_assignment_and_manual_assignments_count(dynamic):
    manual, free, asker = people(dynamic, 3)
    t1, t2, _ = ids(dynamic)
    Assignment.objects.create(project=dynamic, transcript_id=t1, user=manual)
    Progress.objects.create(project=dynamic, transcript_id=t1, user=free, done_at=timezone.now())
    assert get_work(dynamic, asker).transcript_id == t2  # t1 has its two already


def test_two_asking_for_the_same_place_cannot_both_have_it(dynamic):
    first, second = people(dynamic, 2)
    t1 = ids(dynamic)[0]
    Assignment.objects.create(project=dynamic, transcript_id=t1, user=first, dynamic=True, slot=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(
            project=dynamic, transcript_id=t1, user=second, dynamic=True, slot=1
        )


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_many_asking_at_once_never_overshoot_n(project):
    project.set_assignment(mode="dynamic", per_transcript=2, release_after_hours=24)
    project.transcripts.add(*[TranscriptWithTurnsFactory() for _ in range(2)])
    coders = people(project, 8)
    given = {}

    def ask(coder):
        given[coder.pk] = get_work(project, coder)

    run_threads(*[lambda c=coder: ask(c) for coder in coders])
    counts = {}
    for transcript_id in Assignment.objects.values_list("transcript_id", flat=True):
        counts[transcript_id] = counts.get(transcript_id, 0) + 1
    assert sorted(counts.values()) == [2, 2]
    assert sum(a is not None for a in given.values()) == 4


def age(assignment, hours):
    then = timezone.now() - timedelta(hours=hours)
    Assignment.objects.filter(pk=assignment.pk).update(assigned_at=then)
    return then


def test_untouched_work_is_released_when_work_is_asked_for(dynamic):
    idle, busy, asker = people(dynamic, 3)
    t1 = ids(dynamic)[0]
    left = get_work(dynamic, idle)
    kept = get_work(dynamic, busy)
    age(left, 25)
    age(kept, 25)
    # busy read a passage an hour ago; idle did nothing for 25 hours.
    progress = Progress.objects.create(project=dynamic, transcript_id=t1, user=busy)
    progress.record_seen([(0, 1)])
    AnnotationFactory(
        passage=dynamic.passages().filter(transcript_id=t1).speech().first(),
        tag=dynamic.tags.first(),
        annotator=idle,
    )
    # ...but idle's annotation is recent too: nothing is stale yet.
    assert release_stale(dynamic) == 0
    Assignment.objects.filter(pk=left.pk).update(assigned_at=timezone.now() - timedelta(days=3))
    from annotations.models import Annotation

    Annotation.objects.update(updated_at=timezone.now() - timedelta(days=2))
    assert get_work(dynamic, asker).transcript_id == t1  # idle's place, released on asking
    assert not Assignment.objects.filter(pk=left.pk).exists()
    assert Assignment.objects.filter(pk=kept.pk).exists()
    assert Annotation.objects.filter(annotator=idle).exists()  # their work stays


def test_done_and_manual_work_is_never_released(dynamic):
    done, manual = people(dynamic, 2)
    t1, t2, _ = ids(dynamic)
    finished = get_work(dynamic, done)
    Progress.objects.create(project=dynamic, transcript_id=t1, user=done).mark_done()
    by_hand = Assignment.objects.create(project=dynamic, transcript_id=t2, user=manual)
    Progress.objects.update(updated_at=timezone.now() - timedelta(days=9))
    age(finished, 200)
    age(by_hand, 200)
    assert release_stale(dynamic) == 0


def test_release_after_zero_never_releases(dynamic):
    (coder,) = people(dynamic, 1)
    dynamic.set_assignment(mode="dynamic", per_transcript=2, release_after_hours=0)
    age(get_work(dynamic, coder), 10_000)
    assert release_stale(dynamic) == 0


def test_release_work_command(dynamic):
    (coder,) = people(dynamic, 1)
    age(get_work(dynamic, coder), 48)
    out = StringIO()
    call_command("release_work", stdout=out)
    assert f"{dynamic.slug}: released 1 assignment." in out.getvalue()
    assert not Assignment.objects.exists()
    with pytest.raises(CommandError, match="No project 'nope'"):
        call_command("release_work", project="nope")


# ---- views


def test_get_work_opens_the_workspace(client, dynamic, annotator):
    client.force_login(annotator)
    response = client.post(reverse("annotations:work_next", args=[dynamic.slug]))
    t1 = ids(dynamic)[0]
    assert response.status_code == 302
    assert response["Location"] == reverse("annotations:workspace", args=[dynamic.slug, t1])
    page = client.get(dynamic.get_absolute_url())
    assert "Get work" in page.text
    row = page.context["my_work"][0]
    assert row["state"] == "not started" and row["transcript"].pk == t1
    due = Assignment.objects.get().assigned_at + timedelta(hours=24)
    assert row["release_at"] == due
    assert f"if untouched by {timezone.localtime(due):%-d %b %Y %H:%M}" in page.text


def test_get_work_when_nothing_is_left_says_so(client, dynamic, annotator):
    coders = people(dynamic, 6)
    for coder in coders:
        get_work(dynamic, coder)
    client.force_login(annotator)
    page = client.post(reverse("annotations:work_next", args=[dynamic.slug]), follow=True)
    assert "Nothing needs you now" in page.text


def test_get_work_in_a_manual_project_is_refused_politely(client, project, transcript, annotator):
    client.force_login(annotator)
    page = client.post(reverse("annotations:work_next", args=[project.slug]), follow=True)
    assert "assigned by the owners" in page.text
    assert not Assignment.objects.exists()
    assert "Get work" not in client.get(project.get_absolute_url()).text


def test_owner_switches_to_dynamic_on_the_members_page(client, project, owner):
    client.force_login(owner)
    url = reverse("annotations:assignments_update", args=[project.slug])
    data = {"action": "mode", "mode": "dynamic", "per_transcript": 3, "release_after_hours": 8}
    page = client.post(url, data, follow=True)
    assert "Assignment: Dynamic" in page.text
    assert "fewer than 3 annotators" in page.text and "8 hours" in page.text
    project.refresh_from_db()
    assert (project.assignment_mode, project.annotators_per_transcript) == ("dynamic", 3)
    assert project.release_after_hours == 8


@pytest.mark.parametrize(
    "bad", [{"per_transcript": 0}, {"per_transcript": "x"}, {"release_after_hours": -1}]
)
def test_bad_settings_are_refused_with_a_reason(client, project, owner, bad):
    client.force_login(owner)
    url = reverse("annotations:assignments_update", args=[project.slug])
    data = {"action": "mode", "mode": "dynamic", "per_transcript": 2, "release_after_hours": 8}
    page = client.post(url, {**data, **bad}, follow=True)
    assert page.status_code == 200 and "Assignment: Dynamic" not in page.text
    assert project.__class__.objects.get().assignment_mode == Project.Assigning.MANUAL


@pytest.mark.parametrize("persona", ["annotator", "curator"])
def test_only_owners_change_the_mode(client, project, request, persona):
    client.force_login(request.getfixturevalue(persona))
    url = reverse("annotations:assignments_update", args=[project.slug])
    data = {"action": "mode", "mode": "dynamic", "per_transcript": 2, "release_after_hours": 8}
    assert client.post(url, data).status_code == 403
    assert Project.objects.get().assignment_mode == "manual"


def test_outsider_cannot_ask_for_work(client, dynamic, outsider):
    client.force_login(outsider)
    assert client.post(reverse("annotations:work_next", args=[dynamic.slug])).status_code == 404
    assert client.get(reverse("annotations:work_next", args=[dynamic.slug])).status_code == 405
    assert not Assignment.objects.exists()


def test_members_page_says_when_dynamic_work_is_released(client, dynamic, owner):
    (coder,) = people(dynamic, 1)
    given = get_work(dynamic, coder)
    client.force_login(owner)
    page = client.get(reverse("annotations:member_list", args=[dynamic.slug]))
    due = timezone.localtime(given.assigned_at + timedelta(hours=24))
    assert f"released if untouched by {due:%-d %b %Y %H:%M}" in page.text
    assert "asked for it" in page.text


def test_get_work_query_count_does_not_grow(dynamic, django_assert_max_num_queries):
    dynamic.transcripts.add(*[TranscriptWithTurnsFactory() for _ in range(20)])
    coders = people(dynamic, 30)
    for coder in coders[:-1]:
        get_work(dynamic, coder)
    with django_assert_max_num_queries(10):
        assert get_work(dynamic, coders[-1]) is not None
    assert connection.vendor in {"sqlite", "postgresql"}
