"""The admin annotation search (`?q=`): quotes and notes, answered from trigram indexes on
PostgreSQL (migration 0008); the same results on SQLite, which scans."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.urls import reverse

from ..factories import AnnotationFactory, PassageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("root", "root@example.org", "pw")


def found(client, term) -> set[int]:
    response = client.get(reverse("admin:annotations_annotation_changelist"), {"q": term})
    assert response.status_code == 200
    return {a.pk for a in response.context["cl"].result_list}


def test_search_finds_quotes_and_notes_case_insensitively(client, superuser):
    passage = PassageFactory(text="We will reduce the Arsenals by half.", start=0, end=36)
    by_quote = AnnotationFactory(passage=passage, start=15, end=29)  # "the Arsenals b"
    by_note = AnnotationFactory(note="Check the ARSENAL figure")
    AnnotationFactory(quote="Nothing here", note="")
    client.force_login(superuser)
    assert found(client, "arsenal") == {by_quote.pk, by_note.pk}
    assert found(client, "zzqx") == set()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm is PostgreSQL's")
def test_the_searched_columns_have_trigram_indexes():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexdef LIKE '%%gin_trgm_ops%%'")
        names = {row[0] for row in cursor.fetchall()}
    assert {"annotations_annotation_quote_trgm", "annotations_annotation_note_trgm"} <= names
