import pytest
from django.db import IntegrityError, transaction

from annotations.models import Annotation, Membership, Project, Tag

from ..factories import AnnotationFactory, PassageFactory, ProjectFactory, TagFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_new_project_gets_the_three_default_tags():
    project = Project.create_with_default_tags(slug="debates", name="Debates")
    tags = {tag.name: tag for tag in project.tags.all()}
    assert [(t.name, t.shortcut) for t in project.tags.all()] == [
        ("Claim", "c"),
        ("Commitment", "m"),
        ("Disagreement", "d"),
    ]
    assert tags["Disagreement"].needs_target
    assert not tags["Claim"].needs_target


def test_create_with_owner_adds_membership():
    user = UserFactory()
    project = Project.create_with_default_tags(slug="p", owner=user)
    assert project.role_of(user) == Membership.Role.OWNER


def test_for_user_lists_only_my_projects(annotator, project):
    ProjectFactory()
    assert list(Project.objects.for_user(annotator)) == [project]


@pytest.mark.parametrize(("start", "end"), [(5, 5), (6, 2), (None, 3), (3, None)])
def test_database_rejects_bad_span(start, end):
    passage, tag, user = PassageFactory(), TagFactory(), UserFactory()
    tag.project.transcripts.add(passage.transcript)
    with pytest.raises(IntegrityError), transaction.atomic():
        Annotation.objects.create(passage=passage, tag=tag, annotator=user, start=start, end=end)


def test_database_rejects_target_without_passage():
    target = AnnotationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        AnnotationFactory(target=target, target_passage=None, tag=target.tag)


def test_database_rejects_duplicate_shortcut_in_project():
    project = ProjectFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Tag.objects.create(project=project, name="Other", shortcut="c")


@pytest.mark.parametrize("shortcut", ["C", "1", " "])
def test_database_rejects_shortcut_that_is_not_a_lower_case_letter(shortcut):
    with pytest.raises(IntegrityError), transaction.atomic():
        TagFactory(shortcut=shortcut)


def test_membership_is_unique_per_user_and_project(annotator, project):
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(project=project, user=annotator, role="curator")


def test_blind_project_annotator_sees_only_own(project, annotator, curator):
    project.blind = True
    project.save()
    passage = PassageFactory()
    tag = project.tags.first()
    mine = AnnotationFactory(passage=passage, tag=tag, annotator=annotator)
    AnnotationFactory(passage=passage, tag=tag, annotator=curator)
    annotator_membership = project.memberships.get(user=annotator)
    curator_membership = project.memberships.get(user=curator)
    assert list(Annotation.objects.visible_to(annotator_membership)) == [mine]
    assert Annotation.objects.visible_to(curator_membership).count() == 2


def test_accept_marks_reviewer_and_bumps_version(curator):
    annotation = AnnotationFactory()
    Annotation.objects.filter(pk=annotation.pk).accept(by=curator)
    annotation.refresh_from_db()
    assert annotation.status == Annotation.Status.ACCEPTED
    assert annotation.reviewed_by == curator
    assert annotation.version == 2


def test_tag_clean_attributes_checks_choices():
    tag = Project.create_with_default_tags(slug="x").tags.get(name="Commitment")
    cleaned, errors = tag.clean_attributes({"strength": "maybe", "actor": " Russia ", "bogus": "1"})
    assert cleaned == {"actor": "Russia"}
    assert "strength" in errors


@pytest.mark.parametrize("status", ["accepted", "rejected"])
def test_annotators_edit_of_reviewed_work_goes_back_to_review(project, annotator, status):
    annotation = AnnotationFactory(tag=project.tags.get(shortcut="c"), status=status)
    membership = Membership.objects.get(user=annotator, project=project)
    assert annotation.edited_by(membership) is True
    assert annotation.status == Annotation.Status.SUBMITTED


@pytest.mark.parametrize("persona", ["curator", "owner"])
def test_curators_edit_keeps_the_review(request, project, persona):
    annotation = AnnotationFactory(tag=project.tags.get(shortcut="c"), status="accepted")
    user = request.getfixturevalue(persona)
    membership = Membership.objects.get(user=user, project=project)
    assert annotation.edited_by(membership) is False
    assert annotation.status == Annotation.Status.ACCEPTED


@pytest.mark.parametrize("status", ["draft", "submitted"])
def test_unreviewed_work_keeps_its_status(project, annotator, status):
    annotation = AnnotationFactory(tag=project.tags.get(shortcut="c"), status=status)
    membership = Membership.objects.get(user=annotator, project=project)
    assert annotation.edited_by(membership) is False
    assert annotation.status == status
