"""The Members page, add_member, import_transcript --owner, and blind-by-default projects."""

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from annotations.management.commands.load_demo import SEED_PATH
from annotations.models import Membership, Project

from ..factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def members_url(project):
    return reverse("annotations:member_list", args=[project.slug])


def change_url(membership):
    return reverse("annotations:member_change", args=[membership.project.slug, membership.pk])


def test_owner_adds_a_member_by_email_with_a_role(client, project, owner, members_url):
    newcomer = UserFactory(username="rosa", email="rosa@example.org")
    client.force_login(owner)
    response = client.post(members_url, {"who": "ROSA@example.org", "role": "curator"})
    assert response.status_code == 302
    assert project.memberships.get(user=newcomer).role == "curator"
    page = client.get(members_url)
    assert "rosa" in page.text and "rosa is now curator" in page.text


def test_an_unknown_account_is_a_clear_form_error(client, project, owner, members_url):
    client.force_login(owner)
    response = client.post(members_url, {"who": "nobody", "role": "annotator"})
    assert response.status_code == 400
    assert "No account is called or has the e-mail “nobody”" in response.text


def test_owner_changes_a_role_and_removes_a_member(client, project, owner, annotator):
    client.force_login(owner)
    membership = project.memberships.get(user=annotator)
    client.post(change_url(membership), {"role": "curator"})
    membership.refresh_from_db()
    assert membership.role == "curator"
    client.post(change_url(membership), {"remove": "1"})
    assert not project.memberships.filter(user=annotator).exists()


def test_the_last_owner_cannot_be_removed_or_demoted(client, project, owner, members_url):
    client.force_login(owner)
    mine = project.memberships.get(user=owner)
    page = client.post(change_url(mine), {"remove": "1"}, follow=True)
    assert "last owner" in page.text
    client.post(change_url(mine), {"role": "annotator"})
    mine.refresh_from_db()
    assert mine.role == "owner"
    # With a second owner, the first may step down.
    other = UserFactory()
    project.add_member(other, "owner")
    client.post(change_url(mine), {"role": "curator"})
    mine.refresh_from_db()
    assert mine.role == "curator"


@pytest.mark.parametrize("persona", ["annotator", "curator"])
def test_only_owners_manage_members(client, project, request, members_url, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    assert client.get(members_url).status_code == 200  # they may see who is in the team
    assert client.post(members_url, {"who": user.username, "role": "owner"}).status_code == 403
    membership = project.memberships.get(user=user)
    assert client.post(change_url(membership), {"role": "owner"}).status_code == 403
    membership.refresh_from_db()
    assert membership.role == persona


def test_curators_reveal_and_hide_the_layers(client, project, curator, annotator):
    project.set_blind(True)
    url = reverse("annotations:layers_toggle", args=[project.slug])
    client.force_login(annotator)
    assert client.post(url, {"blind": "0"}).status_code == 403
    client.force_login(curator)
    client.post(url, {"blind": "0"})
    project.refresh_from_db()
    assert not project.blind


def test_new_projects_are_blind(db):
    assert Project.create_with_default_tags(slug="fresh").blind


def test_add_member_command(project):
    user = UserFactory(username="kai", email="kai@example.org")
    call_command("add_member", project.slug, "kai@example.org", "curator")
    assert project.memberships.get(user=user).role == "curator"
    with pytest.raises(CommandError, match="No account"):
        call_command("add_member", project.slug, "ghost", "annotator")
    with pytest.raises(CommandError, match="No project"):
        call_command("add_member", "no-such", "kai", "annotator")


def test_import_transcript_owner_makes_the_project_reachable(client):
    boss = UserFactory(username="lead")
    call_command("import_transcript", str(SEED_PATH), "--project", "hearings", "--owner", "lead")
    project = Project.objects.get(slug="hearings")
    assert project.memberships.get(user=boss).role == Membership.Role.OWNER
    assert project.blind
    client.force_login(boss)
    assert "hearings" in client.get(reverse("annotations:project_list")).text
    with pytest.raises(CommandError, match="no such account"):
        call_command("import_transcript", str(SEED_PATH), "--project", "x", "--owner", "ghost")


def test_mark_as_done_submits_and_reopen_returns_to_draft(
    client, project, transcript, annotator, curator
):
    from annotations.models import Annotation

    from ..factories import AnnotationFactory

    passages = list(transcript.passages.speech())
    mine = [
        AnnotationFactory(passage=p, tag=project.tags.first(), annotator=annotator)
        for p in passages[:2]
    ]
    theirs = AnnotationFactory(passage=passages[0], tag=project.tags.first(), annotator=curator)
    url = reverse("annotations:progress_update", args=[project.slug, transcript.pk])
    client.force_login(annotator)
    response = client.post(url, {"done": "1"}, headers={"HX-Request": "true"})
    assert "Done: 2 annotations submitted." in response.text
    assert {a.status for a in Annotation.objects.filter(pk__in=[a.pk for a in mine])} == {
        "submitted"
    }
    assert Annotation.objects.get(pk=theirs.pk).status == "draft"  # only my own
    client.post(url, {"done": "0"})
    assert {a.status for a in Annotation.objects.filter(annotator=annotator)} == {"draft"}
    # Once a curator has reviewed any of it, it cannot be reopened.
    client.post(url, {"done": "1"})
    Annotation.objects.filter(pk=mine[0].pk).accept(by=curator)
    response = client.post(url, {"done": "0"}, headers={"HX-Request": "true"})
    assert "already reviewed" in response.text
    assert Annotation.objects.get(pk=mine[1].pk).status == "submitted"
