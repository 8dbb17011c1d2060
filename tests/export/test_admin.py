"""The admin action "Export selected to CSV": the export page's long CSV, streamed."""

import csv
import io

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from annotations.export import LONG_COLUMNS

from ..factories import UserFactory

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:annotations_annotation_changelist")


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", is_staff=True, is_superuser=True)


def post_action(client, pks):
    return client.post(
        CHANGELIST, {"action": "export_selected_csv", ACTION_CHECKBOX_NAME: [str(pk) for pk in pks]}
    )


def test_action_is_offered(client, admin_user, tagged):
    client.force_login(admin_user)
    assert b"Export selected to CSV" in client.get(CHANGELIST).content


def test_exports_only_the_selected_rows_with_the_same_columns(client, admin_user, tagged):
    claim, _ = tagged
    client.force_login(admin_user)
    response = post_action(client, [claim.pk])
    assert response.streaming
    assert response["Content-Disposition"] == 'attachment; filename="annotations.csv"'
    text = b"".join(response.streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert [r["annotation_id"] for r in rows] == [str(claim.pk)]
    assert list(rows[0])[: len(LONG_COLUMNS)] == LONG_COLUMNS
    assert rows[0]["attr_type"] == "factual"


def test_staff_without_view_permission_cannot_export(client, tagged):
    staff = UserFactory(username="clerk", is_staff=True)
    client.force_login(staff)
    assert post_action(client, [tagged[0].pk]).status_code == 403
