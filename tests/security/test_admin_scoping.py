"""A staff curator of project A cannot reach into project B through any admin form.

Lists were scoped already; these are the form choices and posted ids: every foreign key and
many-to-many choice of every add and change form offers only A's objects, posting B's is a
form error, and memberships (who works on a project, in which role) are for owners.
"""

import pytest
from django.contrib.admin import site
from django.contrib.auth.models import Permission
from django.forms import ModelChoiceField
from django.test import RequestFactory
from django.urls import reverse

from annotations.admin_scope import PROJECT_PATHS
from annotations.models import Annotation, Membership, Tag

from ..annotations.test_admin import change_form_data as annotation_form
from ..factories import AnnotationFactory, ProjectFactory, TranscriptWithTurnsFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def a(db):
    project = ProjectFactory(slug="team-a")
    project.transcripts.add(TranscriptWithTurnsFactory())
    return project


@pytest.fixture
def b(db):
    project = ProjectFactory(slug="team-b")
    transcript = TranscriptWithTurnsFactory()
    project.transcripts.add(transcript)
    AnnotationFactory(passage=transcript.passages.first(), tag=project.tags.first())
    return project


@pytest.fixture
def staff_curator(a, b):
    """Curator of A with staff status and every model permission: only scoping stops them."""
    user = UserFactory(username="staff-curator", is_staff=True)
    user.user_permissions.set(Permission.objects.all())
    Membership.objects.create(project=a, user=user, role=Membership.Role.CURATOR)
    return user


@pytest.fixture
def admin_client(client, staff_curator):
    client.force_login(staff_curator)
    return client


def add_url(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")


def change_url(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def test_curator_cannot_make_themselves_owner_of_another_project(admin_client, staff_curator, b):
    data = {"project": b.pk, "user": staff_curator.pk, "role": "owner"}
    response = admin_client.post(add_url(Membership), data)
    assert response.status_code == 200  # the form again, with its error
    assert "Select a valid choice" in response.text
    assert not Membership.objects.filter(project=b, user=staff_curator).exists()


def test_curator_cannot_promote_themselves_in_their_own_project(admin_client, staff_curator, a):
    membership = Membership.objects.get(project=a, user=staff_curator)
    data = {"project": a.pk, "user": staff_curator.pk, "role": "owner"}
    assert admin_client.post(change_url(membership), data).status_code == 403
    assert admin_client.post(add_url(Membership), data).status_code == 200
    membership.refresh_from_db()
    assert membership.role == "curator"


def test_curator_cannot_add_an_annotation_in_another_project(admin_client, staff_curator, b):
    passage = b.transcripts.get().passages.first()
    data = annotation_form(
        Annotation(passage=passage, tag=b.tags.first(), annotator=staff_curator, quote="x")
    )
    del data["seen_version"]
    response = admin_client.post(add_url(Annotation), data)
    assert response.status_code == 200 and "Select a valid choice" in response.text
    assert Annotation.objects.count() == 1  # only B's own


def test_curator_cannot_add_a_tag_to_another_project(admin_client, b):
    data = {"project": b.pk, "name": "Sneaky", "shortcut": "s", "colour": "#123456"}
    response = admin_client.post(add_url(Tag), data | {"attribute_schema": "[]", "position": 0})
    assert response.status_code == 200 and "Select a valid choice" in response.text
    assert not Tag.objects.filter(name="Sneaky").exists()


def test_curator_cannot_move_an_annotation_into_another_project(admin_client, a, b):
    passage = a.transcripts.get().passages.first()
    ours = AnnotationFactory(passage=passage, tag=a.tags.first())
    response = admin_client.post(change_url(ours), annotation_form(ours, tag=b.tags.first().pk))
    assert response.status_code == 200 and "Select a valid choice" in response.text
    ours.refresh_from_db()
    assert (ours.passage, ours.tag, ours.version) == (passage, a.tags.first(), 1)


def test_the_change_form_never_moves_an_annotation_to_another_passage(admin_client, a, b):
    # The passage is shown read-only (with its neighbours): a posted one is ignored.
    passage = a.transcripts.get().passages.first()
    ours = AnnotationFactory(passage=passage, tag=a.tags.first())
    theirs = b.transcripts.get().passages.first().pk
    response = admin_client.post(change_url(ours), annotation_form(ours, passage=theirs))
    assert response.status_code == 302
    ours.refresh_from_db()
    assert (ours.passage, ours.version) == (passage, 1)


def test_a_curator_of_both_still_cannot_mix_them_in_one_annotation(
    admin_client, staff_curator, a, b
):
    Membership.objects.create(project=b, user=staff_curator, role=Membership.Role.CURATOR)
    ours = AnnotationFactory(passage=a.transcripts.get().passages.first(), tag=a.tags.first())
    data = annotation_form(ours, tag=b.tags.first().pk)  # both offered, but not together
    response = admin_client.post(change_url(ours), data)
    assert response.status_code == 200 and "in the tag&#x27;s project" in response.text
    ours.refresh_from_db()
    assert ours.tag == a.tags.first()


def test_every_admin_form_offers_only_the_curators_projects_objects(staff_curator, a, b):
    """The walk: each add and change form of each scoped admin, each choice field."""
    request = RequestFactory().get("/admin/")
    request.user = staff_curator
    foreign_by_model = {
        model: set(
            model._default_manager.filter(
                **{f"{path}__in" if path else "pk__in": [b.pk]}
            ).values_list("pk", flat=True)
        )
        for model, path in PROJECT_PATHS.items()
    }
    foreign_users = {u.pk for u in UserFactory.create_batch(2)}  # in no project of ours
    walked = 0
    for model in PROJECT_PATHS:
        model_admin = site.get_model_admin(model)
        mine = model_admin.get_queryset(request).first()
        for obj in [None, mine]:
            form = model_admin.get_form(request, obj)(instance=obj)
            for name, formfield in form.base_fields.items():
                if not isinstance(formfield, ModelChoiceField):
                    continue
                related = formfield.queryset.model
                offered = set(formfield.queryset.values_list("pk", flat=True))
                walked += 1
                if related in foreign_by_model:
                    leaked = offered & foreign_by_model[related]
                    assert not leaked, f"{model.__name__}.{name} offers B's {related.__name__}"
                elif related is staff_curator.__class__ and model is not Membership:
                    assert not offered & foreign_users, f"{model.__name__}.{name} offers outsiders"
    assert walked > 15
